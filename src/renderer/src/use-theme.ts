// The colour theme: the system's (prefers-color-scheme, styles.css) unless the user chose light
// or dark in Settings, which theme.css applies through <html data-theme>.
import { useEffect, useSyncExternalStore } from 'react';
import type { Settings } from '../../shared/settings.ts';

export function useTheme(theme: Settings['appearance.theme']): void {
  useEffect(() => {
    const root = document.documentElement;
    if (theme === 'system') delete root.dataset.theme;
    else root.dataset.theme = theme;
  }, [theme]);
}

/** Whether the app shows dark colours now (the user's choice, else the system's). */
export function isDark(): boolean {
  const chosen = document.documentElement.dataset.theme;
  if (chosen) return chosen === 'dark';
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false;
}

/** Calls `changed` when the theme may have changed: the user's choice (<html data-theme>) or the system's. */
function subscribeTheme(changed: () => void): () => void {
  const observer = new MutationObserver(changed);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  const media = window.matchMedia?.('(prefers-color-scheme: dark)');
  media?.addEventListener('change', changed);
  return () => {
    observer.disconnect();
    media?.removeEventListener('change', changed);
  };
}

/** isDark(), kept current: a component using it renders again when the theme changes (the message frame's colours). */
export function useDark(): boolean {
  return useSyncExternalStore(subscribeTheme, isDark, () => false);
}

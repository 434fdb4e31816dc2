// The colour theme: the system's (prefers-color-scheme, styles.css) unless the user chose light
// or dark in Settings, which theme.css applies through <html data-theme>.
import { useEffect } from 'react';
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

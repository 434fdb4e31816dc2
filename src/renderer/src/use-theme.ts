// Light or dark: the system's choice unless the user picks one; remembered across reloads. The
// choice is a data-theme attribute on <html> that styles.css reads.
import { useEffect } from 'react';
import { z } from 'zod';
import { useStoredState } from './stored-state.ts';

export const Theme = z.enum(['system', 'light', 'dark']);
export type Theme = z.infer<typeof Theme>;

/** Whether the page shows dark now (the chosen theme, or the system's). */
export function isDark(): boolean {
  const chosen = document.documentElement.dataset.theme;
  if (chosen === 'dark' || chosen === 'light') return chosen === 'dark';
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false;
}

export function useTheme(): [Theme, (theme: Theme) => void] {
  const [theme, setTheme] = useStoredState<Theme>('hearth.theme', Theme, 'system');
  useEffect(() => {
    if (theme === 'system') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = theme;
  }, [theme]);
  return [theme, setTheme];
}

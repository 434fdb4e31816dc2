// Pure URL policy for the Electron shell (kept free of `electron` so it is unit-tested in Node).

/** Links from messages and the UI open outside Hearth only for these schemes. */
export function isAllowedExternalUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'mailto:';
  } catch {
    return false;
  }
}

/** The renderer may only ever be the app's own page (its file or the dev server origin). */
export function isTrustedRendererUrl(url: string, rendererUrl: string): boolean {
  try {
    const u = new URL(url);
    const r = new URL(rendererUrl);
    if (r.protocol === 'file:') return u.protocol === 'file:' && u.pathname === r.pathname;
    return u.origin === r.origin;
  } catch {
    return false;
  }
}

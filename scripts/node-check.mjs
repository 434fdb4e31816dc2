// The Node.js version Hearth needs, checked in plain JavaScript so that an older Node can still
// run it and say what to do instead of failing on the first .ts file (ERR_UNKNOWN_FILE_EXTENSION).

/** Electron 45 embeds Node 24; the sources run under its type stripping. */
export const REQUIRED_NODE_MAJOR = 24;

/**
 * One line saying which Node is needed and how to get it, or null when `version` (like
 * process.versions.node, "20.19.2") is new enough.
 */
export function nodeVersionProblem(version) {
  const major = Number(String(version).replace(/^v/, '').split('.')[0]);
  if (major >= REQUIRED_NODE_MAJOR) return null;
  return (
    `Hearth needs Node.js ${REQUIRED_NODE_MAJOR} or newer (this is ${version}): install it from nodejs.org or with nvm, ` +
    `or here: npm install --prefix .tools node@${REQUIRED_NODE_MAJOR} && export PATH="$PWD/.tools/node_modules/.bin:$PATH"`
  );
}

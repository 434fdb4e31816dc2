// electron-builder (`npm run dist`): Linux (AppImage, deb), macOS (dmg), Windows (nsis).
// Where Electron cannot be downloaded, point HEARTH_ELECTRON_DIST at an unpacked Electron
// (the folder holding the `electron` binary) and it is used instead of a download; the tests
// build `--linux dir` that way against a stand-in (test/packaging/asar.test.ts).
//
// The asar holds the built app (out/: main, preload, renderer) and the production dependencies
// that the main bundle imports at run time, nothing else: every build tool is a devDependency.

/** @type {import('electron-builder').Configuration} */
module.exports = {
  appId: 'org.hearth.mail',
  productName: 'Hearth',
  copyright: 'Copyright © Hearth contributors',
  directories: { buildResources: 'resources', output: 'dist' },
  files: [
    'out/**',
    'package.json',
    '!**/*.map',
    // Dependencies' TypeScript sources, typings and tests, and their READMEs, never run (licences stay).
    '!**/node_modules/**/*.{ts,mts,cts}',
    '!**/node_modules/**/{README,CHANGELOG,HISTORY,CHANGES}*',
  ],
  extraMetadata: { main: 'out/main/index.js' },
  // Beside the app: the window icon (Linux) and Hearth's licence next to Electron's and Chromium's.
  extraResources: [{ from: 'resources/icon.png', to: 'icon.png' }],
  extraFiles: [{ from: 'LICENSE', to: 'LICENSE.hearth.txt' }],
  // Electron fuses (https://www.electronjs.org/docs/latest/tutorial/fuses): the packaged binary
  // runs no other code than the app's own asar, and cannot be turned into a Node or an inspector.
  electronFuses: {
    runAsNode: false,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
  },
  ...(process.env.HEARTH_ELECTRON_DIST ? { electronDist: process.env.HEARTH_ELECTRON_DIST } : {}),
  protocols: [{ name: 'Email', schemes: ['mailto'] }],
  // Double-clicking a saved message opens it in Hearth's reader window (src/main/desktop/eml-files.ts).
  fileAssociations: [{ ext: 'eml', name: 'Email Message', mimeType: 'message/rfc822', role: 'Viewer' }],
  linux: {
    target: ['AppImage', 'deb'],
    icon: 'resources/icon.png',
    category: 'Network;Email',
    maintainer: 'Hearth <hearth@home.arpa>',
    mimeTypes: ['x-scheme-handler/mailto', 'message/rfc822'],
    // Main's young generation capped from the start (src/main/base/small-heap.ts).
    executableArgs: ['--js-flags=--max-semi-space-size=4'],
  },
  deb: { priority: 'optional' },
  mac: { target: ['dmg'], icon: 'resources/icon.png', category: 'public.app-category.productivity', hardenedRuntime: true },
  win: { target: ['nsis'], icon: 'resources/icon.png' },
  nsis: { oneClick: false, allowToChangeInstallationDirectory: true, perMachine: false },
};

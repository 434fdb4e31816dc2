// electron-builder: Linux (AppImage, deb), macOS (dmg), Windows (nsis).
// Where Electron cannot be downloaded, point HEARTH_ELECTRON_DIST at an unpacked Electron
// (the folder holding the `electron` binary) and it is used instead of a download.
/** @type {import('electron-builder').Configuration} */
module.exports = {
  appId: 'org.hearth.mail',
  productName: 'Hearth',
  copyright: 'Copyright © Hearth contributors',
  directories: { buildResources: 'resources', output: 'dist' },
  files: ['out/**', 'bin/**', 'package.json', '!**/*.map'],
  extraMetadata: { main: 'out/main/index.js' },
  ...(process.env.HEARTH_ELECTRON_DIST ? { electronDist: process.env.HEARTH_ELECTRON_DIST } : {}),
  protocols: [{ name: 'Email', schemes: ['mailto'] }],
  linux: {
    target: ['AppImage', 'deb'],
    icon: 'resources/icon.png',
    category: 'Network;Email',
    maintainer: 'Hearth <hearth@home.arpa>',
    mimeTypes: ['x-scheme-handler/mailto', 'message/rfc822'],
  },
  deb: { priority: 'optional' },
  mac: { target: ['dmg'], icon: 'resources/icon.png', category: 'public.app-category.productivity', hardenedRuntime: true },
  win: { target: ['nsis'], icon: 'resources/icon.png' },
  nsis: { oneClick: false, allowToChangeInstallationDirectory: true, perMachine: false },
};

import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  main: {
    build: {
      // The Electron shell is the only module that imports `electron`; everything it starts is plain Node.
      rollupOptions: { input: { index: resolve(import.meta.dirname, 'src/main/electron/main.ts') } },
    },
  },
  preload: {
    build: {
      // Sandboxed preloads cannot require() packages: bundle everything into one CommonJS file.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(import.meta.dirname, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'src/renderer'),
    // Minified: the renderer's code is parsed before the first paint (2.4 MB unminified). The
    // manifest lists the parts loaded on first use, for the service worker to keep offline.
    build: { minify: true, manifest: true, rollupOptions: { input: resolve(import.meta.dirname, 'src/renderer/index.html') } },
    plugins: [react()],
  },
});

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createTransport } from './api/transport.ts';
import { HearthDb } from './db.ts';
import { CacheSync, writingAccountsThrough } from './cache-sync.ts';
import { OfflineMirror } from './offline-mirror.ts';
import { App } from './App.tsx';
import { EmlReader } from './components/EmlReader.tsx';
import { notifyNewMail } from './notify.ts';
import { mirrorSettings } from './app-settings.ts';
import { preloadLazyScreens } from './lazy-screens.ts';
import './styles.css';
import './theme.css';

const db = new HearthDb();
const api = writingAccountsThrough(createTransport(), db);
// A reader window for an opened message file (?eml=<id>) shows only that file.
const emlFileId = new URLSearchParams(location.search).get('eml');
// In Electron, main announces new mail natively (src/main/desktop/); the browser host does it here.
const sync = emlFileId ? null : new CacheSync(db, api, (added) => api.kind === 'web' && void notifyNewMail(db, added));
sync?.start();
// The browser keeps bodies for offline reading; Electron reads main's own offline copies directly.
const offline = sync && api.kind === 'web' ? new OfflineMirror(db, api) : null;
// Main's settings, kept in this window (the offline copy follows a new window or size at once).
if (sync) mirrorSettings(api, db, () => offline && void offline.fill());
if (sync && offline) {
  sync.onPulled(() => void offline.fill());
  api.onState((s) => s === 'online' && void offline.fill());
}

// In the browser host the app shell is cached by a service worker, so a reload works while the
// host is down and cached mail stays readable. Electron loads it from disk and needs none.
if (api.kind === 'web' && 'serviceWorker' in navigator) {
  void navigator.serviceWorker.register('./sw.js').catch(() => {});
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>{emlFileId ? <EmlReader api={api} fileId={emlFileId} /> : <App api={api} db={db} offline={offline} />}</StrictMode>,
);
preloadLazyScreens();

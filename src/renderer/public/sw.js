// App-shell cache for the browser host: the page network first (so a new build is picked up at
// once), the cached copy when the host is down. The build's scripts and stylesheets (assets/, their
// names carry a hash of their content, so a name never stands for another file) come from the cache
// when it has them: a cold start then neither waits for the host (busy starting up) for 0.6 MB of
// script nor writes it into the cache again, and Chromium keeps the compiled code of scripts
// served from the cache. Only same-origin GETs of the app itself are cached.
const CACHE = 'hearth-shell-v1';

/** A file of the build named by its content (vite's assets/name-HASH.ext). */
const immutable = (url) => url.pathname.startsWith('/assets/');

// Precache the page, every script and stylesheet it names, and the parts loaded on first use
// (the build's manifest lists them; their names carry build hashes).
async function precache() {
  const cache = await caches.open(CACHE);
  const res = await fetch('./index.html', { cache: 'no-store' });
  const html = await res.clone().text();
  await cache.put('./index.html', res);
  const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]).filter((u) => !/^[a-z]+:/i.test(u));
  const manifest = await fetch('./.vite/manifest.json', { cache: 'no-store' })
    .then((r) => (r.ok ? r.json() : {}))
    .catch(() => ({}));
  for (const entry of Object.values(manifest)) assets.push(`./${entry.file}`, ...(entry.css ?? []).map((c) => `./${c}`));
  await cache.addAll([...new Set(assets.map((a) => new URL(a, self.location.href).href))]);
}

self.addEventListener('install', (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin || url.pathname === '/api') return;
  if (immutable(url)) {
    event.respondWith(
      caches.match(req).then(
        (hit) =>
          hit ??
          fetch(req).then((res) => {
            if (res.ok) {
              const copy = res.clone();
              void caches.open(CACHE).then((c) => c.put(req, copy));
            }
            return res;
          }),
      ),
    );
    return;
  }
  event.respondWith(
    fetch(req)
      .then((res) => {
        if (res.ok) {
          const copy = res.clone();
          void caches.open(CACHE).then((c) => c.put(req.mode === 'navigate' ? './index.html' : req, copy));
        }
        return res;
      })
      .catch(async () => (await caches.match(req.mode === 'navigate' ? './index.html' : req)) ?? Response.error()),
  );
});

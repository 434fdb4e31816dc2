// A throwaway npm registry on loopback that serves exactly the production dependencies this
// checkout has installed (package-lock.json entries not marked dev), packed from node_modules with
// GNU tar. It lets a test run a real `npm install -g` of Hearth's tarball with no network and
// whatever the machine's npm cache holds.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

interface Manifest {
  name: string;
  version: string;
  [field: string]: unknown;
}

export interface LoopbackRegistry {
  url: string;
  /** Package names npm asked for that this registry does not have. */
  misses: string[];
  close(): Promise<void>;
}

/** The fields of a package.json that npm's resolver reads from a packument's version entry. */
const MANIFEST_FIELDS = [
  'name',
  'version',
  'dependencies',
  'optionalDependencies',
  'peerDependencies',
  'peerDependenciesMeta',
  'bin',
  'engines',
  'os',
  'cpu',
  'license',
];

export async function startLoopbackRegistry(root: string): Promise<LoopbackRegistry> {
  const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; link?: boolean }> };
  const packuments = new Map<string, { name: string; 'dist-tags': Record<string, string>; versions: Record<string, Manifest> }>();
  const tarballs = new Map<string, Buffer>();
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  for (const [where, entry] of Object.entries(lock.packages)) {
    if (!where.startsWith('node_modules/') || entry.dev || entry.link) continue;
    const dir = path.join(root, where);
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;
    const id = `${pkg.name}@${pkg.version}`;
    const file = `${pkg.name.replace('/', '-')}-${pkg.version}.tgz`;
    if (tarballs.has(file)) continue;
    // The installed folder is the package's content; its own nested node_modules are not.
    const tar = spawnSync('tar', ['-cz', '--exclude=./node_modules', '--transform=s,^\\.,package,', '-C', dir, '.'], { maxBuffer: 256 * 1024 * 1024 });
    if (tar.status !== 0) throw new Error(`could not pack ${id}: ${tar.stderr}`);
    tarballs.set(file, tar.stdout);
    const manifest = Object.fromEntries(MANIFEST_FIELDS.filter((f) => pkg[f] !== undefined).map((f) => [f, pkg[f]])) as Manifest;
    manifest.dist = {
      tarball: `${url}-/${file}`,
      integrity: `sha512-${createHash('sha512').update(tar.stdout).digest('base64')}`,
    };
    const doc = packuments.get(pkg.name) ?? { name: pkg.name, 'dist-tags': { latest: pkg.version }, versions: {} };
    doc.versions[pkg.version] = manifest;
    packuments.set(pkg.name, doc);
  }

  const misses: string[] = [];
  server.on('request', (req, res) => {
    const p = decodeURIComponent(new URL(req.url ?? '/', url).pathname.slice(1));
    if (p.startsWith('-/') && tarballs.has(p.slice(2))) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(tarballs.get(p.slice(2)));
      return;
    }
    const doc = packuments.get(p);
    if (doc) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(doc));
      return;
    }
    misses.push(p);
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
  });
  return {
    url,
    misses,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

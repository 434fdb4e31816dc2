// Pebble, Let's Encrypt's test ACME server (Debian's `pebble` package), on loopback with its DNS
// pointed at pebble-challtestsrv: the test adds A records for its domains (-> 127.0.0.1) and TXT
// records for dns-01 through challtestsrv's management API. Pebble really validates
// (PEBBLE_VA_ALWAYS_VALID unset), without its random sleeps, nonce rejections or authorization
// reuse, so every order answers a fresh challenge at once. Its HTTPS listener uses a throwaway
// certificate (caFile); the issuing root comes from its management interface (/roots/0).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import path from 'node:path';
import { freePort, portOpen } from './ports.ts';
import { makeSelfSignedCert } from './tls-cert.ts';
import { tempDir } from './temp-dir.ts';
import { waitFor } from './wait.ts';

export interface Pebble {
  directoryUrl: string;
  /** Trust for Pebble's own HTTPS listener (--ca of `hearth cert issue`). */
  caFile: string;
  /** The ports Pebble's validator connects to for http-01 and tls-alpn-01. */
  httpPort: number;
  tlsPort: number;
  /** challtestsrv's management URL (for a DNS-01 hook). */
  challtestsrvUrl: string;
  /** Pebble's root certificate (PEM): what issued certificates chain to. */
  root(): Promise<string>;
  addA(host: string, address?: string): Promise<void>;
  close(): Promise<void>;
}

function get(url: string, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    request(url, { ca }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`${url}: ${res.statusCode} ${body}`))));
    })
      .on('error', reject)
      .end();
  });
}

async function post(url: string, body: unknown): Promise<void> {
  const res = await fetch(url, { method: 'POST', body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, logFile: string): ChildProcess {
  const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks: Buffer[] = [];
  child.stdout!.on('data', (d: Buffer) => chunks.push(d));
  child.stderr!.on('data', (d: Buffer) => chunks.push(d));
  child.on('exit', () => writeFileSync(logFile, Buffer.concat(chunks)));
  return child;
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Starts challtestsrv and Pebble; `httpPort` / `tlsPort` are where our challenge listeners will be. */
export async function startPebble(opts: { httpPort: number; tlsPort: number }): Promise<Pebble> {
  const dir = tempDir('pebble');
  const { certPath, keyPath } = makeSelfSignedCert(dir);
  const [acmePort, mgmtPort, dnsPort, challMgmtPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const config = {
    pebble: {
      listenAddress: `127.0.0.1:${acmePort}`,
      managementListenAddress: `127.0.0.1:${mgmtPort}`,
      certificate: certPath,
      privateKey: keyPath,
      httpPort: opts.httpPort,
      tlsPort: opts.tlsPort,
      ocspResponderURL: '',
      externalAccountBindingRequired: false,
    },
  };
  const configFile = path.join(dir, 'pebble-config.json');
  writeFileSync(configFile, JSON.stringify(config));
  const env = { ...process.env };
  delete env.PEBBLE_VA_ALWAYS_VALID;
  Object.assign(env, { PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0', PEBBLE_AUTHZREUSE: '0' });
  // Only the DNS server and the management API: the challenges are answered by Hearth itself.
  const challtestsrv = run(
    'pebble-challtestsrv',
    [
      '-dns01',
      `127.0.0.1:${dnsPort}`,
      '-management',
      `127.0.0.1:${challMgmtPort}`,
      '-http01',
      '',
      '-https01',
      '',
      '-tlsalpn01',
      '',
      '-defaultIPv4',
      '',
      '-defaultIPv6',
      '',
    ],
    env,
    path.join(dir, 'challtestsrv.log'),
  );
  const pebble = run('pebble', ['-config', configFile, '-dnsserver', `127.0.0.1:${dnsPort}`], env, path.join(dir, 'pebble.log'));
  const close = async () => {
    await Promise.all([stop(pebble), stop(challtestsrv)]);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(async () => (await portOpen(acmePort)) && (await portOpen(mgmtPort)) && (await portOpen(challMgmtPort)), 15_000, 'pebble to listen');
  } catch (e) {
    await close();
    throw e;
  }
  const ca = readFileSync(certPath, 'utf8');
  const challtestsrvUrl = `http://127.0.0.1:${challMgmtPort}`;
  return {
    directoryUrl: `https://127.0.0.1:${acmePort}/dir`,
    caFile: certPath,
    httpPort: opts.httpPort,
    tlsPort: opts.tlsPort,
    challtestsrvUrl,
    root: () => get(`https://127.0.0.1:${mgmtPort}/roots/0`, ca),
    addA: (host, address = '127.0.0.1') => post(`${challtestsrvUrl}/add-a`, { host, addresses: [address] }),
    close,
  };
}

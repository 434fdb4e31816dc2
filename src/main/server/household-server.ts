// The household server, in-process: one data folder, one mail store, one user directory, and the
// listeners (inbound SMTP, IMAP, IMAPS, POP3, POP3S, submission, submissions). Used by
// `hearth serve` (cli.ts) and by the desktop app.
//
// Data folder layout:
//   server.json   domains, users (scrypt), aliases, catch-alls (users/config.ts)
//   mail/         Maildir++ folders and indexes (store/maildir-store.ts)
//   tls/          self-signed certificate and key, when the household has none of its own (tls.ts)
//   queue/        the outgoing relay's queue (relay/)
//   acme/         ACME account, settings and the issued certificate, when one was asked for (acme/)

import { serverStopLimits } from '../base/limits.ts';
import { mkdirSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { isIP } from 'node:net';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { Logger } from '../base/log.ts';
import { createLogger } from '../base/log.ts';
import { isLoopback } from '../base/net.ts';
import { domainOf } from '../mail/addresses.ts';
import type { ListenOptions, RunningListener, ServerContext } from './context.ts';
import type { MailStore } from '../maildir/types.ts';
import { MaildirStore } from '../maildir/maildir-store.ts';
import { deliverLocal } from '../maildir/deliver-local.ts';
import { ConfigUserDirectory } from './users/directory.ts';
import { addUser, loadOrCreateConfig, normaliseAddress, readConfigSync, DEFAULT_DOMAIN } from './users/config.ts';
import { loadOrCreateTls, type TlsMaterial } from './tls.ts';
import { startInboundSmtp, type DnsResolver, type InboundHooks } from './smtp/inbound.ts';
// Protocol listeners written on top of the store interface. Each exports start*Server(ctx, opts).
import { startImapServer } from './imap/index.ts';
import { startPop3Server } from './pop3/index.ts';
import { startSubmissionServer } from './smtp/submission.ts';
import { Relay, type RelayOptions } from './relay/relay.ts';
import { storeLocalDelivery } from './relay/local.ts';
import { readSmarthostOptions } from './relay/smarthost-config.ts';
import { LiveCertificate } from './live-certificate.ts';
import { AcmeStore, type AcmeSettings } from './acme/store.ts';
import { CertificateRenewer, type RenewalClock } from './acme/renewal.ts';
import { TlsAlpnChallenges } from './acme/challenges.ts';
import { certificateStatus } from './acme/status.ts';
import type { ServerCertificateStatus } from '../../shared/api.ts';
import { DEFAULT_PORTS, IMPLICIT_TLS, LISTENER_NAMES, type ListenerName } from './ports.ts';
import { startAutoconfigHttps } from './autoconfig/https-listener.ts';
import { mailServices, type MailSettings } from './autoconfig/mail-services.ts';
import { householdMtaStsPolicy, type MtaStsPolicy } from './autoconfig/mta-sts.ts';

export { DEFAULT_PORTS, STANDARD_PORTS, type ListenerName } from './ports.ts';

export interface HouseholdServerOptions {
  dataDir: string;
  /** Address to listen on; default 127.0.0.1. */
  host?: string;
  /** Primary local domain on first run (default home.arpa, RFC 8375). */
  domain?: string;
  /** Host name in greetings and Received headers; default "localhost" on loopback, else the OS host name. */
  hostname?: string;
  /** Port per listener; 0 = ephemeral; null = do not start it. Missing = the default port. */
  ports?: Partial<Record<ListenerName, number | null>>;
  /** DNS resolver for SPF/DKIM/DMARC of inbound mail (see smtp/inbound.ts). */
  resolver?: DnsResolver | null;
  /** Force SPF/DKIM/DMARC checks on or off. */
  verifyAuthentication?: boolean;
  /** Largest inbound message, bytes. */
  maxMessageBytes?: number;
  log?: Logger;
  /** Extra recipient policy / relay hooks for inbound SMTP. */
  smtpHooks?: InboundHooks;
  /** Options passed to the outgoing relay (smarthost, resolver, ...). */
  relay?: Partial<RelayOptions>;
  /** Create demo@<domain> with welcome mail on a fresh data folder. */
  demo?: boolean | { password?: string };
  /**
   * ACME: issue with these settings and keep the certificate renewed. Without settings, those
   * `hearth cert issue` stored are used; a stored certificate is served either way.
   */
  acme?: { settings?: AcmeSettings; clock?: RenewalClock };
}

export interface ListenerInfo {
  name: ListenerName;
  host: string;
  port: number;
  implicitTls: boolean;
  /** Bound to an address other machines can reach (not 127.0.0.0/8 or ::1): it answers from outside this computer. */
  reachableFromOutside: boolean;
}

export interface RunningHouseholdServer {
  dataDir: string;
  hostname: string;
  store: MailStore;
  users: ConfigUserDirectory;
  /** The outgoing relay (queue of submitted mail). */
  relay: Relay;
  /** The self-signed (or the household's own) certificate: the fallback. */
  tls: TlsMaterial;
  /** The certificate the listeners present now (an ACME one replaces the fallback). */
  certificate: LiveCertificate;
  /** The TLS-ALPN-01 challenges the HTTPS listener answers on its port (routed by ALPN). */
  acmeChallenges: TlsAlpnChallenges;
  /** Renews the ACME certificate; checkNow() runs a check at once. */
  certificateRenewer: CertificateRenewer;
  certificateStatus(): ServerCertificateStatus;
  listeners: ListenerInfo[];
  /** What the listeners offer mail programs (host name, protocols, ports, TLS), as autoconfig publishes it. */
  mailSettings(): MailSettings;
  /** The MTA-STS policy served on mta-sts.<domain>. */
  mtaStsPolicy(): MtaStsPolicy;
  /** Set when `demo` was asked for. */
  demo?: DemoMailbox;
  close(): Promise<void>;
}

type Starter = (ctx: ServerContext, opts: ListenOptions) => Promise<RunningListener>;

const CLOSE_GRACE_MS = serverStopLimits.graceMs;

async function withinGrace(p: Promise<void>, log: Logger, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      log.warn('still stopping after the grace period; going on without it', { what, graceMs: CLOSE_GRACE_MS });
      resolve();
    }, CLOSE_GRACE_MS);
  });
  try {
    await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

export async function startHouseholdServer(options: HouseholdServerOptions): Promise<RunningHouseholdServer> {
  const dataDir = path.resolve(options.dataDir);
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? createLogger({ base: { svc: 'hearth-server' } });
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const config = await loadOrCreateConfig(dataDir, options.domain ?? DEFAULT_DOMAIN);
  const loopback = isLoopback(host);
  const hostname = options.hostname ?? (loopback ? 'localhost' : osHostname());
  const addresses = ['127.0.0.1', '::1'];
  if (isIP(host) && host !== '0.0.0.0' && host !== '::') addresses.push(host);
  const tlsMaterial = await loadOrCreateTls({
    dataDir,
    // The names devices reach it by: mail.<domain>, and the hosts of the HTTPS listener
    // (autoconfig.<domain>, autodiscover.<domain>, <domain>/.well-known, mta-sts.<domain>).
    hostnames: [hostname, 'localhost', ...config.domains.flatMap((d) => [`mail.${d}`, d, `autoconfig.${d}`, `autodiscover.${d}`, `mta-sts.${d}`])],
    addresses,
    ...(config.tls ? { certFile: config.tls.certFile, keyFile: config.tls.keyFile } : {}),
  });
  const store = new MaildirStore({ root: path.join(dataDir, 'mail'), hostname, log: log.child({ svc: 'store' }) });
  const users = new ConfigUserDirectory(dataDir, config);
  await users.refresh();
  const certificate = new LiveCertificate(tlsMaterial);
  // TLS-ALPN-01 on the HTTPS listener's port is answered by that listener (routed by ALPN).
  const alpnChallenges = new TlsAlpnChallenges(log.child({ svc: 'acme' }));
  const renewer: CertificateRenewer = new CertificateRenewer({
    store: new AcmeStore(dataDir),
    log: log.child({ svc: 'acme' }),
    ...(options.acme?.settings ? { settings: options.acme.settings } : {}),
    ...(options.acme?.clock ? { clock: options.acme.clock } : {}),
    onCertificate: (pair) => certificate.replace(pair ?? tlsMaterial),
    issue: () => {
      const https = running.find((r) => r.info.name === 'https');
      return https && (renewer.settings()?.tlsPort ?? 443) === https.info.port ? { tlsAlpn: alpnChallenges } : {};
    },
  });
  const ctx: ServerContext = { store, users, log, tls: { key: tlsMaterial.key, cert: tlsMaterial.cert }, certificate, hostname };

  let demo: DemoMailbox | undefined;
  if (options.demo) {
    demo = await ensureDemoMailbox(dataDir, { store, ...(typeof options.demo === 'object' ? options.demo : {}) });
    await users.refresh();
  }

  // The smarthost `hearth smarthost set` stored, unless one was given.
  const storedSmarthost = options.relay?.smarthost ? null : readSmarthostOptions(dataDir);
  const relay = new Relay({
    dataDir,
    hostname,
    postmasterDomain: config.domains[0],
    log,
    local: storeLocalDelivery(store, users),
    ...(storedSmarthost ? { smarthost: storedSmarthost } : {}),
    ...options.relay,
  });

  const running: Array<{ info: ListenerInfo; listener: RunningListener }> = [];
  const mailSettings = (): MailSettings => ({
    hostname,
    services: mailServices(Object.fromEntries(running.map((r) => [r.info.name, r.info.port]))),
  });
  const mtaStsPolicy = (): MtaStsPolicy => householdMtaStsPolicy(hostname, !tlsMaterial.selfSigned);
  let relayStarted = false;
  // A stop must fit in STOP_DEADLINE_MS (SIGTERM, see base/graceful-stop.ts): listeners and the relay
  // stop side by side, each given CLOSE_GRACE_MS to let in-flight sessions and deliveries finish;
  // one still waiting then (a client that never completes its TLS handshake, a slow remote MX)
  // does not keep the store from being flushed. What it held was never acknowledged (no 250 sent),
  // and the relay's queue is on disk, retried on the next start.
  const closeAll = async () => {
    const closing = running
      .splice(0)
      .map((r) =>
        withinGrace(r.listener.close(), log, `listener ${r.info.name}`).catch((e) => log.warn('listener close failed', { err: e, listener: r.info.name })),
      );
    if (relayStarted) closing.push(withinGrace(relay.stop(), log, 'relay').catch((e) => log.warn('relay stop failed', { err: e })));
    closing.push(renewer.stop());
    await Promise.all(closing);
    await store.close();
  };

  // Inbound SMTP: users who authenticate may send to other domains through the relay (like
  // Postfix's permit_sasl_authenticated); everyone else gets mail for local users only.
  const smtpHooks: InboundHooks = options.smtpHooks ?? {
    async onRcptTo(r) {
      if (r.authenticatedUser && !users.isLocalDomain(domainOf(r.address))) return { action: 'relay' };
      return null;
    },
    async relay(m) {
      await relay.submit({
        from: m.from,
        recipients: m.recipients,
        body: m.raw,
        trace: {
          ...(m.authenticatedUser ? { authUser: m.authenticatedUser } : {}),
          clientAddress: m.trace.clientAddress,
          helo: m.trace.helo,
          protocol: m.trace.protocol,
        },
      });
    },
  };

  const starters: Record<ListenerName, Starter | null> = {
    smtp: (c, o) =>
      startInboundSmtp(c, {
        ...o,
        resolver: options.resolver ?? null,
        ...(options.verifyAuthentication !== undefined ? { verifyAuthentication: options.verifyAuthentication } : {}),
        ...(options.maxMessageBytes ? { maxMessageBytes: options.maxMessageBytes } : config.maxMessageBytes ? { maxMessageBytes: config.maxMessageBytes } : {}),
        hooks: smtpHooks,
      }),
    imap: startImapServer,
    imaps: startImapServer,
    pop3: (c, o) => startPop3Server(c, o),
    pop3s: (c, o) => startPop3Server(c, o),
    submission: (c, o) => startSubmissionServer({ ...c, relay }, { ...o, allowPlainAuthOnLoopback: loopback }),
    submissions: (c, o) => startSubmissionServer({ ...c, relay }, { ...o, allowPlainAuthOnLoopback: loopback }),
    https: (c, o) =>
      startAutoconfigHttps(c, o, {
        settings: mailSettings,
        mtaSts: mtaStsPolicy,
        selfSignedCert: tlsMaterial.selfSigned ? tlsMaterial.cert : null,
        alpnChallenges,
      }),
  };

  try {
    // A stored ACME certificate is in use before the first listener starts.
    renewer.useStored();
    const wantsRelay = (['smtp', 'submission', 'submissions'] as const).some((n) => options.ports?.[n] !== null);
    if (wantsRelay) {
      await relay.start();
      relayStarted = true;
    }
    for (const name of LISTENER_NAMES) {
      const port = options.ports?.[name] === undefined ? DEFAULT_PORTS[name] : options.ports[name];
      if (port === null || port === undefined) continue;
      const start = starters[name];
      if (!start) {
        log.warn('listener not available in this build', { listener: name });
        continue;
      }
      const opts: ListenOptions = { host, port, implicitTls: IMPLICIT_TLS[name] };
      const listener = await start(ctx, opts);
      running.push({ info: { name, host, port: listener.port, implicitTls: opts.implicitTls, reachableFromOutside: !loopback }, listener });
      log.info('listening', { listener: name, host, port: listener.port, reachableFromOutside: !loopback });
    }
    // Checks (and issues) only now: the HTTPS listener may be the one to answer TLS-ALPN-01.
    renewer.start();
  } catch (e) {
    await closeAll();
    throw e;
  }

  let closing: Promise<void> | null = null;
  return {
    dataDir,
    hostname,
    store,
    users,
    relay,
    tls: tlsMaterial,
    certificate,
    certificateRenewer: renewer,
    acmeChallenges: alpnChallenges,
    certificateStatus: () => certificateStatus(certificate.current(), tlsMaterial, renewer.status()),
    listeners: running.map((r) => r.info),
    mailSettings,
    mtaStsPolicy,
    ...(demo ? { demo } : {}),
    close: () => (closing ??= closeAll()),
  };
}

// ---- demo mailbox ------------------------------------------------------------------------------

export interface DemoMailbox {
  address: string;
  /** The password when the user was created now (generated or given); null when it already existed. */
  password: string | null;
  created: boolean;
}

function compose(mail: ConstructorParameters<typeof MailComposer>[0]): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    new MailComposer(mail)
      .compile()
      .build((err, msg) => (err ? reject(err) : resolve(Buffer.from(msg.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1')))),
  );
}

/** The welcome messages, as real RFC 5322 messages. */
export async function welcomeMessages(address: string, domain: string): Promise<Buffer[]> {
  const hearth = `Hearth <postmaster@${domain}>`;
  const base = Date.now() - 3 * 3600 * 1000;
  const welcome = await compose({
    from: hearth,
    to: address,
    subject: 'Welcome to your household mail server',
    date: new Date(base),
    messageId: `<welcome.${randomBytes(6).toString('hex')}@${domain}>`,
    text:
      `Hello!\n\nThis mailbox lives on your own computer, served by Hearth.\n\n` +
      `- Read it with any mail program over IMAP or POP3.\n- Mail sent to ${address} lands here.\n- Folders: Inbox, Sent, Drafts, Trash, Junk and Archive.\n\n` +
      `Enjoy,\nHearth\n`,
    html:
      `<!doctype html><html><body><h1>Welcome to Hearth</h1><p>This mailbox lives on your own computer, served by <b>Hearth</b>.</p>` +
      `<ul><li>Read it with any mail program over IMAP or POP3.</li><li>Mail sent to <code>${address}</code> lands here.</li>` +
      `<li>Folders: Inbox, Sent, Drafts, Trash, Junk and Archive.</li></ul><p>Enjoy,<br>Hearth</p></body></html>`,
  });
  const attachment = await compose({
    from: `Sam Baker <sam@${domain}>`,
    to: address,
    subject: 'Shopping list for the weekend',
    date: new Date(base + 3600 * 1000),
    messageId: `<list.${randomBytes(6).toString('hex')}@${domain}>`,
    text: 'Here is the list we talked about — the CSV opens in any spreadsheet.\n\nSam\n',
    attachments: [
      {
        filename: 'shopping-list.csv',
        contentType: 'text/csv',
        content: 'item,quantity,shop\nbread,1,bakery\napples,6,market\ncoffee,1,grocer\nmilk,2,grocer\n',
      },
    ],
  });
  const firstId = `<dinner.${randomBytes(6).toString('hex')}@${domain}>`;
  const first = await compose({
    from: `Alex Rivera <alex@${domain}>`,
    to: address,
    subject: 'Dinner on Sunday?',
    date: new Date(base + 2 * 3600 * 1000),
    messageId: firstId,
    text: 'Shall we have dinner together on Sunday? I can cook.\n\nAlex\n',
  });
  const reply = await compose({
    from: `Alex Rivera <alex@${domain}>`,
    to: address,
    subject: 'Re: Dinner on Sunday?',
    date: new Date(base + 2.5 * 3600 * 1000),
    messageId: `<dinner-re.${randomBytes(6).toString('hex')}@${domain}>`,
    inReplyTo: firstId,
    references: [firstId],
    text: "Seven o'clock works for me. I will bring dessert.\n\n> Shall we have dinner together on Sunday? I can cook.\n\nAlex\n",
  });
  return [welcome, attachment, first, reply];
}

/**
 * On a fresh data folder: create demo@<primary domain> (password given or generated) and deliver a
 * few welcome messages through the normal delivery path. Idempotent: if the user exists, nothing
 * is changed and `password` is null.
 */
export async function ensureDemoMailbox(dataDir: string, opts: { password?: string; store?: MailStore; domain?: string } = {}): Promise<DemoMailbox> {
  const cfg = await loadOrCreateConfig(dataDir, opts.domain);
  const domain = cfg.domains[0] ?? DEFAULT_DOMAIN;
  const address = normaliseAddress(`demo@${domain}`);
  if ((readConfigSync(dataDir) ?? cfg).users.some((u) => u.address === address)) return { address, password: null, created: false };
  const password = opts.password ?? randomBytes(12).toString('base64url');
  await addUser(dataDir, address, password, { displayName: 'Demo' });
  const store = opts.store ?? new MaildirStore({ root: path.join(dataDir, 'mail') });
  try {
    await store.ensureUser(address);
    for (const raw of await welcomeMessages(address, domain)) {
      await deliverLocal(store, [address], Buffer.concat([Buffer.from(`Return-Path: <postmaster@${domain}>\r\n`), raw]));
    }
  } finally {
    if (!opts.store) await store.close();
  }
  return { address, password, created: true };
}

// One issuance with acme-client (RFC 8555): account (created once, key kept in DATA/acme/), order
// for the domains, the chosen challenge answered by our own responder (challenges.ts), a new
// certificate key and CSR, finalize, download. The caller stores and loads the result.
import { Agent } from 'node:https';
import { readFileSync } from 'node:fs';
import * as acme from 'acme-client';
import { HearthError } from '../../../shared/errors.ts';
import type { Logger } from '../../base/log.ts';
import { acmeLimits } from '../../base/limits.ts';
import type { AcmeSettings, AcmeStore, IssuedCertificate } from './store.ts';
import {
  dnsHookResponder,
  startHttpChallengeResponder,
  startTlsAlpnChallengeResponder,
  type ChallengeResponder,
  type PendingChallenge,
  type TlsAlpnChallenges,
} from './challenges.ts';

export interface IssueOptions {
  /**
   * TLS-ALPN-01 answered by a listener that holds the port already (the HTTPS autoconfig listener
   * on 443), instead of a listener of its own.
   */
  tlsAlpn?: TlsAlpnChallenges;
  /** Each step as it starts, for the admin watching ("answering the http-01 challenge for …"). */
  onProgress?(step: string): void;
}

// acme-client talks through one axios instance for the whole process. Extra CAs are scoped to the
// origin of the directory they were given for, so a test CA never widens trust for any other site.
const agentsByOrigin = new Map<string, Agent>();
let interceptorInstalled = false;

function trustForDirectory(directoryUrl: string, caFile: string): void {
  const origin = new URL(directoryUrl).origin;
  agentsByOrigin.set(origin, new Agent({ ca: readFileSync(caFile), keepAlive: false }));
  if (interceptorInstalled) return;
  interceptorInstalled = true;
  acme.axios.interceptors.request.use((config) => {
    const agent = config.url ? agentsByOrigin.get(new URL(config.url).origin) : undefined;
    if (agent) config.httpsAgent = agent;
    return config;
  });
}

async function startResponder(s: AcmeSettings, log: Logger, o: IssueOptions): Promise<ChallengeResponder> {
  const host = s.challengeHost ?? '::';
  switch (s.challenge) {
    case 'http-01':
      return startHttpChallengeResponder(host, s.httpPort ?? 80, log);
    case 'tls-alpn-01':
      if (o.tlsAlpn) return o.tlsAlpn.responder();
      return startTlsAlpnChallengeResponder(host, s.tlsPort ?? 443, log);
    case 'dns-01':
      if (!s.dnsHook) throw new HearthError('INVALID_ARGUMENT', 'dns-01 needs a DNS hook command (--dns-hook)');
      return dnsHookResponder(s.dnsHook, log);
  }
}

/** The message of an acme-client failure: the CA's problem document when there is one. */
function reason(err: unknown): string {
  const e = err as { message?: string; response?: { data?: { detail?: string; type?: string } } };
  return e.response?.data?.detail ?? e.message ?? String(err);
}

/** Orders, validates and downloads a certificate for `settings.domains`. Throws ACME_FAILED with the CA's reason. */
export async function issueCertificate(settings: AcmeSettings, store: AcmeStore, log: Logger, o: IssueOptions = {}): Promise<IssuedCertificate> {
  const step = (s: string) => o.onProgress?.(s);
  if (!settings.domains.length) throw new HearthError('INVALID_ARGUMENT', 'No domain to issue a certificate for');
  if (settings.caFile) trustForDirectory(settings.directoryUrl, settings.caFile);
  step(`ordering a certificate for ${settings.domains.join(', ')} from ${new URL(settings.directoryUrl).host}`);
  const accountKey = await store.accountKey(async () => (await acme.crypto.createPrivateEcdsaKey()).toString());
  const accountUrl = store.accountUrl(settings.directoryUrl);
  const client = new acme.Client({ directoryUrl: settings.directoryUrl, accountKey, ...(accountUrl ? { accountUrl } : {}) });
  const [key, csr] = await acme.crypto.createCsr({ commonName: settings.domains[0]!, altNames: settings.domains });
  const responder = await startResponder(settings, log, o);
  let timer: NodeJS.Timeout | undefined;
  try {
    const pending = (domain: string, token: string, keyAuthorization: string): PendingChallenge => ({ domain, token, keyAuthorization });
    const order = client.auto({
      csr,
      ...(settings.email ? { email: settings.email } : {}),
      termsOfServiceAgreed: true,
      challengePriority: [settings.challenge],
      // Our own listener answers; acme-client's self-check would need the public DNS and port 80.
      skipChallengeVerification: true,
      challengeCreateFn: (authz, challenge, keyAuthorization) => {
        if (challenge.type !== settings.challenge) throw new Error(`the CA offers no ${settings.challenge} challenge for ${authz.identifier.value}`);
        const c = challenge as { token: string };
        step(`answering the ${settings.challenge} challenge for ${authz.identifier.value}`);
        return responder.add(pending(authz.identifier.value, c.token, keyAuthorization));
      },
      challengeRemoveFn: (authz, challenge, keyAuthorization) => {
        step('validated; finalizing and downloading the certificate');
        return responder.remove(pending(authz.identifier.value, (challenge as { token: string }).token, keyAuthorization));
      },
    });
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no certificate after ${acmeLimits.issueTimeoutMs / 1000} s`)), acmeLimits.issueTimeoutMs);
    });
    const cert = await Promise.race([order, timeout]);
    await store.writeAccountUrl(settings.directoryUrl, client.getAccountUrl());
    log.info('acme certificate issued', { domains: settings.domains, challenge: settings.challenge });
    return { key: key.toString(), cert };
  } catch (err) {
    // The account exists once registered, whatever became of the order: keep its URL, so the next
    // attempt uses it instead of registering again (which Pebble answers with an error).
    const accountUrl = (() => {
      try {
        return client.getAccountUrl();
      } catch {
        return null;
      }
    })();
    if (accountUrl) await store.writeAccountUrl(settings.directoryUrl, accountUrl).catch(() => {});
    log.warn('acme issuance failed', { domains: settings.domains, challenge: settings.challenge, error: reason(err) });
    throw new HearthError('ACME_FAILED', `Certificate for ${settings.domains.join(', ')} not issued: ${reason(err)}`);
  } finally {
    clearTimeout(timer);
    await responder.close();
  }
}

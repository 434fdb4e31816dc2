// Keeps the ACME certificate fresh while the server runs. Each check (hourly, and at once on
// start): a certificate `hearth cert issue` stored meanwhile is loaded; one with less than a third
// of its lifetime left (or none, or one not covering the configured domains) is renewed; a failed
// renewal is retried with a doubling delay. The certificate in use goes to every TLS listener
// through `onCertificate`; null there means "back to the self-signed fallback" (an ACME
// certificate that expired without renewal).
import { HearthError } from '../../../shared/errors.ts';
import type { Logger } from '../../base/log.ts';
import { acmeLimits } from '../../base/limits.ts';
import { certificateInfo, type AcmeSettings, type AcmeStore, type IssuedCertificate } from './store.ts';
import { issueCertificate, type IssueOptions } from './issue.ts';

export interface RenewalClock {
  now(): number;
  /** Runs `fn` after `ms`; returns the cancel function. */
  setTimer(fn: () => void, ms: number): () => void;
}

export const systemRenewalClock: RenewalClock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const t = setTimeout(fn, Math.min(ms, 2 ** 31 - 1));
    t.unref();
    return () => clearTimeout(t);
  },
};

export interface RenewalStatus {
  settings: AcmeSettings | null;
  renewing: boolean;
  /** What an issuance under way is doing now ("answering the http-01 challenge for …"). */
  progress: string | null;
  lastError: string | null;
  lastAttemptAt: number | null;
  nextCheckAt: number | null;
  /** When the certificate in use reaches the renewal point (null: no ACME certificate in use). */
  renewAt: number | null;
}

export interface CertificateRenewerOptions {
  store: AcmeStore;
  log: Logger;
  /** Settings given to `hearth serve`; otherwise those `hearth cert issue` stored. */
  settings?: AcmeSettings;
  clock?: RenewalClock;
  onCertificate(pair: IssuedCertificate | null): void;
  /** Challenge answering shared with the server's own listeners (TLS-ALPN-01 on the HTTPS port). */
  issue?: () => Pick<IssueOptions, 'tlsAlpn'>;
}

/** When a certificate valid from notBefore to notAfter should be renewed. */
export function renewalPoint(notBefore: number, notAfter: number): number {
  return notAfter - (notAfter - notBefore) * acmeLimits.renewWhenLeft;
}

export class CertificateRenewer {
  private readonly opts: CertificateRenewerOptions;
  private readonly clock: RenewalClock;
  private inUse: { fingerprint256: string; renewAt: number; notAfter: number } | null = null;
  private failures = 0;
  private lastError: string | null = null;
  private lastAttemptAt: number | null = null;
  private nextCheckAt: number | null = null;
  private progress: string | null = null;
  private cancelTimer: () => void = () => {};
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(opts: CertificateRenewerOptions) {
    this.opts = opts;
    this.clock = opts.clock ?? systemRenewalClock;
  }

  settings(): AcmeSettings | null {
    return this.opts.settings ?? this.opts.store.readSettings();
  }

  /** Puts the stored certificate in use if it is still valid (synchronously: before the listeners start). */
  useStored(): void {
    this.loadStored();
  }

  /**
   * Checks in the background (each check reads the stored certificate again). Called once the
   * listeners are up, after useStored(): a TLS-ALPN-01 challenge is answered by the HTTPS listener
   * when that holds the port, so a check that ran before it was listening opened a responder of
   * its own there (EADDRINUSE once it was).
   */
  start(): void {
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelTimer();
    await this.running?.catch(() => {});
  }

  /** One check now (also what the timer runs); resolves when it is done. */
  checkNow(): Promise<void> {
    return this.running ?? this.track(this.check(false));
  }

  /**
   * Issues a new certificate now, due or not (the admin's "Issue / renew now"), after a check
   * under way; resolves when it is done, the outcome in status(). NOT_FOUND without ACME settings.
   */
  renewNow(): Promise<void> {
    if (!this.settings()) {
      throw new HearthError('NOT_FOUND', 'No ACME settings yet: issue the first certificate with `hearth cert issue --acme-url URL --domain NAME`');
    }
    const before = this.running ?? Promise.resolve();
    return this.track(before.then(() => this.check(true)));
  }

  private track(p: Promise<void>): Promise<void> {
    const tracked: Promise<void> = p.finally(() => {
      if (this.running === tracked) this.running = null;
    });
    this.running = tracked;
    return tracked;
  }

  status(): RenewalStatus {
    return {
      settings: this.settings(),
      renewing: this.running !== null,
      progress: this.progress,
      lastError: this.lastError,
      lastAttemptAt: this.lastAttemptAt,
      nextCheckAt: this.nextCheckAt,
      renewAt: this.inUse?.renewAt ?? null,
    };
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.cancelTimer();
    this.nextCheckAt = this.clock.now() + ms;
    this.cancelTimer = this.clock.setTimer(() => void this.checkNow(), ms);
  }

  /** Puts the stored certificate in use when it differs from the one in use and has not expired. */
  private loadStored(): IssuedCertificate | null {
    const stored = this.opts.store.readCertificate();
    if (!stored) return null;
    const info = certificateInfo(stored.cert);
    const now = this.clock.now();
    if (info.notAfter <= now) return stored;
    if (this.inUse?.fingerprint256 !== info.fingerprint256) {
      this.opts.onCertificate(stored);
      this.opts.log.info('acme certificate in use', { fingerprint: info.fingerprint256, notAfter: new Date(info.notAfter).toISOString() });
    }
    this.inUse = { fingerprint256: info.fingerprint256, renewAt: renewalPoint(info.notBefore, info.notAfter), notAfter: info.notAfter };
    return stored;
  }

  private needsRenewal(settings: AcmeSettings, stored: IssuedCertificate | null): boolean {
    if (!stored) return true;
    const info = certificateInfo(stored.cert);
    if (settings.domains.some((d) => !info.subjectNames.includes(d.toLowerCase()))) return true;
    return this.clock.now() >= renewalPoint(info.notBefore, info.notAfter);
  }

  private async check(force: boolean): Promise<void> {
    const stored = this.loadStored();
    if (this.inUse && this.inUse.notAfter <= this.clock.now()) {
      this.opts.log.warn('acme certificate expired; serving the self-signed certificate until a renewal succeeds', {});
      this.opts.onCertificate(null);
      this.inUse = null;
    }
    const settings = this.settings();
    if (!settings || (!force && !this.needsRenewal(settings, stored))) {
      this.schedule(acmeLimits.checkEveryMs);
      return;
    }
    this.lastAttemptAt = this.clock.now();
    try {
      const issued = await issueCertificate(settings, this.opts.store, this.opts.log, {
        ...this.opts.issue?.(),
        onProgress: (step) => {
          this.progress = step;
        },
      });
      await this.opts.store.writeCertificate(issued);
      this.failures = 0;
      this.lastError = null;
      this.loadStored();
      this.schedule(acmeLimits.checkEveryMs);
    } catch (err) {
      this.failures++;
      this.lastError = (err as Error).message;
      const delay = Math.min(acmeLimits.firstRetryMs * 2 ** (this.failures - 1), acmeLimits.maxRetryMs);
      this.opts.log.warn('acme renewal failed; retrying later', { failures: this.failures, retryInMs: delay, error: this.lastError });
      this.schedule(delay);
    } finally {
      this.progress = null;
    }
  }
}

// A message refused for its outgoing server's certificate shows that certificate and offers to
// trust exactly it (as an account's incoming server does), besides Edit, Retry and Delete.
import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { OutboxBar } from '../../../src/renderer/src/components/OutboxBar.tsx';
import type { OutboxItem } from '../../../src/shared/api.ts';

const FINGERPRINT = Array.from({ length: 32 }, (_, i) => (i * 7).toString(16).padStart(2, '0').toUpperCase()).join(':');
const failed = (error: OutboxItem['error']): OutboxItem => ({
  id: 'o1',
  accountId: 'a1',
  messageId: '<m@x>',
  subject: 'Hello',
  to: ['sam@example.test'],
  state: 'failed',
  until: null,
  attempts: 1,
  error,
  created: 0,
});
const render = (item: OutboxItem, trusting: string | null = null) =>
  renderToStaticMarkup(<OutboxBar items={[item]} onUndo={() => {}} onRetry={() => {}} onDelete={() => {}} onTrustCertificate={() => {}} trusting={trusting} />);

describe('outbox bar', () => {
  it('offers to trust the certificate an outgoing server was refused for', () => {
    const html = render(
      failed({
        code: 'CERT_UNTRUSTED',
        message: 'The outgoing server’s certificate is not trusted',
        detail: { subject: 'mail.home.arpa', issuer: 'mail.home.arpa', validTo: 'Dec  1 2036', fingerprint256: FINGERPRINT },
      }),
    );
    expect(html).toContain(FINGERPRINT);
    expect(html).toContain('mail.home.arpa');
    expect(html).toMatch(/<button[^>]*data-testid="trust-certificate"[^>]*>Trust this certificate<\/button>/);
    expect(render(failed({ code: 'CERT_UNTRUSTED', message: 'x', detail: { fingerprint256: FINGERPRINT } }), 'o1')).toContain('Trusting…');
  });

  it('offers nothing of the kind for other failures, or without the certificate', () => {
    expect(render(failed({ code: 'BAD_ADDRESS', message: 'No such mailbox' }))).not.toContain('trust-certificate');
    expect(render(failed({ code: 'CERT_UNTRUSTED', message: 'x' }))).not.toContain('trust-certificate');
  });
});

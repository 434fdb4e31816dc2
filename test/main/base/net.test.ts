import { describe, expect, it } from 'vitest';
import { HearthError } from '../../../src/shared/errors.ts';
import { isLoopback, toNetworkError } from '../../../src/main/base/net.ts';

describe('isLoopback', () => {
  it.each([
    // IPv4: all of 127.0.0.0/8
    ['127.0.0.1', true],
    ['127.3.4.5', true],
    ['127.255.255.255', true],
    ['128.0.0.1', false],
    ['10.0.0.1', false],
    ['192.168.1.2', false],
    ['0.0.0.0', false],
    // IPv6: ::1 in any spelling, in brackets too
    ['::1', true],
    ['0:0:0:0:0:0:0:1', true],
    ['[::1]', true],
    ['::', false],
    ['::2', false],
    ['fe80::1', false],
    // IPv4-mapped IPv6, as a dual-stack socket reports an IPv4 client
    ['::ffff:127.0.0.1', true],
    ['::FFFF:127.9.8.7', true],
    ['::ffff:7f00:1', true],
    ['::ffff:10.0.0.1', false],
    // names (RFC 6761 6.3)
    ['localhost', true],
    ['LocalHost', true],
    ['mail.localhost', true],
    ['exim-peer.localhost', true],
    ['localhost.example.test', false],
    ['notlocalhost', false],
    ['example.test', false],
    ['127.example.test', false],
    ['', false],
    [undefined, false],
  ])('%j -> %j', (host, loopback) => {
    expect(isLoopback(host)).toBe(loopback);
  });
});

describe('toNetworkError', () => {
  const code = (c: string, message = 'failed') => Object.assign(new Error(message), { code: c });
  it.each<[string, unknown, string, string]>([
    // [case, error, code, code during the TLS handshake]
    ['refused', code('ECONNREFUSED'), 'CONNECTION_REFUSED', 'CONNECTION_REFUSED'],
    ['unknown name', code('ENOTFOUND'), 'HOST_NOT_FOUND', 'HOST_NOT_FOUND'],
    ['name server down', code('EAI_AGAIN'), 'HOST_NOT_FOUND', 'HOST_NOT_FOUND'],
    ['timeout', code('ETIMEDOUT'), 'TIMEOUT', 'TIMEOUT'],
    ['imapflow timeout', code('GREETING_TIMEOUT'), 'TIMEOUT', 'TIMEOUT'],
    ['self-signed', code('DEPTH_ZERO_SELF_SIGNED_CERT'), 'CERT_UNTRUSTED', 'CERT_UNTRUSTED'],
    ['wrong name', code('ERR_TLS_CERT_ALTNAME_INVALID'), 'CERT_UNTRUSTED', 'CERT_UNTRUSTED'],
    ['rejected', code('CERT_REJECTED'), 'CERT_UNTRUSTED', 'CERT_UNTRUSTED'],
    ['no issuer', code('UNABLE_TO_GET_ISSUER_CERT'), 'CERT_UNTRUSTED', 'CERT_UNTRUSTED'],
    ['reset', code('ECONNRESET'), 'NETWORK', 'TLS_FAILED'],
    ['unreachable', code('EHOSTUNREACH'), 'NETWORK', 'TLS_FAILED'],
    ['TLS alert', code('ERR_SSL_WRONG_VERSION_NUMBER'), 'TLS_FAILED', 'TLS_FAILED'],
    ['anything else', new Error('boom'), 'NETWORK', 'TLS_FAILED'],
    ['not an Error', 'boom', 'NETWORK', 'TLS_FAILED'],
    ['wrong password', { authenticationFailed: true, responseText: 'NO [AUTHENTICATIONFAILED]' }, 'AUTH_FAILED', 'AUTH_FAILED'],
    ['SMTP auth', code('EAUTH'), 'AUTH_FAILED', 'AUTH_FAILED'],
    ['unreadable reply', code('ParserError5'), 'PROTOCOL', 'TLS_FAILED'],
    ['server refusal', { response: '554 5.7.1 go away' }, 'SERVER_ERROR', 'TLS_FAILED'],
  ])('%s', (_name, error, plain, handshake) => {
    expect(toNetworkError(error, 'mail.example.test', 993).code).toBe(plain);
    expect(toNetworkError(error, 'mail.example.test', 993, { tlsHandshake: true }).code).toBe(handshake);
  });

  it('says where, keeps the certificate details and the server words, and passes catalogue errors through', () => {
    const cert = Object.assign(code('SELF_SIGNED_CERT_IN_CHAIN'), {
      cert: { subject: { CN: 'localhost' }, issuer: { CN: 'Hearth CA' }, fingerprint256: 'AB:CD' },
    });
    expect(toNetworkError(cert, 'mail.example.test', 993)).toMatchObject({
      code: 'CERT_UNTRUSTED',
      message: 'The certificate of mail.example.test:993 is not trusted (SELF_SIGNED_CERT_IN_CHAIN)',
      detail: { reason: 'SELF_SIGNED_CERT_IN_CHAIN', subject: 'localhost', issuer: 'Hearth CA', fingerprint256: 'AB:CD' },
    });
    expect(toNetworkError(code('ECONNREFUSED'), 'mail.example.test', 110).message).toBe('Nothing is listening at mail.example.test:110');
    expect(toNetworkError({ response: '554 no' }, 'smtp.example.test', 587)).toMatchObject({ response: '554 no' });
    const own = new HearthError('TIMEOUT');
    expect(toNetworkError(own, 'x', 1, { tlsHandshake: true })).toBe(own);
  });
});

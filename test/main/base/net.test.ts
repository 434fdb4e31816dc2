import { describe, expect, it } from 'vitest';
import { isLoopback } from '../../../src/main/base/net.ts';

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

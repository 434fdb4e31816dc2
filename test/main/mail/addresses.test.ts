import { describe, expect, it } from 'vitest';
import { asciiDomainOf, domainOf } from '../../../src/main/mail/addresses.ts';

describe('domainOf', () => {
  it.each([
    ['alice@home.arpa', 'home.arpa'],
    ['Alice@Home.ARPA', 'home.arpa'],
    ['"a@b"@example.org', 'example.org'],
    ['no-at-sign', ''],
    ['trailing@', ''],
    ['bücher@bücher.example', 'bücher.example'],
  ])('%j -> %j', (address, domain) => {
    expect(domainOf(address)).toBe(domain);
  });
});

describe('asciiDomainOf', () => {
  it.each([
    ['alice@Home.ARPA', 'home.arpa'],
    ['alice@home.arpa.', 'home.arpa'],
    ['bücher@Bücher.example', 'xn--bcher-kva.example'],
    ['"a@b"@example.org', 'example.org'],
    ['no-at-sign', ''],
    // IDNA refuses it: kept as written, lower-cased
    ['x@a..B', 'a..b'],
  ])('%j -> %j', (address, domain) => {
    expect(asciiDomainOf(address)).toBe(domain);
  });
});

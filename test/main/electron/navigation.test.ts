import { describe, expect, it } from 'vitest';
import { isAllowedExternalUrl, isTrustedRendererUrl } from '../../../src/main/electron/navigation.ts';

describe('Electron URL policy', () => {
  it('opens only https and mailto links outside the app', () => {
    expect(isAllowedExternalUrl('https://example.com/x')).toBe(true);
    expect(isAllowedExternalUrl('mailto:ann@example.com')).toBe(true);
    for (const u of ['http://example.com', 'file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'not a url'])
      expect(isAllowedExternalUrl(u)).toBe(false);
  });

  it('trusts only the app page itself', () => {
    const app = 'file:///opt/Hearth/resources/app/out/renderer/index.html';
    expect(isTrustedRendererUrl(app, app)).toBe(true);
    expect(isTrustedRendererUrl('file:///tmp/evil.html', app)).toBe(false);
    expect(isTrustedRendererUrl('https://example.com', app)).toBe(false);
    expect(isTrustedRendererUrl('http://localhost:5173/', 'http://localhost:5173')).toBe(true);
    expect(isTrustedRendererUrl('http://localhost:5174/', 'http://localhost:5173')).toBe(false);
  });
});

import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, resolveInside } from './web-assets';

describe('resolveInside', () => {
  const root = resolve('/srv/app');
  it('resolves files under the root', () => {
    expect(resolveInside(root, '/assets/index.js')).toBe(join(root, 'assets', 'index.js'));
  });
  it.each(['/../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/assets/../../secret', '/a%00b', '/%E0%A4%A'])('refuses %s', (path) => {
    expect(resolveInside(root, path)).toBeNull();
  });
});

describe('CSP', () => {
  it('allows scripts from our own origin only', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
  });
});

import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openKeyring } from './keyring';

describe('keyring', () => {
  it('seals and unseals with a key file only its owner can read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pos-keys-'));
    const ring = openKeyring(dir);
    const sealed = ring.seal('8f3a9c0d1e2b4a5f');
    expect(sealed).not.toContain('8f3a9c0d1e2b4a5f');
    expect(openKeyring(dir).unseal(sealed)).toBe('8f3a9c0d1e2b4a5f');
    expect(statSync(join(dir, 'keys', 'terminal.key')).mode & 0o777).toBe(0o600);
  });

  it('refuses a tampered secret and another terminal’s key', () => {
    const ring = openKeyring(mkdtempSync(join(tmpdir(), 'pos-keys-')));
    const sealed = ring.seal('secret');
    const parts = sealed.split('.');
    const tampered = [...parts.slice(0, 3), Buffer.from('xxxxxx').toString('base64url')].join('.');
    expect(() => ring.unseal(tampered)).toThrow();
    expect(() => openKeyring(mkdtempSync(join(tmpdir(), 'pos-keys-'))).unseal(sealed)).toThrow();
  });
});

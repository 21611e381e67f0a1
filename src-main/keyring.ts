import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Seals secrets kept in the database (the acquirer terminal key) with AES-256-GCM under a key that
 * lives outside it, in a file only this user can read. A copied database alone does not reveal them.
 */
export interface Keyring {
  seal(plaintext: string): string;
  unseal(sealed: string): string;
}

/** Opened at start-up only (createPos, createAdminArea), before the loop serves anything. */
export function openKeyring(dataDir: string): Keyring {
  const dir = join(dataDir, 'keys');
  const file = join(dir, 'terminal.key');
  /* eslint-disable no-restricted-syntax -- start-up only (above) */
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!existsSync(file)) writeFileSync(file, randomBytes(32), { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  const key = readFileSync(file);
  /* eslint-enable no-restricted-syntax */
  if (key.length !== 32) throw new Error(`${file} is damaged (expected 32 bytes)`);
  return {
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
    },
    unseal(sealed) {
      const [version, iv, tag, body] = sealed.split('.');
      if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('Not a sealed secret');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A random secret for `Authorization: Bearer`: 32 bytes, base64url. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Credentials and codes are random, so a plain SHA-256 is a sound way to keep only their hash. */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function sameSecret(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

/**
 * The owner's admin token (until the back office brings accounts): made at first start into
 * <dataDir>/admin-token (mode 0600); `created` says it is new, so the caller prints it this once.
 */
export async function loadAdminToken(dataDir: string): Promise<{ token: string; created: boolean }> {
  const file = join(dataDir, 'admin-token');
  try {
    return { token: (await readFile(file, 'utf8')).trim(), created: false };
  } catch {
    const token = newSecret();
    await writeFile(file, token + '\n', { mode: 0o600, flag: 'wx' });
    return { token, created: true };
  }
}

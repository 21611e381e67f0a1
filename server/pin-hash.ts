import { randomBytes, scrypt as scryptCallback } from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(scryptCallback) as (password: string, salt: Buffer, keylen: number, options: { N: number; r: number; p: number; maxmem: number }) => Promise<Buffer>;

/**
 * A PIN hashed in the till's own format (src-main/pin.ts: `scrypt$N$r$p$salt$hash`, base64url), so a user
 * made on the server signs in on every till; the server may not import src-main, hence this twin.
 */
export async function hashPinForTill(pin: string): Promise<string> {
  const params = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
  const salt = randomBytes(16);
  const hash = await scrypt(pin, salt, 32, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

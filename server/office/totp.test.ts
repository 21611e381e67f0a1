/** The TOTP module against RFC 6238's published test vectors (Appendix B) and RFC 4226's HOTP vectors (Appendix D). */
import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, hotp, matchingStep, newTotpSecret, otpauthUri, totpCode, totpStep } from './totp';

const SHA1_KEY = Buffer.from('12345678901234567890');
const SHA256_KEY = Buffer.from('12345678901234567890123456789012');
const SHA512_KEY = Buffer.from('1234567890123456789012345678901234567890123456789012345678901234');

// RFC 6238 Appendix B: time (s) → 8-digit code per algorithm.
const RFC6238: [number, string, string, string][] = [
  [59, '94287082', '46119246', '90693936'],
  [1111111109, '07081804', '68084774', '25091201'],
  [1111111111, '14050471', '67062674', '99943326'],
  [1234567890, '89005924', '91819424', '93441116'],
  [2000000000, '69279037', '90698825', '38618901'],
  [20000000000, '65353130', '77737706', '47863826'],
];

describe('TOTP (RFC 6238)', () => {
  it('gives RFC 6238’s codes for SHA-1, SHA-256 and SHA-512 at each published time', () => {
    for (const [seconds, sha1, sha256, sha512] of RFC6238) {
      const step = totpStep(seconds * 1000);
      expect(hotp(SHA1_KEY, step, 8, 'sha1')).toBe(sha1);
      expect(hotp(SHA256_KEY, step, 8, 'sha256')).toBe(sha256);
      expect(hotp(SHA512_KEY, step, 8, 'sha512')).toBe(sha512);
    }
  });

  it('gives RFC 4226’s HOTP codes for counters 0–9', () => {
    const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
    expect(expected.map((_, counter) => hotp(SHA1_KEY, counter))).toEqual(expected);
  });

  it('round-trips base32 (RFC 4648 vectors) and makes 160-bit secrets', () => {
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
    expect(base32Decode('MZXW6YTBOI').toString()).toBe('foobar');
    expect(base32Decode('mzxw 6ytb oi======').toString()).toBe('foobar');
    expect(() => base32Decode('MZ1W')).toThrow();
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Decode(secret)).toHaveLength(20);
    expect(newTotpSecret()).not.toBe(secret);
  });

  it('accepts the code of now and of one step either side, and nothing further', () => {
    const secret = base32Encode(SHA1_KEY);
    const at = 1111111111_000;
    const step = totpStep(at);
    expect(matchingStep(secret, totpCode(secret, at), at)).toBe(step);
    expect(matchingStep(secret, totpCode(secret, at - 30_000), at)).toBe(step - 1);
    expect(matchingStep(secret, totpCode(secret, at + 30_000), at)).toBe(step + 1);
    // RFC 6238's 8-digit code ends with the 6-digit one: 14050471 at 1111111111 s.
    expect(totpCode(secret, at)).toBe('050471');
    for (const far of [-90_000, -60_000, 60_000, 90_000]) {
      const code = totpCode(secret, at + far);
      if (![-1, 0, 1].some((d) => totpCode(secret, at + d * 30_000) === code)) expect(matchingStep(secret, code, at)).toBeNull();
    }
    expect(matchingStep(secret, '12345', at)).toBeNull();
    expect(matchingStep(secret, 'abcdef', at)).toBeNull();
  });

  it('writes the Key Uri Format an authenticator scans', () => {
    expect(otpauthUri('结账 后台', 'li.na', 'MZXW6YTBOI')).toBe(
      'otpauth://totp/%E7%BB%93%E8%B4%A6%20%E5%90%8E%E5%8F%B0%3Ali.na?secret=MZXW6YTBOI&issuer=%E7%BB%93%E8%B4%A6%20%E5%90%8E%E5%8F%B0&algorithm=SHA1&digits=6&period=30',
    );
  });
});

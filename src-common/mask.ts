/**
 * Masking of secrets before they reach a log, a receipt or the screen.
 * A payment code is a bearer credential for about a minute: never show or store it whole outside the
 * payment row itself.
 */

/** Keep the first four and last four characters: `134567******1234` style, as wallets print them. */
export function maskCode(code: string): string {
  if (code.length <= 8) return '*'.repeat(code.length);
  return `${code.slice(0, 4)}${'*'.repeat(code.length - 8)}${code.slice(-4)}`;
}

// Digit runs of 12+ (payment codes, card-like numbers) and long hex/base64-ish tokens (keys, signatures).
const LONG_DIGITS = /\d{12,}/g;
const LONG_TOKEN = /\b(?=[A-Za-z0-9+/_-]{24,}\b)(?=[A-Za-z0-9+/_-]*\d)(?=[A-Za-z0-9+/_-]*[A-Za-z])[A-Za-z0-9+/_-]{24,}\b/g;

/** Masks anything in free text that looks like a payment code or a key. */
export function maskSecretsInText(text: string): string {
  return text.replace(LONG_DIGITS, maskCode).replace(LONG_TOKEN, maskCode);
}

/** A mainland mobile number as screens and receipts show it: `138****5678`. Anything else is masked whole but its last two. */
export function maskPhone(phone: string): string {
  if (/^1\d{10}$/.test(phone)) return `${phone.slice(0, 3)}****${phone.slice(-4)}`;
  return phone.length <= 2 ? '*'.repeat(phone.length) : `${'*'.repeat(phone.length - 2)}${phone.slice(-2)}`;
}

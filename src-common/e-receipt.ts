/**
 * E-receipts on the customer's phone (issue 15): what a till prints as its receipt's QR when it has a store server,
 * and what the server serves for it.
 *
 *   <the server's public URL>/r/<token>      e.g. https://receipts.example.cn/r/5v0yQm0bX6hI8lqRzv3W1A
 *
 * The token is 128 random bits (base64url, 22 characters) the till draws when the sale completes and keeps with
 * the sale; it travels to the server in the sale's fact (`receiptToken`), so the server finds the receipt by it
 * without asking the till, and nothing about the sale can be read from it or guessed from another receipt's.
 * The server shows a receipt for E_RECEIPT_DAYS after the sale closed, then answers "not found" as for a forged
 * or unknown token. A till without a store server prints no QR: the receipt number as a CODE128 barcode instead.
 */
import { z } from 'zod';

export const E_RECEIPT_TOKEN = /^[A-Za-z0-9_-]{22}$/;
export const ReceiptToken = z.string().regex(E_RECEIPT_TOKEN);

/** How long after the sale its page is shown (then 404, as for a forged token). */
export const E_RECEIPT_DAYS = 180;
export const E_RECEIPT_TTL_MS = E_RECEIPT_DAYS * 24 * 3600_000;

/** The pull settings' key carrying the server's public URL (`--public-url`), when the server has one. */
export const E_RECEIPT_BASE_URL_SETTING = 'eReceiptBaseUrl';

/**
 * A base URL phones can open: https (a customer's phone must not send its receipt's token in clear), a host, an
 * optional path prefix, no query, fragment or credentials. Normalised without a trailing slash.
 */
export const EReceiptBaseUrl = z
  .string()
  .max(200)
  .transform((text, ctx) => {
    let url: URL;
    try {
      url = new URL(text.trim());
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not a URL' });
      return z.NEVER;
    }
    if (url.protocol !== 'https:' || url.username || url.password || url.search || url.hash || !url.hostname) {
      ctx.addIssue({ code: 'custom', message: 'must be https://host[:port][/path] without query, fragment or credentials' });
      return z.NEVER;
    }
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  });

export function eReceiptUrl(base: string, token: string): string {
  if (!E_RECEIPT_TOKEN.test(token)) throw new RangeError('not an e-receipt token');
  return `${base.replace(/\/+$/, '')}/r/${token}`;
}

/** The token of a scanned e-receipt URL (whatever its host: the public name may differ from the till's), else null. */
export function tokenOfEReceiptUrl(text: string): string | null {
  const match = /^https?:\/\/[^\s/?#]+(?:\/[^\s?#]*)?\/r\/([A-Za-z0-9_-]{22})\/?$/.exec(text.trim());
  return match ? match[1]! : null;
}

/** Whether a receipt that closed at `closedAt` is still shown at `now`. */
export function eReceiptLive(closedAt: Date, now: Date): boolean {
  const age = now.getTime() - closedAt.getTime();
  return Number.isFinite(age) && age <= E_RECEIPT_TTL_MS;
}

/**
 * The QR e-receipt a kiosk offers instead of (or beside) paper. What it carries, and why:
 *
 *   JZR1:<receipt number>:<total in minor units>:<day it closed, YYYYMMDD UTC>:<digest>
 *   e.g. JZR1:M6C8-000012:1250:20261122:9F2C4B71A0D3E855
 *
 * - The receipt number is what the store's refund lookup (`sale.findByReceipt`) already takes, and it is
 *   readable in the text a phone shows after scanning, so the customer keeps their order number.
 * - The total and the day let staff see at a glance that a shown e-receipt fits the sale it names.
 * - The digest tells a genuine e-receipt from one typed up by hand: HMAC-SHA256 over the other fields,
 *   keyed by the sale's id (a ULID with 80 random bits that is never printed or shown), cut to 64 bits.
 *   The terminal recomputes it from its own records (`verifyEReceipt`), so it needs no key of its own,
 *   no migration, and no server; without the terminal's database it cannot be forged.
 * Nothing personal or secret is in it (no payment code, no customer data): it is safe on a phone.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const E_RECEIPT_PREFIX = 'JZR1';

export interface EReceiptFacts {
  readonly saleId: string;
  readonly receiptNumber: string;
  readonly total: number;
  /** ISO 8601 time the sale closed. */
  readonly closedAt: string;
}

const dayOf = (iso: string) => iso.slice(0, 10).replaceAll('-', '');

function digest(facts: EReceiptFacts): string {
  return createHmac('sha256', facts.saleId)
    .update([E_RECEIPT_PREFIX, facts.receiptNumber, String(facts.total), dayOf(facts.closedAt)].join(':'))
    .digest('hex')
    .slice(0, 16)
    .toUpperCase();
}

export function eReceiptText(facts: EReceiptFacts): string {
  return [E_RECEIPT_PREFIX, facts.receiptNumber, String(facts.total), dayOf(facts.closedAt), digest(facts)].join(':');
}

export interface ParsedEReceipt {
  readonly receiptNumber: string;
  readonly total: number;
  readonly day: string;
  readonly digest: string;
}

export function parseEReceipt(text: string): ParsedEReceipt | null {
  const match = /^JZR1:([0-9A-Z]{4}-\d{6,9}):(\d{1,15}):(\d{8}):([0-9A-F]{16})$/.exec(text.trim());
  if (!match) return null;
  return { receiptNumber: match[1]!, total: Number(match[2]), day: match[3]!, digest: match[4]! };
}

/**
 * Checks a scanned e-receipt against the sale its receipt number names (found by the caller, e.g. with
 * `sales.findByReceiptNumber`): true only if every field and the digest match the terminal's records.
 */
export function verifyEReceipt(text: string, sale: EReceiptFacts): boolean {
  const parsed = parseEReceipt(text);
  if (!parsed) return false;
  if (parsed.receiptNumber !== sale.receiptNumber || parsed.total !== sale.total || parsed.day !== dayOf(sale.closedAt)) return false;
  const expected = Buffer.from(digest(sale));
  const given = Buffer.from(parsed.digest);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

import { describe, expect, it } from 'vitest';
import { eReceiptText, parseEReceipt, verifyEReceipt } from './kiosk-receipt';

const sale = { saleId: '01JD5V7Q2Y4W6X8Z0A2B4C6D8E', receiptNumber: 'M6C8-000012', total: 1250, closedAt: '2026-11-22T04:30:00.000Z' };

describe('QR e-receipt', () => {
  it('carries the receipt number, total, day and a 64-bit digest, readable on a phone', () => {
    const text = eReceiptText(sale);
    expect(text).toMatch(/^JZR1:M6C8-000012:1250:20261122:[0-9A-F]{16}$/);
    expect(parseEReceipt(text)).toEqual({ receiptNumber: 'M6C8-000012', total: 1250, day: '20261122', digest: text.slice(-16) });
  });

  it('verifies against the sale it names and rejects any change', () => {
    const text = eReceiptText(sale);
    expect(verifyEReceipt(text, sale)).toBe(true);
    expect(verifyEReceipt(text.replace(':1250:', ':1350:'), sale)).toBe(false);
    expect(verifyEReceipt(text, { ...sale, total: 1350 })).toBe(false);
    expect(verifyEReceipt(text, { ...sale, receiptNumber: 'M6C8-000013' })).toBe(false);
    // Without the sale's id (never printed or shown) the digest cannot be made.
    expect(verifyEReceipt(text, { ...sale, saleId: '01JD5V7Q2Y4W6X8Z0A2B4C6D8F' })).toBe(false);
    const last = text.at(-1) === '0' ? '1' : '0';
    expect(verifyEReceipt(text.slice(0, -1) + last, sale)).toBe(false);
  });

  it('refuses what is not an e-receipt', () => {
    for (const text of ['', 'M6C8-000012', 'JZR1:M6C8-000012:12.50:20261122:0123456789ABCDEF', 'JZR1:M6C8-000012:1250:20261122:0123']) {
      expect(parseEReceipt(text)).toBeNull();
      expect(verifyEReceipt(text, sale)).toBe(false);
    }
  });
});

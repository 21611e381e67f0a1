import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import type { ReceiptDocument } from '../../src-common/receipt';
import { layoutReceipt } from '../../src-common/receipt-text';
import { encodeReceiptEscPos, toPrinterText } from './escpos';
import { decodeEscPos } from './escpos-decode';
import { receiptlineEscPos } from './preview';
import { sampleReceipt30 } from './sample';

const SIZES = { normal: [1, 1], tall: [1, 2], large: [2, 2] } as const;

/** What each printed line should be, from the shared layout. */
function expectedLines(doc: ReceiptDocument, columns: number): { text: string; align?: string; bold?: boolean; width?: number; height?: number }[] {
  return layoutReceipt(doc, { columns }).flatMap((b) => {
    if (b.kind === 'rule') return [{ text: '-'.repeat(columns) }];
    if (b.kind === 'qr' || b.kind === 'barcode') return [];
    const [width, height] = SIZES[b.size];
    return [{ text: toPrinterText(b.text), align: b.align, bold: b.bold, width, height }];
  });
}

describe('decodeEscPos', () => {
  it.each([32, 48])('recovers every line, its style, the QR payload, the cut and the kick (%i columns)', (columns) => {
    const doc = sampleReceipt30();
    const decoded = decodeEscPos(encodeReceiptEscPos(doc, { columns, drawerKick: true }));
    const expected = expectedLines(doc, columns);
    expect(decoded.lines).toHaveLength(expected.length);
    decoded.lines.forEach((line, i) => expect(line).toMatchObject(expected[i] ?? {}));
    expect(decoded.lines.map((l) => l.text)).toContain(`  0.532kg × ￥29.80/kg${' '.repeat(columns === 48 ? 18 : 2)}￥15.85`);
    expect(decoded.qr).toEqual([doc.qr]);
    expect(decoded.commands).toContainEqual(expect.objectContaining({ type: 'cut', partial: true }));
    expect(decoded.commands.at(-1)).toMatchObject({ type: 'drawerKick', pin: 2, onMs: 50, offMs: 500 });
    expect(decoded.commands.slice(0, 4).map((c) => c.type)).toEqual(['init', 'codeTable', 'hanzi', 'tabStops']);
  });

  it('round-trips characters GB18030 holds only as 4-byte codes', () => {
    const doc = { ...sampleReceipt30(), lines: [{ ...sampleReceipt30().lines[0]!, name: '𠮷野家 㐀 😀 Crème' }] };
    const decoded = decodeEscPos(encodeReceiptEscPos(doc, { columns: 32 }));
    expect(decoded.lines.map((l) => l.text)).toContain('𠮷野家 㐀 😀 Crème');
  });

  it('expands tabs to the tab stops and reads code-table text outside Hanzi mode', () => {
    const bytes = Uint8Array.from([0x1b, 0x40, 0x61, 0x09, 0x62, 0x0a, 0x1c, 0x2e, 0x9d, 0x1c, 0x26, ...iconv.encode('￥', 'gb18030'), 0x0a]);
    expect(decodeEscPos(bytes).lines.map((l) => l.text)).toEqual(['a       b', '¥￥']);
  });

  it('reads other printers’ streams: receiptline’s ESC/POS of the same receipt', () => {
    const doc = sampleReceipt30();
    const decoded = decodeEscPos(receiptlineEscPos(doc, { columns: 48 }));
    expect(decoded.commands.some((c) => c.type === 'unknown' || c.type === 'truncated')).toBe(false);
    const text = decoded.lines.map((l) => l.text.replace(/\s+/g, ' ')).join('\n');
    expect(text).toContain('演示便利店');
    expect(text).toContain('0.532kg × ¥29.80/kg');
  });

  it('decodes status requests, real-time pulses and both kinds of cut', () => {
    const bytes = Uint8Array.from([0x10, 0x04, 0x01, 0x10, 0x14, 0x01, 0x01, 0x02, 0x1d, 0x56, 0x00, 0x1d, 0x56, 0x41, 0x03]);
    expect(decodeEscPos(bytes).commands.map(({ at: _a, length: _l, ...c }) => c)).toEqual([
      { type: 'statusRequest', n: 1 },
      { type: 'drawerKick', pin: 5, onMs: 200, offMs: 200 },
      { type: 'cut', partial: false, feed: 0 },
      { type: 'cut', partial: false, feed: 3 },
    ]);
  });

  it('never throws, on truncated receipts or on random bytes', () => {
    const bytes = encodeReceiptEscPos(sampleReceipt30(), { columns: 32, drawerKick: true });
    fc.assert(
      fc.property(fc.nat({ max: bytes.length }), (cut) => {
        const decoded = decodeEscPos(bytes.subarray(0, cut));
        const last = decoded.commands.at(-1);
        if (last) expect(last.at + last.length).toBeLessThanOrEqual(cut);
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (random) => {
        const decoded = decodeEscPos(random);
        for (const c of decoded.commands) expect(c.at + c.length).toBeLessThanOrEqual(random.length);
      }),
    );
  });
});

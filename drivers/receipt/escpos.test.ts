import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ReceiptDocument } from '../../src-common/receipt';
import { layoutReceipt } from '../../src-common/receipt-text';
import { DRAWER_KICK_PIN2, encodeDrawerKick, encodeReceiptEscPos, toPrinterText } from './escpos';
import { decodeEscPos, type EscPosCommand } from './escpos-decode';
import { receiptlineEscPos } from './preview';
import { sampleReceipt30 } from './sample';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex').replace(/(..)(?!$)/g, '$1 ');

function withNames(doc: ReceiptDocument, names: readonly string[]): ReceiptDocument {
  return { ...doc, lines: doc.lines.map((l, i) => ({ ...l, name: names[i % names.length] ?? l.name })) };
}

/** The commands without their offsets: what the printer is told to do. */
const actions = (commands: readonly EscPosCommand[]): unknown[] => commands.map(({ at: _at, length: _length, ...rest }) => rest);

/** Offsets of bytes below 0x20 other than LF and HT that no decoded command covers. */
function strayControlBytes(bytes: Uint8Array): number[] {
  const covered = new Uint8Array(bytes.length);
  for (const c of decodeEscPos(bytes).commands) covered.fill(1, c.at, c.at + c.length);
  const stray: number[] = [];
  bytes.forEach((b, i) => {
    if ((b < 0x20 || b === 0x7f) && b !== 0x0a && b !== 0x09 && !covered[i]) stray.push(i);
  });
  return stray;
}

describe('encodeDrawerKick', () => {
  it('always sends the full 5 bytes ESC p m t1 t2', () => {
    expect(hex(DRAWER_KICK_PIN2)).toBe('1b 70 00 19 fa');
    expect(hex(encodeDrawerKick(2, 50, 500))).toBe('1b 70 00 19 fa');
    expect(hex(encodeDrawerKick(5, 100, 200))).toBe('1b 70 01 32 64');
  });
  it('refuses timings the command cannot carry', () => {
    expect(() => encodeDrawerKick(2, 0, 500)).toThrow(RangeError);
    expect(() => encodeDrawerKick(2, 50, 600)).toThrow(RangeError);
    expect(() => encodeDrawerKick(3 as 2, 50, 500)).toThrow(RangeError);
  });
});

describe('encodeReceiptEscPos', () => {
  const doc = sampleReceipt30();

  it('initialises, enters Hanzi mode with GB18030 text, and ends with feed-and-cut then the drawer kick', () => {
    const bytes = encodeReceiptEscPos(doc, { columns: 48, drawerKick: true });
    expect(hex(bytes.subarray(0, 15))).toBe('1b 40 1b 74 00 1c 26 1b 44 08 10 18 20 28 00');
    expect(hex(bytes.subarray(-9))).toBe('1d 56 42 00 1b 70 00 19 fa');
    // '演示便利店' in GB18030 is in there, double width and height, bold, centred
    expect(hex(bytes)).toContain('1b 61 01 1b 45 01 1d 21 11 d1 dd ca be b1 e3 c0 fb b5 ea 0a');
  });

  it('sends a style command only when the style changes', () => {
    const { commands } = decodeEscPos(encodeReceiptEscPos(doc, { columns: 48 }));
    const state: Record<string, string> = { align: 'left', bold: 'false', size: '1x1' };
    const styles = commands.filter((c) => c.type === 'align' || c.type === 'bold' || c.type === 'size');
    for (const c of styles) {
      const value = c.type === 'align' ? c.align : c.type === 'bold' ? String(c.on) : c.type === 'size' ? `${c.width}x${c.height}` : '';
      expect(value).not.toBe(state[c.type]);
      state[c.type] = value;
    }
    expect(styles.length).toBeLessThan(20);
  });

  it('prints the QR code natively: model 2, module size, level M, store, print', () => {
    const { commands, qr } = decodeEscPos(encodeReceiptEscPos(doc, { columns: 32 }));
    expect(qr).toEqual([doc.qr]);
    expect(commands.filter((c) => c.type.startsWith('qr')).map((c) => c.type)).toEqual(['qrModel', 'qrModuleSize', 'qrErrorCorrection', 'qrStore', 'qrPrint']);
    expect(commands).toContainEqual(expect.objectContaining({ type: 'qrErrorCorrection', level: 'M' }));
    expect(commands).toContainEqual(expect.objectContaining({ type: 'qrModel', model: 2 }));
  });

  it('prints a CODE128 barcode (code set B, number below) that reads back as the receipt number, and no QR with it', () => {
    const withBarcode: ReceiptDocument = { ...doc, qr: undefined, barcode: 'M6C8-{00012' };
    const bytes = encodeReceiptEscPos(withBarcode, { columns: 32 });
    const decoded = decodeEscPos(bytes);
    expect(decoded.barcodes).toEqual(['M6C8-{00012']);
    expect(decoded.qr).toEqual([]);
    expect(hex(bytes)).toContain(hex(Uint8Array.of(0x1d, 0x48, 0x02, 0x1d, 0x66, 0x00, 0x1d, 0x6b, 73, 14, 0x7b, 0x42, ...Buffer.from('M6C8-{{00012'))));
    expect(strayControlBytes(bytes)).toEqual([]);
    // The widest module that fits: 2 dots on 58 mm paper for a 12-character number (167 modules of 384 dots).
    expect(actions(decoded.commands)).toContainEqual({ type: 'other', name: 'GS w' });
    expect(bytes.includes(0x77)).toBe(true);
    expect(hex(bytes)).toContain('1d 77 02');
  });

    it('honours qr, cut and drawerKick options', () => {
    const plain = decodeEscPos(encodeReceiptEscPos(doc, { columns: 32, qr: false, cut: false }));
    expect(plain.qr).toEqual([]);
    expect(plain.commands.some((c) => c.type === 'cut' || c.type === 'drawerKick')).toBe(false);
    expect(plain.commands.at(-1)).toMatchObject({ type: 'feed', lines: 4 });
    const kicked = decodeEscPos(encodeReceiptEscPos(doc, { columns: 32, drawerKick: true }));
    expect(actions(kicked.commands).slice(-2)).toEqual([
      { type: 'cut', partial: true, feed: 0 },
      { type: 'drawerKick', pin: 2, onMs: 50, offMs: 500 },
    ]);
  });

  it('refuses a QR payload no QR code can hold, and an unknown encoding', () => {
    expect(() => encodeReceiptEscPos({ ...doc, qr: 'x'.repeat(3000) }, { columns: 48 })).toThrow(RangeError);
    expect(() => encodeReceiptEscPos(doc, { columns: 48, encoding: 'big5' as 'gb18030' })).toThrow(RangeError);
  });

  it('prints ¥ as the full-width ￥ every GB printer has, in the same 2 columns', () => {
    expect(toPrinterText('合计 ¥12.50')).toBe('合计 ￥12.50');
    expect(toPrinterText('Cafe\u0301 ¢')).toBe('Cafe ￠');
    expect(hex(encodeReceiptEscPos(doc, { columns: 32 }))).not.toContain('81 30 84 36'); // GB18030 4-byte ¥
  });

  describe('product names cannot command the printer', () => {
    const hostile = ['Cola\x1b\x70\x00\x19\xfa', '\x1dV\x00雪碧', '\x1b@\x1b\x70\x01\x32\x32可乐', '\x10\x14\x01\x00\x05牛奶', '\x1d(k\x03\x001Q0面包'];
    const clean = ['Colapú', 'V雪碧', '@p22可乐', '牛奶', '(k1Q0面包'];

    it('encodes hostile names to the same commands as their sanitised text, with no stray control byte', () => {
      const bad = encodeReceiptEscPos(withNames(doc, hostile), { columns: 48 });
      const good = encodeReceiptEscPos(withNames(doc, clean), { columns: 48 });
      expect(bad).toEqual(good);
      expect(strayControlBytes(bad)).toEqual([]);
      const { commands } = decodeEscPos(bad);
      expect(commands.filter((c) => c.type === 'drawerKick' || c.type === 'cut' || c.type === 'init')).toHaveLength(2); // our init and our cut
      expect(commands.some((c) => c.type === 'unknown' || c.type === 'truncated' || c.type === 'other')).toBe(false);
    });

    it('holds for any names', { timeout: 30_000 }, () => {
      const clean48 = actions(decodeEscPos(encodeReceiptEscPos(doc, { columns: 48, drawerKick: true })).commands);
      fc.assert(
        fc.property(fc.array(fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), fc.constantFrom(...hostile)), { minLength: 1, maxLength: 5 }), (names) => {
          const bytes = encodeReceiptEscPos(withNames(doc, names), { columns: 48, drawerKick: true });
          expect(strayControlBytes(bytes)).toEqual([]);
          expect(actions(decodeEscPos(bytes).commands)).toEqual(clean48);
        }),
        { numRuns: 150 },
      );
    });
  });

  describe('size of the 30-item Chinese receipt with a QR code (PERFORMANCE.md: ≤ 2.5 KB)', () => {
    it.each([32, 42, 48])('%i columns', (columns) => {
      const ours = encodeReceiptEscPos(doc, { columns }).length;
      const theirs = receiptlineEscPos(doc, { columns }).length;
      console.log(`receipt bytes at ${columns} columns: ours ${ours}, receiptline ${theirs}`);
      expect(ours).toBeLessThanOrEqual(2500);
      expect(ours * 4).toBeLessThan(theirs);
    });
  });
});

describe('sampleReceipt30', () => {
  it('is a consistent 30-item receipt', () => {
    const doc = sampleReceipt30();
    expect(doc.lines).toHaveLength(30);
    expect(doc.subtotal - doc.discountTotal).toBe(doc.total);
    expect(doc.lines.reduce((s, l) => s + l.net, 0)).toBe(doc.total);
    const paid = doc.tenders.reduce((s, t) => s + t.amount, 0);
    expect(paid - doc.change).toBe(doc.total + doc.rounding);
    expect(layoutReceipt(doc, { columns: 48 }).length).toBeGreaterThan(70);
  });
});

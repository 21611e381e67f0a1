/**
 * A compact ESC/POS encoder for Chinese receipt printers.
 *
 * Why not receiptline's ESC/POS output: it re-sends every style command for every column of every line and
 * rasterises the QR code, ~11.7 KB for a 30-item receipt, ~12 s at 9600 baud (PERFORMANCE.md). Here the
 * printer gets the lines of `layoutReceipt` (the same lines as the plain-text receipt and the preview) as
 * GB18030 text in Hanzi mode, a style command only when the style changes, runs of spaces as tabs, and
 * the printer's own QR code (`GS ( k`).
 *
 * Text safety: every document text was passed through sanitizePrintable by the layout, so it holds no
 * control character; ASCII is sent as is and everything else as GB18030 multi-byte codes, whose bytes are
 * all ≥ 0x30. The only bytes below 0x20 in the output are therefore those of our own commands, LF and HT.
 */
import iconv from 'iconv-lite';
import type { ReceiptDocument } from '../../src-common/receipt';
import { layoutReceipt, type ReceiptAlign, type ReceiptBlock, type ReceiptTextSize } from '../../src-common/receipt-text';

export interface EscPosOptions {
  /** Characters per line in the printer's standard font (Font A, 12 dots): 32 on 58 mm, 48 on 80 mm. */
  readonly columns: number;
  /** Text encoding; GB18030 in Hanzi mode (`ESC t 0`, `FS &`) is the only one so far. */
  readonly encoding?: 'gb18030';
  /** Print `doc.qr` as a QR code when present (default true). */
  readonly qr?: boolean;
  /** Feed and cut at the end (default true); without it the paper is fed 4 lines for tearing. */
  readonly cut?: boolean;
  /** Open the cash drawer (pin 2, 50 ms on, 500 ms off) after the receipt (default false). */
  readonly drawerKick?: boolean;
}

const ESC = 0x1b;
const GS = 0x1d;
const FS = 0x1c;
const LF = 0x0a;
const HT = 0x09;

/** Default tab stops of ESC/POS printers: every 8 columns. We set them explicitly with `ESC D`. */
export const TAB_INTERVAL = 8;

/**
 * `ESC p m t1 t2`: pulse drawer-kick pin 2 (m = 0) or pin 5 (m = 1) on for t1 × 2 ms and off for t2 × 2 ms.
 * Always the full 5 bytes: some printers wait for t1/t2 when a driver sends only `ESC p m`.
 */
export function encodeDrawerKick(pin: 2 | 5, onMs: number, offMs: number): Uint8Array {
  if (pin !== 2 && pin !== 5) throw new RangeError(`drawer pin must be 2 or 5, got ${String(pin)}`);
  const units = (ms: number, what: string): number => {
    const t = Math.round(ms / 2);
    if (!Number.isFinite(ms) || t < 1 || t > 255) throw new RangeError(`${what} must be 2–510 ms, got ${String(ms)}`);
    return t;
  };
  return Uint8Array.of(ESC, 0x70, pin === 2 ? 0 : 1, units(onMs, 'on time'), units(offMs, 'off time'));
}

/** `1B 70 00 19 FA`: pin 2, 50 ms on, 500 ms off. */
export const DRAWER_KICK_PIN2: Uint8Array = encodeDrawerKick(2, 50, 500);

/** `GS V 66 0`: feed to the cutter and cut (partial cut where the printer has one). */
export const FEED_AND_CUT: Uint8Array = Uint8Array.of(GS, 0x56, 0x42, 0x00);

// Narrow signs that GB18030 has only as 4-byte codes, which printers with a GB2312/GBK font print as
// garbage; their full-width forms are 2-byte codes and take the same 2 columns (text-width.ts).
const FULL_WIDTH_SIGNS: Readonly<Record<string, string>> = { '¥': '￥', '¢': '￠', '£': '￡', '¬': '￢', '¦': '￤', '¯': '￣' };
const SIGNS = /[¥¢£¬¦¯]/g;
// A printer cannot overstrike: combining marks NFC could not compose, and format characters, are dropped.
const ZERO_WIDTH = /[\p{Mn}\p{Me}\p{Cf}]/gu;

/** The text as the printer gets it (before GB18030 encoding): same columns, printer-safe signs. */
export function toPrinterText(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return text;
  return text.replace(SIGNS, (c) => FULL_WIDTH_SIGNS[c] ?? c).replace(ZERO_WIDTH, '');
}

/** Growable byte buffer. */
class Bytes {
  private buf = new Uint8Array(4096);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  push(...bytes: number[]): void {
    this.room(bytes.length);
    for (const b of bytes) this.buf[this.length++] = b;
  }

  append(bytes: Uint8Array): void {
    this.room(bytes.length);
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
  }

  ascii(text: string): void {
    this.room(text.length);
    for (let i = 0; i < text.length; i++) this.buf[this.length++] = text.charCodeAt(i);
  }

  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

const ALIGN: Readonly<Record<ReceiptAlign, number>> = { left: 0, center: 1, right: 2 };
/** `GS ! n`: high nibble = width − 1, low nibble = height − 1. */
const SIZE: Readonly<Record<ReceiptTextSize, number>> = { normal: 0x00, tall: 0x01, large: 0x11 };

/** Byte capacity of QR versions 1–40 at error correction level M (byte mode). */
const QR_CAPACITY_M = [
  14, 26, 42, 62, 84, 106, 122, 152, 180, 213, 251, 287, 331, 362, 412, 450, 504, 560, 624, 666, 711, 779, 857, 911, 997, 1059, 1125, 1190, 1264,
  1370, 1452, 1538, 1628, 1722, 1809, 1911, 1989, 2099, 2213, 2331,
];

/** QR code: model 2, a module size that fits the paper, error correction M, store, print. */
function encodeQr(out: Bytes, data: string, columns: number): void {
  const bytes = new TextEncoder().encode(data); // UTF-8: what phone scanners expect
  const version = QR_CAPACITY_M.findIndex((capacity) => bytes.length <= capacity) + 1;
  if (version === 0) throw new RangeError(`QR data is ${bytes.length} bytes; at most ${QR_CAPACITY_M.at(-1)} fit`);
  const modules = 17 + 4 * version + 8; // with the quiet zone
  const moduleSize = Math.max(1, Math.min(6, Math.floor((columns * 12) / modules)));
  const store = bytes.length + 3;
  out.push(GS, 0x28, 0x6b, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00); // model 2
  out.push(GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x43, moduleSize);
  out.push(GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x45, 0x31); // EC level M
  out.push(GS, 0x28, 0x6b, store & 0xff, store >> 8, 0x31, 0x50, 0x30);
  out.append(bytes);
  out.push(GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30); // print
}

/**
 * CODE128 in code set B (`GS k 73 n {B …`), its number printed under it (HRI), 80 dots high, with the widest module
 * (1–3 dots) that fits the paper; a code too long to fit at 1 dot is left off (its number is on the receipt anyway).
 */
function encodeBarcode(out: Bytes, data: string, columns: number): void {
  const body = data.replaceAll('{', '{{');
  const modules = 11 * (body.length + 2) + 13 + 20; // start, data, check, stop, and a 10-module quiet zone each side
  const width = Math.min(3, Math.floor((columns * 12) / modules));
  if (width < 1 || body.length + 2 > 255) return;
  out.push(GS, 0x68, 80); // height
  out.push(GS, 0x77, width); // module width
  out.push(GS, 0x48, 2); // HRI below
  out.push(GS, 0x66, 0); // HRI in font A
  out.push(GS, 0x6b, 73, body.length + 2, 0x7b, 0x42);
  out.ascii(body);
}

/**
 * Writes a left-aligned line, sending each run of 2+ spaces that crosses a tab stop as HT bytes plus the
 * spaces after the last stop. Columns are counted as the printer counts them: ASCII 1, a GB18030 character 2.
 */
function writeTabbed(out: Bytes, text: string): void {
  let column = 0;
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === 0x20) {
      let end = i;
      while (text.charCodeAt(end) === 0x20) end++;
      const target = column + (end - i);
      let at = column;
      let next = (Math.floor(at / TAB_INTERVAL) + 1) * TAB_INTERVAL;
      while (next <= target && next - at >= 2) {
        out.push(HT);
        at = next;
        next += TAB_INTERVAL;
      }
      out.ascii(' '.repeat(target - at));
      column = target;
      i = end;
      continue;
    }
    let end = i;
    while (end < text.length && text.charCodeAt(end) !== 0x20) end++;
    const word = text.slice(i, end);
    if (/^[\x21-\x7e]*$/.test(word)) {
      out.ascii(word);
      column += word.length;
    } else {
      out.append(iconv.encode(word, 'gb18030'));
      for (const ch of word) column += ch.charCodeAt(0) < 0x80 ? 1 : 2;
    }
    i = end;
  }
}

function writeText(out: Bytes, text: string, tabs: boolean): void {
  const printable = toPrinterText(text);
  if (tabs && printable.includes('  ')) writeTabbed(out, printable);
  else if (/^[\x20-\x7e]*$/.test(printable)) out.ascii(printable);
  else out.append(iconv.encode(printable, 'gb18030'));
}

/** The printer bytes of already laid-out blocks (see layoutReceipt). */
export function encodeBlocksEscPos(blocks: readonly ReceiptBlock[], options: EscPosOptions): Uint8Array {
  const { columns } = options;
  const out = new Bytes();
  out.push(ESC, 0x40); // initialise
  out.push(ESC, 0x74, 0x00, FS, 0x26); // code table 0, Hanzi mode on (GB18030 double-byte text)
  const stops: number[] = [];
  for (let c = TAB_INTERVAL; c < columns; c += TAB_INTERVAL) stops.push(c);
  out.push(ESC, 0x44, ...stops, 0x00);

  // The printer's state after ESC @; a command is sent only when a line needs something else.
  let align = 0;
  let bold = false;
  let size = 0;
  const setAlign = (a: number): void => {
    if (a === align) return;
    align = a;
    out.push(ESC, 0x61, a);
  };
  const setBold = (b: boolean): void => {
    if (b === bold) return;
    bold = b;
    out.push(ESC, 0x45, b ? 1 : 0);
  };
  const setSize = (s: number): void => {
    if (s === size) return;
    size = s;
    out.push(GS, 0x21, s);
  };

  for (const block of blocks) {
    switch (block.kind) {
      case 'text':
        setAlign(ALIGN[block.align]);
        setBold(block.bold);
        setSize(SIZE[block.size]);
        writeText(out, block.text, block.align === 'left' && block.size !== 'large');
        out.push(LF);
        break;
      case 'rule':
        // A full-width rule looks the same in any alignment or weight; only the size must be normal.
        setSize(0);
        out.ascii('-'.repeat(columns));
        out.push(LF);
        break;
      case 'qr':
        if (options.qr === false) break;
        setAlign(ALIGN.center);
        encodeQr(out, block.data, columns);
        break;
      case 'barcode':
        setAlign(ALIGN.center);
        encodeBarcode(out, block.data, columns);
        break;
    }
  }
  if (options.cut === false) out.push(ESC, 0x64, 4);
  else out.append(FEED_AND_CUT);
  if (options.drawerKick) out.append(DRAWER_KICK_PIN2);
  return out.result();
}

/** The ESC/POS bytes of a receipt: the lines of renderReceiptText, styled, with its QR code, cut and kick. */
export function encodeReceiptEscPos(doc: ReceiptDocument, options: EscPosOptions): Uint8Array {
  if (options.encoding !== undefined && options.encoding !== 'gb18030') throw new RangeError(`unsupported encoding ${String(options.encoding)}`);
  return encodeBlocksEscPos(layoutReceipt(doc, { columns: options.columns }), options);
}

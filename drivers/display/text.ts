/**
 * Text for customer displays: what a product name or label becomes before it is sent to a 2×20 (or 20×4)
 * character display, and how many cells it takes there.
 *
 * Every text goes through `sanitizePrintable` first (no control byte from the catalog ever reaches a display),
 * then one of two character sets:
 *
 * - `'ascii'` (the default; what almost every VFD/LCD pole display shows out of the box). Only printable ASCII
 *   (0x20–0x7E) is sent. Other characters are **transliterated** where that keeps the meaning and **dropped**
 *   otherwise:
 *   - NFKC first: full-width forms become ASCII (`Ａ１` → `A1`), the ideographic space a space, `㎖` → `ml`;
 *   - Han characters become toneless pinyin with a capital per syllable, no spaces (`可口可乐` → `KeKouKeLe`,
 *     as pyposdisplay does with unidecode, peers.md §5), using pinyin-pro's context-aware readings;
 *   - a few symbols get an ASCII look-alike (`×` → `x`, `…` → `...`, `“”` → `"`, `、` → `,`, `。` → `.`,
 *     `【】` → `[]`, `《》` → `<>`, the fraction slash → `/`);
 *   - Latin letters lose their diacritics (`é` → `e`, `ü` → `u`);
 *   - anything else (currency signs other than `$`, emoji, other scripts) is dropped.
 * - `'gb18030'` (a display with a Chinese font, e.g. the simplified-Chinese DM-D models or Chinese VFD220s,
 *   set to its Chinese mode by the technician). Printable ASCII is sent as is; every other character is sent
 *   as its **2-byte** GB18030 (= GBK) code and takes 2 cells. Characters GB18030 only has as 4-byte codes are
 *   not in a display's GB2312/GBK font: narrow signs get their full-width form as on the receipt (`¥` → `￥`,
 *   toPrinterText), the rest goes through the ASCII rules above (`ä` → `a`, emoji dropped).
 *
 * So the bytes of display text are 0x20–0x7E, or pairs whose lead byte is 0x81–0xFE and trail byte
 * 0x40–0xFE: never a byte below 0x20, and never a command introducer (ESC 0x1B, US 0x1F, DLE 0x10, FF 0x0C,
 * CR 0x0D …). Column counting is src-common/text-width's: ASCII 1 cell, anything else 2.
 */
import iconv from 'iconv-lite';
import { displayWidth, padEndToWidth, sanitizePrintable, truncateToWidth } from '../../src-common/text-width';
import { pinyinPro } from '../pinyin';
import { toPrinterText } from '../receipt/escpos';

export type DisplayEncoding = 'ascii' | 'gb18030';

export const DISPLAY_ENCODINGS: readonly DisplayEncoding[] = ['ascii', 'gb18030'];

/** Throws RangeError unless `encoding` is one we can send (it may come from config). */
export function assertDisplayEncoding(encoding: string): asserts encoding is DisplayEncoding {
  if (!(DISPLAY_ENCODINGS as readonly string[]).includes(encoding)) throw new RangeError(`unsupported display encoding ${JSON.stringify(encoding)}`);
}

const LOOK_ALIKE: Readonly<Record<string, string>> = {
  '×': 'x',
  '÷': '/',
  '⁄': '/',
  '·': '.',
  '•': '*',
  '…': '...',
  '‘': "'",
  '’': "'",
  '“': '"',
  '”': '"',
  '「': '"',
  '」': '"',
  '『': '"',
  '』': '"',
  '–': '-',
  '—': '-',
  '―': '-',
  '−': '-',
  '、': ',',
  '。': '.',
  '【': '[',
  '】': ']',
  '〔': '[',
  '〕': ']',
  '《': '<',
  '》': '>',
  '〈': '<',
  '〉': '>',
};

const HAN_RUN = /\p{Script=Han}+/gu;
const NOT_PRINTABLE_ASCII = /[^\x20-\x7e]/g;
const MARKS = /\p{M}/gu;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

const capitalise = (syllable: string): string => syllable.charAt(0).toUpperCase() + syllable.slice(1);

/** Already-sanitised text in printable ASCII only (the rules in the module comment). */
function transliterate(text: string): string {
  if (PRINTABLE_ASCII.test(text)) return text;
  return text
    .normalize('NFKC')
    .replace(HAN_RUN, (run) => pinyinPro().pinyin(run, { toneType: 'none', type: 'array' }).map(capitalise).join(''))
    .replace(/[^\x20-\x7e]/g, (c) => LOOK_ALIKE[c] ?? c)
    .normalize('NFKD')
    .replace(MARKS, '')
    .replace(NOT_PRINTABLE_ASCII, '');
}

/** True when `ch` (one code point) is sent to a Chinese display as one 2-byte GB18030 code. */
function isGbkChar(ch: string): boolean {
  const bytes = iconv.encode(ch, 'gb18030');
  return bytes.length === 2 && (bytes[0] ?? 0) >= 0x81;
}

/**
 * `text` as a display in `encoding` can show it: sanitised, then restricted to that character set
 * (module comment). Not cut to a width; see fitToColumns.
 */
export function prepareDisplayText(text: string, encoding: DisplayEncoding = 'ascii'): string {
  assertDisplayEncoding(encoding);
  const clean = sanitizePrintable(text);
  if (encoding === 'ascii') return transliterate(clean);
  let out = '';
  for (const ch of toPrinterText(clean)) {
    if (PRINTABLE_ASCII.test(ch) || isGbkChar(ch)) out += ch;
    else out += transliterate(ch);
  }
  return out;
}

/** `text` cut to at most `columns` cells (never splitting a wide character) and padded with spaces to exactly `columns`. */
export function fitToColumns(text: string, columns: number): string {
  return padEndToWidth(truncateToWidth(text, columns), columns);
}

/** Columns `text` takes on a display (ASCII 1, anything else 2). */
export const displayCells = displayWidth;

/**
 * The bytes of text already passed through prepareDisplayText for the same encoding. Throws RangeError on a
 * character the encoding cannot carry, so unprepared text can never slip a control byte through.
 */
export function encodeDisplayText(text: string, encoding: DisplayEncoding = 'ascii'): Uint8Array {
  assertDisplayEncoding(encoding);
  if (PRINTABLE_ASCII.test(text)) return Uint8Array.from(text, (c) => c.charCodeAt(0));
  if (encoding === 'ascii') throw new RangeError(`not printable ASCII: ${JSON.stringify(text)}`);
  for (const ch of text) {
    if (!PRINTABLE_ASCII.test(ch) && !isGbkChar(ch)) throw new RangeError(`not a 2-byte GB18030 character: ${JSON.stringify(ch)}`);
  }
  return new Uint8Array(iconv.encode(text, 'gb18030'));
}

/** prepareDisplayText + fitToColumns: one display line, exactly `columns` cells wide. */
export function displayLine(text: string, columns: number, encoding: DisplayEncoding = 'ascii'): string {
  return fitToColumns(prepareDisplayText(text, encoding), columns);
}

/** The parts one after the other in one array. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * AIM symbology identifiers (ISO/IEC 15424; peers.md §6.4): a scanner set to send them puts `]`, a code
 * character (the symbology) and a modifier character (its options) before the data, e.g. `]E0` EAN-13,
 * `]C1` GS1-128, `]Q1` QR model 2. USB HID POS scanners carry the same three characters in their report
 * (hid-pos.ts). Pure; never throws.
 */
import { validateRetailBarcode } from '../../src-common/barcode';

/** What the terminal tells apart; everything else a scanner can read is 'unknown' (its AIM id is kept). */
export type ScanSymbology =
  | 'ean13'
  | 'ean8'
  | 'upca'
  | 'upce'
  | 'code128'
  | 'gs1-128'
  | 'code39'
  | 'itf'
  | 'qr'
  | 'datamatrix'
  | 'pdf417'
  | 'unknown';

export interface AimEntry {
  /** The code character after `]` (case matters: `]d` Data Matrix, `]D` Code One). */
  readonly code: string;
  /** The modifier character, or null for "any modifier not listed on its own". */
  readonly modifier: string | null;
  readonly name: string;
  readonly symbology: ScanSymbology;
  /** When the data length decides (`]E0` = EAN-13, UPC-A or UPC-E): symbology by length, else `symbology`. */
  readonly byLength?: Readonly<Partial<Record<number, ScanSymbology>>>;
}

/**
 * Exact entries (code + modifier) win over the family entry (modifier null) of the same code character.
 * Symbologies the terminal has no name for are listed as 'unknown' so a technician screen can still name them.
 */
export const AIM_TABLE: readonly AimEntry[] = Object.freeze([
  { code: 'A', modifier: null, name: 'Code 39', symbology: 'code39' },
  { code: 'B', modifier: null, name: 'Telepen', symbology: 'unknown' },
  { code: 'C', modifier: null, name: 'Code 128', symbology: 'code128' },
  { code: 'C', modifier: '1', name: 'GS1-128 (FNC1 in first position)', symbology: 'gs1-128' },
  {
    code: 'E',
    modifier: '0',
    name: 'EAN-13, UPC-A or UPC-E',
    symbology: 'unknown',
    // A scanner sends UPC-A as 12 digits (or as 13 with a leading 0 when set to), UPC-E as 8 (barcode.ts).
    byLength: { 13: 'ean13', 12: 'upca', 8: 'upce' },
  },
  { code: 'E', modifier: '1', name: 'EAN/UPC 2-digit add-on alone', symbology: 'unknown' },
  { code: 'E', modifier: '2', name: 'EAN/UPC 5-digit add-on alone', symbology: 'unknown' },
  // The data is the main code and its add-on run together: no retail lookup fits it as is.
  { code: 'E', modifier: '3', name: 'EAN-13, UPC-A or UPC-E with add-on', symbology: 'unknown' },
  { code: 'E', modifier: '4', name: 'EAN-8', symbology: 'ean8' },
  { code: 'E', modifier: null, name: 'EAN/UPC', symbology: 'unknown' },
  { code: 'e', modifier: null, name: 'GS1 DataBar', symbology: 'unknown' },
  { code: 'F', modifier: null, name: 'Codabar', symbology: 'unknown' },
  { code: 'G', modifier: null, name: 'Code 93', symbology: 'unknown' },
  { code: 'H', modifier: null, name: 'Code 11', symbology: 'unknown' },
  { code: 'I', modifier: null, name: 'ITF (Interleaved 2 of 5)', symbology: 'itf' },
  { code: 'L', modifier: null, name: 'PDF417 / MicroPDF417', symbology: 'pdf417' },
  { code: 'M', modifier: null, name: 'MSI', symbology: 'unknown' },
  { code: 'Q', modifier: null, name: 'QR Code', symbology: 'qr' },
  { code: 'Q', modifier: '0', name: 'QR Code model 1', symbology: 'qr' },
  { code: 'Q', modifier: '1', name: 'QR Code model 2', symbology: 'qr' },
  { code: 'Q', modifier: '3', name: 'GS1 QR Code (FNC1 in first position)', symbology: 'qr' },
  { code: 'Q', modifier: '4', name: 'GS1 QR Code (FNC1 in first position, ECI)', symbology: 'qr' },
  { code: 'd', modifier: null, name: 'Data Matrix', symbology: 'datamatrix' },
  { code: 'd', modifier: '2', name: 'GS1 DataMatrix (FNC1 in first position)', symbology: 'datamatrix' },
  { code: 'd', modifier: '5', name: 'GS1 DataMatrix (FNC1 in first position, ECI)', symbology: 'datamatrix' },
  { code: 'U', modifier: null, name: 'MaxiCode', symbology: 'unknown' },
  { code: 'z', modifier: null, name: 'Aztec', symbology: 'unknown' },
  { code: 'X', modifier: null, name: 'Other / vendor-specific', symbology: 'unknown' },
  { code: 'Z', modifier: null, name: 'Not from a bar code (e.g. keyboard)', symbology: 'unknown' },
] satisfies AimEntry[]);

/** `]`, a letter, then one letter or digit. */
const AIM = /^\][A-Za-z][0-9A-Za-z]/;

/** True when `aim` is exactly a well-formed three-character AIM identifier. */
export function isAim(aim: string): boolean {
  return aim.length === 3 && AIM.test(aim);
}

/** The table entry of a well-formed AIM identifier, or undefined when the table does not know it. */
export function aimEntry(aim: string): AimEntry | undefined {
  if (!isAim(aim)) return undefined;
  const code = aim.charAt(1);
  const modifier = aim.charAt(2);
  return AIM_TABLE.find((e) => e.code === code && e.modifier === modifier) ?? AIM_TABLE.find((e) => e.code === code && e.modifier === null);
}

/** The symbology an AIM identifier names for `data` (the data after the identifier). Trusts the scanner. */
export function symbologyOfAim(aim: string, data: string): ScanSymbology {
  const entry = aimEntry(aim);
  if (!entry) return 'unknown';
  return entry.byLength?.[data.length] ?? entry.symbology;
}

/**
 * Splits a leading AIM identifier off `text`: `parseAim(']E06901939621608')` →
 * `{ symbology: 'ean13', aim: ']E0', data: '6901939621608' }`. Null when `text` does not start with one.
 */
export function parseAim(text: string): { symbology: ScanSymbology; aim: string; data: string } | null {
  if (!AIM.test(text)) return null;
  const aim = text.slice(0, 3);
  const data = text.slice(3);
  return { symbology: symbologyOfAim(aim, data), aim, data };
}

/**
 * The symbology of data that came without an identifier, only where it is safe: a retail code whose check
 * digit holds (13 digits EAN-13, 12 UPC-A, 8 UPC-E or EAN-8 as barcode.ts decides). Anything else, payment
 * codes included (a Code 128 and a QR carry the same digits), is 'unknown'.
 */
export function inferSymbology(data: string): ScanSymbology {
  const retail = validateRetailBarcode(data);
  return retail.ok ? retail.symbology : 'unknown';
}

/**
 * The symbology, AIM identifier and data of one scanned text. With `aimPrefix` (the scanner is set to send
 * AIM identifiers) a leading identifier is split off; a text without one is taken whole and inferred. Without
 * `aimPrefix` nothing is split off, since data may itself start with `]`.
 */
export function identifyScan(text: string, aimPrefix: boolean): { symbology: ScanSymbology; aim: string | null; data: string } {
  const parsed = aimPrefix ? parseAim(text) : null;
  return parsed ?? { symbology: inferSymbology(text), aim: null, data: text };
}

/**
 * Retail barcodes (EAN-13, EAN-8, UPC-A, UPC-E) and in-store weighed-goods codes from scale labels.
 * Codes are the digits a scanner reports, without AIM prefix or suffix; nothing is trimmed here.
 */
import { z } from 'zod';

export type Symbology = 'ean13' | 'ean8' | 'upca' | 'upce';

const DIGITS = /^[0-9]*$/;

/** The GS1 mod-10 check digit of `digitsWithoutCheck`: weights 3, 1, 3, … from the rightmost digit. */
export function gtinCheckDigit(digitsWithoutCheck: string): number {
  if (!DIGITS.test(digitsWithoutCheck) || digitsWithoutCheck.length === 0) {
    throw new RangeError(`expected digits, got ${JSON.stringify(digitsWithoutCheck)}`);
  }
  let sum = 0;
  for (let i = digitsWithoutCheck.length - 1, weight = 3; i >= 0; i--, weight = 4 - weight) {
    sum += (digitsWithoutCheck.charCodeAt(i) - 48) * weight;
  }
  return (10 - (sum % 10)) % 10;
}

/** True when the last digit of `code` is the GS1 check digit of the others. */
function checkDigitOk(code: string): boolean {
  return gtinCheckDigit(code.slice(0, -1)) === Number(code.slice(-1));
}

/** UPC-A body (11 digits, no check digit) of a UPC-E number system digit and its 6 middle digits. */
function upcEBody(numberSystem: string, six: string): string {
  const [d1, d2, d3, d4, d5, d6] = six;
  switch (d6) {
    case '0':
    case '1':
    case '2':
      return `${numberSystem}${d1}${d2}${d6}0000${d3}${d4}${d5}`;
    case '3':
      return `${numberSystem}${d1}${d2}${d3}00000${d4}${d5}`;
    case '4':
      return `${numberSystem}${d1}${d2}${d3}${d4}00000${d5}`;
    default:
      return `${numberSystem}${d1}${d2}${d3}${d4}${d5}0000${d6}`;
  }
}

/**
 * An 8-digit UPC-E (number system 0 or 1, 6 digits, check digit) expanded to its 12-digit UPC-A, by the
 * last of the 6 middle digits: 0–2 manufacturer `d1 d2 d6 00`, item `00 d3 d4 d5`; 3 `d1 d2 d3 00`/`000 d4 d5`;
 * 4 `d1 d2 d3 d4 0`/`0000 d5`; 5–9 `d1 … d5`/`0000 d6`. Throws RangeError on anything else, including a
 * check digit that is not the UPC-A check digit of the expansion. `expandUpcE('04252614') === '042100005264'`.
 */
export function expandUpcE(upce: string): string {
  if (!/^[01][0-9]{7}$/.test(upce)) throw new RangeError(`not a UPC-E code (8 digits, number system 0 or 1): ${JSON.stringify(upce)}`);
  const upca = upcEBody(upce.slice(0, 1), upce.slice(1, 7)) + upce.slice(7);
  if (!checkDigitOk(upca)) throw new RangeError(`bad UPC-E check digit: ${upce}`);
  return upca;
}

export type RetailBarcode =
  | {
      ok: true;
      symbology: Symbology;
      /**
       * The lookup key: EAN-13 its 13 digits; UPC-A '0' + its 12 digits (so a UPC-A and the EAN-13 printed
       * for the same product match); UPC-E expanded to UPC-A, then '0' + 12 digits; EAN-8 its own 8 digits
       * (EAN-8 numbers are a separate space, not a subset of EAN-13).
       */
      key: string;
    }
  | { ok: false; reason: 'not_digits' | 'bad_length' | 'bad_check_digit' };

/**
 * Classifies and checks a scanned retail code; never throws. 13 digits = EAN-13, 12 = UPC-A. 8 digits are
 * ambiguous without the scanner's symbology identifier (some codes pass both checks, e.g. 01234565): a code
 * starting with 0 or 1 whose UPC-E check digit holds is UPC-E (EAN-8 numbers starting with 0 are in-store
 * numbers, and Chinese EAN-8s start with 69), otherwise EAN-8 when its own check digit holds. `hint`, from
 * the scanner's AIM identifier (`]E4` = EAN-8; `]E0` with 8 digits = UPC-E), settles it.
 */
export function validateRetailBarcode(code: string, hint?: 'ean8' | 'upce'): RetailBarcode {
  if (!DIGITS.test(code)) return { ok: false, reason: 'not_digits' };
  switch (code.length) {
    case 13:
      return checkDigitOk(code) ? { ok: true, symbology: 'ean13', key: code } : { ok: false, reason: 'bad_check_digit' };
    case 12:
      return checkDigitOk(code) ? { ok: true, symbology: 'upca', key: `0${code}` } : { ok: false, reason: 'bad_check_digit' };
    case 8: {
      const upca = upcEBody(code.slice(0, 1), code.slice(1, 7)) + code.slice(7);
      if (hint !== 'ean8' && (code[0] === '0' || code[0] === '1') && checkDigitOk(upca)) return { ok: true, symbology: 'upce', key: `0${upca}` };
      if (hint !== 'upce' && checkDigitOk(code)) return { ok: true, symbology: 'ean8', key: code };
      return { ok: false, reason: 'bad_check_digit' };
    }
    default:
      return { ok: false, reason: 'bad_length' };
  }
}

// ---------------------------------------------------------------------------------------------------------
// Weighed goods: EAN-13 codes in the restricted-circulation range 20–29 printed by the shop's scales.

/** Where the fields of a 13-digit scale-label code sit: positions are 0-based indexes into the 12 data digits. */
export interface WeighedLayout {
  /** Flag prefixes that mark an in-store code, e.g. '20'…'29'; the prefix area is the longest of them. */
  prefixes: string[];
  pluStart: number;
  pluLength: number;
  valueStart: number;
  valueLength: number;
  /** What the value field holds: the price of the label (in currency units) or the weight (in kilograms). */
  value: 'price' | 'weight';
  /** Decimals in the value field: price 2 = fen; weight 3 = grams. */
  valueDecimals: number;
}

const position = z.number().int().min(0).max(11);
const length = z.number().int().min(1).max(9);

export const WeighedLayoutSchema = z
  .object({
    prefixes: z.array(z.string().regex(/^[0-9]{1,4}$/, 'a prefix is 1–4 digits')).min(1),
    pluStart: position,
    pluLength: length,
    valueStart: position,
    valueLength: length,
    value: z.enum(['price', 'weight']),
    valueDecimals: z.number().int().min(0).max(3),
  })
  .strict()
  .superRefine((layout, ctx) => {
    const prefixEnd = Math.max(...layout.prefixes.map((p) => p.length));
    const plu = [layout.pluStart, layout.pluStart + layout.pluLength] as const;
    const value = [layout.valueStart, layout.valueStart + layout.valueLength] as const;
    const overlaps = (a: readonly [number, number], b: readonly [number, number]): boolean => a[0] < b[1] && b[0] < a[1];
    if (plu[1] > 12) ctx.addIssue({ code: 'custom', path: ['pluLength'], message: 'the PLU must end within the 12 data digits' });
    if (value[1] > 12) ctx.addIssue({ code: 'custom', path: ['valueLength'], message: 'the value must end within the 12 data digits' });
    if (plu[0] < prefixEnd) ctx.addIssue({ code: 'custom', path: ['pluStart'], message: 'the PLU overlaps the prefix' });
    if (value[0] < prefixEnd) ctx.addIssue({ code: 'custom', path: ['valueStart'], message: 'the value overlaps the prefix' });
    if (overlaps(plu, value)) ctx.addIssue({ code: 'custom', path: ['valueStart'], message: 'the PLU and the value overlap' });
  });

/**
 * The common Chinese supermarket-scale label (大华/顶尖-style "FF PPPPP VVVVV C"): a 2-digit flag 20–29,
 * a 5-digit PLU, a 5-digit price in fen (up to ¥999.99), then the EAN-13 check digit.
 * Scales set to print the weight instead use the same positions with `value: 'weight', valueDecimals: 3`.
 */
export const DEFAULT_WEIGHED_LAYOUT: WeighedLayout = Object.freeze({
  // Frozen: a shared default must not be changed by one of its users.
  prefixes: Object.freeze(['20', '21', '22', '23', '24', '25', '26', '27', '28', '29']) as string[],
  pluStart: 2,
  pluLength: 5,
  valueStart: 7,
  valueLength: 5,
  value: 'price',
  valueDecimals: 2,
});

export class BarcodeError extends Error {
  constructor(
    readonly reason: 'bad_check_digit' | 'bad_layout',
    message: string,
  ) {
    super(message);
    this.name = 'BarcodeError';
  }
}

export interface WeighedItem {
  plu: string;
  /** Minor units of the currency (fen), when the layout carries the price. */
  price?: number;
  /** When the layout carries the weight. */
  weightGrams?: number;
}

/**
 * Reads a scale-label code. Returns null when `code` is not an in-store code of this layout (not 13 digits,
 * or none of the prefixes). Throws BarcodeError('bad_check_digit') when it is one but its check digit is
 * wrong (a misread or mistyped label must not sell at a wrong price), and a ZodError when the layout itself
 * is invalid. `currencyExponent` (default 2) converts a price field to minor units; a price field with more
 * decimals than that throws BarcodeError('bad_layout').
 */
export function parseWeighedBarcode(code: string, layout: WeighedLayout, currencyExponent = 2): WeighedItem | null {
  const l = WeighedLayoutSchema.parse(layout);
  if (code.length !== 13 || !DIGITS.test(code) || !l.prefixes.some((p) => code.startsWith(p))) return null;
  if (!checkDigitOk(code)) throw new BarcodeError('bad_check_digit', `bad check digit in scale label ${code}`);
  const plu = code.slice(l.pluStart, l.pluStart + l.pluLength);
  const raw = Number(code.slice(l.valueStart, l.valueStart + l.valueLength));
  if (l.value === 'weight') return { plu, weightGrams: raw * 10 ** (3 - l.valueDecimals) };
  if (l.valueDecimals > currencyExponent) {
    throw new BarcodeError('bad_layout', `a price with ${l.valueDecimals} decimals cannot be held in minor units of exponent ${currencyExponent}`);
  }
  return { plu, price: raw * 10 ** (currencyExponent - l.valueDecimals) };
}

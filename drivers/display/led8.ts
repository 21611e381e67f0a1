/**
 * Chinese 8-digit LED price display ("客显", LED8N class): eight 7-segment digits, each with a decimal point,
 * and four lamps under them. Bytes from peers.md §5 (LED8N manual; Wintec CD110 JavaPOS driver):
 *
 * | function | bytes |
 * |---|---|
 * | initialise | `1B 40` |
 * | clear | `0C` |
 * | light one lamp | `1B 73 n`: 1 单价 price, 2 合计 total, 3 收款 collect, 4 找零 change; 0 all off |
 * | show a number | `1B 51 41 d… 0D`, d = '0'–'9' (`30`–`39`), '.' (`2E`), '-' (`2D`) |
 *
 * n is sent as a binary 1–4 as the Wintec driver does (some manuals also list ASCII '1'–'4'; the decoder
 * takes both). n = 0 for "all lamps off" is typical but not confirmed by our sources: we send it only for
 * screens without an amount (idle, thanks), together with a clear, so a display that ignores it still shows
 * no number.
 *
 * **Amounts.** An amount of minor units is shown with its currency's decimals (1234 fen at exponent 2 →
 * `12.34`, 5 → `0.05`, −350 → `-3.50`). A digit or the minus sign takes one of the 8 positions; a decimal
 * point lights the point of the digit before it and takes none (so at most 8 positions and 15 characters).
 * **Overflow:** an amount that needs more than 8 positions (≥ 1,000,000.00 at exponent 2) is shown as
 * `--------` with its lamp: a customer display must not fail in the middle of a sale, and a number cut to
 * 8 digits would show a wrong amount. The cashier's screen always has the full amount.
 *
 * **Never send these to a CD5220:** there `1B 73 01` saves user-defined characters to EEPROM (byte collision,
 * peers.md §5); the technician picks the protocol, nothing is probed.
 */
import { assertMinor } from '../../src-common/money';
import { concatBytes } from './text';

const ESC = 0x1b;
const CR = 0x0d;

export type LedLamp = 'price' | 'total' | 'collect' | 'change';

/** Lamp numbers of `1B 73 n`; 'none' = 0, all lamps off. */
export const LED_LAMP_CODES: Readonly<Record<LedLamp | 'none', number>> = { none: 0, price: 1, total: 2, collect: 3, change: 4 };

/** Digit positions of the display. */
export const LED_DIGITS = 8;
/** At most 8 digit positions plus 7 decimal points. */
export const LED_MAX_CHARS = 15;
/** What an amount too large for the display shows. */
export const LED_OVERFLOW = '-'.repeat(LED_DIGITS);

/** `1B 40`: reset (number and lamps off). */
export function encodeInit(): Uint8Array {
  return Uint8Array.of(ESC, 0x40);
}

/** `0C`: clear the number. */
export function encodeClear(): Uint8Array {
  return Uint8Array.of(0x0c);
}

/** `1B 73 n`: light `lamp` (the others go off), or all off for 'none'. */
export function encodeLamp(lamp: LedLamp | 'none'): Uint8Array {
  const n = Object.hasOwn(LED_LAMP_CODES, lamp) ? LED_LAMP_CODES[lamp] : undefined;
  if (n === undefined) throw new RangeError(`unknown LED lamp ${JSON.stringify(lamp)}`);
  return Uint8Array.of(ESC, 0x73, n);
}

/** Digit positions `text` takes: every character but the decimal point. */
export function ledPositions(text: string): number {
  return text.replaceAll('.', '').length;
}

/**
 * True when `text` is something the display can show: only '0'–'9', '.', '-'; at most 8 positions; a '.'
 * only after a digit or '-' (it lights that position's point), so never first and never twice in a row.
 */
export function isLedText(text: string): boolean {
  return /^[0-9-](?:\.?[0-9-])*\.?$/.test(text) && ledPositions(text) <= LED_DIGITS && text.length <= LED_MAX_CHARS;
}

/** `1B 51 41 d… 0D`: show `text` (checked with isLedText; RangeError otherwise). */
export function encodeNumber(text: string): Uint8Array {
  if (!isLedText(text)) throw new RangeError(`an LED price display cannot show ${JSON.stringify(text)}`);
  return concatBytes([Uint8Array.of(ESC, 0x51, 0x41), Uint8Array.from(text, (c) => c.charCodeAt(0)), Uint8Array.of(CR)]);
}

function checkExponent(exponent: number): void {
  if (!Number.isInteger(exponent) || exponent < 0 || exponent > LED_DIGITS - 1) throw new RangeError(`currency exponent must be 0–7, got ${String(exponent)}`);
}

/** The digits of an amount as the display shows it (`12.34`, `-3.50`, `0.05`), or null when it needs more than 8 positions. */
export function ledAmountText(minorUnits: number, currencyExponent: number): string | null {
  assertMinor(minorUnits);
  checkExponent(currencyExponent);
  const digits = Math.abs(minorUnits).toString().padStart(currencyExponent + 1, '0');
  const whole = digits.slice(0, digits.length - currencyExponent);
  const text = (minorUnits < 0 ? '-' : '') + whole + (currencyExponent > 0 ? `.${digits.slice(digits.length - currencyExponent)}` : '');
  return ledPositions(text) <= LED_DIGITS ? text : null;
}

/** Minor units back from what the display shows (`12.34` at exponent 2 → 1234), or null for anything else (overflow dashes included). */
export function parseLedAmount(text: string, currencyExponent: number): number | null {
  checkExponent(currencyExponent);
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) return null;
  const fraction = m[3] ?? '';
  if (fraction.length !== currencyExponent) return null;
  const value = Number((m[2] ?? '') + fraction);
  return m[1] === '-' ? -value : value;
}

/**
 * Light the lamp of `kind` and show the amount: `1B 73 n 1B 51 41 d… 0D`. An amount that does not fit shows
 * `--------` (module comment).
 */
export function showAmount(kind: LedLamp, minorUnits: number, currencyExponent: number): Uint8Array {
  const text = ledAmountText(minorUnits, currencyExponent) ?? LED_OVERFLOW;
  return concatBytes([encodeLamp(kind), encodeNumber(text)]);
}

/** No amount: clear the number and put every lamp out (`0C 1B 73 00`). */
export function showNothing(): Uint8Array {
  return concatBytes([encodeClear(), encodeLamp('none')]);
}

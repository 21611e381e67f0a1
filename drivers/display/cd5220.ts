/**
 * CD5220 command set (Partner Tech CD5220 and the "LD200/VFD220"-class pole displays set to CD5220
 * emulation), 2 rows × 20 columns, usually 9600 8N1. Bytes from peers.md §5 (PTC manual via
 * batzlerg/cd5220):
 *
 * | function | bytes |
 * |---|---|
 * | initialise | `1B 40` |
 * | clear screen (also ends string mode) | `0C` |
 * | clear cursor line (also ends string mode) | `18` |
 * | overwrite / vertical / horizontal scroll mode | `1B 11` / `1B 12` / `1B 13` |
 * | move cursor (1-based column x, row y) | `1B 6C x y` |
 * | cursor on/off | `1B 5F n` |
 * | brightness 1–4 | `1B 2A n` |
 * | upper line string | `1B 51 41 <≤20 chars> 0D` |
 * | lower line string | `1B 51 42 <≤20 chars> 0D` |
 *
 * **String-mode lockout.** After `ESC Q A`/`ESC Q B` the display stays in string mode and ignores most other
 * commands (and plain text) until `0C` or `18`; it still takes further `ESC Q A/B`. So every screen we send
 * starts with `0C`, which unlocks and clears, then writes both lines in string mode; encodeInit also sends
 * `0C` before `1B 40`, in case a display is still locked from a previous screen.
 *
 * **Never send LED price-display commands here:** `1B 73 01` lights the "price" lamp on an 8-digit LED
 * display but saves user-defined characters to EEPROM on a CD5220 (peers.md §5, byte collision).
 */
import { concatBytes, type DisplayEncoding, displayLine, encodeDisplayText } from './text';

const ESC = 0x1b;
const CR = 0x0d;

export const CD5220_COLUMNS = 20;

export interface Cd5220Options {
  /** Text character set (default 'ascii'); see ./text. */
  readonly encoding?: DisplayEncoding;
}

/** `0C 1B 40`: end string mode if the display is in it, then reset it. */
export function encodeInit(): Uint8Array {
  return Uint8Array.of(0x0c, ESC, 0x40);
}

/** `0C`: clear both lines, cursor home, end string mode. */
export function encodeClear(): Uint8Array {
  return Uint8Array.of(0x0c);
}

/** `18`: clear the cursor's line, end string mode. */
export function encodeClearLine(): Uint8Array {
  return Uint8Array.of(0x18);
}

/** `1B 2A n`: brightness level 1–4. Not taken in string mode: send after encodeClear. */
export function encodeBrightness(level: 1 | 2 | 3 | 4): Uint8Array {
  if (!Number.isInteger(level) || level < 1 || level > 4) throw new RangeError(`brightness must be 1–4, got ${String(level)}`);
  return Uint8Array.of(ESC, 0x2a, level);
}

/** `1B 5F n`: cursor on (1) or off (0). */
export function encodeCursor(on: boolean): Uint8Array {
  return Uint8Array.of(ESC, 0x5f, on ? 1 : 0);
}

/** `1B 6C x y`: cursor to column x (1–20), row y (1–2). */
export function encodeMoveCursor(column: number, row: number): Uint8Array {
  if (!Number.isInteger(column) || column < 1 || column > CD5220_COLUMNS) throw new RangeError(`column must be 1–20, got ${String(column)}`);
  if (!Number.isInteger(row) || row < 1 || row > 2) throw new RangeError(`row must be 1–2, got ${String(row)}`);
  return Uint8Array.of(ESC, 0x6c, column, row);
}

/** `1B 51 41|42 <20 cells> 0D`: one line in string mode (row 1 upper, 2 lower), prepared and fitted to 20 cells. */
export function encodeLine(row: 1 | 2, text: string, options: Cd5220Options = {}): Uint8Array {
  if (row !== 1 && row !== 2) throw new RangeError(`row must be 1 or 2, got ${String(row)}`);
  const body = encodeDisplayText(displayLine(text, CD5220_COLUMNS, options.encoding), options.encoding);
  return concatBytes([Uint8Array.of(ESC, 0x51, row === 1 ? 0x41 : 0x42), body, Uint8Array.of(CR)]);
}

/** A whole screen: `0C`, the upper line string, the lower line string (a missing second line is blank). */
export function encodeLines(lines: readonly [string] | readonly [string, string], options: Cd5220Options = {}): Uint8Array {
  if (lines.length < 1 || lines.length > 2) throw new RangeError(`a CD5220 has 2 rows, got ${String(lines.length)} lines`);
  return concatBytes([encodeClear(), encodeLine(1, lines[0], options), encodeLine(2, lines[1] ?? '', options)]);
}

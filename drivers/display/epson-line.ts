/**
 * Epson ESC/POS customer display command set ("1F set": DM-D110/D210 style, also Bixolon BCD and most VFDs
 * switched to Epson emulation), 20 columns × 2 rows (up to 4 rows). Bytes from peers.md §5:
 *
 * | function | bytes |
 * |---|---|
 * | initialise | `1B 40` |
 * | clear screen | `0C` |
 * | overwrite mode | `1F 01` (vertical scroll `1F 02`, horizontal scroll `1F 03`) |
 * | cursor on/off | `1F 43 n` |
 * | move cursor (1-based column x, row y) | `1F 24 x y` |
 * | brightness (1–4 = 25–100 %) | `1F 58 n` |
 * | select peripheral (display behind a printer) | `1B 3D 02` display, `1B 3D 01` printer |
 *
 * A screen is written as: overwrite mode, cursor off, then for each row "move to column 1 of the row" and
 * exactly `columns` cells of text (padded with spaces). Writing whole rows replaces what was shown without
 * a clear, so the display does not flicker; overwrite mode keeps the last cell of the last row from scrolling.
 * Text is prepared by ./text (sanitised; ASCII, or 2-byte GB18030 with `encoding: 'gb18030'`), so no byte
 * below 0x20 is ever text.
 */
import { concatBytes, type DisplayEncoding, displayLine, encodeDisplayText } from './text';

const ESC = 0x1b;
const US = 0x1f;

export interface EpsonLineOptions {
  /** Characters per row (default 20). */
  readonly columns?: number;
  /** Text character set (default 'ascii'); see ./text. */
  readonly encoding?: DisplayEncoding;
}

export const EPSON_DEFAULT_COLUMNS = 20;
export const EPSON_MAX_ROWS = 4;

function checkColumns(columns: number): number {
  if (!Number.isInteger(columns) || columns < 1 || columns > 40) throw new RangeError(`columns must be an integer from 1 to 40, got ${String(columns)}`);
  return columns;
}

/** `1B 40`: reset the display (clears it, cursor home, modes and brightness back to their defaults). */
export function encodeInit(): Uint8Array {
  return Uint8Array.of(ESC, 0x40);
}

/** `0C`: clear the screen, cursor to the top left. */
export function encodeClear(): Uint8Array {
  return Uint8Array.of(0x0c);
}

/** `1F 58 n`: brightness level 1–4 (25, 50, 75, 100 %). */
export function encodeBrightness(level: 1 | 2 | 3 | 4): Uint8Array {
  if (!Number.isInteger(level) || level < 1 || level > 4) throw new RangeError(`brightness must be 1–4, got ${String(level)}`);
  return Uint8Array.of(US, 0x58, level);
}

/** `1F 43 n`: show (1) or hide (0) the cursor. */
export function encodeCursor(on: boolean): Uint8Array {
  return Uint8Array.of(US, 0x43, on ? 1 : 0);
}

/** `1F 24 x y`: cursor to column x, row y (both 1-based). */
export function encodeMoveCursor(column: number, row: number): Uint8Array {
  if (!Number.isInteger(column) || column < 1 || column > 40) throw new RangeError(`column must be 1–40, got ${String(column)}`);
  if (!Number.isInteger(row) || row < 1 || row > EPSON_MAX_ROWS) throw new RangeError(`row must be 1–${EPSON_MAX_ROWS}, got ${String(row)}`);
  return Uint8Array.of(US, 0x24, column, row);
}

/** `1F 01`: overwrite mode (writing past the last cell wraps to the first row instead of scrolling). */
export function encodeOverwriteMode(): Uint8Array {
  return Uint8Array.of(US, 0x01);
}

/**
 * Initialise for our use: `1B 40` reset, `1F 01` overwrite mode, `1F 43 00` cursor off, and `1F 58 n` when a
 * brightness is given. Sent when the port opens (again after a reconnect).
 */
export function encodeSetup(options: { readonly brightness?: 1 | 2 | 3 | 4 } = {}): Uint8Array {
  const parts = [encodeInit(), encodeOverwriteMode(), encodeCursor(false)];
  if (options.brightness !== undefined) parts.push(encodeBrightness(options.brightness));
  return concatBytes(parts);
}

/**
 * The bytes that show `lines` (one per row, 1–4 rows), each prepared for the display and fitted to
 * `columns` cells: `1F 01 1F 43 00`, then per row `1F 24 01 y` and the row's text.
 */
export function encodeLines(lines: readonly string[], options: EpsonLineOptions = {}): Uint8Array {
  const columns = checkColumns(options.columns ?? EPSON_DEFAULT_COLUMNS);
  if (lines.length < 1 || lines.length > EPSON_MAX_ROWS) throw new RangeError(`a display has 1–${EPSON_MAX_ROWS} rows, got ${lines.length} lines`);
  const parts = [encodeOverwriteMode(), encodeCursor(false)];
  lines.forEach((line, row) => {
    parts.push(encodeMoveCursor(1, row + 1));
    parts.push(encodeDisplayText(displayLine(line, columns, options.encoding), options.encoding));
  });
  return concatBytes(parts);
}

/**
 * For a display plugged into the printer's display port (pass-through): `1B 3D 02` (select the display),
 * `bytes`, then `1B 3D 01` (select the printer again, so receipt data is not shown on the display).
 */
export function throughPrinter(bytes: Uint8Array): Uint8Array {
  return concatBytes([Uint8Array.of(ESC, 0x3d, 0x02), bytes, Uint8Array.of(ESC, 0x3d, 0x01)]);
}

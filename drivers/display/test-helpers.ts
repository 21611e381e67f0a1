/** Shared by the display tests (not a test file itself). */
import fc from 'fast-check';
import type { DisplayCommand } from './decode';

export const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex').replace(/(..)(?!$)/g, '$1 ');

/** Product names as hostile as a catalog import can make them: command bytes, Chinese, emoji, combining marks. */
export const hostileText = fc.string({
  unit: fc.oneof(
    fc.constantFrom('\x1b', '\x1f', '\x0c', '\x10', '\x0d', '\x0a', '\x18', '\x00', '\x7f', '\x9b', '\x02', '\x04', '\x08', '\x09', '\u200b', '\u202e', '\ufeff'),
    fc.constantFrom('可', '口', '乐', '银', '行', '￥', '¥', 'é', 'ä', '×', 'Ａ', '\u0301', '😀', '\u3000', '𠮷', '½', '…'),
    fc.constantFrom('p', 'Q', 'A', 'B', 's', '@', '$', '=', '1', '2', '.', '-', ' '),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  ),
  maxLength: 40,
});

/** Offsets of bytes below 0x20, or DEL, that no decoded command covers (text that a display could take as a command). */
export function strayControlBytes(bytes: Uint8Array, commands: readonly DisplayCommand[]): number[] {
  const covered = new Uint8Array(bytes.length);
  for (const c of commands) covered.fill(1, c.at, c.at + c.length);
  const stray: number[] = [];
  bytes.forEach((b, i) => {
    if ((b < 0x20 || b === 0x7f) && !covered[i]) stray.push(i);
  });
  return stray;
}

/** The commands without their offsets and lengths. */
export const actions = (commands: readonly DisplayCommand[]): unknown[] => commands.map(({ at: _at, length: _length, ...rest }) => rest);

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeBrightness, encodeClear, encodeClearLine, encodeCursor, encodeInit, encodeLine, encodeLines, encodeMoveCursor } from './cd5220';
import { decodeCd5220 } from './decode';
import { actions, hex, hostileText, strayControlBytes } from './test-helpers';
import { displayLine } from './text';

const SPACES = (n: number): string => ' 20'.repeat(n);

describe('CD5220 commands (peers.md §5)', () => {
  it('has the bytes of the PTC set', () => {
    expect(hex(encodeInit())).toBe('0c 1b 40');
    expect(hex(encodeClear())).toBe('0c');
    expect(hex(encodeClearLine())).toBe('18');
    expect(hex(encodeBrightness(3))).toBe('1b 2a 03');
    expect(hex(encodeCursor(false))).toBe('1b 5f 00');
    expect(hex(encodeMoveCursor(1, 2))).toBe('1b 6c 01 02');
    expect(hex(encodeLine(1, 'TOTAL'))).toBe(`1b 51 41 54 4f 54 41 4c${SPACES(15)} 0d`);
    expect(hex(encodeLine(2, '12.50'))).toBe(`1b 51 42 31 32 2e 35 30${SPACES(15)} 0d`);
  });
  it('refuses parameters the display does not have', () => {
    expect(() => encodeBrightness(9 as 1)).toThrow(RangeError);
    expect(() => encodeMoveCursor(21, 1)).toThrow(RangeError);
    expect(() => encodeMoveCursor(1, 3)).toThrow(RangeError);
    expect(() => encodeLine(3 as 1, 'x')).toThrow(RangeError);
    expect(() => encodeLines([] as unknown as [string])).toThrow(RangeError);
  });
});

describe('encodeLines', () => {
  it('clears (ending any string mode), then writes both lines in string mode', () => {
    const bytes = encodeLines(['TOTAL', '12.50']);
    expect(hex(bytes)).toBe(`0c 1b 51 41 54 4f 54 41 4c${SPACES(15)} 0d 1b 51 42 31 32 2e 35 30${SPACES(15)} 0d`);
    expect(decodeCd5220(bytes)).toMatchObject({ lines: ['TOTAL'.padEnd(20), '12.50'.padEnd(20)], locked: true });
    expect(decodeCd5220(encodeLines(['only one'])).lines).toEqual(['only one'.padEnd(20), ' '.repeat(20)]);
  });
  it('models the string-mode lockout: other commands and text are ignored until 0C or 18', () => {
    const locked = encodeLines(['A', 'B']);
    const tail = Uint8Array.of(0x1b, 0x2a, 0x01, 0x58, 0x59);
    const shown = decodeCd5220(new Uint8Array([...locked, ...tail]));
    expect(shown.lines).toEqual(['A'.padEnd(20), 'B'.padEnd(20)]);
    expect(shown.brightness).toBe(4);
    expect(shown.commands.at(-1)).toMatchObject({ type: 'brightness', ignored: true });
    // the next screen starts with 0C, which unlocks
    const next = decodeCd5220(new Uint8Array([...locked, ...tail, ...encodeLines(['C', 'D'])]));
    expect(next.lines).toEqual(['C'.padEnd(20), 'D'.padEnd(20)]);
    const unlocked = decodeCd5220(new Uint8Array([...locked, 0x18, 0x1b, 0x2a, 0x01]));
    expect(unlocked.locked).toBe(false);
    expect(unlocked.brightness).toBe(1);
  });
  it('round-trips any text, and a hostile name never yields a control byte outside our commands', () => {
    fc.assert(
      fc.property(hostileText, hostileText, fc.constantFrom<'ascii' | 'gb18030'>('ascii', 'gb18030'), (a, b, encoding) => {
        const bytes = encodeLines([a, b], { encoding });
        const shown = decodeCd5220(bytes, { encoding });
        const expected = [displayLine(a, 20, encoding), displayLine(b, 20, encoding)];
        expect(shown.lines).toEqual(expected);
        expect(actions(shown.commands)).toEqual([{ type: 'clear' }, { type: 'upperLine', text: expected[0] }, { type: 'lowerLine', text: expected[1] }]);
        expect(strayControlBytes(bytes, shown.commands)).toEqual([]);
      }),
    );
  });
});

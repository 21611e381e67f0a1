import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEpsonLine } from './decode';
import { encodeBrightness, encodeClear, encodeCursor, encodeInit, encodeLines, encodeMoveCursor, encodeOverwriteMode, encodeSetup, throughPrinter } from './epson-line';
import { actions, hex, hostileText, strayControlBytes } from './test-helpers';
import { displayLine } from './text';

const SPACES = (n: number): string => ' 20'.repeat(n);

describe('Epson line display commands (peers.md §5)', () => {
  it('has the bytes of the 1F set', () => {
    expect(hex(encodeInit())).toBe('1b 40');
    expect(hex(encodeClear())).toBe('0c');
    expect(hex(encodeOverwriteMode())).toBe('1f 01');
    expect(hex(encodeCursor(false))).toBe('1f 43 00');
    expect(hex(encodeCursor(true))).toBe('1f 43 01');
    expect(hex(encodeMoveCursor(1, 2))).toBe('1f 24 01 02');
    expect(hex(encodeMoveCursor(20, 1))).toBe('1f 24 14 01');
    expect(hex(encodeBrightness(1))).toBe('1f 58 01');
    expect(hex(encodeBrightness(4))).toBe('1f 58 04');
    expect(hex(encodeSetup())).toBe('1b 40 1f 01 1f 43 00');
    expect(hex(encodeSetup({ brightness: 2 }))).toBe('1b 40 1f 01 1f 43 00 1f 58 02');
  });
  it('refuses parameters the display does not have', () => {
    expect(() => encodeBrightness(0 as 1)).toThrow(RangeError);
    expect(() => encodeBrightness(5 as 1)).toThrow(RangeError);
    expect(() => encodeMoveCursor(0, 1)).toThrow(RangeError);
    expect(() => encodeMoveCursor(1, 5)).toThrow(RangeError);
    expect(() => encodeLines([])).toThrow(RangeError);
    expect(() => encodeLines(['a', 'b', 'c', 'd', 'e'])).toThrow(RangeError);
    expect(() => encodeLines(['a'], { columns: 0 })).toThrow(RangeError);
  });
});

describe('encodeLines', () => {
  it('writes whole rows: overwrite mode, cursor off, then each row at column 1', () => {
    const bytes = encodeLines(['Cola', '2 x 3.50        7.00']);
    expect(hex(bytes)).toBe(
      `1f 01 1f 43 00 1f 24 01 01 43 6f 6c 61${SPACES(16)} 1f 24 01 02 32 20 78 20 33 2e 35 30${SPACES(8)} 37 2e 30 30`,
    );
  });
  it('sends Chinese as GB18030 only with encoding gb18030, else pinyin', () => {
    expect(hex(encodeLines(['可乐'], { encoding: 'gb18030', columns: 6 }))).toBe('1f 01 1f 43 00 1f 24 01 01 bf c9 c0 d6 20 20');
    expect(hex(encodeLines(['可乐'], { columns: 6 }))).toBe('1f 01 1f 43 00 1f 24 01 01 4b 65 4c 65 20 20');
  });
  it('decodes back to the rows, each exactly the width of the display', () => {
    const shown = decodeEpsonLine(encodeLines(['可口可乐 500ml 超长名字测试', '￥12'], { encoding: 'gb18030' }), { encoding: 'gb18030' });
    expect(shown.lines).toEqual(['可口可乐 500ml 超长 ', '￥12                ']);
    expect(shown.cursorVisible).toBe(false);
    expect(shown.mode).toBe('overwrite');
    const four = decodeEpsonLine(encodeLines(['a', 'b', 'c', 'd']), { rows: 4 });
    expect(four.lines).toEqual(['a', 'b', 'c', 'd'].map((l) => l.padEnd(20)));
  });
  it('round-trips any text, and a hostile name never yields a control byte outside our commands', () => {
    fc.assert(
      fc.property(hostileText, hostileText, fc.constantFrom<'ascii' | 'gb18030'>('ascii', 'gb18030'), fc.integer({ min: 8, max: 40 }), (a, b, encoding, columns) => {
        const bytes = encodeLines([a, b], { columns, encoding });
        const shown = decodeEpsonLine(bytes, { columns, encoding });
        expect(shown.lines).toEqual([displayLine(a, columns, encoding), displayLine(b, columns, encoding)]);
        expect(actions(shown.commands)).toEqual([{ type: 'mode' }, { type: 'cursor', params: [0] }, { type: 'moveCursor', params: [1, 1] }, { type: 'moveCursor', params: [1, 2] }]);
        expect(strayControlBytes(bytes, shown.commands)).toEqual([]);
      }),
    );
  });
});

describe('throughPrinter', () => {
  it('selects the display, then the printer again; the display ignores what follows', () => {
    const bytes = throughPrinter(encodeLines(['Hi', '']));
    expect(hex(bytes.subarray(0, 3))).toBe('1b 3d 02');
    expect(hex(bytes.subarray(-3))).toBe('1b 3d 01');
    const after = new Uint8Array([...bytes, ...new TextEncoder().encode('RECEIPT TEXT'), 0x0c]);
    const shown = decodeEpsonLine(after);
    expect(shown.lines).toEqual(['Hi'.padEnd(20), ' '.repeat(20)]);
    expect(shown.selected).toBe(false);
    expect(shown.commands.at(-1)).toMatchObject({ type: 'clear', ignored: true });
  });
});

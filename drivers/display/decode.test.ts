import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDisplayDecoder, decodeCd5220, decodeEpsonLine, decodeLed8, type DisplayProtocol } from './decode';

const bytes = (...b: (number | string)[]): Uint8Array => Uint8Array.from(b.flatMap((x) => (typeof x === 'string' ? [...x].map((c) => c.charCodeAt(0)) : [x])));

describe('decodeEpsonLine', () => {
  it('writes at the cursor and wraps to the next row, back to the top in overwrite mode', () => {
    const shown = decodeEpsonLine(bytes('12345678901234567890', 'AB', 0x1f, 0x24, 20, 2, 'Z', 'Q'), {});
    expect(shown.lines).toEqual(['Q2345678901234567890', 'AB                 Z']);
    expect(shown.cursor).toEqual({ row: 1, column: 2 });
  });
  it('scrolls up in vertical scroll mode', () => {
    const shown = decodeEpsonLine(bytes(0x1f, 0x02, 'top', 0x0a, 0x0d, 'bottom', 0x0a, 0x0d, 'new'));
    expect(shown.lines).toEqual(['bottom'.padEnd(20), 'new'.padEnd(20)]);
    expect(shown.mode).toBe('vertical');
  });
  it('runs clear, home, CR, backspace, clear line, init, brightness and cursor commands', () => {
    expect(decodeEpsonLine(bytes('abc', 0x0c, 'x')).lines).toEqual(['x'.padEnd(20), ' '.repeat(20)]);
    expect(decodeEpsonLine(bytes('abc', 0x0b, 'x')).lines[0]).toBe('xbc'.padEnd(20));
    expect(decodeEpsonLine(bytes('abc', 0x0d, 'x')).lines[0]).toBe('xbc'.padEnd(20));
    expect(decodeEpsonLine(bytes('abc', 0x08, 'x')).lines[0]).toBe('abx'.padEnd(20));
    expect(decodeEpsonLine(bytes('abc', 0x18, 'x')).lines[0]).toBe('x'.padEnd(20));
    expect(decodeEpsonLine(bytes(0x1f, 0x58, 2, 0x1f, 0x43, 0))).toMatchObject({ brightness: 2, cursorVisible: false });
    expect(decodeEpsonLine(bytes(0x1f, 0x58, 2, 'abc', 0x1b, 0x40))).toMatchObject({ brightness: 4, lines: [' '.repeat(20), ' '.repeat(20)] });
  });
  it('ignores a cursor move outside the screen, as the display does', () => {
    expect(decodeEpsonLine(bytes(0x1f, 0x24, 21, 1, 'x')).lines[0]).toBe('x'.padEnd(20));
  });
  it('reads user-defined character definitions whole', () => {
    const shown = decodeEpsonLine(bytes(0x1b, 0x26, 0x01, 0x41, 0x42, 5, 1, 2, 3, 4, 5, 5, 1, 2, 3, 4, 5, 'x'));
    expect(shown.commands).toEqual([{ type: 'defineUserCharacters', at: 0, length: 17, params: [1, 0x41, 0x42, 5, 1, 2, 3, 4, 5, 5, 1, 2, 3, 4, 5] }]);
    expect(shown.lines[0]).toBe('x'.padEnd(20));
  });
  it('reports unknown and truncated commands without throwing', () => {
    expect(decodeEpsonLine(bytes(0x1f, 0x7a, 0x05)).commands).toEqual([{ type: 'unknown', at: 0, length: 2, params: [0x1f, 0x7a] }, { type: 'unknown', at: 2, length: 1, params: [5] }]);
    expect(decodeEpsonLine(bytes('a', 0x1f, 0x24, 1)).commands).toEqual([{ type: 'truncated', at: 1, length: 3, params: [0x1f, 0x24, 1] }]);
  });
  it('draws a wide character over two cells and blanks half-overwritten ones', () => {
    const gb = (t: string): number[] => [...Buffer.from(t === '可' ? [0xbf, 0xc9] : [0xc0, 0xd6])];
    const shown = decodeEpsonLine(bytes(...gb('可'), ...gb('乐'), 0x0b, 0x09, 'x'), { encoding: 'gb18030', columns: 6 });
    expect(shown.lines[0]).toBe(' x乐  ');
  });
});

describe('decodeCd5220', () => {
  it('shows a marquee on the upper line until the next command', () => {
    const marquee = bytes(0x1b, 0x51, 0x44, 'Welcome to our store!', 0x0d);
    expect(decodeCd5220(marquee)).toMatchObject({ marquee: 'Welcome to our store!', lines: ['Welcome to our store', ' '.repeat(20)], locked: false });
    expect(decodeCd5220(new Uint8Array([...marquee, 0x0c]))).toMatchObject({ marquee: null, lines: [' '.repeat(20), ' '.repeat(20)] });
  });
  it('moves the cursor with ESC l and ESC [', () => {
    expect(decodeCd5220(bytes(0x1b, 0x6c, 3, 2, 'x', 0x1b, 0x5b, 0x48, 'y')).lines).toEqual(['y'.padEnd(20), '  x'.padEnd(20)]);
  });
  it('reports an unterminated string after end()', () => {
    expect(decodeCd5220(bytes(0x1b, 0x51, 0x41, 'abc')).commands).toEqual([{ type: 'truncated', at: 0, length: 6, params: [0x1b, 0x51, 0x41, 0x61, 0x62, 0x63] }]);
  });
});

describe('streaming', () => {
  const protocols: readonly DisplayProtocol[] = ['epson', 'cd5220', 'led8'];
  const plausible = fc.array(
    fc.oneof(
      fc.integer({ min: 0, max: 255 }),
      fc.constantFrom(0x1b, 0x1f, 0x0c, 0x0d, 0x18, 0x51, 0x41, 0x42, 0x44, 0x73, 0x24, 0x26, 0x02, 0x4c, 0x31, 0x30, 0xbf, 0xc9, 0x81, 0x30),
    ),
    { maxLength: 120 },
  );

  it('never throws, and gives the same screen and commands however the bytes are chunked', () => {
    fc.assert(
      fc.property(fc.constantFrom(...protocols), fc.constantFrom<'ascii' | 'gb18030'>('ascii', 'gb18030'), plausible, fc.array(fc.integer({ min: 1, max: 7 }), { maxLength: 30 }), (protocol, encoding, input, cuts) => {
        const whole = createDisplayDecoder(protocol, { encoding }).push(Uint8Array.from(input)).end();
        const chunked = createDisplayDecoder(protocol, { encoding });
        let at = 0;
        for (const cut of cuts) {
          chunked.push(Uint8Array.from(input.slice(at, at + cut)));
          at += cut;
        }
        chunked.push(Uint8Array.from(input.slice(at))).end();
        expect(chunked.view()).toEqual(whole.view());
        expect(chunked.commands).toEqual(whole.commands);
        // every byte is accounted for, in order: commands never overlap
        let end = 0;
        for (const c of whole.commands) {
          expect(c.at).toBeGreaterThanOrEqual(end);
          end = c.at + c.length;
        }
        expect(end).toBeLessThanOrEqual(input.length);
      }),
    );
  });

  it('hands a simulator the commands since its last look', () => {
    const d = createDisplayDecoder('led8');
    d.push(Uint8Array.of(0x1b, 0x73, 0x02, 0x1b, 0x51));
    expect(d.takeCommands().map((c) => c.type)).toEqual(['lamp']);
    d.push(Uint8Array.of(0x41, 0x31, 0x0d));
    expect(d.takeCommands()).toEqual([{ type: 'number', at: 3, length: 5, text: '1' }]);
    expect(decodeLed8(Uint8Array.of()).commands).toEqual([]);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { centerToWidth, charWidth, displayWidth, padEndToWidth, padStartToWidth, sanitizePrintable, truncateToWidth, wrapToWidth } from './text-width';

/** C0/C1 controls and DEL (U+0000–U+001F, U+007F–U+009F). */
const CONTROL = /\p{Cc}/u;

/** Text mixing ASCII, Chinese, full-width forms, combining marks, emoji and controls. */
const mixed = fc.string({
  unit: fc.oneof(
    fc.constantFrom('a', 'Z', '5', ' ', '.', '中', '文', '可', '乐', '￥', '¥', 'é', '×', 'Ａ', '\u0301', '😀', '\u3000'),
    fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  ),
  maxLength: 40,
});

describe('displayWidth', () => {
  it('counts ASCII as 1 column and Chinese, full-width and other non-ASCII characters as 2', () => {
    expect(displayWidth('Cola 500ml')).toBe(10);
    expect(displayWidth('可口可乐')).toBe(8);
    expect(displayWidth('可乐 500ml')).toBe(10);
    expect(displayWidth('（￥１２）')).toBe(10);
    expect(displayWidth('¥12.50')).toBe(7); // a GB18030 printer prints ¥ in a full-width cell
    expect(displayWidth('0.532kg × ¥29.80/kg')).toBe(21);
    expect(displayWidth('𠮷野家')).toBe(6); // astral Han: one character, two columns
  });
  it('counts combining marks and format characters as 0', () => {
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('a\u200bb')).toBe(2);
    expect(charWidth(0x0301)).toBe(0);
    expect(charWidth(0xfe0f)).toBe(0);
  });
  it('is additive over sanitised text', () => {
    fc.assert(
      fc.property(mixed, mixed, (a, b) => {
        const [x, y] = [sanitizePrintable(a), sanitizePrintable(b)];
        expect(displayWidth(x + y)).toBe(displayWidth(x) + displayWidth(y));
      }),
    );
  });
});

describe('padding', () => {
  it('pads by columns, not by UTF-16 units', () => {
    expect(padEndToWidth('可乐', 6)).toBe('可乐  ');
    expect(padStartToWidth('¥7.00', 8)).toBe('  ¥7.00');
    expect(centerToWidth('小计', 9)).toBe('  小计');
    expect(padEndToWidth('可口可乐', 4)).toBe('可口可乐');
  });
  it('reaches exactly the width when the text is narrower', () => {
    fc.assert(
      fc.property(mixed, fc.integer({ min: 0, max: 60 }), (text, columns) => {
        const clean = sanitizePrintable(text);
        const w = displayWidth(clean);
        expect(displayWidth(padEndToWidth(clean, columns))).toBe(Math.max(w, columns));
        expect(displayWidth(padStartToWidth(clean, columns))).toBe(Math.max(w, columns));
        expect(displayWidth(centerToWidth(clean, columns))).toBeLessThanOrEqual(Math.max(w, columns));
      }),
    );
  });
});

describe('truncateToWidth', () => {
  it('never splits a wide character, a surrogate pair or a combining sequence', () => {
    expect(truncateToWidth('可口可乐', 5)).toBe('可口');
    expect(truncateToWidth('😀😀', 3)).toBe('😀');
    expect(truncateToWidth('ae\u0301x', 2)).toBe('ae\u0301');
    expect(truncateToWidth('可口可乐', 5, '…')).toBe('可…');
    expect(truncateToWidth('Cola', 4, '...')).toBe('Cola');
    expect(truncateToWidth('Coca-Cola', 6, '...')).toBe('Coc...');
  });
  it('always fits and is a prefix', () => {
    fc.assert(
      fc.property(mixed, fc.integer({ min: 0, max: 50 }), (text, columns) => {
        const out = truncateToWidth(text, columns);
        expect(displayWidth(out)).toBeLessThanOrEqual(columns);
        expect(text.startsWith(out)).toBe(true);
        expect(out).not.toMatch(/[\ud800-\udbff]$/); // no half of a surrogate pair
      }),
    );
  });
});

describe('wrapToWidth', () => {
  it('breaks at spaces between words and anywhere between Chinese characters', () => {
    expect(wrapToWidth('Coca-Cola Zero Sugar 330ml can', 12)).toEqual(['Coca-Cola', 'Zero Sugar', '330ml can']);
    expect(wrapToWidth('伊利纯牛奶全脂灭菌乳250ml', 10)).toEqual(['伊利纯牛奶', '全脂灭菌乳', '250ml']);
    expect(wrapToWidth('康师傅 红烧牛肉面 五连包', 12)).toEqual(['康师傅 红烧', '牛肉面 五连', '包']);
  });
  it('cuts a word only when it is longer than a line', () => {
    expect(wrapToWidth('https://r.example.cn/e/123', 10)).toEqual(['https://r.', 'example.cn', '/e/123']);
    expect(wrapToWidth('ab https://r.example.cn', 10)).toEqual(['ab https:/', '/r.example', '.cn']);
  });
  it('gives no lines for empty or blank text, and refuses fewer than 2 columns', () => {
    expect(wrapToWidth('', 10)).toEqual([]);
    expect(wrapToWidth('   ', 10)).toEqual([]);
    expect(() => wrapToWidth('a', 1)).toThrow(RangeError);
  });
  it('keeps every character, in order, in lines that fit', () => {
    fc.assert(
      fc.property(mixed, fc.integer({ min: 2, max: 40 }), (text, columns) => {
        const clean = sanitizePrintable(text);
        const lines = wrapToWidth(clean, columns);
        for (const line of lines) {
          expect(displayWidth(line)).toBeLessThanOrEqual(columns);
          expect(line).not.toMatch(/^ | $/);
          expect(line).not.toBe('');
        }
        expect(lines.join('').replace(/ /g, '')).toBe(clean.replace(/ /g, ''));
      }),
    );
  });
});

describe('sanitizePrintable', () => {
  it('takes the teeth out of printer commands in product names', () => {
    expect(sanitizePrintable('Cola\x1b\x70\x00\x19\xfa')).toBe('Colapú'); // ESC p 0 25 250: drawer kick
    expect(sanitizePrintable('\x1dV\x00')).toBe('V'); // GS V 0: cut
    expect(sanitizePrintable('\x10\x14\x01\x00\x05')).toBe(''); // DLE DC4: real-time pulse
    expect(sanitizePrintable('\x1b@可乐')).toBe('@可乐');
  });
  it('turns line breaks, tabs and exotic spaces into spaces and keeps the ideographic space', () => {
    expect(sanitizePrintable('可乐\n500ml\tx\u00a0y\u2028z')).toBe('可乐 500ml x y z');
    expect(sanitizePrintable('可乐\u3000雪碧')).toBe('可乐\u3000雪碧');
  });
  it('drops C1 controls, bidi overrides, zero-width characters, lone surrogates and private use', () => {
    expect(sanitizePrintable('a\u0085b\u009bc')).toBe('a bc');
    expect(sanitizePrintable('\u202eolaC\u202c')).toBe('olaC');
    expect(sanitizePrintable('可\u200b口\ufeff可\u200d乐')).toBe('可口可乐');
    expect(sanitizePrintable('a\ud800b\udc00c')).toBe('abc');
    expect(sanitizePrintable('a\ue000b\uffffc')).toBe('abc');
  });
  it('composes to NFC', () => {
    expect(sanitizePrintable('Cafe\u0301')).toBe('Café');
  });
  it('never lets a control character through, and is idempotent', () => {
    fc.assert(
      fc.property(fc.oneof(mixed, fc.string({ unit: 'binary' })), (text) => {
        const out = sanitizePrintable(text);
        expect(out).not.toMatch(CONTROL);
        expect(out).not.toMatch(/[\p{Cf}\p{Cs}\p{Co}]/u);
        expect(sanitizePrintable(out)).toBe(out);
      }),
    );
  });
});

describe('wrapToWidth edge cases', () => {
  it('keeps a combining mark that follows a space', () => {
    expect(wrapToWidth('a \u0301b', 10)).toEqual(['a \u0301b']);
    expect(wrapToWidth('aaaa \u0301', 4)).toEqual(['aaaa', '\u0301']);
  });
});

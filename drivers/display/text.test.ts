import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { displayWidth } from '../../src-common/text-width';
import { hostileText } from './test-helpers';
import { displayLine, encodeDisplayText, fitToColumns, prepareDisplayText } from './text';

describe('prepareDisplayText, ascii', () => {
  it('transliterates Chinese to pinyin, full-width forms, diacritics and look-alike symbols', () => {
    expect(prepareDisplayText('可口可乐 500ml')).toBe('KeKouKeLe 500ml');
    expect(prepareDisplayText('银行卡')).toBe('YinHangKa'); // context-aware reading of 行
    expect(prepareDisplayText('Ａ１２３　ｍｌ')).toBe('A123 ml');
    expect(prepareDisplayText('Café Müller')).toBe('Cafe Muller');
    expect(prepareDisplayText('2×3…「好」')).toBe('2x3..."Hao"');
    expect(prepareDisplayText('½ ㎖')).toBe('1/2 ml');
  });
  it('drops what has no ASCII form, and every control character', () => {
    expect(prepareDisplayText('满¥50减¥5')).toBe('Man50Jian5');
    expect(prepareDisplayText('😀Cola')).toBe('Cola');
    expect(prepareDisplayText('Cola\x1b\x70\x00\x19\xfa')).toBe('Colapu');
    expect(prepareDisplayText('a\x0cb\x1fc\x10d')).toBe('a bcd');
  });
  it('gives only printable ASCII, whatever the input', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        expect(prepareDisplayText(text, 'ascii')).toMatch(/^[\x20-\x7e]*$/);
      }),
    );
  });
});

describe('prepareDisplayText, gb18030', () => {
  it('keeps Chinese and 2-byte GB characters, makes narrow signs full width, transliterates 4-byte ones', () => {
    expect(prepareDisplayText('可口可乐 500ml', 'gb18030')).toBe('可口可乐 500ml');
    expect(prepareDisplayText('¥12', 'gb18030')).toBe('￥12');
    expect(prepareDisplayText('Café ä', 'gb18030')).toBe('Café a'); // é is in GB2312, ä only a 4-byte code
    expect(prepareDisplayText('😀𠮷野家', 'gb18030')).toBe('野家');
  });
  it('never encodes to a byte below 0x20 or DEL', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const bytes = encodeDisplayText(prepareDisplayText(text, 'gb18030'), 'gb18030');
        expect(bytes.every((b) => b >= 0x20 && b !== 0x7f)).toBe(true);
      }),
    );
  });
  it('refuses unsupported encodings', () => {
    expect(() => prepareDisplayText('x', 'big5' as 'ascii')).toThrow(RangeError);
  });
});

describe('encodeDisplayText', () => {
  it('sends ASCII as is and Chinese as GB18030 pairs', () => {
    expect([...encodeDisplayText('Ab 1')]).toEqual([0x41, 0x62, 0x20, 0x31]);
    expect([...encodeDisplayText('可乐', 'gb18030')]).toEqual([0xbf, 0xc9, 0xc0, 0xd6]);
  });
  it('refuses unprepared text', () => {
    expect(() => encodeDisplayText('a\x1bb')).toThrow(RangeError);
    expect(() => encodeDisplayText('可乐')).toThrow(RangeError);
    expect(() => encodeDisplayText('a\x1bb', 'gb18030')).toThrow(RangeError);
    expect(() => encodeDisplayText('😀', 'gb18030')).toThrow(RangeError);
  });
});

describe('fitToColumns / displayLine', () => {
  it('cuts by display width without splitting a wide character, then pads', () => {
    expect(fitToColumns('Cola', 6)).toBe('Cola  ');
    expect(fitToColumns('可口可乐', 7)).toBe('可口可 ');
    expect(displayLine('可口可乐 500ml 超长名字', 20, 'gb18030')).toBe('可口可乐 500ml 超长 ');
    expect(displayLine('可口可乐 500ml 超长名字', 20)).toBe('KeKouKeLe 500ml Chao');
  });
  it('is always exactly the width asked for', () => {
    fc.assert(
      fc.property(hostileText, fc.integer({ min: 1, max: 40 }), fc.constantFrom<'ascii' | 'gb18030'>('ascii', 'gb18030'), (text, columns, encoding) => {
        expect(displayWidth(displayLine(text, columns, encoding))).toBe(columns);
      }),
    );
  });
});

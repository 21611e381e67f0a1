import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { displayWidth } from '../../src-common/text-width';
import { decodeCd5220, decodeEpsonLine, decodeLed8 } from './decode';
import { encodeDisplayMessage, encodeDisplaySetup } from './encode';
import { displayForChange, displayForItem, displayForPaid, displayForThanks, displayForTotal, displayIdle, type DisplayMessage } from './messages';
import { hex, hostileText, strayControlBytes } from './test-helpers';
import { displayLine } from './text';

const zh = { language: 'zh-CN', currency: 'CNY' } as const;
const en = { language: 'en', currency: 'CNY' } as const;

describe('messages', () => {
  it('an item: name above, quantity × unit price and the line total below; LED unit price', () => {
    expect(displayForItem('可口可乐 500ml', 350, 2000, 700, zh)).toEqual({
      lines: ['可口可乐 500ml', '2 x 3.50        7.00'],
      led: { lamp: 'price', amount: 350, exponent: 2 },
    });
    expect(displayForItem('Bananas', 598, 532, 318, { ...en, unit: 'kg' }).lines).toEqual(['Bananas', '0.532kg x 5.98  3.18']);
    expect(displayForItem('Return', 350, -1000, -350, en).lines[1]).toBe('-1 x 3.50      -3.50');
  });
  it('cuts a long name by display width and drops the quantity when the amounts do not fit', () => {
    const m = displayForItem('农夫山泉天然饮用水550ml特惠装', 123_456, 1500, 185_184, zh);
    expect(m.lines[0]).toBe('农夫山泉天然饮用水55');
    expect(m.lines[1]).toBe('            1,851.84'); // '1.5 x 1,234.56 1,851.84' is 23 columns
  });
  it('the total, the amount paid, the change', () => {
    expect(displayForTotal(1234, zh)).toEqual({ lines: ['合计', '               12.34'], led: { lamp: 'total', amount: 1234, exponent: 2 } });
    expect(displayForTotal(123_456_789, en).lines).toEqual(['TOTAL', '        1,234,567.89']);
    expect(displayForPaid(10000, en)).toEqual({ lines: ['PAID', '              100.00'], led: { lamp: 'collect', amount: 10000, exponent: 2 } });
    expect(displayForChange(10000, 350, zh)).toEqual({ lines: ['收款          100.00', '找零            3.50'], led: { lamp: 'change', amount: 350, exponent: 2 } });
    expect(displayForChange(10000, 350, en).lines).toEqual(['PAID          100.00', 'CHANGE          3.50']);
    expect(displayForTotal(1250, { language: 'en', currency: 'JPY' })).toMatchObject({ lines: ['TOTAL', '               1,250'], led: { exponent: 0 } });
  });
  it('thanks and idle screens, centred, with no LED amount', () => {
    expect(displayForThanks(zh)).toEqual({ lines: ['      谢谢惠顾', '    欢迎再次光临'], led: { lamp: null, amount: null, exponent: 2 } });
    expect(displayForThanks(en).lines).toEqual(['     THANK YOU', ' PLEASE COME AGAIN']);
    expect(displayIdle('演示便利店', zh)).toEqual({ lines: ['     演示便利店', '      欢迎光临'], led: { lamp: null, amount: null, exponent: 2 } });
    expect(displayIdle('  Corner\x1b\x70\x00 Shop  ', en).lines).toEqual(['    Cornerp Shop', '      WELCOME']);
  });
  it('refuses bad options', () => {
    expect(() => displayForTotal(1, { ...en, columns: 4 })).toThrow(RangeError);
    expect(() => displayForTotal(1, { ...en, currency: 'XXX' })).toThrow();
    expect(() => displayForItem('x', 1, 1.5, 1, en)).toThrow(RangeError);
  });
  it('every row fits the columns, whatever the name and amounts', () => {
    const amount = fc.integer({ min: -1e12, max: 1e12 });
    fc.assert(
      fc.property(hostileText, amount, fc.integer({ min: -1e6, max: 1e6 }), amount, fc.integer({ min: 8, max: 40 }), fc.constantFrom(zh, en), (name, price, qty, total, columns, base) => {
        const options = { ...base, columns };
        const messages: DisplayMessage[] = [
          displayForItem(name, price, qty, total, options),
          displayForTotal(total, options),
          displayForPaid(total, options),
          displayForChange(price, total, options),
          displayForThanks(options),
          displayIdle(name, options),
        ];
        for (const m of messages) for (const line of m.lines) expect(displayWidth(line)).toBeLessThanOrEqual(columns);
      }),
    );
  });
});

describe('encodeDisplayMessage', () => {
  const total = displayForTotal(1234, zh);

  it('sends the rows to text displays and the amount to LED displays', () => {
    expect(decodeEpsonLine(encodeDisplayMessage('epson', total, { encoding: 'gb18030' }), { encoding: 'gb18030' }).lines).toEqual(['合计'.padEnd(18), '               12.34']);
    expect(decodeEpsonLine(encodeDisplayMessage('epson', displayForTotal(1234, en))).lines).toEqual(['TOTAL'.padEnd(20), '               12.34']);
    expect(decodeCd5220(encodeDisplayMessage('cd5220', displayForChange(10000, 350, en))).lines).toEqual(['PAID          100.00', 'CHANGE          3.50']);
    expect(hex(encodeDisplayMessage('led8', total))).toBe('1b 73 02 1b 51 41 31 32 2e 33 34 0d');
    expect(decodeLed8(encodeDisplayMessage('led8', displayForChange(10000, 350, zh)))).toMatchObject({ lamp: 'change', number: '3.50' });
    expect(decodeLed8(encodeDisplayMessage('led8', displayForThanks(zh)))).toMatchObject({ lamp: null, number: '' });
  });
  it('an ASCII display shows zh-CN text as pinyin', () => {
    expect(decodeCd5220(encodeDisplayMessage('cd5220', total)).lines).toEqual(['HeJi'.padEnd(20), '               12.34']);
  });
  it('sets each display up without another protocol’s commands', () => {
    expect(hex(encodeDisplaySetup('epson'))).toBe('1b 40 1f 01 1f 43 00');
    expect(hex(encodeDisplaySetup('cd5220'))).toBe('0c 1b 40');
    expect(hex(encodeDisplaySetup('led8'))).toBe('1b 40 0c 1b 73 00');
  });
  it('a hostile product name reaches no display as a command', () => {
    fc.assert(
      fc.property(hostileText, fc.constantFrom<'ascii' | 'gb18030'>('ascii', 'gb18030'), (name, encoding) => {
        const m = displayForItem(name, 350, 1000, 350, zh);
        const epson = encodeDisplayMessage('epson', m, { encoding });
        const shownEpson = decodeEpsonLine(epson, { encoding });
        expect(strayControlBytes(epson, shownEpson.commands)).toEqual([]);
        expect(shownEpson.lines[0]).toBe(displayLine(m.lines[0], 20, encoding));
        const cd = encodeDisplayMessage('cd5220', m, { encoding });
        const shownCd = decodeCd5220(cd, { encoding });
        expect(strayControlBytes(cd, shownCd.commands)).toEqual([]);
        expect(shownCd.commands.map((c) => c.type)).toEqual(['clear', 'upperLine', 'lowerLine']);
        expect(hex(encodeDisplayMessage('led8', m))).toBe('1b 73 01 1b 51 41 33 2e 35 30 0d');
      }),
    );
  });
});

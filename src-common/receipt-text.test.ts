import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tillNameOf, type ReceiptDocument, type ReceiptLine } from './receipt';
import { blocksToTextLines, layoutReceipt, renderReceiptText } from './receipt-text';
import { displayWidth } from './text-width';

/** C0/C1 controls and DEL, except the line feed between lines. */
const CONTROL = /(?!\n)\p{Cc}/u;

function doc(over: Partial<ReceiptDocument> = {}): ReceiptDocument {
  return {
    language: 'zh-CN',
    currency: 'CNY',
    kind: 'sale',
    header: { storeName: '演示便利店', address: '上海市浦东新区张杨路1号', taxId: '91310115MA1K4XXXX0', lines: ['电话 021-58880000'] },
    receiptNumber: 'T01-000123',
    tillName: '1号收银台',
    cashier: '张小明',
    issuedAt: '2026-11-22T14:03:05+08:00',
    lines: [
      { name: '可口可乐 500ml', quantityMilli: 2000, unit: 'each', unitPrice: 350, gross: 700, discount: 0, net: 700, taxRateBp: 1300 },
      { name: '散装红富士苹果', quantityMilli: 532, unit: 'kg', unitPrice: 2980, gross: 1585, discount: 100, net: 1485, taxRateBp: 900 },
    ],
    subtotal: 2285,
    discountTotal: 100,
    total: 2185,
    rounding: -5,
    taxes: [
      { rateBp: 1300, taxable: 700, tax: 81 },
      { rateBp: 900, taxable: 1485, tax: 123 },
    ],
    tenders: [
      { kind: 'wechat', amount: 1000, reference: '4200****5678' },
      { kind: 'cash', amount: 2000 },
    ],
    change: 820,
    footer: ['谢谢惠顾'],
    qr: 'https://r.example.cn/e/1',
    ...over,
  };
}

const line = (over: Partial<ReceiptLine>): ReceiptLine => ({
  name: '可乐',
  quantityMilli: 1000,
  unit: 'each',
  unitPrice: 350,
  gross: 350,
  discount: 0,
  net: 350,
  taxRateBp: 1300,
  ...over,
});

describe('renderReceiptText', () => {
  it('prints a classic Chinese till receipt on 58 mm paper (32 columns; ¥ and Chinese take 2)', () => {
    expect(renderReceiptText(doc(), { columns: 32 }).split('\n')).toEqual([
      '           演示便利店',
      '    上海市浦东新区张杨路1号',
      '    税号: 91310115MA1K4XXXX0',
      '       电话 021-58880000',
      '--------------------------------',
      '单号: T01-000123',
      '收银台: 1号收银台 收银员: 张小明',
      '时间: 2026-11-22 14:03:05',
      '--------------------------------',
      '可口可乐 500ml',
      '  2 × ¥3.50             ¥7.00',
      '散装红富士苹果',
      '  0.532kg × ¥29.80/kg  ¥15.85',
      '  优惠                   -¥1.00',
      '--------------------------------',
      '小计                     ¥22.85',
      '优惠                     -¥1.00',
      '合计                     ¥21.85',
      '抹零                     -¥0.05',
      '应付                     ¥21.80',
      '--------------------------------',
      '税率13%              税额 ¥0.81',
      '税率9%               税额 ¥1.23',
      '--------------------------------',
      '微信支付                 ¥10.00',
      '  参考号: 4200****5678',
      '现金                     ¥20.00',
      '找零                      ¥8.20',
      '--------------------------------',
      '            谢谢惠顾',
      '        扫码查看电子小票',
      'https://r.example.cn/e/1',
      '',
    ]);
  });

  it('prints the receipt number as a barcode (its number under it) when there is no e-receipt QR, and never both', () => {
    const blocks = layoutReceipt(doc({ qr: undefined, barcode: 'T01-000123' }), { columns: 32 });
    expect(blocks.at(-1)).toEqual({ kind: 'barcode', data: 'T01-000123' });
    expect(blocks.some((b) => b.kind === 'qr')).toBe(false);
    expect(renderReceiptText(doc({ qr: undefined, barcode: 'T01-000123' }), { columns: 32 })).not.toContain('扫码查看电子小票');
    const both = layoutReceipt(doc({ barcode: 'T01-000123' }), { columns: 32 });
    expect(both.filter((b) => b.kind === 'qr' || b.kind === 'barcode').map((b) => b.kind)).toEqual(['qr']);
    // What a CODE128 scanner cannot carry is left off rather than printed wrong.
    for (const barcode of ['单号-1', 'x'.repeat(31), '']) {
      expect(layoutReceipt(doc({ qr: undefined, barcode }), { columns: 32 }).some((b) => b.kind === 'barcode'), barcode).toBe(false);
    }
  });

  it('uses English labels for an English receipt and titles a refund', () => {
    const text = renderReceiptText(doc({ language: 'en', kind: 'refund' }), { columns: 48 });
    for (const label of ['Tax ID: 91310115MA1K4XXXX0', 'REFUND', 'Receipt: T01-000123', 'Cashier: 张小明', 'Subtotal', 'Discount', 'Total', 'Rounding', 'Amount due', 'Tax rate 13%', 'Tax ¥0.81', 'WeChat Pay', 'Cash', 'Change', 'Ref: 4200****5678']) {
      expect(text).toContain(label);
    }
    expect(text).not.toMatch(/小计|合计|找零/);
  });

  it('names every wallet in Chinese', () => {
    const kinds = ['cash', 'wechat', 'alipay', 'unionpay', 'ecny', 'jdpay', 'bestpay', 'voucher', 'constructor'];
    const text = renderReceiptText(doc({ tenders: kinds.map((kind) => ({ kind, amount: 100 })) }), { columns: 32 });
    for (const label of ['现金', '微信支付', '支付宝', '云闪付', '数字人民币', '京东支付', '翼支付', 'voucher', 'constructor']) expect(text).toContain(label);
  });

  it('omits rounding and the line discount when they are 0, and shows whole quantities without decimals', () => {
    const text = renderReceiptText(doc({ rounding: 0, lines: [line({ quantityMilli: 3000, gross: 1050, net: 1050 })] }), { columns: 32 });
    expect(text).not.toMatch(/抹零|舍入|应付/);
    expect(text).toContain('  3 × ¥3.50');
    expect(text.match(/优惠/g)).toHaveLength(1); // only the order total's
    expect(renderReceiptText(doc({ lines: [line({ quantityMilli: 1500 })] }), { columns: 32 })).toContain('  1.5 × ¥3.50');
  });

  it('shows fractional tax rates and positive rounding', () => {
    const text = renderReceiptText(doc({ taxes: [{ rateBp: 650, taxable: 1000, tax: 61 }], rounding: 5 }), { columns: 32 });
    expect(text).toMatch(/税率6\.5% +税额 ¥0\.61/);
    expect(text).toMatch(/舍入 +¥0\.05/);
  });

  it('masks a payment code that reached a tender reference whole', () => {
    const text = renderReceiptText(doc({ tenders: [{ kind: 'alipay', amount: 2180, reference: '284567890123456789' }] }), { columns: 32 });
    expect(text).toContain('2845**********6789');
    expect(text).not.toContain('284567890123456789');
  });

  it('wraps a long name and keeps the amount on its own line when quantity and amount do not fit', () => {
    const long = '伊利金典有机纯牛奶礼盒装250毫升乘以十二盒家庭装';
    const lines = renderReceiptText(doc({ lines: [line({ name: long, quantityMilli: 123456789, unitPrice: 99999999, gross: 1234567890123 })] }), { columns: 32 }).split('\n');
    const at = lines.findIndex((l) => l.startsWith('伊利'));
    expect(lines.slice(at, at + 2).join('')).toBe(long);
    expect(lines.slice(at + 2, at + 4)).toEqual(['  123456.789 × ¥999,999.99', '             ¥12,345,678,901.23']);
  });

  it('sanitises every text from the document', () => {
    const hostile = 'Cola\x1b\x70\x00\x19\xfa\x1dV\x00\n\u202e';
    const text = renderReceiptText(
      doc({
        header: { storeName: hostile, address: hostile, taxId: hostile, lines: [hostile] },
        receiptNumber: hostile,
        tillName: hostile,
        cashier: hostile,
        lines: [line({ name: hostile })],
        tenders: [{ kind: hostile, amount: 1, reference: hostile }],
        footer: [hostile],
        qr: hostile,
      }),
      { columns: 32 },
    );
    expect(text).not.toMatch(CONTROL);
    expect(text).toContain('ColapúV');
  });

  it('refuses an unusable paper width', () => {
    expect(() => renderReceiptText(doc(), { columns: 8 })).toThrow(RangeError);
    expect(() => renderReceiptText(doc(), { columns: 32.5 })).toThrow(RangeError);
  });
});

describe('layoutReceipt', () => {
  it('gives the styles the printer uses: a large bold store name, a tall bold total', () => {
    const blocks = layoutReceipt(doc(), { columns: 32 });
    expect(blocks[0]).toEqual({ kind: 'text', text: '演示便利店', align: 'center', bold: true, size: 'large' });
    expect(blocks).toContainEqual({ kind: 'text', text: `合计${' '.repeat(21)}¥21.85`, align: 'left', bold: true, size: 'tall' });
    expect(blocks.at(-1)).toEqual({ kind: 'qr', data: 'https://r.example.cn/e/1' });
  });
  it('wraps a long store name at half the columns, as it prints double width', () => {
    const blocks = layoutReceipt(doc({ header: { storeName: '上海市浦东新区张杨路演示便利店旗舰店', lines: [] } }), { columns: 32 });
    const large = blocks.filter((b) => b.kind === 'text' && b.size === 'large');
    expect(large.length).toBe(3);
    for (const b of large) expect(b.kind === 'text' && displayWidth(b.text)).toBeLessThanOrEqual(16);
  });
});

// Random documents: long Chinese names, wide and narrow characters, controls, huge and negative amounts.
const chunk = fc.oneof(
  fc.constantFrom('可口可乐', '伊利金典有机纯牛奶礼盒装', '散装', '500ml', ' ', '  ', '×', '¥', 'é', '😀', '\u0301', '\x1b', '\x1dV\x00', '\n', '|', '{', '^', '~'),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
);
const text = fc.array(chunk, { maxLength: 8 }).map((parts) => parts.join(''));
const amount = fc.integer({ min: -1e12, max: 1e12 });
const receiptLine = fc.record({
  name: text,
  quantityMilli: fc.integer({ min: -1e9, max: 1e9 }),
  unit: fc.constantFrom('each' as const, 'kg' as const),
  unitPrice: amount,
  gross: amount,
  discount: amount,
  net: amount,
  taxRateBp: fc.integer({ min: 0, max: 10000 }),
});
const receiptDocument: fc.Arbitrary<ReceiptDocument> = fc.record({
  language: fc.constantFrom('zh-CN' as const, 'en' as const),
  currency: fc.constantFrom('CNY', 'JPY', 'USD', 'HKD', 'MOP'),
  kind: fc.constantFrom('sale' as const, 'refund' as const, 'void' as const),
  header: fc.record({ storeName: text, address: fc.option(text, { nil: undefined }), taxId: fc.option(text, { nil: undefined }), lines: fc.array(text, { maxLength: 3 }) }),
  receiptNumber: text,
  tillName: text,
  cashier: text,
  issuedAt: fc.oneof(text, fc.date({ noInvalidDate: true }).map((d) => d.toISOString())),
  lines: fc.array(receiptLine, { maxLength: 6 }),
  subtotal: amount,
  discountTotal: amount,
  total: amount,
  rounding: fc.integer({ min: -99, max: 99 }),
  taxes: fc.array(fc.record({ rateBp: fc.integer({ min: 0, max: 10000 }), taxable: amount, tax: amount }), { maxLength: 3 }),
  tenders: fc.array(
    fc.record({
      kind: fc.oneof(fc.constantFrom('cash', 'wechat', 'alipay', 'ecny'), text),
      amount,
      reference: fc.option(text, { nil: undefined }),
      crossBorder: fc.option(
        fc.record({
          payerCurrency: fc.constantFrom('CNY', 'JPY'),
          payerAmount: amount,
          rate: fc.option(fc.record({ text: fc.stringMatching(/^\d{1,12}(\.\d{1,12})?$/), scale: fc.integer({ min: 0, max: 12 }) }), { nil: undefined }),
          transactionId: fc.option(text, { nil: undefined }),
        }),
        { nil: undefined },
      ),
    }),
    { maxLength: 3 },
  ),
  change: amount,
  footer: fc.array(text, { maxLength: 3 }),
  qr: fc.option(text, { nil: undefined }),
});

describe('every line fits the paper', () => {
  it('for random documents at random widths', () => {
    fc.assert(
      fc.property(receiptDocument, fc.oneof(fc.constantFrom(32, 42, 48), fc.integer({ min: 16, max: 80 })), (d, columns) => {
        const blocks = layoutReceipt(d, { columns });
        for (const b of blocks) {
          if (b.kind !== 'text') continue;
          expect(displayWidth(b.text) * (b.size === 'large' ? 2 : 1)).toBeLessThanOrEqual(columns);
          expect(b.text).not.toMatch(/ $/);
        }
        const text = renderReceiptText(d, { columns });
        expect(text).not.toMatch(CONTROL);
        for (const l of text.split('\n')) expect(displayWidth(l)).toBeLessThanOrEqual(columns);
        expect(text).toBe(`${blocksToTextLines(blocks, columns).join('\n')}\n`);
      }),
      { numRuns: 200 },
    );
  });
});

describe('the till on the receipt', () => {
  const TERMINAL_ID = '01JD3Q6Z8X4M7N2P5R9S0T7K3Q';

  it('prints the till name the technician set, trimmed', () => {
    expect(tillNameOf(' 1号收银台 ', TERMINAL_ID, 'zh-CN')).toBe('1号收银台');
  });

  it('by default names the till after its receipt numbers’ prefix, never by the 26-character terminal id', () => {
    expect(tillNameOf('', TERMINAL_ID, 'zh-CN')).toBe('收银台 7K3Q');
    expect(tillNameOf('  ', TERMINAL_ID, 'en')).toBe('Till 7K3Q');
    const printed = renderReceiptText(doc({ tillName: tillNameOf('', TERMINAL_ID, 'zh-CN') }), { columns: 32 });
    expect(printed).toContain('收银台: 收银台 7K3Q');
    expect(printed).not.toContain(TERMINAL_ID);
  });
});

/** A store outside mainland China (JPY) paid by a Chinese wallet: the CNY side and the rate as the wallet's reply gave them. */
describe('a cross-border wallet tender', () => {
  const jpy = (language: 'zh-CN' | 'en') =>
    doc({
      language,
      currency: 'JPY',
      lines: [line({ name: '抹茶 KitKat', unitPrice: 1000, gross: 1000, net: 1000, taxRateBp: 1000 })],
      subtotal: 1000,
      discountTotal: 0,
      total: 1000,
      rounding: 0,
      taxes: [{ rateBp: 1000, taxable: 1000, tax: 91 }],
      tenders: [
        {
          kind: 'wechat',
          amount: 1000,
          reference: '1345******1234',
          crossBorder: { payerCurrency: 'CNY', payerAmount: 4820, rate: { text: '4820000', scale: 8 }, transactionId: '4200002612060123456789012345' },
        },
      ],
      change: 0,
      qr: undefined,
    });

  it('prints the priced amount and currency, what the customer paid in CNY, the rate and the wallet’s transaction id (zh-CN)', () => {
    const text = renderReceiptText(jpy('zh-CN'), { columns: 48 }).split('\n');
    const at = text.findIndex((l) => l.startsWith('微信支付'));
    expect(text.slice(at, at + 6)).toEqual([
      `微信支付${' '.repeat(48 - 8 - 7)}¥1,000`, // ¥ and Chinese take two columns each
      '  参考号: 1345******1234',
      '  标价 JPY 1,000',
      '  顾客支付 CNY 48.20',
      '  汇率 1 JPY = 0.04820000 CNY',
      '  交易号 4200002612060123456789012345',
    ]);
  });

  it('says the same in English, an Alipay decimal rate as written, and no rate line when the reply gave none', () => {
    const en = renderReceiptText(jpy('en'), { columns: 48 });
    expect(en).toContain('  Priced JPY 1,000\n  Customer paid CNY 48.20\n  Rate 1 JPY = 0.04820000 CNY\n  Transaction 4200002612060123456789012345\n');
    const alipay = jpy('en');
    const tender = { ...alipay.tenders[0]!, kind: 'alipay', crossBorder: { payerCurrency: 'CNY', payerAmount: 4820, rate: { text: '0.0482', scale: 0 }, transactionId: '2026120622001400001234567890' } };
    expect(renderReceiptText({ ...alipay, tenders: [tender] }, { columns: 48 })).toContain('  Rate 1 JPY = 0.0482 CNY\n');
    const noRate = { ...tender, crossBorder: { payerCurrency: 'CNY', payerAmount: 4820, transactionId: 'T1' } };
    const printed = renderReceiptText({ ...alipay, tenders: [noRate] }, { columns: 48 });
    expect(printed).toContain('  Customer paid CNY 48.20\n  Transaction T1\n');
    expect(printed).not.toContain('Rate');
  });

  it('never prints a whole payment code, even where the transaction id should be', () => {
    const d = jpy('zh-CN');
    const tender = { ...d.tenders[0]!, crossBorder: { payerCurrency: 'CNY', payerAmount: 4820, transactionId: '134567890123451234' } };
    const printed = renderReceiptText({ ...d, tenders: [tender] }, { columns: 48 });
    expect(printed).toContain('交易号 1345**********1234');
    expect(printed).not.toContain('134567890123451234');
  });

  it('leaves a CNY store’s wallet tender as it was: no cross-border lines', () => {
    const printed = renderReceiptText(doc(), { columns: 48 });
    for (const word of ['标价', '顾客支付', '汇率', '交易号', 'CNY']) expect(printed).not.toContain(word);
  });
});

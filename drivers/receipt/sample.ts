/**
 * A realistic 30-item Chinese receipt with a QR code: the fixture of the receipt tests and of `npm run bench`
 * (PERFORMANCE.md: ≤ 2.5 KB of printer bytes, < 1 ms to encode).
 */
import { extendPrice, inclusiveTax } from '../../src-common/money';
import type { ReceiptDocument, ReceiptLine, ReceiptTaxRow } from '../../src-common/receipt';

// name, unit price (fen), quantity (thousandths), unit, tax rate (bp), line discount (fen)
const ITEMS: ReadonlyArray<readonly [string, number, number, 'each' | 'kg', number, number]> = [
  ['可口可乐 500ml', 350, 2000, 'each', 1300, 0],
  ['农夫山泉 550ml', 200, 3000, 'each', 1300, 0],
  ['康师傅红烧牛肉面', 450, 1000, 'each', 1300, 0],
  ['散装红富士苹果', 2980, 532, 'kg', 900, 0],
  ['伊利纯牛奶 250ml×16', 6590, 1000, 'each', 900, 500],
  ['金龙鱼大米 5kg', 3990, 1000, 'each', 900, 0],
  ['海天生抽 500ml', 1280, 1000, 'each', 1300, 0],
  ['奥利奥夹心饼干', 890, 2000, 'each', 1300, 0],
  ['双汇王中王火腿肠', 1250, 1000, 'each', 1300, 0],
  ['散装香蕉', 698, 1210, 'kg', 900, 0],
  ['蒙牛酸奶 100g×8', 1590, 1000, 'each', 900, 0],
  ['清风抽纸 3包装', 1490, 1000, 'each', 1300, 200],
  ['三只松鼠每日坚果', 3980, 1000, 'each', 1300, 0],
  ['青岛啤酒 330ml', 500, 6000, 'each', 1300, 0],
  ['旺旺雪饼', 680, 1000, 'each', 1300, 0],
  ['五常大米稻花香', 5980, 1000, 'each', 900, 0],
  ['鸡蛋 (散装)', 1190, 856, 'kg', 900, 0],
  ['统一老坛酸菜面', 450, 2000, 'each', 1300, 0],
  ['德芙丝滑牛奶巧克力', 1190, 1000, 'each', 1300, 0],
  ['乐事薯片 原味', 790, 1000, 'each', 1300, 0],
  ['立白洗衣液 2kg', 3290, 1000, 'each', 1300, 300],
  ['舒化无乳糖牛奶', 5990, 1000, 'each', 900, 0],
  ['西红柿', 598, 745, 'kg', 900, 0],
  ['百岁山矿泉水', 300, 4000, 'each', 1300, 0],
  ['卫龙辣条', 500, 2000, 'each', 1300, 0],
  ['雀巢咖啡 1+2 原味', 2690, 1000, 'each', 1300, 0],
  ['猪肉 (五花肉)', 2980, 620, 'kg', 900, 0],
  ['元气森林苏打气泡水', 550, 3000, 'each', 1300, 0],
  ['好丽友派 6枚', 1280, 1000, 'each', 1300, 0],
  ['中华牙膏 200g', 990, 1000, 'each', 1300, 0],
];

/** The 30-item receipt: two tax rates, line discounts, a WeChat Pay tender plus cash with change and rounding. */
export function sampleReceipt30(): ReceiptDocument {
  const lines: ReceiptLine[] = ITEMS.map(([name, unitPrice, quantityMilli, unit, taxRateBp, discount]) => {
    const gross = extendPrice(unitPrice, quantityMilli);
    return { name, quantityMilli, unit, unitPrice, gross, discount, net: gross - discount, taxRateBp };
  });
  const subtotal = lines.reduce((sum, l) => sum + l.gross, 0);
  const discountTotal = lines.reduce((sum, l) => sum + l.discount, 0);
  const total = subtotal - discountTotal;
  const taxes: ReceiptTaxRow[] = [...new Set(lines.map((l) => l.taxRateBp))].map((rateBp) => {
    const taxable = lines.filter((l) => l.taxRateBp === rateBp).reduce((sum, l) => sum + l.net, 0);
    return { rateBp, taxable, tax: inclusiveTax(taxable, rateBp) };
  });
  // Cash pays what WeChat Pay did not, rounded down to the jiao (抹零).
  const wechat = 30000;
  const rounding = -((total - wechat) % 10);
  const cashDue = total - wechat + rounding;
  const cashGiven = Math.ceil(cashDue / 5000) * 5000;
  return {
    language: 'zh-CN',
    currency: 'CNY',
    kind: 'sale',
    header: {
      storeName: '演示便利店',
      address: '上海市浦东新区张杨路 1234 号 1 层',
      taxId: '91310115MA1K4XXXX0',
      lines: ['电话 021-5888 0000', '营业时间 07:00-23:00'],
    },
    receiptNumber: 'T01-20261122-000123',
    tillName: '1号收银台',
    cashier: '张小明',
    issuedAt: '2026-11-22T14:03:05+08:00',
    lines,
    subtotal,
    discountTotal,
    total,
    rounding,
    taxes,
    tenders: [
      { kind: 'wechat', amount: wechat, reference: '4200****5678' },
      { kind: 'cash', amount: cashGiven },
    ],
    change: cashGiven - cashDue,
    footer: ['谢谢惠顾，欢迎再次光临', '凭小票七日内可退换'],
    qr: 'https://r.example.cn/e/T01-20261122-000123?c=8F3K2Q',
  };
}

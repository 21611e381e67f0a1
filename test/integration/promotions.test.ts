import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../src-common/roles';
import type { Product } from '../../src-common/schemas';
import { layoutReport } from '../../src-main/services/reports';
import { startTestPos, type TestPos } from '../helpers/pos';

/** Promotions through the contract on a real SQLite file: the owner's editor, the cart, the stored sale, its receipt and the X report. */
describe('promotions at the till', () => {
  let t: TestPos;
  let cashier: Session;
  let owner: Session;
  let cola: Product;
  let chips: Product;

  beforeAll(async () => {
    t = await startTestPos();
    cashier = await t.signedIn('cashier');
    owner = await t.signedIn('owner');
    const [a, b] = t.query<{ sku: string }>("SELECT sku FROM product WHERE unit = 'each' AND active = 1 AND price BETWEEN 300 AND 2000 ORDER BY sku LIMIT 2");
    cola = (await t.ok(cashier, 'catalog.search', { query: a!.sku }))[0]!;
    chips = (await t.ok(cashier, 'catalog.search', { query: b!.sku }))[0]!;
  });
  afterAll(() => t?.close());

  it('refuses a cashier at the editor, and a rule for a product that does not exist', async () => {
    const rule = { kind: 'special' as const, productId: cola.id, price: 1 };
    expect(await t.call(cashier, 'promotions.save', { name: 'x', active: true, startDate: null, endDate: null, rule })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await t.call(owner, 'promotions.save', { name: 'x', active: true, startDate: null, endDate: null, rule: { ...rule, productId: 'nope' } })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });

  it('applies 第二件半价 and a 满减 to the cart, stores them with the sale, prints them and reports them to the fen', async () => {
    const half = await t.ok(owner, 'promotions.save', {
      name: '第二件半价',
      active: true,
      startDate: null,
      endDate: null,
      rule: { kind: 'nth_item', productId: cola.id, nth: 2, discount: { kind: 'percent_off', basisPoints: 5000 } },
    });
    expect(half.inForce).toBe(true);
    const threshold = 2 * cola.price + chips.price;
    const spend = await t.ok(owner, 'promotions.save', { name: '满减测试', active: true, startDate: null, endDate: null, rule: { kind: 'spend_save', threshold, saving: 100, repeating: false, categoryId: null } });

    await t.ok(cashier, 'sale.scan', { code: cola.sku });
    let cart = await t.ok(cashier, 'sale.scan', { code: cola.sku });
    const halfSaving = Math.round(cola.price / 2); // half-up
    expect(cart.lines[0]!.promotions).toEqual([{ promotionId: half.id, name: '第二件半价', kind: 'nth_item', saving: halfSaving }]);
    expect(cart.spendSave).toBeNull();
    cart = await t.ok(cashier, 'sale.addProduct', { productId: chips.id });
    expect(cart.spendSave).toEqual({ promotionId: spend.id, name: '满减测试', kind: 'spend_save', saving: 100 });
    const expected = 2 * cola.price + chips.price - halfSaving - 100;
    expect(cart).toMatchObject({ subtotal: 2 * cola.price + chips.price, promotionTotal: halfSaving + 100, total: expected });
    expect(cart.lines.reduce((a, l) => a + l.net, 0)).toBe(expected);

    const done = await t.ok(cashier, 'sale.complete', { tenders: [{ kind: 'cash', amount: expected }] });
    expect(done.total).toBe(expected);
    expect(t.query('SELECT line_no, name, kind, saving FROM sale_line_promotion WHERE sale_id = ? ORDER BY line_no, kind', done.saleId)).toEqual([
      { line_no: 1, name: '第二件半价', kind: 'nth_item', saving: halfSaving },
      { line_no: 1, name: '满减测试', kind: 'spend_save', saving: cart.lines[0]!.orderPromotionSaving },
      { line_no: 2, name: '满减测试', kind: 'spend_save', saving: cart.lines[1]!.orderPromotionSaving },
    ]);

    // The promotion ends and is renamed: the sale keeps what it had.
    await t.ok(owner, 'promotions.end', { id: spend.id });
    const receipt = await t.ok(cashier, 'sale.receipt', { saleId: done.saleId });
    expect(receipt.receipt.promotions).toEqual([{ name: '满减测试', saving: 100 }]);
    expect(receipt.receipt.lines[0]!.promotions).toEqual([{ name: '第二件半价', saving: halfSaving }]);
    expect(receipt.receipt.discountTotal).toBe(0);
    expect(receipt.text).toMatch(/第二件半价\s+-¥\d+\.\d\d/);
    expect(receipt.text).toMatch(/满减测试\s+-¥1\.00/);

    const x = await t.ok(owner, 'report.x', {});
    expect(x.promotions).toEqual([
      { promotionId: half.id, name: '第二件半价', kind: 'nth_item', sales: 1, saving: halfSaving },
      { promotionId: spend.id, name: '满减测试', kind: 'spend_save', sales: 1, saving: 100 },
    ].sort((a, b) => b.saving - a.saving || (a.promotionId < b.promotionId ? -1 : 1)));
    expect(x.discounts).toBe(halfSaving + 100);
    expect(x.sales).toBe(expected);
    const printed = layoutReport(x, 48, 'zh-CN', 'Asia/Shanghai').flatMap((b) => (b.kind === 'text' ? [b.text.replace(/\s+/g, ' ')] : []));
    expect(printed).toContain('促销优惠');
    expect(printed).toContain(`第二件半价 ×1 -¥${(halfSaving / 100).toFixed(2)}`);
    expect(printed).toContain('满减测试 ×1 -¥1.00');

    // Returning the two colas refunds what the customer paid for them: the line after both promotions.
    const refund = await t.ok(owner, 'refund.request', { saleId: done.saleId, lines: [{ lineNo: 1, quantityMilli: 2000 }], reason: 'returned' });
    expect(refund).toMatchObject({ amount: cart.lines[0]!.net, status: 'refunded' });
    expect(cart.lines[0]!.net).toBe(2 * cola.price - halfSaving - cart.lines[0]!.orderPromotionSaving);

    // Ended: the next sale of the same goods gets 第二件半价 but no 满减.
    await t.ok(cashier, 'sale.scan', { code: cola.sku });
    await t.ok(cashier, 'sale.scan', { code: cola.sku });
    cart = await t.ok(cashier, 'sale.addProduct', { productId: chips.id });
    expect(cart.spendSave).toBeNull();
    expect(cart.total).toBe(2 * cola.price + chips.price - halfSaving);
    await t.ok(cashier, 'sale.void', { reason: 'test' });
  });

  it('a member price applies only with a member attached', async () => {
    const prices = await t.ok(owner, 'promotions.setMemberPrice', { productId: chips.id, memberPrice: chips.price - 50 });
    expect(prices).toContainEqual(expect.objectContaining({ productId: chips.id, memberPrice: chips.price - 50 }));
    const cart = await t.ok(cashier, 'sale.addProduct', { productId: chips.id });
    expect(cart.total).toBe(chips.price);
    await t.ok(cashier, 'sale.void', { reason: 'test' });

    // With a member attached (the members part's cart event), the line is priced at the member price, the sale
    // stores it as a promotion, and the member earns points on what was paid.
    const member = await t.ok(cashier, 'member.create', { phone: '13712345678', name: null });
    await t.ok(cashier, 'sale.addProduct', { productId: chips.id, quantityMilli: 2000 });
    const withMember = await t.ok(cashier, 'sale.setMember', { memberId: member.memberId });
    expect(withMember.total).toBe(2 * (chips.price - 50));
    expect(withMember.lines[0]!.promotions).toEqual([expect.objectContaining({ saving: 100 })]);
    const done = await t.ok(cashier, 'sale.complete', { tenders: [{ kind: 'cash', amount: withMember.total }] });
    const stored = t.query<{ saving: number; kind: string }>('SELECT saving, kind FROM sale_line_promotion WHERE sale_id = ?', done.saleId);
    expect(stored).toEqual([{ saving: 100, kind: 'member_price' }]);
    const earned = t.query<{ delta: number }>("SELECT delta FROM member_points WHERE sale_id = ? AND reason = 'earn'", done.saleId);
    expect(earned).toEqual([{ delta: Math.floor((2 * (chips.price - 50)) / 100) }]);
  });
});

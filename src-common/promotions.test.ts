import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { priceCart } from './pricing';
import { applyPromotions, type Promotion, type PromotionLine, type PromotionRule } from './promotions';

const today = { businessDate: '2026-12-05', memberAttached: false };
const promo = (id: string, rule: PromotionRule, extra: Partial<Promotion> = {}): Promotion => ({
  id,
  name: id,
  active: true,
  startDate: null,
  endDate: null,
  rule,
  ...extra,
});
const each = (lineId: string, productId: string, unitPrice: number, units: number, categoryId: string | null = null): PromotionLine => ({
  lineId,
  productId,
  categoryId,
  unit: 'each',
  unitPrice,
  quantityMilli: units * 1000,
});

/** What the customer pays: the cart priced with the promotions' savings. */
function totalOf(lines: readonly PromotionLine[], promotions: readonly Promotion[], context = today): number {
  const result = applyPromotions(lines, promotions, context);
  return priceCart(
    lines.map((l, i) => ({
      lineId: l.lineId,
      unitPrice: l.unitPrice,
      quantityMilli: l.quantityMilli,
      taxRateBp: 1300,
      ...(l.fixedGross !== undefined ? { fixedGross: l.fixedGross } : {}),
      promotionSaving: result.lines[i]!.lineSaving,
      orderPromotionSaving: result.lines[i]!.orderSaving,
    })),
  ).total;
}

describe('applyPromotions: each kind', () => {
  it('第二件半价: the second unit of ¥5.00 at half price saves ¥2.50, the third unit none', () => {
    const half = promo('p1', { kind: 'nth_item', productId: 'cola', nth: 2, discount: { kind: 'percent_off', basisPoints: 5000 } }, { name: '第二件半价' });
    const result = applyPromotions([each('a', 'cola', 500, 3)], [half], today);
    expect(result.lines[0]).toEqual({ lineId: 'a', applied: [{ promotionId: 'p1', name: '第二件半价', kind: 'nth_item', saving: 250 }], lineSaving: 250, orderSaving: 0 });
    expect(totalOf([each('a', 'cola', 500, 4)], [half])).toBe(1500);
  });

  it('满减 once, and 每满100减10 repeating, on ¥250.00', () => {
    const once = promo('p1', { kind: 'spend_save', threshold: 10000, saving: 1000, repeating: false, categoryId: null });
    const every = promo('p1', { kind: 'spend_save', threshold: 10000, saving: 1000, repeating: true, categoryId: null });
    const cart = [each('a', 'rice', 5000, 3), each('b', 'oil', 10000, 1)];
    expect(applyPromotions(cart, [once], today).spendSave?.saving).toBe(1000);
    expect(applyPromotions(cart, [every], today).spendSave?.saving).toBe(2000);
    expect(totalOf(cart, [every])).toBe(23000);
    // Spread over the lines by what they cost: 150 : 100.
    expect(applyPromotions(cart, [every], today).lines.map((l) => l.orderSaving)).toEqual([1200, 800]);
  });

  it('a category 满减 counts only that category', () => {
    const snacks = promo('p1', { kind: 'spend_save', threshold: 3000, saving: 500, repeating: false, categoryId: 'snacks' });
    expect(applyPromotions([each('a', 'chips', 1000, 2, 'snacks'), each('b', 'beer', 2000, 1, 'drinks')], [snacks], today).spendSave).toBeNull();
    expect(applyPromotions([each('a', 'chips', 1000, 3, 'snacks'), each('b', 'beer', 2000, 1, 'drinks')], [snacks], today).lines.map((l) => l.orderSaving)).toEqual([500, 0]);
  });

  it('special price for a period, only within its dates', () => {
    const special = promo('p1', { kind: 'special', productId: 'milk', price: 399 }, { startDate: '2026-12-01', endDate: '2026-12-05' });
    expect(totalOf([each('a', 'milk', 550, 2)], [special])).toBe(798);
    expect(totalOf([each('a', 'milk', 550, 2)], [special], { ...today, businessDate: '2026-12-06' })).toBe(1100);
    expect(totalOf([each('a', 'milk', 550, 2)], [{ ...special, active: false }])).toBe(1100);
  });

  it('member price only with a member attached; the lower of special and member price wins', () => {
    const member = promo('m', { kind: 'member_price', productId: 'milk', price: 450 });
    const special = promo('s', { kind: 'special', productId: 'milk', price: 480 });
    expect(totalOf([each('a', 'milk', 550, 1)], [member, special])).toBe(480);
    const withMember = applyPromotions([each('a', 'milk', 550, 1)], [member, special], { ...today, memberAttached: true });
    expect(withMember.lines[0]!.applied).toEqual([{ promotionId: 'm', name: 'm', kind: 'member_price', saving: 100 }]);
  });

  it('a bundle A+B for ¥10.00 shares its saving by value', () => {
    const bundle = promo('b', { kind: 'bundle', items: [{ productId: 'A', quantity: 1 }, { productId: 'B', quantity: 1 }], price: 1000 });
    const result = applyPromotions([each('a', 'A', 800, 1), each('b', 'B', 400, 2)], [bundle], today);
    expect(result.lines.map((l) => l.lineSaving)).toEqual([133, 67]);
    expect(totalOf([each('a', 'A', 800, 1), each('b', 'B', 400, 2)], [bundle])).toBe(1400);
  });

  it('competing for the same units, the combination best for the customer wins', () => {
    // Two colas and one chips: the bundle (saves 300) beats 第二件半价 (saves 250); both cannot have the first cola.
    const half = promo('p1', { kind: 'nth_item', productId: 'cola', nth: 2, discount: { kind: 'percent_off', basisPoints: 5000 } });
    const bundle = promo('p2', { kind: 'bundle', items: [{ productId: 'cola', quantity: 1 }, { productId: 'chips', quantity: 1 }], price: 900 });
    const cart = [each('a', 'cola', 500, 2), each('b', 'chips', 700, 1)];
    expect(applyPromotions(cart, [half, bundle], today).totalSaving).toBe(300);
    // Three colas: 第二件半价 on two and the bundle on the third: 250 + 300.
    expect(applyPromotions([each('a', 'cola', 500, 3), each('b', 'chips', 700, 1)], [half, bundle], today).totalSaving).toBe(550);
  });

  it('满减 does not stack: the larger saving applies; a tie goes to the lower id', () => {
    const a = promo('a', { kind: 'spend_save', threshold: 5000, saving: 500, repeating: false, categoryId: null });
    const b = promo('b', { kind: 'spend_save', threshold: 10000, saving: 1500, repeating: false, categoryId: null });
    const c = promo('c', { kind: 'spend_save', threshold: 5000, saving: 500, repeating: false, categoryId: null });
    expect(applyPromotions([each('x', 'x', 10000, 1)], [a, b], today).spendSave?.promotionId).toBe('b');
    expect(applyPromotions([each('x', 'x', 6000, 1)], [c, a, b], today).spendSave?.promotionId).toBe('a');
  });

  it('a scale label keeps its printed price (no special on it) but counts toward 满减', () => {
    const special = promo('s', { kind: 'special', productId: 'pork', price: 1000 });
    const spend = promo('t', { kind: 'spend_save', threshold: 2000, saving: 300, repeating: false, categoryId: null });
    const label: PromotionLine = { lineId: 'a', productId: 'pork', categoryId: null, unit: 'kg', unitPrice: 2980, quantityMilli: 700, fixedGross: 2086 };
    const result = applyPromotions([label], [special, spend], today);
    expect(result.lines[0]).toMatchObject({ lineSaving: 0, orderSaving: 300 });
  });
});

// Random carts over a few products and promotions of every kind.
const products = ['p0', 'p1', 'p2', 'p3'];
const productArb = fc.constantFrom(...products);
const categoryOf = (productId: string) => (productId === 'p0' || productId === 'p1' ? 'c1' : 'c2');
const priceOf = (productId: string) => 100 + products.indexOf(productId) * 250;
const ruleArb: fc.Arbitrary<PromotionRule> = fc.oneof(
  fc.record({ kind: fc.constant('special' as const), productId: productArb, price: fc.integer({ min: 0, max: 1500 }) }),
  fc.record({ kind: fc.constant('member_price' as const), productId: productArb, price: fc.integer({ min: 0, max: 1500 }) }),
  fc.record({
    kind: fc.constant('nth_item' as const),
    productId: productArb,
    nth: fc.integer({ min: 1, max: 4 }),
    discount: fc.oneof(
      fc.record({ kind: fc.constant('percent_off' as const), basisPoints: fc.integer({ min: 1, max: 10000 }) }),
      fc.record({ kind: fc.constant('price' as const), price: fc.integer({ min: 0, max: 1500 }) }),
    ),
  }),
  fc.record({
    kind: fc.constant('bundle' as const),
    items: fc.array(fc.record({ productId: productArb, quantity: fc.integer({ min: 1, max: 3 }) }), { minLength: 1, maxLength: 3 }),
    price: fc.integer({ min: 0, max: 3000 }),
  }),
  fc.record({
    kind: fc.constant('spend_save' as const),
    threshold: fc.integer({ min: 1, max: 5000 }),
    saving: fc.integer({ min: 1, max: 3000 }),
    repeating: fc.boolean(),
    categoryId: fc.constantFrom(null, 'c1', 'c2'),
  }),
);
const promotionsArb = fc.array(ruleArb, { maxLength: 6 }).map((rules) => rules.map((rule, i) => promo(`promo${i}`, rule)));
/** A cart as units per product; lines are made from it by splitting each product's units. */
const unitsArb = fc.array(fc.tuple(productArb, fc.integer({ min: 1, max: 6 })), { maxLength: 6 });
const weighedArb = fc.array(fc.tuple(productArb, fc.integer({ min: 1, max: 3000 })), { maxLength: 2 });

function linesOf(units: readonly [string, number][], weighed: readonly [string, number][] = []): PromotionLine[] {
  return [
    ...units.map(([productId, n], i) => each(`l${i}`, productId, priceOf(productId), n, categoryOf(productId))),
    ...weighed.map(([productId, grams], i): PromotionLine => ({ lineId: `w${i}`, productId, categoryId: categoryOf(productId), unit: 'kg', unitPrice: priceOf(productId), quantityMilli: grams })),
  ];
}

const contextArb = fc.record({ businessDate: fc.constant('2026-12-05'), memberAttached: fc.boolean() });

describe('applyPromotions: properties', () => {
  it('never a negative line, never more saving than the line, the total never below zero, savings add up', () => {
    fc.assert(
      fc.property(unitsArb, weighedArb, promotionsArb, contextArb, (units, weighed, promotions, context) => {
        const lines = linesOf(units, weighed);
        const result = applyPromotions(lines, promotions, context);
        const gross = lines.map((l) => l.fixedGross ?? Math.round((l.unitPrice * l.quantityMilli) / 1000));
        result.lines.forEach((l, i) => {
          expect(l.lineSaving).toBeGreaterThanOrEqual(0);
          expect(l.orderSaving).toBeGreaterThanOrEqual(0);
          expect(l.lineSaving + l.orderSaving).toBeLessThanOrEqual(gross[i]!);
          expect(l.applied.reduce((a, p) => a + p.saving, 0)).toBe(l.lineSaving);
        });
        expect(result.lines.reduce((a, l) => a + l.orderSaving, 0)).toBe(result.spendSave?.saving ?? 0);
        const total = totalOf(lines, promotions, context);
        expect(total).toBeGreaterThanOrEqual(0);
        expect(gross.reduce((a, b) => a + b, 0) - total).toBe(result.totalSaving);
      }),
    );
  });

  it('same cart, same total, whatever the scan order and however units were split over lines', () => {
    fc.assert(
      fc.property(unitsArb, promotionsArb, contextArb, fc.integer(), (units, promotions, context, seed) => {
        const split: [string, number][] = [];
        for (const [productId, n] of units) {
          const first = Math.abs(seed % n) + 1;
          split.push([productId, first]);
          if (n - first > 0) split.push([productId, n - first]);
        }
        const shuffled = [...split].sort((a, b) => ((a[1] * 7 + seed) % 5) - ((b[1] * 7 + seed) % 5));
        const a = applyPromotions(linesOf(units), promotions, context);
        const b = applyPromotions(linesOf(shuffled), promotions, context);
        expect(b.totalSaving).toBe(a.totalSaving);
        expect(b.spendSave).toEqual(a.spendSave);
        expect(totalOf(linesOf(shuffled), promotions, context)).toBe(totalOf(linesOf(units), promotions, context));
      }),
    );
  });

  it('adding an item never raises the total by more than that item’s price', () => {
    fc.assert(
      fc.property(unitsArb, promotionsArb, contextArb, productArb, (units, promotions, context, added) => {
        const before = totalOf(linesOf(units), promotions, context);
        const after = totalOf(linesOf([...units, [added, 1]]), promotions, context);
        expect(after - before).toBeLessThanOrEqual(priceOf(added));
      }),
    );
  });

  it('pricing again gives the same result (idempotent, and the inputs are not changed)', () => {
    fc.assert(
      fc.property(unitsArb, weighedArb, promotionsArb, contextArb, (units, weighed, promotions, context) => {
        const lines = linesOf(units, weighed);
        const copy = structuredClone({ lines, promotions });
        const first = applyPromotions(lines, promotions, context);
        expect(applyPromotions(lines, promotions, context)).toEqual(first);
        expect({ lines, promotions }).toEqual(copy);
      }),
    );
  });
});

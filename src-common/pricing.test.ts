import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inclusiveTax } from './money';
import { PricingError, TenderError, cashDue, priceCart, settle } from './pricing';
import type { CashRounding, Discount, PricingLine, TenderInput } from './pricing';

const line = (lineId: string, unitPrice: number, quantityMilli: number, taxRateBp: number, extra: Partial<PricingLine> = {}): PricingLine => ({
  lineId,
  unitPrice,
  quantityMilli,
  taxRateBp,
  ...extra,
});

/** Runs `fn`, expecting it to throw an error of `type` with `code`; returns the message. */
function thrown(fn: () => unknown, type: typeof PricingError | typeof TenderError, code: string): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(type);
    expect((error as PricingError | TenderError).code).toBe(code);
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('priceCart: lines', () => {
  it('prices 3 × ¥3.50 at 13%', () => {
    const cart = priceCart([line('a', 350, 3000, 1300)]);
    expect(cart).toEqual({
      lines: [{ lineId: 'a', gross: 1050, promotionSaving: 0, orderPromotionSaving: 0, lineDiscount: 0, orderDiscount: 0, net: 1050, taxRateBp: 1300, tax: 121 }],
      subtotal: 1050,
      promotionTotal: 0,
      lineDiscountTotal: 0,
      orderDiscount: 0,
      total: 1050,
      taxes: [{ rateBp: 1300, taxable: 1050, tax: 121 }], // 1050 × 1300 / 11300 = 120.796
      taxTotal: 121,
    });
  });
  it('prices 0.532 kg × ¥29.80/kg at 9% to the fen', () => {
    const cart = priceCart([line('w', 2980, 532, 900)]);
    expect(cart.lines[0]?.gross).toBe(1585); // 1585.36
    expect(cart.taxes).toEqual([{ rateBp: 900, taxable: 1585, tax: 131 }]); // 1585 × 900 / 10900 = 130.87
  });
  it('uses the label price of weighed goods when fixedGross is set', () => {
    const cart = priceCart([line('label', 2980, 532, 900, { fixedGross: 1590 })]);
    expect(cart.lines[0]).toMatchObject({ gross: 1590, net: 1590 });
    expect(cart.total).toBe(1590);
  });
  it('applies amount and percent line discounts', () => {
    const cart = priceCart([
      line('a', 1000, 2000, 1300, { discount: { kind: 'amount', amount: 150 } }),
      line('b', 999, 1000, 1300, { discount: { kind: 'percent', basisPoints: 1500 } }), // 149.85 → 150
      line('c', 500, 1000, 1300, { discount: { kind: 'amount', amount: 500 } }), // free
    ]);
    expect(cart.lines.map((l) => [l.gross, l.lineDiscount, l.net])).toEqual([
      [2000, 150, 1850],
      [999, 150, 849],
      [500, 500, 0],
    ]);
    expect(cart).toMatchObject({ subtotal: 3499, lineDiscountTotal: 800, orderDiscount: 0, total: 2699 });
  });
  it('prices an empty cart to zeros', () => {
    expect(priceCart([])).toEqual({ lines: [], subtotal: 0, promotionTotal: 0, lineDiscountTotal: 0, orderDiscount: 0, total: 0, taxes: [], taxTotal: 0 });
    expect(priceCart([], { kind: 'percent', basisPoints: 1000 }).total).toBe(0);
    thrown(() => priceCart([], { kind: 'amount', amount: 1 }), PricingError, 'discount_too_large');
  });
});

describe('priceCart: promotions', () => {
  it('takes promotion savings before the manual discounts, and a fixed discount larger than what is left takes the rest', () => {
    const cart = priceCart(
      [line('cola', 500, 2000, 1300, { promotionSaving: 250, orderPromotionSaving: 100, discount: { kind: 'percent', basisPoints: 1000 } }), line('tea', 600, 1000, 600, { orderPromotionSaving: 50, discount: { kind: 'amount', amount: 600 } })],
      { kind: 'amount', amount: 100 },
    );
    // cola 1000 − 350 = 650, 10% → 65 off, 585; tea 600 − 50 = 550, the ¥6.00 discount takes the 550 left.
    expect(cart.lines.map((l) => [l.promotionSaving, l.orderPromotionSaving, l.lineDiscount, l.net])).toEqual([
      [250, 100, 65, 485],
      [0, 50, 550, 0],
    ]);
    expect(cart).toMatchObject({ subtotal: 1600, promotionTotal: 400, lineDiscountTotal: 615, orderDiscount: 100, total: 485 });
  });
  it('refuses promotion savings above the line', () => {
    thrown(() => priceCart([line('a', 100, 1000, 0, { promotionSaving: 60, orderPromotionSaving: 41 })]), PricingError, 'invalid_line');
  });
});

describe('priceCart: order discount', () => {
  const mixed = [
    line('rice', 1299, 2000, 1300, { discount: { kind: 'percent', basisPoints: 500 } }), // 2598 − 130 = 2468
    line('pork', 1980, 750, 900), // 0.75 kg × ¥19.80 = 1485
    line('tea', 599, 1000, 600, { discount: { kind: 'amount', amount: 100 } }), // 499
    line('cola', 350, 1000, 1300), // 350
  ];

  it('takes 10% off a mixed-rate cart and spreads it line by line', () => {
    const cart = priceCart(mixed, { kind: 'percent', basisPoints: 1000 });
    // 10% of 4802 = 480.2 → 480, split by largest remainder over 2468 : 1485 : 499 : 350
    // exact shares 246.70, 148.44, 49.88, 34.99 → floors 246+148+49+34 = 477; the 3 left go to cola, tea, rice.
    expect(cart.lines).toEqual([
      { lineId: 'rice', gross: 2598, promotionSaving: 0, orderPromotionSaving: 0, lineDiscount: 130, orderDiscount: 247, net: 2221, taxRateBp: 1300, tax: 256 },
      { lineId: 'pork', gross: 1485, promotionSaving: 0, orderPromotionSaving: 0, lineDiscount: 0, orderDiscount: 148, net: 1337, taxRateBp: 900, tax: 110 },
      { lineId: 'tea', gross: 599, promotionSaving: 0, orderPromotionSaving: 0, lineDiscount: 100, orderDiscount: 50, net: 449, taxRateBp: 600, tax: 25 },
      { lineId: 'cola', gross: 350, promotionSaving: 0, orderPromotionSaving: 0, lineDiscount: 0, orderDiscount: 35, net: 315, taxRateBp: 1300, tax: 36 },
    ]);
    expect(cart).toMatchObject({ subtotal: 5032, lineDiscountTotal: 230, orderDiscount: 480, total: 4322, taxTotal: 427 });
    expect(cart.taxes).toEqual([
      { rateBp: 1300, taxable: 2536, tax: 292 }, // 2536 × 1300 / 11300 = 291.75
      { rateBp: 900, taxable: 1337, tax: 110 }, // 110.39
      { rateBp: 600, taxable: 449, tax: 25 }, // 25.42
    ]);
  });
  it('takes an amount off the order', () => {
    const cart = priceCart(mixed, { kind: 'amount', amount: 802 });
    expect(cart.orderDiscount).toBe(802);
    expect(cart.total).toBe(4000);
    expect(cart.lines.map((l) => l.orderDiscount).reduce((a, b) => a + b)).toBe(802);
  });
  it('can take the whole order, leaving every line at zero', () => {
    const cart = priceCart(mixed, { kind: 'percent', basisPoints: 10000 });
    expect(cart.lines.map((l) => l.net)).toEqual([0, 0, 0, 0]);
    expect(cart).toMatchObject({ orderDiscount: 4802, total: 0, taxTotal: 0 });
  });
  it('gives no order discount to a line that already costs nothing', () => {
    const cart = priceCart([line('free', 0, 1000, 1300), line('paid', 1000, 1000, 1300)], { kind: 'amount', amount: 999 });
    expect(cart.lines.map((l) => [l.orderDiscount, l.net])).toEqual([
      [0, 0],
      [999, 1],
    ]);
  });
});

describe('priceCart: tax per rate group', () => {
  it('rounds tax once per rate, not once per line, and allocates it back to lines', () => {
    // Each ¥1.00 line alone holds 11.50 fen of 13% tax (→ 12, 36 in all); the group of ¥3.00 holds 34.51 → 35.
    const cart = priceCart([line('a', 100, 1000, 1300), line('b', 100, 1000, 1300), line('c', 100, 1000, 1300)]);
    expect(cart.taxes).toEqual([{ rateBp: 1300, taxable: 300, tax: 35 }]);
    expect(cart.taxTotal).toBe(35);
    expect(cart.lines.map((l) => l.tax)).toEqual([12, 12, 11]);
  });
  it('lists every rate present, 0% included, highest first', () => {
    const cart = priceCart([line('veg', 500, 1000, 0), line('a', 100, 1000, 600), line('b', 100, 1000, 1300), line('c', 100, 1000, 900)]);
    expect(cart.taxes.map((t) => t.rateBp)).toEqual([1300, 900, 600, 0]);
    expect(cart.taxes[3]).toEqual({ rateBp: 0, taxable: 500, tax: 0 });
  });
});

describe('priceCart: invalid input', () => {
  const cases: [string, PricingLine, string][] = [
    ['a negative price', line('x', -1, 1000, 1300), 'invalid_line'],
    ['a fractional price', line('x', 1.5, 1000, 1300), 'invalid_line'],
    ['a zero quantity', line('x', 100, 0, 1300), 'invalid_line'],
    ['a negative quantity', line('x', 100, -1000, 1300), 'invalid_line'],
    ['a fractional quantity', line('x', 100, 0.5, 1300), 'invalid_line'],
    ['a rate above 100%', line('x', 100, 1000, 10001), 'invalid_line'],
    ['a negative rate', line('x', 100, 1000, -1), 'invalid_line'],
    ['a NaN rate', line('x', 100, 1000, Number.NaN), 'invalid_line'],
    ['a negative fixed gross', line('x', 100, 1000, 1300, { fixedGross: -5 }), 'invalid_line'],
    ['an overflowing gross', line('x', Number.MAX_SAFE_INTEGER, 2000, 1300), 'invalid_line'],
    ['a discount above the gross', line('x', 100, 1000, 1300, { discount: { kind: 'amount', amount: 101 } }), 'discount_too_large'],
    ['a negative discount', line('x', 100, 1000, 1300, { discount: { kind: 'amount', amount: -1 } }), 'invalid_discount'],
    ['a fractional discount', line('x', 100, 1000, 1300, { discount: { kind: 'amount', amount: 0.5 } }), 'invalid_discount'],
    ['a 0% discount', line('x', 100, 1000, 1300, { discount: { kind: 'percent', basisPoints: 0 } }), 'invalid_discount'],
    ['a discount above 100%', line('x', 100, 1000, 1300, { discount: { kind: 'percent', basisPoints: 10001 } }), 'invalid_discount'],
    ['an unknown discount kind', line('x', 100, 1000, 1300, { discount: { kind: 'bogo' } as unknown as Discount }), 'invalid_discount'],
  ];
  it.each(cases)('refuses %s, naming the line', (_name, bad, code) => {
    const message = thrown(() => priceCart([line('ok', 100, 1000, 1300), { ...bad, lineId: 'milk-2' }]), PricingError, code);
    expect(message).toContain('line 2');
    expect(message).toContain('milk-2');
  });
  it('refuses an order discount above what the lines cost after their own discounts', () => {
    const lines = [line('a', 1000, 1000, 1300, { discount: { kind: 'amount', amount: 200 } })];
    expect(priceCart(lines, { kind: 'amount', amount: 800 }).total).toBe(0);
    expect(thrown(() => priceCart(lines, { kind: 'amount', amount: 801 }), PricingError, 'discount_too_large')).toMatch(/order/);
    thrown(() => priceCart(lines, { kind: 'percent', basisPoints: 0 }), PricingError, 'invalid_discount');
    thrown(() => priceCart(lines, { kind: 'amount', amount: -1 }), PricingError, 'invalid_discount');
  });
  it('refuses a cart whose subtotal passes the safe range', () => {
    const big = Number.MAX_SAFE_INTEGER - 10;
    thrown(() => priceCart([line('a', 0, 1000, 0, { fixedGross: big }), line('b', 0, 1000, 0, { fixedGross: big })]), PricingError, 'invalid_line');
  });
});

/** A cart and an order discount, with every discount valid by construction (amounts as a fraction of what they discount). */
const cartArb = fc
  .record({
    lines: fc.array(
      fc.record({
        unitPrice: fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 1e9 })),
        quantityMilli: fc.oneof(fc.constantFrom(1000, 2000, 3000), fc.integer({ min: 1, max: 50_000 })),
        taxRateBp: fc.oneof(fc.constantFrom(0, 600, 900, 1300), fc.integer({ min: 0, max: 10000 })),
        fixedGross: fc.option(fc.integer({ min: 0, max: 1e7 }), { nil: undefined }),
        discount: fc.option(fc.oneof(fc.record({ kind: fc.constant('share' as const), bp: fc.integer({ min: 0, max: 10000 }) }), fc.record({ kind: fc.constant('percent' as const), basisPoints: fc.integer({ min: 1, max: 10000 }) })), {
          nil: undefined,
        }),
      }),
      { maxLength: 25 },
    ),
    order: fc.option(fc.oneof(fc.record({ kind: fc.constant('share' as const), bp: fc.integer({ min: 0, max: 10000 }) }), fc.record({ kind: fc.constant('percent' as const), basisPoints: fc.integer({ min: 1, max: 10000 }) })), {
      nil: undefined,
    }),
  })
  .map(({ lines, order }) => {
    const built: PricingLine[] = lines.map((l, i) => {
      const gross = l.fixedGross ?? priceCart([{ lineId: 'g', unitPrice: l.unitPrice, quantityMilli: l.quantityMilli, taxRateBp: 0 }]).subtotal;
      const discount: Discount | undefined =
        l.discount === undefined ? undefined : l.discount.kind === 'share' ? { kind: 'amount', amount: Math.floor((gross * l.discount.bp) / 10000) } : l.discount;
      const base = { lineId: `L${i}`, unitPrice: l.unitPrice, quantityMilli: l.quantityMilli, taxRateBp: l.taxRateBp };
      return { ...base, ...(l.fixedGross === undefined ? {} : { fixedGross: l.fixedGross }), ...(discount ? { discount } : {}) };
    });
    const base = priceCart(built).total;
    const orderDiscount: Discount | undefined =
      order === undefined ? undefined : order.kind === 'share' ? { kind: 'amount', amount: Math.floor((base * order.bp) / 10000) } : order;
    return { lines: built, orderDiscount };
  });

describe('priceCart properties', () => {
  it('lines add up: Σ gross = subtotal, Σ net = total, nothing negative', () => {
    fc.assert(
      fc.property(cartArb, ({ lines, orderDiscount }) => {
        const cart = priceCart(lines, orderDiscount);
        const total = (f: (l: (typeof cart.lines)[number]) => number) => cart.lines.reduce((a, l) => a + f(l), 0);
        expect(cart.lines.map((l) => l.lineId)).toEqual(lines.map((l) => l.lineId));
        expect(total((l) => l.gross)).toBe(cart.subtotal);
        expect(total((l) => l.lineDiscount)).toBe(cart.lineDiscountTotal);
        expect(total((l) => l.orderDiscount)).toBe(cart.orderDiscount);
        expect(total((l) => l.net)).toBe(cart.total);
        expect(cart.total).toBe(cart.subtotal - cart.lineDiscountTotal - cart.orderDiscount);
        for (const l of cart.lines) {
          expect(l.net).toBe(l.gross - l.lineDiscount - l.orderDiscount);
          expect(l.net).toBeGreaterThanOrEqual(0);
          expect(l.lineDiscount).toBeGreaterThanOrEqual(0);
          expect(l.orderDiscount).toBeGreaterThanOrEqual(0);
          expect(l.tax).toBeGreaterThanOrEqual(0);
          expect(l.tax).toBeLessThanOrEqual(l.net);
        }
      }),
      { numRuns: 500 },
    );
  });
  it('tax adds up: Σ tax = taxTotal, Σ taxable = total, 0 ≤ tax ≤ taxable, one row per rate', () => {
    fc.assert(
      fc.property(cartArb, ({ lines, orderDiscount }) => {
        const cart = priceCart(lines, orderDiscount);
        expect(cart.taxes.reduce((a, t) => a + t.tax, 0)).toBe(cart.taxTotal);
        expect(cart.taxes.reduce((a, t) => a + t.taxable, 0)).toBe(cart.total);
        const rates = cart.taxes.map((t) => t.rateBp);
        expect(rates).toEqual([...new Set(lines.map((l) => l.taxRateBp))].sort((a, b) => b - a));
        for (const row of cart.taxes) {
          expect(row.tax).toBeGreaterThanOrEqual(0);
          expect(row.tax).toBeLessThanOrEqual(row.taxable);
          expect(row.tax).toBe(inclusiveTax(row.taxable, row.rateBp));
          const group = cart.lines.filter((l) => l.taxRateBp === row.rateBp);
          expect(group.reduce((a, l) => a + l.net, 0)).toBe(row.taxable);
          expect(group.reduce((a, l) => a + l.tax, 0)).toBe(row.tax);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('cashDue', () => {
  it.each<[number, CashRounding | undefined, number, number]>([
    [1234, { increment: 10, mode: 'half-up' }, 1230, -4],
    [1235, { increment: 10, mode: 'half-up' }, 1240, 5],
    [1239, { increment: 10, mode: 'down' }, 1230, -9], // 抹零
    [1230, { increment: 10, mode: 'down' }, 1230, 0],
    [1274, { increment: 50, mode: 'half-up' }, 1250, -24],
    [4, { increment: 10, mode: 'half-up' }, 0, -4],
    [1234, undefined, 1234, 0],
    [0, { increment: 10, mode: 'up' }, 0, 0],
  ])('%i with %j is due %i (rounding %i)', (amount, rounding, due, diff) => {
    expect(cashDue(amount, rounding)).toEqual({ due, rounding: diff });
  });
  it('refuses bad amounts and rounding rules', () => {
    thrown(() => cashDue(-1), TenderError, 'invalid_amount');
    thrown(() => cashDue(12.5), TenderError, 'invalid_amount');
    thrown(() => cashDue(100, { increment: 0, mode: 'half-up' }), TenderError, 'invalid_amount');
    thrown(() => cashDue(100, { increment: 10, mode: 'nearest' as CashRounding['mode'] }), TenderError, 'invalid_amount');
  });
});

describe('settle', () => {
  const tenth: CashRounding = { increment: 10, mode: 'half-up' };

  it('splits ¥50.00 into ¥20.00 wallet and ¥40.00 cash, giving ¥10.00 change', () => {
    expect(
      settle(5000, [
        { kind: 'wallet', amount: 2000 },
        { kind: 'cash', amount: 4000 },
      ]),
    ).toEqual({ total: 5000, paidNonCash: 2000, cashDue: 3000, cashRounding: 0, cashTendered: 4000, change: 1000, remaining: 0, complete: true });
  });
  it('refuses a wallet tender larger than the total', () => {
    const message = thrown(() => settle(5000, [{ kind: 'wallet', amount: 5001 }]), TenderError, 'overpaid_non_cash');
    expect(message).toMatch(/tender 1/);
  });
  it('refuses non-cash tenders that together pass what is owed, even after cash', () => {
    thrown(
      () =>
        settle(5000, [
          { kind: 'cash', amount: 1000 },
          { kind: 'wallet', amount: 3000 },
          { kind: 'other', amount: 2001 },
        ]),
      TenderError,
      'overpaid_non_cash',
    );
    expect(settle(5000, [{ kind: 'wallet', amount: 3000 }, { kind: 'other', amount: 2000 }]).complete).toBe(true);
  });
  it('rounds only the cash part', () => {
    expect(settle(1234, [{ kind: 'cash', amount: 2000 }], tenth)).toEqual({
      total: 1234,
      paidNonCash: 0,
      cashDue: 1230,
      cashRounding: -4,
      cashTendered: 2000,
      change: 770,
      remaining: 0,
      complete: true,
    });
    // A wallet pays its exact amount: no rounding when nothing is left for cash.
    expect(settle(1234, [{ kind: 'wallet', amount: 1234 }], tenth)).toMatchObject({ cashDue: 0, cashRounding: 0, change: 0, complete: true });
    // ¥5.00 by wallet leaves ¥7.35 for cash, rounded to ¥7.40.
    expect(settle(1235, [{ kind: 'wallet', amount: 500 }], tenth)).toMatchObject({ cashDue: 740, cashRounding: 5, remaining: 740, complete: false });
  });
  it('shows what is still owed while tenders are short', () => {
    expect(settle(5000, [{ kind: 'cash', amount: 1000 }])).toMatchObject({ cashDue: 5000, change: 0, remaining: 4000, complete: false });
    expect(settle(5000, [])).toMatchObject({ cashDue: 5000, cashTendered: 0, remaining: 5000, complete: false });
  });
  it('needs a cash tender, possibly of zero, for a remainder that rounds away', () => {
    // ¥12.30 by wallet leaves 4 fen, which rounds to ¥0.00 in cash: nothing to pay, but only as cash.
    expect(settle(1234, [{ kind: 'wallet', amount: 1230 }], tenth)).toMatchObject({ cashDue: 0, cashRounding: -4, remaining: 0, complete: false });
    expect(settle(1234, [{ kind: 'wallet', amount: 1230 }, { kind: 'cash', amount: 0 }], tenth)).toMatchObject({ cashDue: 0, change: 0, complete: true });
  });
  it('completes a zero total with no tenders', () => {
    expect(settle(0, [])).toMatchObject({ cashDue: 0, remaining: 0, change: 0, complete: true });
  });
  it('refuses bad amounts', () => {
    thrown(() => settle(-1, []), TenderError, 'invalid_amount');
    thrown(() => settle(100, [{ kind: 'cash', amount: -1 }]), TenderError, 'invalid_amount');
    thrown(() => settle(100, [{ kind: 'cash', amount: 0.5 }]), TenderError, 'invalid_amount');
    thrown(() => settle(100, [{ kind: 'wallet', amount: 0 }]), TenderError, 'invalid_amount');
    thrown(() => settle(100, [{ kind: 'card' as TenderInput['kind'], amount: 100 }]), TenderError, 'invalid_amount');
  });

  const roundingArb = fc.option(
    fc.record({ increment: fc.constantFrom(1, 10, 50, 100), mode: fc.constantFrom('half-up' as const, 'half-even' as const, 'down' as const, 'up' as const) }),
    { nil: undefined },
  );

  it('never gives negative change and balances whenever complete (property)', () => {
    const arb = fc
      .record({
        total: fc.integer({ min: 0, max: 1e8 }),
        // non-cash tenders as shares of what is left, so they never overpay
        nonCash: fc.array(fc.integer({ min: 1, max: 10000 }), { maxLength: 3 }),
        cash: fc.array(fc.integer({ min: 0, max: 2e8 }), { maxLength: 3 }),
        rounding: roundingArb,
      })
      .map(({ total, nonCash, cash, rounding }) => {
        let left = total;
        const tenders: TenderInput[] = [];
        for (const share of nonCash) {
          const amount = Math.floor((left * share) / 10000);
          if (amount > 0) {
            tenders.push({ kind: 'wallet', amount });
            left -= amount;
          }
        }
        for (const amount of cash) tenders.push({ kind: 'cash', amount });
        return { total, tenders, rounding };
      });
    fc.assert(
      fc.property(arb, ({ total, tenders, rounding }) => {
        const s = settle(total, tenders, rounding);
        expect(s.change).toBeGreaterThanOrEqual(0);
        expect(s.remaining).toBeGreaterThanOrEqual(0);
        expect(s.change > 0 && s.remaining > 0).toBe(false);
        expect(s.change).toBeLessThanOrEqual(s.cashTendered);
        expect(s.cashDue - s.cashRounding).toBe(total - s.paidNonCash);
        expect(Math.abs(s.cashRounding)).toBeLessThan(rounding?.increment ?? 1);
        if (s.complete) {
          expect(s.remaining).toBe(0);
          // cash over-tendered: the change is exactly the excess
          if (s.cashTendered >= s.cashDue) expect(s.change + s.cashDue).toBe(s.cashTendered);
          // what the shop keeps is the total, moved only by the cash rounding
          expect(s.paidNonCash + s.cashTendered - s.change).toBe(total + s.cashRounding);
        } else {
          expect(s.remaining > 0 || (s.cashTendered === 0 && s.paidNonCash < total)).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });
  it('refuses exactly the non-cash tenders that would pass the total (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), fc.array(fc.integer({ min: 1, max: 1e6 }), { maxLength: 4 }), roundingArb, (total, amounts, rounding) => {
        const tenders = amounts.map((amount): TenderInput => ({ kind: 'wallet', amount }));
        const paid = amounts.reduce((a, b) => a + b, 0);
        if (paid > total) {
          thrown(() => settle(total, tenders, rounding), TenderError, 'overpaid_non_cash');
        } else {
          const s = settle(total, tenders, rounding);
          expect(s.paidNonCash).toBe(paid);
          expect(s.change).toBe(0);
          expect(s.complete).toBe(paid === total);
        }
      }),
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { displayWidth } from '../../src-common/text-width';
import { plainAmount } from './exports';
import { assembleReport, layoutReport, type ReportParts } from './reports';

const KINDS = ['cash', 'wechat', 'alipay', 'unionpay', 'ecny', 'jdpay', 'bestpay', 'other'] as const;
const fen = fc.integer({ min: 0, max: 5_000_000 });

/** Parts as the database would give them: tenders that sum to sales + rounding, refunds within them. */
const partsArbitrary: fc.Arbitrary<ReportParts> = fc
  .record({
    tenders: fc.uniqueArray(fc.record({ kind: fc.constantFrom(...KINDS), count: fc.integer({ min: 1, max: 500 }), amount: fen, change: fc.integer({ min: 0, max: 10_000 }) }), {
      selector: (t) => t.kind,
      maxLength: 8,
    }),
    discounts: fen,
    rounding: fc.integer({ min: -9, max: 0 }),
    refunds: fc.array(
      fc.record({ tenderKind: fc.constantFrom(...KINDS), wallet: fc.integer({ min: 0, max: 50_000 }), cash: fc.integer({ min: 0, max: 50_000 }), isVoid: fc.constantFrom(0 as const, 1 as const), user: fc.constantFrom('U1', 'U2') }),
      { maxLength: 20 },
    ),
    taxes: fc.uniqueArray(fc.record({ rateBp: fc.constantFrom(0, 600, 900, 1300), taxable: fen }), { selector: (t) => t.rateBp, maxLength: 4 }),
    cartVoids: fc.integer({ min: 0, max: 10 }),
    cashIn: fen,
    cashOut: fen,
  })
  .map((r) => {
    const taken = r.tenders.reduce((s, t) => s + t.amount, 0);
    const total = taken - r.rounding;
    const refunds = r.refunds
      .map((x, i) => {
        const walletAmount = x.tenderKind === 'cash' ? 0 : x.wallet;
        const cashAmount = x.cash + (walletAmount === 0 && x.cash === 0 ? 1 : 0);
        return {
          id: `R${i}`,
          saleId: 'S',
          tenderKind: walletAmount ? x.tenderKind : 'cash',
          amount: walletAmount + cashAmount,
          walletAmount,
          cashAmount,
          isVoid: x.isVoid,
          userId: x.user,
          userName: x.user,
          refundGroup: `R${i}`,
          legs: 1,
          taxables: [{ rateBp: 1300, amount: walletAmount + cashAmount }],
        };
      });
    const taxes = r.taxes.map((t) => ({ ...t, tax: Math.floor((t.taxable * t.rateBp) / (10_000 + t.rateBp)) }));
    return {
      sales: { count: r.tenders.reduce((s, t) => s + t.count, 0), gross: total + r.discounts, discounts: r.discounts, total, rounding: r.rounding, tax: taxes.reduce((s, t) => s + t.tax, 0) },
      cartVoids: r.cartVoids,
      tenders: r.tenders.map((t) => ({ kind: t.kind, count: t.count, amount: t.amount, tendered: t.amount + (t.kind === 'cash' ? t.change : 0) })),
      taxes,
      items: { items: 0, lines: 0 },
      cashiers: [{ userId: 'U1', name: 'U1', count: 1, amount: taken }],
      hours: [{ hour: 12, count: 1, amount: taken }],
      refunds,
      cashIn: r.cashIn,
      cashOut: r.cashOut,
      merchantDiscount: 0,
      promotions: [],
    };
  });

describe('report arithmetic', () => {
  it('its parts sum to its totals, to the fen', () => {
    fc.assert(
      fc.property(partsArbitrary, (parts) => {
        const r = assembleReport(parts);
        const sum = <T>(xs: readonly T[], f: (x: T) => number) => xs.reduce((s, x) => s + f(x), 0);
        expect(r.gross - r.discounts).toBe(r.sales);
        expect(r.net).toBe(r.sales + r.rounding - r.refunds);
        expect(sum(r.tenders, (t) => t.amount)).toBe(r.sales + r.rounding);
        expect(sum(r.tenders, (t) => t.net)).toBe(r.net);
        expect(sum(r.tenders, (t) => t.refunds)).toBe(r.refunds);
        expect(sum(r.cashiers, (c) => c.refunds)).toBe(r.refunds);
        expect(sum(r.taxes, (t) => t.netTax)).toBe(r.tax);
        expect(sum(r.taxes, (t) => t.refundTaxable)).toBe(r.refunds);
        expect(sum(r.taxes, (t) => t.netTaxable)).toBe(sum(parts.taxes, (t) => t.taxable) - r.refunds);
        expect(r.counts.voids).toBe(parts.cartVoids + parts.refunds.filter((x) => x.isVoid).length);
        expect(r.cash.net).toBe(r.cash.kept - r.cash.refunds + r.cash.cashIn - r.cash.cashOut);
        expect(r.cash.tendered - r.cash.change).toBe(r.cash.kept);
        expect(r.wallets.every((w) => w.kind !== 'cash' && w.kind !== 'other')).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('lays a report out within the printer’s columns', () => {
    fc.assert(
      fc.property(partsArbitrary, fc.constantFrom(32, 42, 48), fc.constantFrom('zh-CN' as const, 'en' as const), (parts, columns, language) => {
        const report = { kind: 'z' as const, zNo: 3, businessDate: '2026-11-22', from: null, to: '2026-11-22T15:00:00.000Z', takenBy: { id: 'U', name: '店长' }, currency: 'CNY', ...assembleReport(parts) };
        for (const block of layoutReport(report, columns, language, 'Asia/Shanghai')) {
          if (block.kind === 'text') {
            expect(displayWidth(block.text)).toBeLessThanOrEqual(columns);
            expect(block.text).toBe(block.text.trimEnd());
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it('writes amounts as plain decimals', () => {
    expect(plainAmount(1250, 2)).toBe('12.50');
    expect(plainAmount(-5, 2)).toBe('-0.05');
    expect(plainAmount(0, 2)).toBe('0.00');
    expect(plainAmount(1250, 0)).toBe('1250');
    expect(plainAmount(null, 2)).toBe('');
  });
});

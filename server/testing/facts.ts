/** Facts as a till sends them (src-common/sync-protocol.ts), for tests and the bench. */
import { ulid } from 'ulid';
import type { Fact } from '../../src-common/sync-protocol';

export interface SaleSpec {
  readonly businessDate?: string;
  readonly lines?: readonly { productId: string; price: number; qty?: number }[];
  readonly tender?: 'cash' | 'wechat' | 'alipay';
  readonly rounding?: number;
  readonly at?: string;
}

/** A sale fact: lines at 13% VAT included, one tender paying it all. */
export function saleFact(seq: number, spec: SaleSpec = {}): Extract<Fact, { kind: 'sale' }> {
  const saleId = ulid();
  const at = spec.at ?? '2026-12-04T10:00:00.000Z';
  const lines = (spec.lines ?? [{ productId: 'P1', price: 1250 }]).map((l, i) => {
    const qty = l.qty ?? 1;
    const gross = l.price * qty;
    return {
      lineNo: i + 1, productId: l.productId, sku: l.productId, name: `商品 ${l.productId}`, unit: 'each' as const, quantityMilli: qty * 1000,
      unitPrice: l.price, gross, lineDiscount: 0, orderDiscount: 0, net: gross, taxRateBp: 1300,
    };
  });
  const total = lines.reduce((s, l) => s + l.net, 0);
  const tax = Math.round((total * 1300) / 11300);
  const rounding = spec.rounding ?? 0;
  const kind = spec.tender ?? 'cash';
  return {
    seq, id: saleId, kind: 'sale', recordedAt: at,
    payload: {
      saleId, receiptNo: seq, businessDate: spec.businessDate ?? '2026-12-04', openedAt: at, closedAt: at, currency: 'CNY',
      subtotal: total, discountTotal: 0, total, rounding, taxTotal: tax, changeGiven: 0, cashierId: 'U1', shiftId: null,
      lines, taxes: [{ rateBp: 1300, taxable: total - tax, tax }],
      tenders: [{ tenderId: ulid(), seq: 1, kind, amount: total + rounding, tendered: total + rounding, paymentId: kind === 'cash' ? null : ulid(), merchantDiscount: 0 }],
    },
  };
}

export function refundFact(seq: number, sale: Extract<Fact, { kind: 'sale' }>, amount: number): Extract<Fact, { kind: 'refund' }> {
  const refundId = ulid();
  const tender = sale.payload.tenders[0]!;
  return {
    seq, id: refundId, kind: 'refund', recordedAt: '2026-12-04T11:00:00.000Z',
    payload: {
      refundId, saleId: sale.payload.saleId, receiptNo: sale.payload.receiptNo, businessDate: sale.payload.businessDate,
      kind: tender.kind === 'cash' ? 'cash' : 'wallet', tenderKind: tender.kind, amount,
      walletAmount: tender.kind === 'cash' ? 0 : amount, cashAmount: tender.kind === 'cash' ? amount : 0,
      reason: 'customer', approvedBy: 'U9', finishedAt: '2026-12-04T11:00:00.000Z', lines: [],
    },
  };
}

export function stockFact(seq: number, productId: string, deltaMilli: number): Extract<Fact, { kind: 'stock_movement' }> {
  const movementId = ulid();
  return { seq, id: movementId, kind: 'stock_movement', recordedAt: '2026-12-04T10:00:00.000Z', payload: { movementId, productId, deltaMilli, reason: 'sale', ref: null, at: '2026-12-04T10:00:00.000Z' } };
}

/** `count` cash sales of seq from, from+1, …, each with one line at `price`. */
export function sales(from: number, count: number, price = 1000, spec: SaleSpec = {}): Fact[] {
  return Array.from({ length: count }, (_, i) => saleFact(from + i, { lines: [{ productId: 'P1', price }], ...spec }));
}

/** A member made at a till (issue 16). */
export function memberFact(seq: number, memberId: string, phone: string, createdAt: string, name: string | null = null): Extract<Fact, { kind: 'member' }> {
  return { seq, id: memberId, kind: 'member', recordedAt: createdAt, payload: { memberId, phone, name, code: `C${memberId}`.slice(0, 32).padEnd(8, '0'), createdAt, anonymisedAt: null } };
}

/** One entry of a member's points ledger: earned (delta > 0) or redeemed (delta < 0) on a sale. */
export function pointsFact(seq: number, memberId: string, delta: number, saleId = ulid()): Extract<Fact, { kind: 'member_points' }> {
  const redeem = delta < 0;
  const entryId = `${saleId}:${redeem ? 'redeem' : 'earn'}`;
  return {
    seq, id: entryId, kind: 'member_points', recordedAt: '2026-12-04T10:00:00.000Z',
    payload: {
      entryId, memberId, reason: redeem ? 'redeem' : 'earn', delta, amount: redeem ? -delta : 0, uncollected: 0, redeemedAs: redeem ? 'tender' : null,
      saleId, refundId: null, businessDate: '2026-12-04', at: '2026-12-04T10:00:00.000Z',
    },
  };
}

export function anonymisedFact(seq: number, memberId: string, at = '2026-12-04T12:00:00.000Z'): Extract<Fact, { kind: 'member_anonymised' }> {
  return { seq, id: `anonymised:${memberId}`, kind: 'member_anonymised', recordedAt: at, payload: { memberId, at } };
}

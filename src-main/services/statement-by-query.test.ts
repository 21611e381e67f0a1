import { describe, expect, it } from 'vitest';
import type { OrderToQuery, RefundOfOrder } from '../../db/queries/statements';
import { rowsOfOrder } from './statement-by-query';

const PAID_AT = '2026-12-03T02:00:00.000Z';
const order = (status: string): OrderToQuery => ({ id: 'P1', client_sn: 'C1', wallet: 'wechat', amount: 1000, status, acquirer_sn: 'S1', created_at: '2026-12-03T01:59:58.000Z', finished_at: PAID_AT });
const refund = (no: string, amount: number, extra: Partial<RefundOfOrder> = {}): RefundOfOrder => ({ refund_request_no: no, wallet_amount: amount, status: 'refunded', is_void: 0, finished_at: '2026-12-03T05:00:00.000Z', ...extra });
const brief = (rows: ReturnType<typeof rowsOfOrder>) => rows.map((r) => `${r.type} ${r.amount} ${r.refundRequestNo ?? '-'}`);

describe('the movements one order’s query shows', () => {
  it('a cancel moved money only when the order had been paid: a void, or a payment the terminal knows as paid', () => {
    expect(brief(rowsOfOrder(order('reversed'), [], { kind: 'cancelled' }))).toEqual([]);
    expect(brief(rowsOfOrder(order('failed'), [], { kind: 'cancelled' }))).toEqual([]);
    expect(brief(rowsOfOrder(order('paid'), [refund('V1', 1000, { is_void: 1 })], { kind: 'cancelled' }))).toEqual(['pay 1000 -', 'cancel 1000 -']);
  });

  it('a refunded total vouches for the terminal’s refunds in order; beyond them is a refund made elsewhere, short of them leaves one unlisted', () => {
    const refunds = [refund('R1', 300), refund('R2', 200)];
    expect(brief(rowsOfOrder(order('paid'), refunds, { kind: 'refunded', refundedAmount: 500, amount: 1000 }))).toEqual(['pay 1000 -', 'refund 300 R1', 'refund 200 R2']);
    expect(brief(rowsOfOrder(order('paid'), refunds, { kind: 'refunded', refundedAmount: 623, amount: 1000 }))).toEqual(['pay 1000 -', 'refund 300 R1', 'refund 200 R2', 'refund 123 -']);
    expect(brief(rowsOfOrder(order('paid'), refunds, { kind: 'refunded', refundedAmount: 300, amount: 1000 }))).toEqual(['pay 1000 -', 'refund 300 R1']);
    // One still under way here is listed under its number (the reconciliation shows the two sides disagree); a failed one moved nothing.
    expect(brief(rowsOfOrder(order('paid'), [refund('R1', 300, { status: 'unknown' })], { kind: 'refunded', refundedAmount: 300, amount: 1000 }))).toEqual(['pay 1000 -', 'refund 300 R1']);
    expect(brief(rowsOfOrder(order('paid'), [refund('R0', 300, { status: 'failed' }), refund('R1', 300)], { kind: 'refunded', refundedAmount: 300, amount: 1000 }))).toEqual(['pay 1000 -', 'refund 300 R1']);
  });

  it('a void the acquirer carried out as a full refund is still the void’s cancel', () => {
    expect(brief(rowsOfOrder(order('paid'), [refund('V1', 1000, { is_void: 1 })], { kind: 'refunded', refundedAmount: 1000, amount: 1000 }))).toEqual(['pay 1000 -', 'cancel 1000 -']);
  });

  it('a paid order is dated by the acquirer’s finish time; an unpaid or unknown one lists nothing', () => {
    const [pay] = rowsOfOrder(order('paid'), [], { kind: 'paid', acquirerSn: 'S9', amount: 1000, wallet: 'alipay', payerRef: null, finishedAt: '2026-12-03T16:00:01.000Z', paymentList: [], merchantDiscount: 0 });
    expect(pay).toMatchObject({ type: 'pay', acquirerSn: 'S9', wallet: 'alipay', finishedAt: '2026-12-03T16:00:01.000Z' });
    expect(rowsOfOrder(order('failed'), [], { kind: 'not_found' })).toEqual([]);
    expect(rowsOfOrder(order('pending'), [], { kind: 'pending', acquirerSn: null })).toEqual([]);
    expect(rowsOfOrder(order('failed'), [], { kind: 'failed', code: 'declined', message: 'x' })).toEqual([]);
  });
});

/**
 * A day's statement made by querying the acquirer about each of the terminal's wallet orders of that day. The live
 * Shouqianba terminal API has no statement endpoint (the merchant back office, 商户系统, has the full statement for
 * a person to download); `/upay/v2/query` is documented and tells, per order, whether it was paid, cancelled or
 * refunded and how much. What this cannot show: money the acquirer moved on orders this terminal has no record of
 * (a refund made in the merchant app shows only as a larger refunded total of a known order).
 */
import type { Database } from 'better-sqlite3';
import { acquirerDateOf, acquirerDayInterval } from '../../src-common/business-day';
import { ordersOfAcquirerDay, refundsOfOrder, type OrderToQuery, type RefundOfOrder, type StatementRowInput } from '../../db/queries/statements';
import type { QueryOutcome } from '../acquirer/port';

/** A query without a trustworthy answer: the day's statement is incomplete, so the download is retried. */
export class OrderQueryUnanswered extends Error {
  constructor(clientSn: string, reason: string) {
    super(`the acquirer did not answer the query of order ${clientSn}: ${reason}`);
    this.name = 'OrderQueryUnanswered';
  }
}

export async function statementByQuery(db: Database, date: string, query: (clientSn: string) => Promise<QueryOutcome>): Promise<StatementRowInput[]> {
  const { start, end } = acquirerDayInterval(date);
  const rows: StatementRowInput[] = [];
  for (const order of ordersOfAcquirerDay(db, start.toISOString(), end.toISOString())) {
    const outcome = await query(order.client_sn);
    if (outcome.kind === 'unknown') throw new OrderQueryUnanswered(order.client_sn, outcome.reason);
    rows.push(...rowsOfOrder(order, refundsOfOrder(db, order.id), outcome).filter((row) => acquirerDateOf(new Date(row.finishedAt)) === date));
  }
  return rows;
}

/**
 * The completed movements one order's query shows, dated by the acquirer's finish time when it gives one, else by
 * the terminal's own records. Exported for its tests.
 */
export function rowsOfOrder(order: OrderToQuery, refunds: readonly RefundOfOrder[], outcome: Exclude<QueryOutcome, { kind: 'unknown' }>): StatementRowInput[] {
  const paidAt = order.finished_at ?? order.created_at;
  const row = (type: StatementRowInput['type'], amount: number, status: string, finishedAt: string, refundRequestNo: string | null = null): StatementRowInput => ({
    clientSn: order.client_sn,
    acquirerSn: order.acquirer_sn ?? '',
    type,
    wallet: order.wallet,
    amount,
    status,
    finishedAt,
    refundRequestNo,
  });
  const voided = refunds.find((r) => r.is_void === 1 && r.status === 'refunded');
  switch (outcome.kind) {
    case 'paid':
      return [{ ...row('pay', outcome.amount, 'PAID', validTime(outcome.finishedAt) ?? paidAt), acquirerSn: outcome.acquirerSn, wallet: outcome.wallet ?? order.wallet }];
    case 'cancelled':
      // A cancel of a paid order (a void, or a reversal after a late payment) is a pay and its cancel; a cancel of an
      // order that was never paid moved nothing. The query does not say which: the terminal's records do.
      if (voided) return [row('pay', order.amount, 'PAID', paidAt), row('cancel', order.amount, 'CANCELED', voided.finished_at ?? paidAt)];
      if (order.status === 'paid') return [row('pay', order.amount, 'PAID', paidAt), row('cancel', order.amount, 'CANCELED', paidAt)];
      return [];
    case 'refunded': {
      const rows = [row('pay', outcome.amount, 'PAID', paidAt)];
      if (voided) return [...rows, row('cancel', voided.wallet_amount, 'REFUNDED', voided.finished_at ?? paidAt)];
      // The refunded total vouches for the terminal's refunds in order (one still under way here too: the reconciliation
      // then shows both sides disagree); what it does not cover is not listed (missing on the statement), and a total
      // beyond them is money refunded elsewhere (missing here). A refund that definitely failed moved nothing.
      let left = outcome.refundedAmount;
      let last = paidAt;
      for (const refund of refunds) {
        if (refund.is_void === 1 || refund.status === 'failed' || refund.wallet_amount > left) continue;
        left -= refund.wallet_amount;
        last = refund.finished_at ?? last;
        rows.push(row('refund', refund.wallet_amount, 'REFUNDED', last, refund.refund_request_no));
      }
      if (left > 0) rows.push(row('refund', left, 'REFUNDED (not by this terminal)', last));
      return rows;
    }
    case 'pending':
    case 'failed':
    case 'not_found':
      return [];
  }
}

function validTime(text: string): string | null {
  const at = new Date(text);
  return Number.isNaN(at.getTime()) ? null : at.toISOString();
}

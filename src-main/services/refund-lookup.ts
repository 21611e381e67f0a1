/**
 * The till's refund lookup: customers rarely keep paper receipts, so the refund dialog opens on this terminal's sales
 * of the open business day (the one the next Z closes) and narrows them by what a customer remembers or shows: the
 * amount, roughly when, the last four digits of the order number their wallet app shows, or the receipt number.
 * Only this terminal's and only today's: an older sale is found by its receipt (sale.findByReceipt) or by an owner in
 * the history.
 */
import type { Database } from 'better-sqlite3';
import { wallClockAt, wallTimeOfBusinessDate, type BusinessDayRule } from '../../src-common/business-day';
import type { TodaysSales } from '../../src-common/calls/history';
import { PosError } from '../../src-common/errors';
import { daySales } from '../../db/queries/refund-lookup';
import type { Clock } from '../clock';
import { openBusinessDate } from './business-date';
import { formatReceiptNumber } from './receipt-number';

export const TODAYS_SALES_DEFAULT = 50;

export interface TodaysSalesQuery {
  amount?: number | undefined;
  lastFour?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  receiptNumber?: string | undefined;
  limit?: number | undefined;
}

export interface RefundLookup {
  todaysSales(query: TodaysSalesQuery): TodaysSales;
}

const pad = (n: number) => String(n).padStart(2, '0');

export function createRefundLookup(deps: { db: Database; terminalId: string; clock: Clock; businessDay: () => BusinessDayRule }): RefundLookup {
  const { db, terminalId } = deps;
  const prefix = terminalId.slice(-4);

  /** The receipt's sequence number, or null for a number printed by another terminal (none of its sales are here). */
  function receiptNo(text: string): number | null {
    const match = /^(?:([0-9A-Z]{4})-)?0*(\d{1,9})$/.exec(text.trim().toUpperCase());
    if (!match) throw new PosError('validation_failed', `Not a receipt number (${prefix}-000123)`, { reason: 'bad_receipt_number' });
    return match[1] !== undefined && match[1] !== prefix ? null : Number(match[2]);
  }

  return {
    todaysSales(q) {
      const rule = deps.businessDay();
      const businessDate = openBusinessDate(db, terminalId, deps.clock.now(), rule);
      const instant = (hhmm: string) => wallTimeOfBusinessDate(businessDate, Number(hhmm.slice(0, 2)), Number(hhmm.slice(3, 5)), rule).toISOString();
      const number = q.receiptNumber ? receiptNo(q.receiptNumber) : undefined;
      if (number === null) return { businessDate, rows: [], more: false };
      const limit = q.limit ?? TODAYS_SALES_DEFAULT;
      const rows = daySales(db, {
        terminalId,
        businessDate,
        total: q.amount,
        receiptNo: number,
        referenceTail: q.lastFour,
        closedFrom: q.from === undefined ? undefined : instant(q.from),
        closedTo: q.to === undefined ? undefined : instant(q.to),
        limit: limit + 1,
      });
      return {
        businessDate,
        more: rows.length > limit,
        rows: rows.slice(0, limit).map((r) => {
          const wall = wallClockAt(new Date(r.closed_at), rule.timeZone);
          const tenders = JSON.parse(r.tenders) as { kind: string; amount: number; tail: string | null }[];
          return {
            saleId: r.id,
            receiptNumber: formatReceiptNumber(terminalId, r.receipt_no),
            closedAt: r.closed_at,
            time: `${pad(wall.hour)}:${pad(wall.minute)}`,
            total: r.total,
            currency: r.currency,
            tenders: tenders.map((t) => ({ kind: t.kind, amount: t.amount, referenceTail: t.tail })),
            refunded: r.refunded,
            refundsPending: r.refunds_pending,
          };
        }),
      };
    },
  };
}

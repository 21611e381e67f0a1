/**
 * The owner's sales history: completed sales searched by receipt number, amount (exact or a range),
 * wallet, tender kind, cashier and date range, newest first, paged by the key (closed_at, id) so a page
 * costs the same on day one and on a database of a million sales (indexes in migration 0012); and one
 * sale in full: its lines, tenders, every payment attempt (codes masked), its refunds.
 */
import type { Database } from 'better-sqlite3';
import { addDays, businessDayStart, parseDate, type BusinessDayRule } from '../../src-common/business-day';
import { paymentsOfSale, searchSales, type SaleListRow } from '../../db/queries/history';
import { completedSaleLines, completedSaleTaxes, completedSaleTenders, findSale } from '../../db/queries/sales';
import { findUser } from '../../db/queries/users';
import { PosError } from '../../src-common/errors';
import { WALLETS } from '../../src-common/payment-code';
import type { RefundView } from '../../src-common/schemas';
import type { RefundsService } from './refunds';
import { formatReceiptNumber } from './receipt-number';

export const HISTORY_PAGE_MAX = 100;

export interface HistoryQuery {
  receiptNumber?: string | undefined;
  /** Exact total in fen, or a range (either end may be open). */
  amount?: number | undefined;
  amountMin?: number | undefined;
  amountMax?: number | undefined;
  wallet?: (typeof WALLETS)[number] | undefined;
  /** cash; wallet (any wallet); other. */
  tender?: 'cash' | 'wallet' | 'other' | undefined;
  cashierId?: string | undefined;
  /** Business dates (YYYY-MM-DD), both included. */
  from?: string | undefined;
  to?: string | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

export interface HistoryRow {
  saleId: string;
  receiptNumber: string;
  closedAt: string;
  businessDate: string;
  total: number;
  currency: string;
  cashierId: string | null;
  cashierName: string | null;
  tenders: string[];
  refunded: number;
  refundsPending: number;
}

export interface HistoryPage {
  rows: HistoryRow[];
  /** Pass back as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

export interface SaleDetail {
  saleId: string;
  receiptNumber: string;
  currency: string;
  openedAt: string;
  closedAt: string;
  businessDate: string;
  cashierName: string | null;
  subtotal: number;
  discountTotal: number;
  total: number;
  rounding: number;
  taxTotal: number;
  change: number;
  lines: { lineNo: number; sku: string; name: string; unit: 'each' | 'kg'; quantityMilli: number; unitPrice: number; gross: number; discount: number; net: number; taxRateBp: number }[];
  taxes: { rateBp: number; taxable: number; tax: number }[];
  tenders: { kind: string; amount: number; tendered: number; reference: string | null; paymentId: string | null }[];
  payments: {
    paymentId: string;
    clientSn: string;
    kind: 'code' | 'qr';
    wallet: string | null;
    maskedCode: string | null;
    amount: number;
    status: string;
    acquirerSn: string | null;
    failureMessage: string | null;
    createdAt: string;
    finishedAt: string | null;
  }[];
  refunds: RefundView[];
  /** Money that can still be refunded (refund.refundable). */
  refundable: number;
}

export interface HistoryService {
  search(query: HistoryQuery): HistoryPage;
  sale(saleId: string): SaleDetail;
}

const encodeCursor = (row: SaleListRow) => Buffer.from(JSON.stringify([row.closed_at, row.id])).toString('base64url');

function decodeCursor(cursor: string): { closedAt: string; id: string } {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') return { closedAt: value[0], id: value[1] };
  } catch {
    // falls through to the error below
  }
  throw new PosError('validation_failed', 'Not a page cursor of this list', { reason: 'bad_cursor' });
}

/** The first instant of a business date as ISO; a date that does not exist is refused. */
function businessDayStartOf(date: string, rule: BusinessDayRule, plusDays = 0): string {
  if (!parseDate(date)) throw new PosError('validation_failed', 'A date is YYYY-MM-DD', { date, reason: 'bad_date' });
  return businessDayStart(addDays(date, plusDays), rule).toISOString();
}

export function createHistoryService(deps: {
  db: Database;
  terminalId: string;
  refunds: Pick<RefundsService, 'forSale' | 'refundable'>;
  businessDay: () => BusinessDayRule;
}): HistoryService {
  const { db, terminalId, refunds } = deps;

  function receiptNo(text: string): number {
    const match = /^(?:([0-9A-Z]{4})-)?0*(\d{1,9})$/.exec(text.trim().toUpperCase());
    const prefix = terminalId.slice(-4);
    if (!match || (match[1] !== undefined && match[1] !== prefix)) {
      throw new PosError('validation_failed', `Not a receipt number of this terminal (${prefix}-000123)`, { reason: 'bad_receipt_number' });
    }
    return Number(match[2]);
  }

  return {
    search(q) {
      const limit = Math.min(q.limit ?? 50, HISTORY_PAGE_MAX);
      if (q.amount !== undefined && (q.amountMin !== undefined || q.amountMax !== undefined)) {
        throw new PosError('validation_failed', 'Search an exact amount or a range, not both', { reason: 'amount_and_range' });
      }
      if (q.amountMin !== undefined && q.amountMax !== undefined && q.amountMin > q.amountMax) {
        throw new PosError('validation_failed', 'The lowest amount is above the highest', { reason: 'empty_range' });
      }
      // Business dates (the Z report's days) as stored with each sale: a sale closed under an earlier day rule
      // keeps its date. The window of closed_at (a day wider each side than the turns of today's rule, since a
      // sale's business date is its local date or the one before) lets the index serve the search.
      const rule = deps.businessDay();
      const closedFrom = q.from === undefined ? undefined : businessDayStartOf(q.from, rule, -1);
      const closedTo = q.to === undefined ? undefined : businessDayStartOf(q.to, rule, 2);
      if (q.from !== undefined && q.to !== undefined && q.from > q.to) {
        throw new PosError('validation_failed', 'The first day is after the last day', { reason: 'empty_range' });
      }
      // A wallet narrows the tender kind; "cash" with a wallet finds nothing, and says so by finding nothing.
      let tenderKinds: readonly string[] | undefined;
      if (q.tender === 'cash') tenderKinds = ['cash'];
      else if (q.tender === 'other') tenderKinds = ['other'];
      else if (q.tender === 'wallet') tenderKinds = WALLETS;
      if (q.wallet !== undefined) tenderKinds = tenderKinds === undefined || tenderKinds.includes(q.wallet) ? [q.wallet] : [];

      const rows = searchSales(db, {
        terminalId,
        receiptNo: q.receiptNumber === undefined || q.receiptNumber.trim() === '' ? undefined : receiptNo(q.receiptNumber),
        totalExact: q.amount,
        totalMin: q.amountMin,
        totalMax: q.amountMax,
        tenderKinds,
        closedBy: q.cashierId,
        businessDateFrom: q.from,
        businessDateTo: q.to,
        closedFrom,
        closedTo,
        before: q.cursor === undefined ? undefined : decodeCursor(q.cursor),
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      return {
        rows: page.map((r) => ({
          saleId: r.id,
          receiptNumber: formatReceiptNumber(terminalId, r.receipt_no),
          closedAt: r.closed_at,
          businessDate: r.business_date,
          total: r.total,
          currency: r.currency,
          cashierId: r.closed_by,
          cashierName: r.cashier_name,
          tenders: JSON.parse(r.tender_kinds) as string[],
          refunded: r.refunded,
          refundsPending: r.refunds_pending,
        })),
        nextCursor: rows.length > limit ? encodeCursor(page.at(-1)!) : null,
      };
    },

    sale(saleId) {
      const sale = findSale(db, saleId);
      if (!sale || sale.status !== 'completed' || sale.receipt_no === null) throw new PosError('not_found', 'No completed sale with that id', { saleId });
      return {
        saleId,
        receiptNumber: formatReceiptNumber(terminalId, sale.receipt_no),
        currency: sale.currency,
        openedAt: sale.opened_at,
        closedAt: sale.closed_at ?? sale.opened_at,
        businessDate: sale.business_date ?? '',
        cashierName: sale.closed_by ? (findUser(db, sale.closed_by)?.name ?? null) : null,
        subtotal: sale.subtotal ?? 0,
        discountTotal: sale.discount_total ?? 0,
        total: sale.total ?? 0,
        rounding: sale.rounding ?? 0,
        taxTotal: sale.tax_total ?? 0,
        change: sale.change_given ?? 0,
        lines: completedSaleLines(db, saleId).map((l, i) => ({
          lineNo: i + 1,
          sku: l.sku,
          name: l.name,
          unit: l.unit,
          quantityMilli: l.quantityMilli,
          unitPrice: l.unitPrice,
          gross: l.gross,
          discount: l.lineDiscount + l.orderDiscount,
          net: l.net,
          taxRateBp: l.taxRateBp,
        })),
        taxes: completedSaleTaxes(db, saleId),
        tenders: completedSaleTenders(db, saleId).map((t) => ({ kind: t.kind, amount: t.amount, tendered: t.tendered, reference: t.reference, paymentId: t.paymentId })),
        payments: paymentsOfSale(db, saleId).map((p) => ({
          paymentId: p.id,
          clientSn: p.client_sn,
          kind: p.kind,
          wallet: p.wallet,
          maskedCode: p.masked_code,
          amount: p.amount,
          status: p.status,
          acquirerSn: p.acquirer_sn,
          failureMessage: p.failure_message,
          createdAt: p.created_at,
          finishedAt: p.finished_at,
        })),
        refunds: refunds.forSale(saleId),
        refundable: refunds.refundable(saleId).refundable,
      };
    },
  };
}

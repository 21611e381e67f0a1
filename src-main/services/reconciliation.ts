/**
 * Reconciliation (对账) of one acquirer business day: the acquirer's statement (downloaded by the
 * statements service through the job runner, mapped into the port's common form by the adapter) against the
 * terminal's own payments and refunds, matched by merchant order number (client_sn) and refund request
 * number. payments.md §5.3.
 *
 * What counts as "local" money for the day (the acquirer's day is Beijing's, StatementRow's contract):
 * - pay:    payments that are `paid`, finished that day. A `reversed` payment is expected on the statement
 *           either not at all (cancelled before it was paid) or as a pay and its cancel (paid late, then
 *           reversed): both net to zero and match. `failed` ones never reached the statement.
 * - cancel: voids (当日整单作废) whose wallet part the acquirer reversed (refund row is_void, `refunded`),
 *           keyed by the original payment's client_sn, for the payment's amount.
 * - refund: wallet refunds that are `refunded`, keyed by refund request number, for their wallet part
 *           (the cash part of a mixed refund never goes through the acquirer).
 * Cash, and records still under way (submitted, pending, unknown, needs_attention), are not money the
 * acquirer moved by our records: they are listed only when the statement says otherwise (status mismatch).
 * A movement finished near midnight can sit on the neighbouring day's statement: a local item found on
 * another downloaded statement is matched there (listed as such, outside this day's local totals).
 *
 * Differences: missing_local (on the statement, not here), missing_statement (here, not on the statement),
 * amount_mismatch, status_mismatch (both sides know it, but disagree on whether the money moved). An owner
 * resolves one with a note (audited); the note covers that difference only, so a later download showing
 * another difference for the item opens it again.
 */
import { acquirerDayInterval, businessDatesOfAcquirerDay, parseDate, type BusinessDayRule } from '../../src-common/business-day';
import type { Database } from 'better-sqlite3';
import {
  insertResolution,
  latestResolutions,
  paidPaymentsBetween,
  paymentByClientSn,
  refundByRequestNo,
  refundedWalletRefundsBetween,
  statementDateOfPay,
  statementDateOfRefund,
  voidOfPayment,
  type LocalPaymentRow,
  type LocalRefundRow,
  type ResolutionRow,
} from '../../db/queries/reconciliation';
import { readStatement, statementJob, type StatementRowInput, type StatementSource } from '../../db/queries/statements';
import { PosError } from '../../src-common/errors';
import type { Session } from '../../src-common/roles';
import type { Clock } from '../clock';
import type { AuditService } from './audit';
import { formatReceiptNumber } from './receipt-number';

export type ItemState = 'matched' | 'missing_local' | 'missing_statement' | 'amount_mismatch' | 'status_mismatch';
export type Difference = Exclude<ItemState, 'matched'>;

export interface ReconciliationItem {
  /** 'pay:<client_sn>', 'cancel:<client_sn>', 'refund:<refund_request_no>'. */
  key: string;
  type: 'pay' | 'refund' | 'cancel';
  state: ItemState;
  clientSn: string;
  refundRequestNo: string | null;
  wallet: string | null;
  statement: { amount: number; acquirerSn: string | null; status: string; finishedAt: string | null; date: string } | null;
  local: {
    kind: 'payment' | 'refund';
    id: string;
    saleId: string;
    receiptNumber: string | null;
    amount: number;
    status: string;
    finishedAt: string | null;
    /** In this day's local totals (false: no money moved by our records, or it is on another day's statement). */
    counts: boolean;
  } | null;
  /** Statement minus local, in fen (non-zero for an amount mismatch only). */
  difference: number;
  /** reversed: a pay and its cancel of a payment the terminal reversed; other_day: on another day's statement; duplicate: listed twice. */
  detail: 'reversed' | 'other_day' | 'duplicate' | null;
  resolution: { note: string; by: string; byName: string | null; at: string } | null;
}

export interface SideTotals {
  count: number;
  pays: number;
  /** Refunds and reversals. */
  refunds: number;
  net: number;
}

export interface Reconciliation {
  /** The acquirer's day (Beijing's calendar day). */
  date: string;
  /** Our business days that the acquirer's day overlaps. */
  businessDates: string[];
  statement: {
    /** none: never asked for; downloading: a download is queued (an older copy may be shown); downloaded. */
    state: 'none' | 'downloading' | 'downloaded';
    /** Of the stored copy when there is one, else the one a download uses on this terminal. */
    source: StatementSource;
    downloadedAt: string | null;
    attempts: number;
    lastError: string | null;
    rows: number;
  };
  summary: { matched: number; missingLocal: number; missingStatement: number; amountMismatch: number; statusMismatch: number; resolved: number; open: number };
  totals: { statement: SideTotals; local: SideTotals };
  /** Open differences first, then resolved ones, then matched; each group in time order. */
  items: ReconciliationItem[];
}

export interface ReconciliationService {
  day(date: string): Reconciliation;
  resolve(input: { date: string; key: string; note: string }, session: Session): ReconciliationItem;
}

/**
 * The acquirer's day (its statement day: Beijing's calendar day, src-common/business-day.ts acquirerDay…)
 * as an interval of ISO instants. It is not one of our business days: `businessDatesOfAcquirerDay` names
 * the business days it overlaps (with the 04:00 turn, the evening of one and the early hours of the next).
 */
export function acquirerDayRange(date: string): { from: string; to: string } {
  if (!parseDate(date)) throw new PosError('validation_failed', 'A date is YYYY-MM-DD', { date, reason: 'bad_date' });
  const { start, end } = acquirerDayInterval(date);
  return { from: start.toISOString(), to: end.toISOString() };
}

export function createReconciliationService(deps: {
  db: Database;
  clock: Clock;
  audit: AuditService;
  terminalId: string;
  businessDay: () => BusinessDayRule;
  /** Where this terminal's statements come from (its acquirer mode's: statementSourceOf); the statement file by default. */
  statementSource?: StatementSource;
}): ReconciliationService {
  const { db, clock, audit, terminalId } = deps;
  const receiptNumber = (no: number | null) => (no === null ? null : formatReceiptNumber(terminalId, no));

  const paymentSide = (p: LocalPaymentRow, counts: boolean): NonNullable<ReconciliationItem['local']> => ({
    kind: 'payment',
    id: p.id,
    saleId: p.sale_id,
    receiptNumber: receiptNumber(p.receipt_no),
    amount: p.amount,
    status: p.status,
    finishedAt: p.finished_at,
    counts,
  });
  const refundSide = (r: LocalRefundRow, counts: boolean): NonNullable<ReconciliationItem['local']> => ({
    kind: 'refund',
    id: r.id,
    saleId: r.sale_id,
    receiptNumber: receiptNumber(r.receipt_no),
    amount: r.wallet_amount,
    status: r.status,
    finishedAt: r.finished_at,
    counts,
  });

  function compute(date: string): { reconciliation: Reconciliation; resolutions: Map<string, ResolutionRow> } {
    const { from, to } = acquirerDayRange(date);
    const job = statementJob(db, date);
    const stored = readStatement(db, date);
    const statementState: Reconciliation['statement'] = {
      state: job ? 'downloading' : stored ? 'downloaded' : 'none',
      source: stored?.source ?? deps.statementSource ?? 'statement_file',
      downloadedAt: stored?.downloadedAt ?? null,
      attempts: job?.attempts ?? 0,
      lastError: job?.last_error ?? null,
      rows: stored?.rows.length ?? 0,
    };
    const items: Omit<ReconciliationItem, 'resolution'>[] = [];
    if (stored) {
      const rows = stored.rows;
      const cancelled = new Set(rows.filter((r) => r.type === 'cancel').map((r) => r.clientSn));
      const hasCancel = (clientSn: string) => cancelled.has(clientSn) || statementDateOfPay(db, clientSn, 'cancel', date) !== undefined;
      const usedPayments = new Set<string>();
      const usedRefunds = new Set<string>();
      const seen = new Map<string, number>();

      for (const row of rows) {
        items.push(matchRow(row, date, { hasCancel, usedPayments, usedRefunds, seen }));
      }
      // What the terminal says moved that day and the statement does not list.
      for (const p of paidPaymentsBetween(db, from, to)) {
        if (usedPayments.has(p.id)) continue;
        const elsewhere = statementDateOfPay(db, p.client_sn, 'pay', date) ?? null;
        items.push(localOnly(`pay:${p.client_sn}`, 'pay', p.client_sn, null, p.wallet, paymentSide(p, elsewhere === null), elsewhere));
      }
      for (const r of refundedWalletRefundsBetween(db, from, to)) {
        if (usedRefunds.has(r.id)) continue;
        if (r.is_void) {
          const elsewhere = statementDateOfPay(db, r.client_sn, 'cancel', date) ?? null;
          items.push(localOnly(`cancel:${r.client_sn}`, 'cancel', r.client_sn, null, r.tender_kind, refundSide(r, elsewhere === null), elsewhere));
        } else {
          const elsewhere = statementDateOfRefund(db, r.refund_request_no, date) ?? null;
          items.push(localOnly(`refund:${r.refund_request_no}`, 'refund', r.client_sn, r.refund_request_no, r.tender_kind, refundSide(r, elsewhere === null), elsewhere));
        }
      }
    }

    const resolutions = latestResolutions(db, date);
    const withResolutions: ReconciliationItem[] = items.map((item) => {
      const r = resolutions.get(item.key);
      const covers = r !== undefined && item.state !== 'matched' && coversDifference(r, item);
      return { ...item, resolution: covers ? { note: r.note, by: r.resolved_by, byName: r.resolved_by_name, at: r.resolved_at } : null };
    });
    const rank = (i: ReconciliationItem) => (i.state === 'matched' ? 2 : i.resolution ? 1 : 0);
    const time = (i: ReconciliationItem) => i.statement?.finishedAt ?? i.local?.finishedAt ?? '';
    withResolutions.sort((a, b) => rank(a) - rank(b) || time(a).localeCompare(time(b)) || a.key.localeCompare(b.key));

    const count = (state: ItemState) => withResolutions.filter((i) => i.state === state).length;
    const differences = withResolutions.filter((i) => i.state !== 'matched');
    const side = (pick: (i: ReconciliationItem) => number | null): SideTotals => {
      const t = { count: 0, pays: 0, refunds: 0, net: 0 };
      for (const i of withResolutions) {
        const amount = pick(i);
        if (amount === null) continue;
        t.count += 1;
        if (i.type === 'pay') t.pays += amount;
        else t.refunds += amount;
      }
      t.net = t.pays - t.refunds;
      return t;
    };
    return {
      resolutions,
      reconciliation: {
        date,
        businessDates: businessDatesOfAcquirerDay(date, deps.businessDay()),
        statement: statementState,
        summary: {
          matched: count('matched'),
          missingLocal: count('missing_local'),
          missingStatement: count('missing_statement'),
          amountMismatch: count('amount_mismatch'),
          statusMismatch: count('status_mismatch'),
          resolved: differences.filter((i) => i.resolution).length,
          open: differences.filter((i) => !i.resolution).length,
        },
        totals: {
          statement: side((i) => (i.statement && i.statement.date === date ? i.statement.amount : null)),
          local: side((i) => (i.local?.counts ? i.local.amount : null)),
        },
        items: withResolutions,
      },
    };
  }

  /** One statement row against the terminal's records. */
  function matchRow(
    row: StatementRowInput,
    date: string,
    ctx: { hasCancel: (clientSn: string) => boolean; usedPayments: Set<string>; usedRefunds: Set<string>; seen: Map<string, number> },
  ): Omit<ReconciliationItem, 'resolution'> {
    const statement = { amount: row.amount, acquirerSn: row.acquirerSn, status: row.status, finishedAt: row.finishedAt, date };
    const baseKey = row.type === 'refund' ? `refund:${row.refundRequestNo ?? `${row.clientSn}@${row.finishedAt}`}` : `${row.type}:${row.clientSn}`;
    const times = (ctx.seen.get(baseKey) ?? 0) + 1;
    ctx.seen.set(baseKey, times);
    const base = { type: row.type, clientSn: row.clientSn, refundRequestNo: row.refundRequestNo, wallet: row.wallet, statement };
    // The same movement listed twice: the second is money the terminal has no record for.
    if (times > 1) return { ...base, key: `${baseKey}#${times}`, state: 'missing_local', local: null, difference: row.amount, detail: 'duplicate' };
    const missing: Omit<ReconciliationItem, 'resolution'> = { ...base, key: baseKey, state: 'missing_local', local: null, difference: row.amount, detail: null };
    /** Both sides know it: matched unless the amounts differ, or the state given. */
    const item = (state: 'matched' | 'status_mismatch', local: NonNullable<ReconciliationItem['local']>, detail: ReconciliationItem['detail'] = null): Omit<ReconciliationItem, 'resolution'> => {
      const final = state === 'matched' && local.amount !== row.amount ? 'amount_mismatch' : state;
      return { ...base, key: baseKey, state: final, local, difference: final === 'amount_mismatch' ? row.amount - local.amount : 0, detail };
    };

    if (row.type === 'refund') {
      const refund = row.refundRequestNo === null ? undefined : refundByRequestNo(db, row.refundRequestNo);
      if (!refund) return missing;
      ctx.usedRefunds.add(refund.id);
      return refund.status === 'refunded' && !refund.is_void ? item('matched', refundSide(refund, true)) : item('status_mismatch', refundSide(refund, false));
    }

    const payment = paymentByClientSn(db, row.clientSn);
    if (!payment) return missing;
    if (row.type === 'pay') {
      ctx.usedPayments.add(payment.id);
      if (payment.status === 'paid') return item('matched', paymentSide(payment, true));
      // Paid late and reversed by the terminal: the acquirer lists the pay and its cancel, net zero.
      if (payment.status === 'reversed' && ctx.hasCancel(row.clientSn)) return item('matched', paymentSide(payment, true), 'reversed');
      return item('status_mismatch', paymentSide(payment, false));
    }
    // cancel: a reversal of the whole payment.
    if (payment.status === 'reversed') return item('matched', paymentSide(payment, true), 'reversed');
    const voided = voidOfPayment(db, payment.id);
    if (voided) {
      ctx.usedRefunds.add(voided.id);
      return voided.status === 'refunded' ? item('matched', refundSide(voided, true)) : item('status_mismatch', refundSide(voided, false));
    }
    return item('status_mismatch', paymentSide(payment, false));
  }

  function localOnly(
    key: string,
    type: ReconciliationItem['type'],
    clientSn: string,
    refundRequestNo: string | null,
    wallet: string | null,
    local: NonNullable<ReconciliationItem['local']>,
    elsewhere: string | null,
  ): Omit<ReconciliationItem, 'resolution'> {
    if (elsewhere !== null) {
      return { key, type, state: 'matched', clientSn, refundRequestNo, wallet, statement: { amount: local.amount, acquirerSn: null, status: '', finishedAt: null, date: elsewhere }, local, difference: 0, detail: 'other_day' };
    }
    return { key, type, state: 'missing_statement', clientSn, refundRequestNo, wallet, statement: null, local, difference: -local.amount, detail: null };
  }

  return {
    day: (date) => compute(date).reconciliation,

    resolve({ date, key, note }, session) {
      const text = note.trim();
      if (!text) throw new PosError('validation_failed', 'Say what was found', { reason: 'note_required' });
      if (!session.caller.userId) throw new PosError('forbidden', 'Sign in to resolve a difference');
      return db.transaction(() => {
        const { reconciliation } = compute(date);
        const item = reconciliation.items.find((i) => i.key === key);
        if (!item) throw new PosError('not_found', 'No such item in this day’s reconciliation', { date, key, reason: 'no_item' });
        if (item.state === 'matched') throw new PosError('conflict', 'This item matches: there is nothing to resolve', { key, reason: 'not_a_difference' });
        if (item.resolution) throw new PosError('conflict', 'This difference is resolved already', { key, reason: 'already_resolved' });
        const at = clock.now().toISOString();
        const statementAmount = item.statement?.amount ?? null;
        const localAmount = item.local?.amount ?? null;
        insertResolution(db, { date, key, difference: item.state, statementAmount, localAmount, note: text, userId: session.caller.userId!, at });
        audit.record({
          actor: session.caller,
          action: 'reconcile.resolve',
          subject: `${date} ${key}`,
          details: { date, key, difference: item.state, statementAmount, localAmount, note: text },
        });
        return compute(date).reconciliation.items.find((i) => i.key === key)!;
      })();
    },
  };
}

/** A resolution covers the item while the difference is the one it was written for. */
function coversDifference(r: ResolutionRow, item: Omit<ReconciliationItem, 'resolution'>): boolean {
  return r.difference === item.state && r.statement_amount === (item.statement?.amount ?? null) && r.local_amount === (item.local?.amount ?? null);
}

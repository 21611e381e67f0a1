/**
 * Refunds against a completed sale, full or partial, by line or by amount (ARCHITECTURE.md "Payments";
 * payments.md §2.8, §4.1: one refund request number per refund, the same on every retry, so the acquirer
 * refunds it at most once).
 *
 * - An owner approves every refund (an owner's own session, or an owner's PIN given by a cashier).
 * - What is refundable: a sale's tenders minus the refunds that did not fail (refunded, or still under
 *   way, or waiting for a person). A line gives back its net pro rata of the quantity, rounded half-up on
 *   the cumulative quantity, so the refunds of a line add up to exactly its net when its last unit comes
 *   back; the total of a refund is capped at the money left (cash rounding can make a sale's tenders a few
 *   fen less than its lines).
 * - Where the money goes: the wallet tender first, up to what is left on it (through the acquirer, against
 *   the original payment), the rest in cash handed back by the cashier. A mixed refund is ONE refund row
 *   (kind 'wallet', wallet_amount + cash_amount): the cash part is handed back only once the wallet part
 *   went through, and if the wallet part fails nothing is handed back. Non-wallet tenders ('cash', 'other')
 *   are refunded in cash. With several wallet tenders (a sale paid in parts) the refund goes to the first
 *   that can take it back whole; else it goes back to each wallet part in the order they were paid, then cash:
 *   ONE refund of several LEGS (migration 0036), a refund row per wallet payment sharing refund_group (the id of
 *   leg 1), each leg a refund as above with its own request number and job, sent one after another (the next
 *   leg's job is committed in the transaction that records the one before as refunded; a leg refused fails the
 *   legs not sent yet). The refund's lines and cash part sit on its last leg: stock and cash come back once every
 *   wallet leg went through. Cash refunds ignore cash rounding (the exact fen are handed back).
 * - Wallet refunds are commit-before-send: the refund row (status 'submitted', a fresh refund_request_no)
 *   and its job are committed before the request leaves the terminal. A refund that was sent and whose
 *   answer was lost, unknown or in progress is settled by query, not sent again (Shouqianba query.md Q1.3,
 *   refund.md: the order's latest transaction `client_tsn`, or its refunded total against what this
 *   terminal refunded before): only a refund the order shows no trace of is sent again, with the same
 *   refund_request_no. The job runner (kind 'refund.send', one job per refund) asks until the refund is
 *   final or its deadline passes (→ needs_attention, for a person to `retry`, which asks first too). A cash
 *   refund is recorded final in one transaction.
 * - Final (refunded): in one transaction, the refund receipt number, the day's refund totals by tender kind
 *   and the stock of the refunded lines (stock_movement reason 'adjust', ref = the refund id). A repeated
 *   "refunded" answer (a retry, a late reply) changes nothing: the totals and stock are counted once.
 * - Same-day void (当日整单作废, `voidSale`): a sale completed on today's business date with no refund that
 *   did not fail (none refunded, none under way or waiting) is reversed as a whole, with an owner's
 *   approval. It is ONE refund row flagged is_void, planned like "everything left" (all lines, all the
 *   money: the wallet tender, the rest in cash), so once final it counts exactly like a refund (the day's
 *   totals, stock back, a refund receipt number; its receipt is headed 作废 / VOID). Its wallet part is
 *   reversed with the acquirer's revoke (手动撤单: today's paid order, in full, revoke&cancel.md) against the
 *   payment's client_sn instead of a refund: committed before it is sent, with the same job; an answer
 *   lost or in progress is settled by query (CANCELED → done; still PAID → revoke again) until the deadline
 *   (→ needs_attention; a person's retry asks again). `cancelled` → refunded; `failed` (too late, partly
 *   refunded at the acquirer) → failed, reserving nothing: the hint is a normal refund. A cash-only sale is voided at once.
 *   A sale is voided at most once (a unique index; a failed void is not sent again). A sale paid by several
 *   wallet payments is voided in legs, one reversal per payment, like a refund of several legs.
 */
import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import { newId } from '../../db/ids';
import { adjustStock } from '../../db/queries/catalog';
import { findPayment } from '../../db/queries/payments';
import {
  addDailyRefundTotal,
  appendRefundEvent,
  clearRefundJob,
  countRefundAttempt,
  findRefund,
  insertRefund,
  legsOfRefund,
  insertRefundLines,
  markRefunded,
  pendingRefundJobs,
  REFUND_JOB_KIND,
  refundLines,
  refundsOfSale,
  reservedByLine,
  reservedMoney,
  saleLinesForRefund,
  saleTendersForRefund,
  setRefundDeadline,
  setRefundPayer,
  setRefundJob,
  setRefundStatus,
  unfinishedRefunds,
  UNFINISHED_REFUND_STATUSES,
  voidOfSale,
  type RefundRow,
  type RefundStatus,
  type SaleLineRow,
  type SaleTenderRow,
} from '../../db/queries/refunds';
import { completedSaleTaxes, findSale, type SaleRow } from '../../db/queries/sales';
import { findUser } from '../../db/queries/users';
import { businessDateOf, businessDayRuleOf, type BusinessDayRule } from '../../src-common/business-day';
import { PosError } from '../../src-common/errors';
import type { RefundView } from '../../src-common/schemas';
import { allocate, inclusiveTax, multiplyDivide } from '../../src-common/money';
import type { PaymentTimings } from '../../src-common/payment-state';
import { tillNameOf, type ReceiptDocument, type ReceiptTaxRow } from '../../src-common/receipt';
import type { Session } from '../../src-common/roles';
import type { Settings } from '../../src-common/schemas';
import type { AcquirerPort, CancelOutcome, QueryOutcome, RefundOutcome, RefundStatusOutcome, TerminalCredentials } from '../acquirer/port';
import type { Clock } from '../clock';
import type { JobResult, JobRunner } from '../jobs/runner';
import type { Logger } from '../log';
import type { AuthService } from './auth';
import { openBusinessDate } from './business-date';
import { formatReceiptNumber } from './receipt-number';

export type { RefundStatus } from '../../db/queries/refunds';

export interface RefundTimings {
  /** The first retry of an unanswered refund comes this long after the previous attempt; each next one twice as late. */
  retryMs: number;
  /** The longest wait between two retries. */
  maxRetryMs: number;
  /** From submission (or a manual retry) until the terminal stops retrying by itself: needs_attention. */
  deadlineMs: number;
}

export const DEFAULT_REFUND_TIMINGS: RefundTimings = { retryMs: 4000, maxRetryMs: 60_000, deadlineMs: 15 * 60_000 };

/** Refund timings scaled like the configured payment timings (tests configure milliseconds). */
export function refundTimingsFor(p: PaymentTimings): RefundTimings {
  return { retryMs: p.pollIntervalMs, maxRetryMs: Math.max(p.pollIntervalMs, p.cancelRetryMs) * 8, deadlineMs: p.pollDeadlineMs * 20 };
}

export interface RefundableLine {
  lineNo: number;
  productId: string;
  sku: string;
  name: string;
  unit: 'each' | 'kg';
  quantityMilli: number;
  net: number;
  /** Taken by refunds that did not fail (refunded or under way). */
  refundedQuantityMilli: number;
  refundedAmount: number;
  refundableQuantityMilli: number;
  /** What refunding all of refundableQuantityMilli gives back (before the cap of the money left). */
  refundableAmount: number;
}

export interface RefundableTender {
  seq: number;
  kind: string;
  /** Goes back through the acquirer (else in cash). */
  wallet: boolean;
  amount: number;
  reference: string | null;
  refunded: number;
  refundable: number;
}

export interface Refundable {
  saleId: string;
  receiptNumber: string;
  currency: string;
  total: number;
  /** What the tenders covered. */
  paid: number;
  /** Refunds that went through. */
  refunded: number;
  /** Refunds still under way or waiting for a person (reserved). */
  pending: number;
  /** paid − refunded − pending. */
  refundable: number;
  lines: RefundableLine[];
  tenders: RefundableTender[];
  /** The whole sale can be voided now: completed today, nothing refunded or under way, not voided before. */
  voidable: boolean;
}

export interface RefundRequest {
  saleId: string;
  /** Items that came back; without lines and amount, everything still refundable is refunded. */
  lines?: readonly { lineNo: number; quantityMilli: number }[] | undefined;
  /** An amount only (no items back); not together with lines. */
  amount?: number | undefined;
  reason: string;
  /** An owner's PIN, needed unless the caller is an owner. */
  approval?: { userId: string; pin: string } | undefined;
}

export interface VoidRequest {
  saleId: string;
  reason: string;
  /** An owner's PIN, needed unless the caller is an owner. */
  approval?: { userId: string; pin: string } | undefined;
}

export interface RefundsService {
  refundable(saleId: string): Refundable;
  request(input: RefundRequest, session: Session): Promise<RefundView>;
  /** Reverses a sale of today as a whole (the acquirer's cancel for its wallet part): once per sale. */
  voidSale(input: VoidRequest, session: Session): Promise<RefundView>;
  /** Sends the same refund again (same refund_request_no): for a refund under way, waiting for a person, or failed. */
  retry(refundId: string, session: Session): Promise<RefundView>;
  get(refundId: string): RefundView;
  forSale(saleId: string): RefundView[];
  /** The receipt of a refund that went through. */
  receipt(refundId: string): ReceiptDocument;
  /** Re-queues the wallet refunds a previous run left unfinished (same request numbers); call once at start. */
  recover(): void;
  status(): { unfinished: number; pendingJobs: number };
  stop(): void;
}

/** Where refund changes are announced (the lead's EventBus once the contract has 'refund.changed'). */
export interface RefundEvents {
  emit(name: 'refund.changed', payload: RefundView): void;
}

export interface RefundsDeps {
  db: Database;
  clock: Clock;
  log: Logger;
  events?: RefundEvents;
  acquirer: AcquirerPort;
  credentials: () => Promise<TerminalCredentials>;
  auth: Pick<AuthService, 'approve'>;
  settings: { get(): Settings };
  terminalId: string;
  timings: RefundTimings;
  jobs: JobRunner;
}

/** How many refunds may be sent at once (each refund's own sends still go one at a time). */
const REFUND_JOB_CONCURRENCY = 4;
const refundJobPayload = z.object({ refundId: z.string().min(1) });

export function formatRefundReceiptNumber(terminalId: string, receiptNo: number): string {
  return `${terminalId.slice(-4)}-R${String(receiptNo).padStart(6, '0')}`;
}

/** ≤ 20 printable characters (Shouqianba's limit): the business date, 'R', and 11 random characters of a ULID. */
function newRefundRequestNo(id: string, at: Date, rule: BusinessDayRule): string {
  return `${businessDateOf(at, rule).replaceAll('-', '')}R${id.slice(-11)}`;
}

const isUnfinished = (status: RefundStatus) => UNFINISHED_REFUND_STATUSES.includes(status);
const isWalletTender = (t: SaleTenderRow) => t.payment_id !== null;

type Answer = RefundOutcome | { kind: 'failed'; code: string; message: string } | { kind: 'no_answer'; reason: string };

/** A void's cancel answer in the terms of a refund's: reversed in full is refunded. */
function cancelAnswer(outcome: CancelOutcome, walletAmount: number): Answer {
  switch (outcome.kind) {
    case 'cancelled':
      return { kind: 'refunded', refundedTotal: walletAmount };
    case 'failed':
      return { kind: 'failed', code: 'cancel_refused', message: `The acquirer would not reverse the payment (${outcome.message}): make a normal refund instead` };
    default:
      return outcome;
  }
}

/** Where a sent void stands by the order's query: reversed, never arrived (still PAID), or not known yet. */
function voidStatusOf(outcome: QueryOutcome, walletAmount: number): RefundStatusOutcome {
  switch (outcome.kind) {
    case 'cancelled':
      return { kind: 'refunded', refundedTotal: walletAmount };
    case 'paid':
      return { kind: 'not_arrived' };
    case 'unknown':
      return outcome;
    default:
      return { kind: 'unknown', reason: `the order is ${outcome.kind}: check it with the acquirer` };
  }
}

interface Plan {
  sale: SaleRow;
  lines: { lineNo: number; productId: string; quantityMilli: number; amount: number }[];
  amount: number;
  /** The wallet payments the money goes back to, in order (one leg each); none for a cash refund. */
  legs: { tender: SaleTenderRow; walletAmount: number }[];
  walletAmount: number;
  cashAmount: number;
}

/** What is left to refund on a completed sale (refunds that did not fail are taken off). */
function refundState(db: Database, saleId: string) {
  const sale = findSale(db, saleId);
  if (!sale || sale.status !== 'completed' || sale.receipt_no === null) throw new PosError('not_found', 'No completed sale with that id', { saleId });
  const lines = saleLinesForRefund(db, saleId);
  const tenders = saleTendersForRefund(db, saleId);
  const byLine = reservedByLine(db, saleId);
  const money = reservedMoney(db, saleId);
  const cashPaid = tenders.filter((t) => !isWalletTender(t)).reduce((sum, t) => sum + t.amount, 0);
  const walletLeft = (t: SaleTenderRow) => Math.max(0, t.amount - (money.byPayment.get(t.payment_id!) ?? 0));
  const cashLeft = Math.max(0, cashPaid - money.cash);
  const moneyLeft = tenders.filter(isWalletTender).reduce((sum, t) => sum + walletLeft(t), 0) + cashLeft;
  const lineLeft = (l: SaleLineRow) => {
    const taken = byLine.get(l.line_no) ?? { quantityMilli: 0, amount: 0 };
    return { taken, quantityMilli: Math.max(0, l.quantity_milli - taken.quantityMilli), amount: Math.max(0, l.net - taken.amount) };
  };
  return { sale, lines, tenders, money, cashPaid, cashLeft, walletLeft, moneyLeft, lineLeft };
}

type RefundState = ReturnType<typeof refundState>;

/** Why the sale cannot be voided now, or null when it can. */
function voidRefusal(db: Database, state: RefundState, now: Date, today: string): PosError | null {
  const { sale, tenders } = state;
  if (voidOfSale(db, sale.id)) return new PosError('conflict', 'This sale was voided already', { reason: 'already_voided', saleId: sale.id });
  if (sale.business_date !== today) {
    return new PosError('conflict', 'Only a sale of today can be voided: make a refund', { reason: 'not_today', saleId: sale.id, businessDate: sale.business_date });
  }
  if (refundsOfSale(db, sale.id).some((r) => r.status !== 'failed')) {
    return new PosError('conflict', 'This sale has a refund (done or under way): refund the rest instead', { reason: 'already_refunded', saleId: sale.id });
  }
  if (tenders.reduce((sum, t) => sum + t.amount, 0) <= 0) return new PosError('conflict', 'Nothing was paid on this sale', { reason: 'nothing_left', saleId: sale.id });
  const wallets = tenders.filter(isWalletTender);
  if (wallets.some((t) => !t.client_sn)) return new PosError('conflict', 'The wallet payment of this sale is not on record', { saleId: sale.id });
  return null;
}

/**
 * A line's share for `quantityMilli` more of it: pro rata of its net on the cumulative quantity, half-up,
 * never beyond the net (the last unit takes the remainder).
 */
function lineShare(line: SaleLineRow, taken: { quantityMilli: number; amount: number }, quantityMilli: number): number {
  const cumulative = taken.quantityMilli + quantityMilli;
  const target = cumulative >= line.quantity_milli ? line.net : multiplyDivide(line.net, cumulative, line.quantity_milli, 'half-up');
  return Math.min(Math.max(0, target - taken.amount), Math.max(0, line.net - taken.amount));
}

function planRefund(state: RefundState, input: Pick<RefundRequest, 'lines' | 'amount'>): Plan {
  const { sale, moneyLeft } = state;
  if (input.lines && input.amount !== undefined) throw new PosError('validation_failed', 'Refund either items or an amount, not both');
  if (moneyLeft <= 0) throw new PosError('conflict', 'Nothing is left to refund on this sale', { reason: 'nothing_left', refundable: 0 });

  let lines: Plan['lines'] = [];
  let amount: number;
  if (input.amount !== undefined) {
    if (!Number.isSafeInteger(input.amount) || input.amount <= 0) throw new PosError('validation_failed', 'A refund amount is a positive number of fen');
    if (input.amount > moneyLeft) {
      throw new PosError('validation_failed', 'That is more than is left to refund on this sale', { reason: 'exceeds_refundable', refundable: moneyLeft });
    }
    amount = input.amount;
  } else {
    const requested =
      input.lines ?? state.lines.map((l) => ({ lineNo: l.line_no, quantityMilli: state.lineLeft(l).quantityMilli })).filter((l) => l.quantityMilli > 0);
    if (input.lines && input.lines.length === 0) throw new PosError('validation_failed', 'Choose the items that came back');
    const seen = new Set<number>();
    for (const r of requested) {
      const line = state.lines.find((l) => l.line_no === r.lineNo);
      if (!line) throw new PosError('validation_failed', `The sale has no line ${r.lineNo}`, { reason: 'no_such_line', lineNo: r.lineNo });
      if (seen.has(r.lineNo)) throw new PosError('validation_failed', `Line ${r.lineNo} is listed twice`, { reason: 'duplicate_line', lineNo: r.lineNo });
      seen.add(r.lineNo);
      const left = state.lineLeft(line);
      if (!Number.isSafeInteger(r.quantityMilli) || r.quantityMilli <= 0) throw new PosError('validation_failed', 'A quantity is positive');
      if (r.quantityMilli > left.quantityMilli) {
        throw new PosError('validation_failed', `Only ${left.quantityMilli / 1000} of ${line.name} is left to refund`, {
          reason: 'exceeds_refundable',
          lineNo: r.lineNo,
          refundableQuantityMilli: left.quantityMilli,
        });
      }
      if (line.unit === 'each' && r.quantityMilli % 1000 !== 0 && r.quantityMilli !== left.quantityMilli) {
        throw new PosError('validation_failed', 'Items sold by the piece come back in whole pieces', { reason: 'whole_pieces', lineNo: r.lineNo });
      }
      lines.push({ lineNo: r.lineNo, productId: line.product_id, quantityMilli: r.quantityMilli, amount: lineShare(line, left.taken, r.quantityMilli) });
    }
    const linesTotal = lines.reduce((sum, l) => sum + l.amount, 0);
    // Without lines or amount: everything left, items and money (including what cash rounding left over).
    amount = input.lines ? Math.min(linesTotal, moneyLeft) : moneyLeft;
    // Never more than the money left: take the excess off the last lines.
    let excess = linesTotal - amount;
    for (let i = lines.length - 1; i >= 0 && excess > 0; i--) {
      const cut = Math.min(excess, lines[i]!.amount);
      lines[i] = { ...lines[i]!, amount: lines[i]!.amount - cut };
      excess -= cut;
    }
    lines = lines.sort((a, b) => a.lineNo - b.lineNo);
  }
  if (amount <= 0) throw new PosError('validation_failed', 'These items come to nothing: there is no money to give back', { reason: 'zero_amount' });

  // Wallet first, up to what is left on it; then cash. A sale paid in parts (issue 18) has several wallet tenders: the
  // first that can take the whole amount back, else each in the order they were paid, as much as is left on it (a
  // leg each), and the rest in cash.
  const wallets = state.tenders.filter((t) => isWalletTender(t) && state.walletLeft(t) > 0);
  const whole = wallets.find((t) => state.walletLeft(t) >= amount);
  const legs: Plan['legs'] = [];
  let rest = amount;
  for (const tender of whole ? [whole] : wallets) {
    if (rest <= 0) break;
    const take = Math.min(rest, state.walletLeft(tender));
    legs.push({ tender, walletAmount: take });
    rest -= take;
  }
  const walletAmount = amount - rest;
  const cashAmount = rest;
  if (cashAmount > state.cashLeft) throw new PosError('validation_failed', 'That is more than is left to refund on this sale', { reason: 'exceeds_refundable', refundable: moneyLeft });
  if (legs.some((l) => !l.tender.client_sn)) throw new PosError('conflict', 'The wallet payment of this sale is not on record', { saleId: sale.id });
  return { sale, lines, amount, legs, walletAmount, cashAmount };
}

/** Where a refund of several legs stands as a whole: the most pressing of its legs' states. */
function groupStatus(legs: readonly RefundRow[]): RefundStatus {
  for (const status of ['needs_attention', 'failed', 'in_progress', 'unknown', 'submitted'] as const) {
    if (legs.some((l) => l.status === status)) return status;
  }
  return 'refunded';
}

/** The failure code of a leg not sent because the leg before it was refused (it reserves nothing). */
const PREVIOUS_LEG_FAILED = 'previous_leg_failed';

/** The receipt of a refund that went through, rebuilt from what was stored. */
export function buildRefundReceipt(db: Database, options: { refundId: string; terminalId: string; settings: Settings }): ReceiptDocument {
  const { refundId, terminalId, settings } = options;
  const asked = findRefund(db, refundId);
  if (!asked) throw new PosError('not_found', 'No such refund', { refundId });
  // A refund of several legs has one receipt, once every leg went through: its lines and cash are on its last leg.
  const legs = legsOfRefund(db, asked);
  const refund = legs.at(-1)!;
  const notThrough = legs.find((l) => l.status !== 'refunded' || l.receipt_no === null);
  if (notThrough) throw new PosError('conflict', 'Only a refund that went through has a receipt', { status: groupStatus(legs) });
  const refundAmount = legs.reduce((sum, l) => sum + l.amount, 0);
  const sale = findSale(db, refund.sale_id)!;
  const english = settings.receiptLanguage === 'en';
  const lines = refundLines(db, refund.id).map((l) => {
    const gross = Math.max(l.amount, multiplyDivide(l.gross, l.quantity_milli, l.sold_quantity_milli, 'half-up'));
    return { name: l.name, quantityMilli: l.quantity_milli, unit: l.unit, unitPrice: l.unit_price, gross, discount: gross - l.amount, net: l.amount, taxRateBp: l.tax_rate_bp };
  });
  const linesNet = lines.reduce((sum, l) => sum + l.net, 0);
  // Tax: each line at its rate; money not attributed to lines (an amount refund, rounding) by the sale's tax split.
  const taxable = new Map<number, number>();
  for (const l of lines) taxable.set(l.taxRateBp, (taxable.get(l.taxRateBp) ?? 0) + l.net);
  const unattributed = refundAmount - linesNet;
  if (unattributed > 0) {
    const saleTaxes = completedSaleTaxes(db, sale.id);
    if (saleTaxes.length > 0) {
      const parts = allocate(unattributed, saleTaxes.map((t) => Math.max(0, t.taxable)));
      saleTaxes.forEach((t, i) => taxable.set(t.rateBp, (taxable.get(t.rateBp) ?? 0) + parts[i]!));
    }
  }
  const taxes: ReceiptTaxRow[] = [...taxable.entries()]
    .sort((a, b) => b[0] - a[0])
    .filter(([, amount]) => amount > 0)
    .map(([rateBp, amount]) => ({ rateBp, taxable: amount, tax: inclusiveTax(amount, rateBp) }));
  const saleTenders = saleTendersForRefund(db, sale.id);
  const cashier = refund.user_id ? (findUser(db, refund.user_id)?.name ?? '') : '';
  const approver = findUser(db, refund.approved_by)?.name ?? '';
  const saleReceipt = formatReceiptNumber(sale.terminal_id, sale.receipt_no!);
  const isVoid = refund.is_void === 1;
  return {
    language: settings.receiptLanguage,
    currency: sale.currency,
    kind: isVoid ? 'void' : 'refund',
    header: {
      storeName: settings.storeName,
      ...(settings.storeAddress ? { address: settings.storeAddress } : {}),
      ...(settings.taxId ? { taxId: settings.taxId } : {}),
      lines: [
        ...settings.receiptHeader,
        ...(isVoid ? [english ? 'VOID: the whole sale reversed' : '整单作废'] : []),
        english ? `Original receipt ${saleReceipt}` : `原单号 ${saleReceipt}`,
        // Each leg is a refund of its own at its provider, with its own number: all of them, in the order sent.
        ...(legs.length > 1
          ? [
              english
                ? `Refunded in ${legs.length} parts: ${legs.map((l) => formatRefundReceiptNumber(terminalId, l.receipt_no!)).join(', ')}`
                : `分 ${legs.length} 笔退回：${legs.map((l) => formatRefundReceiptNumber(terminalId, l.receipt_no!)).join('、')}`,
            ]
          : []),
      ],
    },
    receiptNumber: formatRefundReceiptNumber(terminalId, refund.receipt_no!),
    tillName: tillNameOf(settings.tillName, terminalId, settings.receiptLanguage),
    cashier,
    issuedAt: refund.finished_at ?? refund.created_at,
    lines,
    subtotal: lines.length ? lines.reduce((sum, l) => sum + l.gross, 0) : refundAmount,
    discountTotal: lines.reduce((sum, l) => sum + l.discount, 0),
    total: lines.length ? linesNet : refundAmount,
    // What cash rounding left over on the sale, given back with its last items.
    rounding: lines.length ? unattributed : 0,
    taxes,
    tenders: [
      ...legs
        .filter((leg) => leg.wallet_amount > 0)
        .map((leg) => {
          const walletTender = saleTenders.find((t) => t.payment_id === leg.payment_id);
          return {
            kind: leg.tender_kind,
            amount: leg.wallet_amount,
            ...(walletTender?.reference ? { reference: walletTender.reference } : {}),
            // Cross-border: what goes back to the customer's wallet in CNY, as the refund's reply said.
            ...(leg.payer_currency !== null && leg.payer_amount !== null
              ? { crossBorder: { payerCurrency: leg.payer_currency, payerAmount: leg.payer_amount, ...transactionIdOf(db, leg.payment_id) } }
              : {}),
          };
        }),
      ...(refund.cash_amount > 0 ? [{ kind: 'cash', amount: refund.cash_amount }] : []),
    ],
    change: 0,
    footer: [
      english ? `Reason: ${refund.reason}` : `${isVoid ? '作废原因' : '退款原因'}：${refund.reason}`,
      english ? `Approved by: ${approver}` : `授权人：${approver}`,
    ],
  };
}

function transactionIdOf(db: Database, paymentId: string | null): { transactionId?: string } {
  const sn = paymentId ? findPayment(db, paymentId)?.acquirer_sn : null;
  return sn ? { transactionId: sn } : {};
}

export function createRefundsService(deps: RefundsDeps): RefundsService {
  const { db, clock, log, events, acquirer, credentials, auth, settings, terminalId, timings, jobs } = deps;
  const businessDay = () => businessDayRuleOf(settings.get());
  const inflight = new Set<string>();

  /** A refund as the till shows it: of several legs, the whole (its id is leg 1's), each leg listed. */
  function view(row: RefundRow): RefundView {
    const legs = legsOfRefund(db, row);
    if (legs.length === 1) return legView(legs[0]!);
    const first = legs[0]!;
    const last = legs.at(-1)!;
    const status = groupStatus(legs);
    const sale = findSale(db, first.sale_id)!;
    const trouble = legs.find((l) => l.status === status && l.failure_code !== null) ?? legs.find((l) => l.failure_message !== null && l.status !== 'refunded');
    const final = status === 'refunded' || status === 'failed';
    return {
      ...legView(first),
      saleReceiptNumber: formatReceiptNumber(sale.terminal_id, sale.receipt_no ?? 0),
      receiptNumber: status === 'refunded' && last.receipt_no !== null ? formatRefundReceiptNumber(terminalId, last.receipt_no) : null,
      amount: legs.reduce((sum, l) => sum + l.amount, 0),
      walletAmount: legs.reduce((sum, l) => sum + l.wallet_amount, 0),
      cashAmount: last.cash_amount,
      status,
      lines: refundLines(db, last.id).map((l) => ({ lineNo: l.line_no, name: l.name, unit: l.unit, quantityMilli: l.quantity_milli, amount: l.amount })),
      attempts: legs.reduce((sum, l) => sum + l.attempts, 0),
      finishedAt: final ? legs.map((l) => l.finished_at ?? '').sort().at(-1) || null : null,
      failureCode: trouble?.failure_code ?? null,
      failureMessage: trouble?.failure_message ?? null,
      legs: legs.map((l) => ({
        refundId: l.id,
        leg: l.leg_no ?? 1,
        tenderKind: l.tender_kind,
        walletAmount: l.wallet_amount,
        cashAmount: l.cash_amount,
        status: l.status,
        refundRequestNo: l.refund_request_no,
        receiptNumber: l.receipt_no === null ? null : formatRefundReceiptNumber(terminalId, l.receipt_no),
        failureCode: l.failure_code,
        failureMessage: l.failure_message,
      })),
    };
  }

  function legView(row: RefundRow): RefundView {
    const sale = findSale(db, row.sale_id)!;
    return {
      refundId: row.id,
      saleId: row.sale_id,
      saleReceiptNumber: formatReceiptNumber(sale.terminal_id, sale.receipt_no ?? 0),
      receiptNumber: row.receipt_no === null ? null : formatRefundReceiptNumber(terminalId, row.receipt_no),
      refundRequestNo: row.refund_request_no,
      kind: row.kind,
      tenderKind: row.tender_kind,
      amount: row.amount,
      walletAmount: row.wallet_amount,
      cashAmount: row.cash_amount,
      status: row.status,
      reason: row.reason,
      approvedBy: row.approved_by,
      userId: row.user_id,
      lines: refundLines(db, row.id).map((l) => ({ lineNo: l.line_no, name: l.name, unit: l.unit, quantityMilli: l.quantity_milli, amount: l.amount })),
      attempts: row.attempts,
      createdAt: row.created_at,
      finishedAt: row.finished_at,
      failureCode: row.failure_code,
      failureMessage: row.failure_message,
      void: row.is_void === 1,
    };
  }

  function announce(id: string): RefundRow {
    const row = findRefund(db, id)!;
    events?.emit('refund.changed', view(row));
    return row;
  }

  /** Refunded: receipt number, the day's totals and the stock of the lines, once. The caller holds the transaction. */
  function finalize(row: RefundRow, now: Date): boolean {
    const at = now.toISOString();
    const day = openBusinessDate(db, terminalId, now, businessDay());
    if (!markRefunded(db, row.id, at, day)) return false;
    if (row.wallet_amount > 0) addDailyRefundTotal(db, day, row.tender_kind, row.wallet_amount);
    if (row.cash_amount > 0) addDailyRefundTotal(db, day, 'cash', row.cash_amount);
    for (const line of refundLines(db, row.id)) {
      adjustStock(db, { productId: line.product_id, deltaMilli: line.quantity_milli, reason: 'adjust', ref: row.id, at });
    }
    clearRefundJob(db, row.id, at);
    return true;
  }

  const backoff = (attempts: number) => Math.min(timings.retryMs * 2 ** Math.max(0, Math.min(attempts - 1, 30)), timings.maxRetryMs);

  /** Commits what the acquirer said (or that it could not be asked) and the next job, in one transaction. */
  function apply(refundId: string, answer: Answer, eventType: string): RefundRow {
    const now = clock.now();
    const at = now.toISOString();
    const outcome = db.transaction(() => {
      const row = findRefund(db, refundId)!;
      appendRefundEvent(db, refundId, eventType, answer, at);
      // Already refunded: a resend's answer (REFUND_SUCCESS again, or anything else) changes nothing.
      if (row.status === 'refunded') {
        clearRefundJob(db, refundId, at);
        return 'unchanged';
      }
      switch (answer.kind) {
        case 'refunded':
          if ('payerRefund' in answer && answer.payerRefund) setRefundPayer(db, refundId, answer.payerRefund);
          finalize(row, now);
          startNextLeg(row, now);
          return 'refunded';
        case 'failed':
          setRefundStatus(db, refundId, { status: 'failed', failureCode: answer.code, failureMessage: answer.message, finishedAt: at, at });
          clearRefundJob(db, refundId, at);
          failLaterLegs(row, at);
          return 'failed';
        case 'in_progress':
        case 'unknown':
        case 'no_answer': {
          const what = row.is_void ? 'reversal' : 'refund';
          const reason = answer.kind === 'in_progress' ? `The acquirer is still processing the ${what}` : answer.reason;
          if (now.getTime() >= row.deadline_at) {
            setRefundStatus(db, refundId, {
              status: 'needs_attention',
              failureCode: 'no_confirmation',
              failureMessage: `The acquirer never confirmed the ${what} (${reason}): check it, then retry`,
              finishedAt: null,
              at,
            });
            clearRefundJob(db, refundId, at);
            return 'needs_attention';
          }
          const status: RefundStatus = answer.kind === 'in_progress' ? 'in_progress' : answer.kind === 'unknown' || row.status === 'submitted' ? 'unknown' : row.status;
          setRefundStatus(db, refundId, { status, failureCode: null, failureMessage: reason, finishedAt: null, at });
          setRefundJob(db, { id: newId(), refundId, dueAt: Math.min(now.getTime() + backoff(row.attempts), row.deadline_at), createdAt: at, lastError: reason });
          return status;
        }
      }
    })();
    const row = announce(refundId);
    if (outcome !== 'unchanged') log.info({ refundId, status: row.status, failure: row.failure_code, attempts: row.attempts }, 'refund answer');
    wake();
    return row;
  }

  /**
   * A leg went through: the next leg of its refund is sent now (its job committed with this leg's result), with a
   * fresh deadline. A next leg that was not sent because this one had failed before (and was retried) goes too, if
   * what it takes is still left on the sale. The caller holds the transaction.
   */
  function startNextLeg(row: RefundRow, now: Date): void {
    if (row.refund_group === null || row.leg_no === null) return;
    const next = legsOfRefund(db, row).find((l) => l.leg_no === row.leg_no! + 1);
    if (!next) return;
    const at = now.toISOString();
    if (next.status === 'failed' && next.failure_code === PREVIOUS_LEG_FAILED) {
      if (!stillFits(next)) return;
      setRefundStatus(db, next.id, { status: 'submitted', failureCode: null, failureMessage: null, finishedAt: null, at });
    } else if (next.status !== 'submitted' || next.attempts > 0) {
      return;
    }
    appendRefundEvent(db, next.id, 'leg_started', { after: row.id }, at);
    setRefundDeadline(db, next.id, now.getTime() + timings.deadlineMs, at);
    setRefundJob(db, { id: newId(), refundId: next.id, dueAt: now.getTime(), createdAt: at });
  }

  /** A leg was refused: the legs after it, never sent, are not sent (nothing of them reserved); those sent stay as they are. */
  function failLaterLegs(row: RefundRow, at: string): void {
    if (row.refund_group === null || row.leg_no === null) return;
    for (const later of legsOfRefund(db, row).filter((l) => l.leg_no! > row.leg_no! && l.status === 'submitted' && l.attempts === 0)) {
      setRefundStatus(db, later.id, {
        status: 'failed',
        failureCode: PREVIOUS_LEG_FAILED,
        failureMessage: `Not sent: leg ${row.leg_no} of this refund was refused; retry it, or refund the rest anew`,
        finishedAt: at,
        at,
      });
      clearRefundJob(db, later.id, at);
      appendRefundEvent(db, later.id, 'not_sent', { failedLeg: row.id }, at);
    }
  }

  /** Whether a failed refund (which reserves nothing) still fits in what is left on its sale: its lines, wallet part and cash. */
  function stillFits(row: RefundRow): boolean {
    const state = refundState(db, row.sale_id);
    for (const line of refundLines(db, row.id)) {
      const sold = state.lines.find((l) => l.line_no === line.line_no)!;
      if (line.quantity_milli > state.lineLeft(sold).quantityMilli) return false;
    }
    const tender = state.tenders.find((t) => t.payment_id === row.payment_id);
    return !!tender && row.wallet_amount <= state.walletLeft(tender) && row.cash_amount <= state.cashLeft;
  }

  /** What the order had refunded before this refund, when no other wallet refund of its payment is open; else null. */
  function refundedBefore(row: RefundRow): number | null {
    const others = refundsOfSale(db, row.sale_id).filter((r) => r.id !== row.id && r.kind === 'wallet' && r.payment_id === row.payment_id);
    if (others.some((r) => r.status !== 'refunded' && r.status !== 'failed')) return null;
    return others.filter((r) => r.status === 'refunded').reduce((sum, r) => sum + r.wallet_amount, 0);
  }

  /**
   * One request to the acquirer for this refund, with its one refund_request_no (a void: a revoke of the
   * payment's client_sn); the attempt is counted first. A refund sent before is first looked up by query, and
   * sent again only if the order shows it never arrived.
   */
  async function send(refundId: string, eventType: string, creds?: TerminalCredentials): Promise<RefundRow> {
    inflight.add(refundId);
    try {
      const row = findRefund(db, refundId)!;
      const payment = findPayment(db, row.payment_id!);
      if (!payment) return apply(refundId, { kind: 'failed', code: 'other', message: 'The original payment is not on record' }, eventType);
      let credentialsNow: TerminalCredentials;
      try {
        credentialsNow = creds ?? (await credentials());
      } catch (error) {
        return apply(refundId, { kind: 'no_answer', reason: `The acquirer cannot be reached: ${(error as Error).message}` }, 'no_answer');
      }
      if (row.attempts > 0) {
        const found = row.is_void
          ? voidStatusOf(await acquirer.query(credentialsNow, payment.client_sn), row.wallet_amount)
          : await acquirer.refundStatus(credentialsNow, {
              clientSn: payment.client_sn,
              refundRequestNo: row.refund_request_no,
              amount: row.wallet_amount,
              refundedBefore: refundedBefore(row),
            });
        if (found.kind !== 'not_arrived') return apply(refundId, found, 'query');
      }
      db.transaction(() => countRefundAttempt(db, refundId, clock.now().toISOString()))();
      const outcome: Answer = row.is_void
        ? cancelAnswer(await acquirer.revoke(credentialsNow, payment.client_sn), row.wallet_amount)
        : await acquirer.refund(credentialsNow, {
            clientSn: payment.client_sn,
            refundRequestNo: row.refund_request_no,
            amount: row.wallet_amount,
            operator: row.user_id ?? 'pos',
          });
      return apply(refundId, outcome, eventType);
    } finally {
      inflight.delete(refundId);
    }
  }

  /** One run of a refund's job: ask where it stands (send again, same number, if it never arrived), unless it is settled or on the wire now. */
  async function runJob(refundId: string): Promise<JobResult> {
    const row = findRefund(db, refundId);
    if (!row || row.kind !== 'wallet' || !isUnfinished(row.status)) {
      db.transaction(() => clearRefundJob(db, refundId, clock.now().toISOString()))();
      return;
    }
    // Its request is on the wire right now (request or retry): look again a little later.
    if (inflight.has(refundId)) return { outcome: 'retry', at: clock.now().getTime() + timings.retryMs };
    try {
      await send(refundId, 'resend');
    } catch (error) {
      log.error({ err: error, refundId }, 'refund job failed');
      const now = findRefund(db, refundId);
      if (now && isUnfinished(now.status)) return { outcome: 'retry', error: String(error), at: clock.now().getTime() + timings.maxRetryMs };
      db.transaction(() => clearRefundJob(db, refundId, clock.now().toISOString()))();
    }
  }

  jobs.register({
    kind: REFUND_JOB_KIND,
    payload: refundJobPayload,
    concurrency: REFUND_JOB_CONCURRENCY,
    backoff: () => timings.maxRetryMs,
    handler: (job) => runJob(job.payload.refundId),
  });

  const wake = () => jobs.wake();

  async function approver(session: Session, approval: RefundRequest['approval'], what = 'A refund'): Promise<string> {
    if (session.caller.role === 'owner' && session.caller.userId) return session.caller.userId;
    if (!approval) throw new PosError('forbidden', `${what} needs an owner’s approval`, { needsApproval: true });
    return (await auth.approve(approval, ['owner'])).id;
  }

  const offline = (error: unknown) =>
    new PosError('unavailable', `The acquirer cannot be reached: ${(error as Error).message}; try again later`, { reason: 'offline' });

  /**
   * Commit before send, for refunds and voids alike: the row, its lines, its event and (for a wallet) its
   * send job in one transaction, with the plan checked again inside it; cash is final at once.
   */
  async function commit(input: {
    saleId: string;
    plan: () => ReturnType<typeof planRefund>;
    reason: string;
    approvedBy: string;
    session: Session;
    creds: TerminalCredentials | undefined;
    isVoid: boolean;
  }): Promise<RefundView> {
    const { plan, reason, approvedBy, session, creds, isVoid } = input;
    const now = clock.now();
    const at = now.toISOString();
    const id = newId(now.getTime());
    const refundRequestNo = newRefundRequestNo(id, now, businessDay());
    const done = db.transaction(() => {
      const p = plan();
      // A leg per wallet payment (a cash refund: one row, no wallet); the lines and the cash part on the last one.
      const legs = p.legs.length > 0 ? p.legs : [null];
      legs.forEach((leg, i) => {
        const last = i === legs.length - 1;
        const legId = i === 0 ? id : newId(now.getTime());
        const requestNo = i === 0 ? refundRequestNo : newRefundRequestNo(legId, now, businessDay());
        const cashAmount = last ? p.cashAmount : 0;
        insertRefund(db, {
          id: legId,
          sale_id: p.sale.id,
          payment_id: leg ? leg.tender.payment_id : null,
          refund_request_no: requestNo,
          kind: leg ? 'wallet' : 'cash',
          tender_kind: leg ? leg.tender.kind : 'cash',
          amount: (leg?.walletAmount ?? 0) + cashAmount,
          wallet_amount: leg?.walletAmount ?? 0,
          cash_amount: cashAmount,
          status: 'submitted',
          reason,
          approved_by: approvedBy,
          user_id: session.caller.userId,
          deadline_at: now.getTime() + timings.deadlineMs,
          created_at: at,
          refund_group: id,
          leg_no: i + 1,
          ...(isVoid ? { is_void: 1 } : {}),
        });
        if (last) insertRefundLines(db, legId, p.sale.id, p.lines);
        appendRefundEvent(
          db,
          legId,
          isVoid ? 'void_submitted' : 'submitted',
          {
            ...(isVoid ? { clientSn: leg ? leg.tender.client_sn : null } : { refundRequestNo: requestNo }),
            amount: (leg?.walletAmount ?? 0) + cashAmount,
            walletAmount: leg?.walletAmount ?? 0,
            cashAmount,
            lines: last ? p.lines : [],
            reason,
            approvedBy,
            userId: session.caller.userId,
            ...(legs.length > 1 ? { leg: i + 1, legs: legs.length, refundAmount: p.amount } : {}),
          },
          at,
        );
      });
      if (p.legs.length > 0) {
        // If the terminal dies before the answer is recorded, this job sends the same request (or cancel) again at
        // the next start. Only leg 1's: each later leg's job is committed when the leg before it is refunded.
        setRefundJob(db, { id: newId(), refundId: id, dueAt: now.getTime() + timings.retryMs, createdAt: at });
      } else {
        // Cash: the cashier hands it back now; final at once.
        finalize(findRefund(db, id)!, now);
        appendRefundEvent(db, id, 'cash_refunded', { amount: p.cashAmount }, at);
      }
      return p;
    })();
    log.info(
      { refundId: id, saleId: input.saleId, refundRequestNo, amount: done.amount, walletAmount: done.walletAmount, cashAmount: done.cashAmount, legs: done.legs.length, approvedBy, isVoid },
      isVoid ? (done.walletAmount > 0 ? 'sale void submitted (cancel)' : 'cash sale voided') : done.walletAmount > 0 ? 'wallet refund submitted' : 'cash refund recorded',
    );
    announce(id);
    if (done.walletAmount === 0) return view(findRefund(db, id)!);
    return view(await send(id, isVoid ? 'revoke' : 'refund', creds));
  }

  return {
    refundable(saleId) {
      const state = refundState(db, saleId);
      const { sale, money } = state;
      // Cash refunds are spread over the non-wallet tenders in order, for display.
      let cashTaken = money.cash;
      const tenders = state.tenders.map((t) => {
        let refunded: number;
        if (isWalletTender(t)) refunded = Math.min(t.amount, money.byPayment.get(t.payment_id!) ?? 0);
        else {
          refunded = Math.min(t.amount, cashTaken);
          cashTaken -= refunded;
        }
        return { seq: t.seq, kind: t.kind, wallet: isWalletTender(t), amount: t.amount, reference: t.reference, refunded, refundable: t.amount - refunded };
      });
      const paid = state.tenders.reduce((sum, t) => sum + t.amount, 0);
      return {
        saleId,
        receiptNumber: formatReceiptNumber(sale.terminal_id, sale.receipt_no!),
        currency: sale.currency,
        total: sale.total ?? 0,
        paid,
        refunded: money.refunded,
        pending: money.pending,
        refundable: state.moneyLeft,
        lines: state.lines.map((l) => {
          const left = state.lineLeft(l);
          return {
            lineNo: l.line_no,
            productId: l.product_id,
            sku: l.sku,
            name: l.name,
            unit: l.unit,
            quantityMilli: l.quantity_milli,
            net: l.net,
            refundedQuantityMilli: left.taken.quantityMilli,
            refundedAmount: left.taken.amount,
            refundableQuantityMilli: left.quantityMilli,
            refundableAmount: left.quantityMilli > 0 ? lineShare(l, left.taken, left.quantityMilli) : 0,
          };
        }),
        tenders,
        voidable: voidRefusal(db, state, clock.now(), openBusinessDate(db, terminalId, clock.now(), businessDay())) === null,
      };
    },

    async request(input, session) {
      const reason = input.reason.trim();
      if (!reason) throw new PosError('validation_failed', 'Say why the money goes back');
      // Checked before the PIN (a refused refund costs no PIN attempt), and again in the committing transaction.
      const first = planRefund(refundState(db, input.saleId), input);
      const approvedBy = await approver(session, input.approval);
      // A wallet refund needs the acquirer: refuse now, with nothing recorded, rather than promise a refund offline.
      const creds = first.walletAmount > 0 ? await credentials().catch((error: unknown) => Promise.reject(offline(error))) : undefined;

      return commit({ saleId: input.saleId, plan: () => planRefund(refundState(db, input.saleId), input), reason, approvedBy, session, creds, isVoid: false });
    },

    async voidSale(input, session) {
      const reason = input.reason.trim();
      if (!reason) throw new PosError('validation_failed', 'Say why the sale is voided');
      // Everything left of a sale that has no refund is the whole sale: all its lines and all its money.
      const plan = () => {
        const state = refundState(db, input.saleId);
        const refusal = voidRefusal(db, state, clock.now(), openBusinessDate(db, terminalId, clock.now(), businessDay()));
        if (refusal) throw refusal;
        return planRefund(state, {});
      };
      // Checked before the PIN (a refused void costs no PIN attempt), and again in the committing transaction.
      const first = plan();
      const approvedBy = await approver(session, input.approval, 'A void');
      const creds = first.walletAmount > 0 ? await credentials().catch((error: unknown) => Promise.reject(offline(error))) : undefined;

      return commit({ saleId: input.saleId, plan, reason, approvedBy, session, creds, isVoid: true });
    },

    async retry(askedId, session) {
      const asked = findRefund(db, askedId);
      if (!asked) throw new PosError('not_found', 'No such refund', { refundId: askedId });
      // A refund of several legs: its first leg that has not gone through (the legs after it follow it).
      const row = legsOfRefund(db, asked).find((l) => l.status !== 'refunded') ?? asked;
      const refundId = row.id;
      if (row.kind === 'cash') throw new PosError('conflict', 'A cash refund is final when it is recorded', { refundId });
      const now = clock.now();
      const at = now.toISOString();
      db.transaction(() => {
        const current = findRefund(db, refundId)!;
        if (current.is_void && current.status === 'failed') {
          // The acquirer refused to reverse the payment (too late, or refunded there): it will not change its mind.
          throw new PosError('conflict', 'The acquirer refused this void: make a normal refund instead', { reason: 'void_failed', refundId });
        }
        if (current.status === 'failed') {
          // Failed refunds reserve nothing: it must still fit in what is left (the same request number is sent again, as WeChat asks).
          const state = refundState(db, current.sale_id);
          for (const line of refundLines(db, refundId)) {
            const sold = state.lines.find((l) => l.line_no === line.line_no)!;
            if (line.quantity_milli > state.lineLeft(sold).quantityMilli) {
              throw new PosError('conflict', 'Those items were refunded since: make a new refund', { reason: 'exceeds_refundable', lineNo: line.line_no });
            }
          }
          const tender = state.tenders.find((t) => t.payment_id === current.payment_id);
          if (!tender || current.wallet_amount > state.walletLeft(tender) || current.cash_amount > state.cashLeft) {
            throw new PosError('conflict', 'That money was refunded since: make a new refund', { reason: 'exceeds_refundable', refundable: state.moneyLeft });
          }
        }
        appendRefundEvent(db, refundId, 'retry', { by: session.caller.userId, status: current.status }, at);
        if (current.status !== 'refunded') {
          setRefundStatus(db, refundId, { status: current.status === 'failed' || current.status === 'needs_attention' ? 'submitted' : current.status, failureCode: null, failureMessage: null, finishedAt: null, at });
          setRefundDeadline(db, refundId, now.getTime() + timings.deadlineMs, at);
          setRefundJob(db, { id: newId(), refundId, dueAt: now.getTime() + timings.retryMs, createdAt: at });
        }
      })();
      log.info({ refundId, status: row.status, by: session.caller.userId }, 'refund sent again');
      // Unreachable now: the job runner keeps trying (the job above) until the deadline.
      return view(await send(refundId, 'retry'));
    },

    get(refundId) {
      const row = findRefund(db, refundId);
      if (!row) throw new PosError('not_found', 'No such refund', { refundId });
      return view(row);
    },

    forSale(saleId) {
      // A refund of several legs once, as a whole.
      return refundsOfSale(db, saleId)
        .filter((r) => r.refund_group === null || r.refund_group === r.id)
        .map(view);
    },

    receipt: (refundId) => buildRefundReceipt(db, { refundId, terminalId, settings: settings.get() }),

    recover() {
      // A leg waiting for the one before it (never sent) is started by that one, not here.
      const waiting = (r: RefundRow) => r.attempts === 0 && r.status === 'submitted' && legsOfRefund(db, r).some((l) => (l.leg_no ?? 1) < (r.leg_no ?? 1) && l.status !== 'refunded');
      const unfinished = unfinishedRefunds(db).filter((r) => r.kind === 'wallet' && !waiting(r));
      const now = clock.now();
      db.transaction(() => {
        for (const row of unfinished) {
          appendRefundEvent(db, row.id, 'recovered', { status: row.status }, now.toISOString());
          // Ask again right away with the same request number, whatever was scheduled before the restart.
          setRefundJob(db, { id: newId(), refundId: row.id, dueAt: now.getTime(), createdAt: now.toISOString() });
        }
      })();
      if (unfinished.length) log.warn({ refunds: unfinished.length }, 'resending wallet refunds left unfinished by the last run');
      wake();
    },

    status: () => ({ unfinished: unfinishedRefunds(db).length, pendingJobs: pendingRefundJobs(db) }),

    stop() {
      // The job runner is stopped by its owner.
    },
  };
}

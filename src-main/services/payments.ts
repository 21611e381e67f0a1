/**
 * The payment runner: carries out the state machine of src-common/payment-state.ts against the
 * acquirer port, with every step committed to SQLite before the next request leaves the terminal.
 * Its jobs (kinds 'payment.query', 'payment.cancel' and 'payment.completeSale', one open job per payment,
 * subject `payment:<id>`) run on the durable job runner, so a restart picks up exactly where a crash left off.
 * A payment becomes paid in the same transaction that queues the completion of its sale: money that came in is
 * always recorded as a sale, retried until it can be (a full disk), never dropped.
 */
import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import { newId } from '../../db/ids';
import { finishSubjectJobs, noteJobError, openJobCount, openJobOfSubject, setSubjectJob } from '../../db/queries/jobs';
import { findSale } from '../../db/queries/sales';
import {
  appendPaymentEvent,
  codeHashUsed,
  findPayment,
  insertPayment,
  latestPaymentForSale,
  paidPaymentsOfOpenSales,
  paidPaymentsOfSale,
  partReversalPending,
  REVERSE_PART_JOB,
  setPaymentParts,
  setPaymentQr,
  unfinishedPayments,
  updatePayment,
  type PaymentRow,
} from '../../db/queries/payments';
import { PosError } from '../../src-common/errors';
import { maskCode } from '../../src-common/mask';
import { acquirerRefusalOf, classifyPaymentCode, looksLikeProductBarcode, MAX_DYNAMIC_ID_BYTES, WALLETS } from '../../src-common/payment-code';
import {
  isFinal,
  QR_POLLING,
  step,
  submitted,
  type AcquirerAnswer,
  type CancelAnswer,
  type NextAction,
  type PaymentInput,
  type PaymentState,
  type PaymentTimings,
} from '../../src-common/payment-state';
import { surfaceOfCaller, type Surface } from '../../src-common/surface';
import { diskFullError, isDiskFullError } from '../disk-space';
import type { Session } from '../../src-common/roles';
import type { Wallet } from '../../src-common/payment-code';
import type { Cart, PaymentView } from '../../src-common/schemas';
import { amountToPay } from '../../src-common/member-points';
import { PartAmountError, partAmount, stillDue } from '../../src-common/split-payment';
import { aggregatorOnlyGateway, type PaymentGateway, type ProviderPort } from '../acquirer/gateway';
import type { AcquirerPort, CancelOutcome, QueryOutcome, TerminalCredentials } from '../acquirer/port';
import type { ProviderId } from '../../src-common/payment-provider';
import type { Clock } from '../clock';
import type { EventBus } from '../events';
import type { JobResult, JobRunner, RunningJob } from '../jobs/runner';
import type { Logger } from '../log';
import type { SalesService } from './sales';
import { screensOf } from './ui-bridge';

export interface PaymentsService {
  /**
   * Show a merchant QR for the open sale; the customer scans it with the wallet's app. `amount`: this part of the
   * sale (1 ≤ amount ≤ what is still due), all that is still due when not given.
   */
  payByQr(wallet: Wallet, session: Session, amount?: number): Promise<PaymentView>;
  /** The cashier scanned the customer's payment code at the pay step; `amount` as for payByQr. */
  payByCode(code: string, session: Session, amount?: number): Promise<PaymentView>;
  /**
   * The open sale's paid wallet parts go back to the customer, each through the provider that took it (a reversal
   * of its order, committed as a job before it is sent): the way to give up a sale paid in part. Returns the parts.
   */
  reverseParts(session: Session): PaymentView[];
  /** The cashier gave up waiting: reverse (a payment that got through anyway completes the sale). */
  cancel(paymentId: string, session: Session): Promise<PaymentView>;
  forOpenSale(saleId: string): PaymentView | null;
  /** Resolve what a previous run left unfinished; wallet payments wait until this is done. */
  recover(): void;
  status(): { online: boolean; pendingJobs: number; recovering: number };
  stop(): void;
}

export interface PaymentsDeps {
  db: Database;
  clock: Clock;
  log: Logger;
  events: EventBus;
  sales: SalesService;
  /** The aggregator and its credentials (what `gateway` falls back to when not given). */
  acquirer: AcquirerPort;
  credentials: () => Promise<TerminalCredentials>;
  /** The providers and the routing table; the aggregator alone when not given. */
  gateway?: PaymentGateway;
  timings: PaymentTimings;
  /** How long a merchant QR stays payable (the acquirer closes it at about 4 minutes). */
  qrDeadlineMs: number;
  /** How often a merchant QR is polled; the acquirer's documented schedule (QR_POLLING) unless told. */
  qrPolling?: Pick<PaymentTimings, 'pollIntervalMs' | 'firstPolls'>;
  subject: string;
  jobs: JobRunner;
  /** Throws `disk_full` when the sale that would record a charge might not be able to commit. */
  assertDiskRoom: () => Promise<void>;
  /**
   * How long after recover() the terminal enrols or checks in with the acquirer (at once when not given): after
   * the terminal is ready, so that work does not compete with the start on a low-end CPU.
   */
  warmUpAfterMs?: number;
}

/** How many payments may be queried or cancelled at once (each payment's own jobs still run one at a time). */
const PAYMENT_JOB_CONCURRENCY = 4;
const COMPLETE_SALE_JOB = 'payment.completeSale';
/** Retries of a sale completion that could not be written (a full disk): soon at first, then at most every 30 s. */
const completionBackoff = (attempts: number) => Math.min(30_000, 500 * 2 ** Math.min(attempts, 6));
/** Shown with a paid payment whose sale is not closed yet (the screens say the completion is pending). */
export const SALE_COMPLETION_PENDING = 'sale_completion_pending';
const paymentJobPayload = z.object({ paymentId: z.string().min(1) });
const jobSubject = (paymentId: string) => `payment:${paymentId}`;

const hashCode = (code: string) => createHash('sha256').update(code).digest('hex');

function answerOf(outcome: QueryOutcome): AcquirerAnswer {
  switch (outcome.kind) {
    case 'paid':
      return { kind: 'paid', amount: outcome.amount, acquirerSn: outcome.acquirerSn };
    case 'pending':
      return { kind: 'pending', acquirerSn: outcome.acquirerSn };
    case 'unknown':
      return { kind: 'unknown', reason: outcome.reason };
    case 'failed':
      return { kind: 'failed', code: outcome.code, message: outcome.message };
    case 'cancelled':
      return { kind: 'cancelled' };
    case 'not_found':
      return { kind: 'not_found' };
    case 'refunded':
      return { kind: 'refunded' };
  }
}

const cancelAnswerOf = (outcome: CancelOutcome): CancelAnswer => outcome;

export function createPaymentsService(deps: PaymentsDeps): PaymentsService {
  const { db, clock, log, events, sales, acquirer, credentials, timings, qrDeadlineMs, subject, jobs, assertDiskRoom } = deps;
  const gateway = deps.gateway ?? aggregatorOnlyGateway(acquirer, credentials);
  /** A payment's queries and reversal go to the provider that took it, whatever the routing says now. */
  const connectOf = (row: Pick<PaymentRow, 'provider'>) => gateway.provider(row.provider as ProviderId).connect();
  // A customer needs longer to open an app and scan a QR than to type a PIN; the acquirer says how often to ask meanwhile.
  const qrTimings: PaymentTimings = { ...timings, ...(deps.qrPolling ?? QR_POLLING), pollDeadlineMs: qrDeadlineMs };
  let warmUpTimer: ReturnType<typeof setTimeout> | null = null;
  const timingsFor = (row: Pick<PaymentRow, 'kind'>): PaymentTimings => (row.kind === 'qr' ? qrTimings : timings);
  const recovering = new Set<string>();
  let online = true;

  const stateOf = (row: PaymentRow): PaymentState => JSON.parse(row.state) as PaymentState;
  const view = (row: PaymentRow): PaymentView => {
    const state = stateOf(row);
    return {
      paymentId: row.id,
      saleId: row.sale_id,
      status: state.status,
      wallet: row.wallet,
      maskedCode: row.masked_code,
      amount: row.amount,
      deadline: state.submittedAt + timingsFor(row).pollDeadlineMs,
      ...(state.status === 'paid' && completionPending(row)
        ? { failureCode: SALE_COMPLETION_PENDING, failureMessage: 'Paid: the sale will be completed as soon as the terminal can record it' }
        : { failureCode: row.failure_code, failureMessage: row.failure_message }),
      qrCode: isFinal(state.status) ? null : row.qr_code,
      ...(state.status === 'paid' ? remainingOf(row) : {}),
    };
  };

  /** What the open sale of a paid part still asks for; nothing when the sale is closed. */
  const remainingOf = (row: Pick<PaymentRow, 'sale_id'>): { remaining?: number } => {
    const due = dueOfOpenSale(row.sale_id);
    return due === null ? {} : { remaining: due };
  };

  /** What an open sale still asks for after its paid parts (null: the sale is not open). */
  function dueOfOpenSale(saleId: string): number | null {
    const sale = findSale(db, saleId);
    if (sale?.status !== 'open') return null;
    const cart = sales.current(sale.surface);
    if (!cart || cart.saleId !== saleId) return null;
    return cart.stillDue ?? amountToPay(cart);
  }

  /** A paid payment whose sale is still open though its parts cover it: the completion job has not succeeded yet. */
  const completionPending = (row: Pick<PaymentRow, 'sale_id'>) => dueOfOpenSale(row.sale_id) === 0;

  /** The surface a payment's sale sells on: its screens (and no other's) hear of it, and only they may cancel it. */
  const surfaceOfPayment = (row: Pick<PaymentRow, 'sale_id'>): Surface => findSale(db, row.sale_id)?.surface ?? 'till';
  const tell = (row: PaymentRow, payment: PaymentView = view(row)) => events.emit('payment.changed', payment, screensOf(surfaceOfPayment(row)));

  /** Commits the new state, the event and the next job in one transaction, then tells the screens. */
  function apply(row: PaymentRow, input: PaymentInput, eventType: string, eventData: unknown): PaymentRow {
    const before = stateOf(row);
    const { state, action } = step(before, input, timingsFor(row));
    const at = clock.now().toISOString();
    db.transaction(() => {
      appendPaymentEvent(db, row.id, eventType, eventData, at);
      updatePayment(db, row.id, {
        status: state.status,
        state: JSON.stringify(state),
        acquirer_sn: state.acquirerSn,
        failure_code: state.failure?.code ?? null,
        failure_message: state.failure?.message ?? null,
        finished_at: isFinal(state.status) ? at : null,
        at,
      });
      // Paid: the sale's completion is queued with it, so it happens even if closing the sale fails now.
      if (state.status === 'paid' && before.status !== 'paid') scheduleCompletion(row.id, at);
      else scheduleJob(row.id, action, at);
    })();
    const updated = findPayment(db, row.id)!;
    if (isFinal(state.status)) {
      recovering.delete(row.id);
      log.info({ paymentId: row.id, status: state.status, failure: state.failure?.code }, 'payment final');
    }
    const completion = state.status === 'paid' && before.status !== 'paid' ? completeSale(updated) : null;
    tell(updated);
    if (completion?.kind === 'done') retireCompletionJob(row.id);
    wake();
    return updated;
  }

  /** The payment's one open job becomes its next action (attempts kept), or is retired. The caller holds the transaction. */
  function scheduleJob(paymentId: string, action: NextAction, at: string) {
    if (action.kind === 'none') finishSubjectJobs(db, jobSubject(paymentId), at);
    else setSubjectJob(db, { id: newId(), kind: `payment.${action.kind}`, subject: jobSubject(paymentId), payload: { paymentId }, runAt: action.at, deadlineAt: null, at });
  }

  function scheduleCompletion(paymentId: string, at: string) {
    setSubjectJob(db, { id: newId(), kind: COMPLETE_SALE_JOB, subject: jobSubject(paymentId), payload: { paymentId }, runAt: Date.parse(at), deadlineAt: null, at });
  }

  type Completion = { kind: 'done' } | { kind: 'pending'; error: string } | { kind: 'impossible'; error: string };

  /**
   * Closes the sale of a paid payment. `pending`: it could not be written now (a full disk) and its job retries;
   * `impossible`: the sale is not the open sale at that amount any more, and a person must look (never dropped).
   */
  function completeSale(row: PaymentRow): Completion {
    // Closed already (by another part's completion, or cash for the rest), or a part with more still due: the part
    // is recorded as a paid payment of the open sale, and the sale waits for the rest.
    if (findSale(db, row.sale_id)?.status !== 'open') return { kind: 'done' };
    let result: Completion;
    try {
      if (!coversSale(row.sale_id)) return { kind: 'done' };
      sales.completeWithWallets({ saleId: row.sale_id, userId: row.user_id });
      result = { kind: 'done' };
    } catch (error) {
      result = error instanceof PosError ? { kind: 'impossible', error: error.message } : { kind: 'pending', error: (error as Error).message };
      log.error({ err: error, paymentId: row.id, saleId: row.sale_id }, result.kind === 'pending' ? 'payment paid; its sale could not be completed yet and will be retried' : 'payment paid but its sale cannot be completed: a person must look');
    }
    if (result.kind !== 'done') tell(row);
    return result;
  }

  /** Whether a sale's paid parts add up to at least what it asks for (read from the rows; throws on a database error). */
  function coversSale(saleId: string): boolean {
    const sale = findSale(db, saleId);
    const cart = sale ? sales.current(sale.surface) : null;
    if (!cart || cart.saleId !== saleId) return true; // not the open sale any more: completeWithWallets says why
    return paidPaymentsOfSale(db, saleId).reduce((sum, p) => sum + p.amount, 0) >= amountToPay(cart);
  }

  /**
   * After a completion done outside its job (right after the payment became paid). Not synced to disk on its own
   * (the sale's commit was): a retirement lost to a power cut only lets the job run once more and find the sale closed.
   */
  function retireCompletionJob(paymentId: string) {
    try {
      // Only the completion job: a paid part may have its reversal queued behind the same subject.
      db.transaction(() => {
        if (openJobOfSubject(db, jobSubject(paymentId))?.kind === COMPLETE_SALE_JOB) finishSubjectJobs(db, jobSubject(paymentId), clock.now().toISOString());
      })();
    } catch (error) {
      log.warn({ err: error, paymentId }, 'could not retire the completion job; it finds the sale completed and ends');
    }
  }

  async function runJob(job: RunningJob<{ paymentId: string }>, kind: 'query' | 'cancel') {
    const { paymentId } = job.payload;
    const row = findPayment(db, paymentId);
    if (!row || isFinal(stateOf(row).status)) {
      db.transaction(() => finishSubjectJobs(db, jobSubject(paymentId), clock.now().toISOString()))();
      return;
    }
    let port: ProviderPort;
    try {
      port = await connectOf(row);
    } catch (error) {
      online = false;
      noteJobError(db, job.id, (error as Error).message, clock.now().toISOString());
      apply(row, { type: 'no_answer', reason: (error as Error).message, at: clock.now().getTime() }, 'no_answer', { kind, reason: (error as Error).message });
      return;
    }
    if (kind === 'query') {
      const outcome = await port.query(row.client_sn);
      keepPaidParts(paymentId, outcome);
      online = outcome.kind !== 'unknown';
      if (outcome.kind === 'unknown') noteJobError(db, job.id, outcome.reason, clock.now().toISOString());
      apply(findPayment(db, paymentId)!, { type: 'answer', answer: answerOf(outcome), at: clock.now().getTime() }, 'query', outcome);
    } else {
      const outcome = await port.cancel(row.client_sn);
      online = outcome.kind !== 'unknown';
      if (outcome.kind === 'unknown') noteJobError(db, job.id, outcome.reason, clock.now().toISOString());
      apply(findPayment(db, paymentId)!, { type: 'cancel_answer', answer: cancelAnswerOf(outcome), at: clock.now().getTime() }, 'cancel', outcome);
    }
  }

  jobs.register({
    kind: COMPLETE_SALE_JOB,
    payload: paymentJobPayload,
    concurrency: 1,
    backoff: completionBackoff,
    handler: async (job) => {
      const row = findPayment(db, job.payload.paymentId);
      if (!row || stateOf(row).status !== 'paid') return;
      const result = completeSale(row);
      if (result.kind === 'pending') return { outcome: 'retry', error: result.error };
      if (result.kind === 'impossible') return { outcome: 'failed', error: result.error };
      tell(findPayment(db, row.id)!);
    },
  });

  /**
   * A paid part of a sale still open goes back to the customer: the provider that took it reverses its order (WeChat
   * reverse, Alipay trade.cancel, the aggregator's cancel all return a paid order's money the same day). Confirmed →
   * the payment is `reversed` and no longer counts towards the sale. A refused reversal leaves the part paid (the
   * sale keeps its money: take the rest, and refund after), as does one never confirmed after the cancel attempts
   * (a query first: a reversal that went through is recognised). Never sent for a sale that is not open.
   */
  async function reversePart(job: RunningJob<{ paymentId: string }>): Promise<JobResult> {
    const row = findPayment(db, job.payload.paymentId);
    if (!row || stateOf(row).status !== 'paid') return;
    if (findSale(db, row.sale_id)?.status !== 'open') {
      appendEventNow(row.id, 'part_reversal_dropped', { reason: 'sale not open' });
      return { outcome: 'failed', error: 'The sale of this part is not open any more: refund it instead' };
    }
    let port: ProviderPort;
    try {
      port = await connectOf(row);
    } catch (error) {
      online = false;
      return { outcome: 'retry', error: (error as Error).message };
    }
    const outcome = await port.cancel(row.client_sn);
    appendEventNow(row.id, 'part_reversal', outcome);
    if (outcome.kind === 'cancelled') return markPartReversed(row);
    // Refused or not known: the order's own state says whether the money went back.
    const found = await port.query(row.client_sn);
    appendEventNow(row.id, 'part_reversal_query', found);
    if (found.kind === 'cancelled' || found.kind === 'refunded') return markPartReversed(row);
    if (outcome.kind === 'failed' && found.kind === 'paid') {
      log.warn({ paymentId: row.id, message: outcome.message }, 'the provider refused to reverse a paid part; it stays paid');
      // Recorded for the till: the cashier is told which part stayed paid and why (the cart's paidParts).
      appendEventNow(row.id, 'part_reversal_failed', { reason: 'refused', providerMessage: outcome.message });
      tell(findPayment(db, row.id)!);
      return { outcome: 'failed', error: `The provider would not reverse this part (${outcome.message}): take the rest and refund after` };
    }
    if (job.attempt >= timings.maxCancelAttempts) {
      log.error({ paymentId: row.id }, 'the reversal of a paid part was never confirmed; it stays paid');
      appendEventNow(row.id, 'part_reversal_failed', { reason: 'unconfirmed', providerMessage: outcome.kind === 'failed' ? outcome.message : outcome.kind === 'unknown' ? outcome.reason : null });
      tell(findPayment(db, row.id)!);
      return { outcome: 'failed', error: 'The provider never confirmed the reversal: the part stays paid; check it with the provider' };
    }
    return { outcome: 'retry', error: outcome.kind === 'unknown' ? outcome.reason : outcome.kind };
  }

  function appendEventNow(paymentId: string, type: string, data: unknown) {
    db.transaction(() => appendPaymentEvent(db, paymentId, type, data, clock.now().toISOString()))();
  }

  function markPartReversed(row: PaymentRow): JobResult {
    const at = clock.now().toISOString();
    const state: PaymentState = { ...stateOf(row), status: 'reversed' };
    db.transaction(() => {
      appendPaymentEvent(db, row.id, 'part_reversed', {}, at);
      updatePayment(db, row.id, { status: 'reversed', state: JSON.stringify(state), acquirer_sn: row.acquirer_sn, failure_code: null, failure_message: null, finished_at: at, at });
    })();
    log.info({ paymentId: row.id, saleId: row.sale_id, amount: row.amount }, 'paid part of an open sale reversed');
    tell(findPayment(db, row.id)!);
    return { outcome: 'done' };
  }

  jobs.register({
    kind: REVERSE_PART_JOB,
    payload: paymentJobPayload,
    concurrency: PAYMENT_JOB_CONCURRENCY,
    backoff: () => timings.cancelRetryMs,
    handler: reversePart,
  });

  for (const kind of ['query', 'cancel'] as const) {
    jobs.register({
      kind: `payment.${kind}`,
      payload: paymentJobPayload,
      concurrency: PAYMENT_JOB_CONCURRENCY,
      // A handler that throws is tried again after the cancel retry delay rather than spinning.
      backoff: () => timings.cancelRetryMs,
      handler: (job) => runJob(job, kind),
    });
  }

  const wake = () => jobs.wake();

  /** A paid answer's payment_list and merchant discount, kept before the sale completes so its reports can sum them. */
  const keepPaidParts = (paymentId: string, outcome: QueryOutcome) => {
    if (outcome.kind === 'paid') setPaymentParts(db, paymentId, outcome);
  };

  /**
   * What every new payment checks first: nothing unresolved from before, a sale to pay, no other payment running,
   * something still due after the paid parts (and none of them being reversed), and the part's amount within it.
   */
  function payableSale(surface: Surface, asked: number | undefined) {
    if (recovering.size > 0) {
      throw new PosError('unavailable', 'Earlier wallet payments are still being resolved; take cash or wait a moment', { recovering: recovering.size });
    }
    const cart = sales.current(surface);
    if (!cart || cart.lines.length === 0) throw new PosError('conflict', 'There is no sale to pay');
    const active = latestPaymentForSale(db, cart.saleId);
    if (active && !isFinal(stateOf(active).status)) throw new PosError('conflict', 'A payment for this sale is still in progress', { reason: 'payment_in_progress', paymentId: active.id });
    const parts = paidPaymentsOfSale(db, cart.saleId);
    const due = cart.stillDue ?? stillDue(amountToPay(cart), parts);
    // Paid already, its sale not yet closed (a full disk): another payment would charge the customer twice.
    if (parts.length > 0 && due === 0) {
      throw new PosError('conflict', 'This sale is paid; its completion is pending', { reason: SALE_COMPLETION_PENDING, paymentId: parts.at(-1)!.id });
    }
    const reversing = parts.find((p) => partReversalPending(db, p.id));
    if (reversing) {
      throw new PosError('conflict', 'The paid parts of this sale are being given back: wait until they are', { reason: 'reversing_parts', paymentId: reversing.id });
    }
    // The customer may have been charged (a reversal never confirmed, or paid a different amount): another wallet
    // payment could charge them twice. A person looks at it first (reconciliation, refund); cash still works.
    if (active && stateOf(active).status === 'needs_attention') {
      throw new PosError('conflict', 'The last wallet payment of this sale needs attention: check it before charging the customer again', {
        reason: 'needs_attention',
        paymentId: active.id,
      });
    }
    let amount: number;
    try {
      amount = partAmount(asked, due);
    } catch (error) {
      if (error instanceof PartAmountError) throw new PosError('validation_failed', error.message, { reason: error.reason, stillDue: due });
      throw error;
    }
    return { cart, amount };
  }

  /**
   * After waiting for the acquirer's credentials (a check-in can take seconds), the sale must still be the one,
   * at the amount, that the payment was asked for, with no other payment started meanwhile; otherwise a voided
   * or changed sale would be charged, or charged twice.
   */
  function stillPayable(asked: { cart: Cart; amount: number }, surface: Surface) {
    const now = payableSale(surface, asked.amount);
    const { cart } = now;
    if (cart.saleId !== asked.cart.saleId || cart.total !== asked.cart.total || amountToPay(cart) !== amountToPay(asked.cart) || cart.stillDue !== asked.cart.stillDue) {
      throw new PosError('conflict', 'The sale changed while the payment was being prepared; ask for payment again', { reason: 'sale_changed' });
    }
    return now;
  }

  const reachablePort = (provider: ProviderId) =>
    gateway
      .provider(provider)
      .connect()
      .catch((error: unknown) => {
        online = false;
        throw new PosError('unavailable', `The acquirer cannot be reached: ${(error as Error).message}`, { reason: 'offline', provider });
      });

  /** Commit before send: the row and its safety-net job exist before any byte leaves the terminal. */
  function commitNew(input: { saleId: string; amount: number; kind: 'code' | 'qr'; wallet: Wallet; provider: ProviderId; codeHash: string | null; maskedCode: string | null; userId: string | null }) {
    const now = clock.now();
    const id = newId();
    const clientSn = `${now.toISOString().slice(0, 10).replaceAll('-', '')}${id.slice(-12)}`;
    const state = submitted(input.amount, now.getTime());
    db.transaction(() => {
      insertPayment(db, {
        id,
        sale_id: input.saleId,
        client_sn: clientSn,
        kind: input.kind,
        wallet: input.wallet,
        provider: input.provider,
        code_hash: input.codeHash,
        masked_code: input.maskedCode,
        amount: input.amount,
        status: state.status,
        state: JSON.stringify(state),
        user_id: input.userId,
        created_at: now.toISOString(),
      });
      appendPaymentEvent(db, id, 'submitted', { clientSn, kind: input.kind, wallet: input.wallet, provider: input.provider, amount: input.amount }, now.toISOString());
      // If the terminal dies before the answer is recorded, this job resolves the payment at the next start.
      setSubjectJob(db, { id: newId(), kind: 'payment.query', subject: jobSubject(id), payload: { paymentId: id }, runAt: now.getTime() + timings.pollIntervalMs, deadlineAt: null, at: now.toISOString() });
    })();
    tell(findPayment(db, id)!);
    return { id, clientSn };
  }

  return {
    async payByQr(wallet, session, asked) {
      // The sale of the surface the caller sells on (the till's, or a kiosk session's order).
      const surface = surfaceOfCaller(session.caller);
      const payable = payableSale(surface, asked);
      const { cart, amount } = payable;
      if (!gateway.offers(wallet, 'merchantQr')) {
        throw new PosError('validation_failed', 'The payment provider of this wallet offers no merchant QR: scan the customer’s payment code', { reason: 'not_offered', wallet });
      }
      const provider = gateway.providerFor(wallet);
      // Before anything is sent: money must never come in that the terminal cannot record.
      await assertDiskRoom();
      const port = await reachablePort(provider);
      stillPayable(payable, surface);
      const { id, clientSn } = commitNew({ saleId: cart.saleId, amount, kind: 'qr', wallet, provider, codeHash: null, maskedCode: null, userId: session.caller.userId });
      log.info({ paymentId: id, clientSn, wallet, amount, ofSale: amountToPay(cart) }, 'merchant QR requested');
      const outcome = await port.precreate({ clientSn, amount, wallet, subject, operator: session.caller.userId ?? 'pos' });
      online = outcome.kind !== 'unknown';
      const row = findPayment(db, id)!;
      if (outcome.kind === 'created') {
        db.transaction(() => setPaymentQr(db, id, outcome.qrCode, outcome.acquirerSn))();
        // The order exists and waits for the customer: poll it like a PIN wait.
        return view(apply(findPayment(db, id)!, { type: 'answer', answer: { kind: 'pending', acquirerSn: outcome.acquirerSn }, at: clock.now().getTime() }, 'precreate', outcome));
      }
      const answer: AcquirerAnswer = outcome.kind === 'failed' ? { kind: 'failed', code: 'other', message: outcome.message } : { kind: 'unknown', reason: outcome.reason };
      return view(apply(row, { type: 'answer', answer, at: clock.now().getTime() }, 'precreate', outcome));
    },

    async payByCode(rawCode, session, asked) {
      const surface = surfaceOfCaller(session.caller);
      const payable = payableSale(surface, asked);
      const { cart, amount } = payable;
      const code = rawCode.trim();
      const kind = classifyPaymentCode(code);
      if (!kind.ok) {
        throw new PosError('validation_failed', looksLikeProductBarcode(code) ? 'That is a product barcode, not a payment code' : 'Not a payment code', {
          reason: looksLikeProductBarcode(code) ? 'product_barcode' : kind.reason,
          accepted: WALLETS,
        });
      }
      if (acquirerRefusalOf(code)) {
        throw new PosError('validation_failed', `This code is longer than the acquirer accepts (${MAX_DYNAMIC_ID_BYTES} characters): ask the customer for the payment code in the wallet app`, {
          reason: 'too_long_for_acquirer',
          maxLength: MAX_DYNAMIC_ID_BYTES,
        });
      }
      const codeHash = hashCode(code);
      if (codeHashUsed(db, codeHash)) {
        throw new PosError('conflict', 'This payment code was used already: ask the customer to refresh it', { reason: 'code_reused' });
      }
      const provider = gateway.providerFor(kind.wallet);
      // Before anything is sent: money must never come in that the terminal cannot record.
      await assertDiskRoom();
      const port = await reachablePort(provider);
      stillPayable(payable, surface);
      if (codeHashUsed(db, codeHash)) {
        throw new PosError('conflict', 'This payment code was used already: ask the customer to refresh it', { reason: 'code_reused' });
      }
      const { id, clientSn } = commitNew({
        saleId: cart.saleId,
        amount,
        kind: 'code',
        wallet: kind.wallet,
        provider,
        codeHash,
        maskedCode: maskCode(code),
        userId: session.caller.userId,
      });
      log.info({ paymentId: id, clientSn, wallet: kind.wallet, provider, amount, ofSale: amountToPay(cart), code: maskCode(code) }, 'wallet payment submitted');

      const outcome = await port.pay({ clientSn, amount, authCode: code, subject, operator: session.caller.userId ?? 'pos' });
      keepPaidParts(id, outcome);
      online = outcome.kind !== 'unknown';
      try {
        return view(apply(findPayment(db, id)!, { type: 'answer', answer: answerOf(outcome), at: clock.now().getTime() }, 'pay', outcome));
      } catch (error) {
        // The answer could not be recorded: the payment's query job (committed before the send) learns it again.
        if (isDiskFullError(error)) throw diskFullError({ paymentId: id, acquirerAnswered: outcome.kind, resolvedBy: 'query job' });
        throw error;
      }
    },

    async cancel(paymentId, session) {
      const row = findPayment(db, paymentId);
      if (!row) throw new PosError('not_found', 'No such payment', { paymentId });
      // The till never reverses the kiosk customer's payment, nor the kiosk the till's (staff take over a kiosk
      // order held for them with sale.void {surface: 'kiosk'}, once its payment is final).
      if (surfaceOfPayment(row) !== surfaceOfCaller(session.caller)) {
        throw new PosError('forbidden', 'This payment belongs to another selling surface', { reason: 'other_surface', paymentId });
      }
      if (isFinal(stateOf(row).status)) return view(row);
      return view(apply(row, { type: 'cashier_cancel', at: clock.now().getTime() }, 'cashier_cancel', {}));
    },

    reverseParts(session) {
      const surface = surfaceOfCaller(session.caller);
      const cart = sales.current(surface);
      if (!cart) throw new PosError('conflict', 'There is no open sale');
      const active = latestPaymentForSale(db, cart.saleId);
      if (active && !isFinal(stateOf(active).status)) {
        throw new PosError('conflict', 'A payment for this sale is still in progress', { reason: 'payment_in_progress', paymentId: active.id });
      }
      const parts = paidPaymentsOfSale(db, cart.saleId);
      if (parts.length === 0) throw new PosError('conflict', 'No part of this sale is paid by wallet', { reason: 'no_paid_parts' });
      if (cart.stillDue === 0) {
        throw new PosError('conflict', 'This sale is paid; its completion is pending', { reason: SALE_COMPLETION_PENDING, paymentId: parts.at(-1)!.id });
      }
      const at = clock.now();
      db.transaction(() => {
        for (const part of parts) {
          appendPaymentEvent(db, part.id, 'part_reversal_requested', { userId: session.caller.userId }, at.toISOString());
          setSubjectJob(db, { id: newId(), kind: REVERSE_PART_JOB, subject: jobSubject(part.id), payload: { paymentId: part.id }, runAt: at.getTime(), deadlineAt: null, at: at.toISOString() });
        }
      })();
      log.info({ saleId: cart.saleId, parts: parts.map((p) => ({ paymentId: p.id, provider: p.provider, amount: p.amount })), userId: session.caller.userId }, 'reversing the paid parts of an open sale');
      wake();
      return parts.map((p) => view(p));
    },

    forOpenSale(saleId) {
      const row = latestPaymentForSale(db, saleId);
      return row ? view(row) : null;
    },

    recover() {
      for (const row of paidPaymentsOfOpenSales(db)) {
        log.warn({ paymentId: row.id, saleId: row.sale_id }, 'completing a sale whose wallet payment was paid before the last stop');
        const completion = completeSale(row);
        if (completion.kind === 'done') retireCompletionJob(row.id);
        else if (completion.kind === 'pending') {
          // Paid before a version that queued completions: make sure its job exists (on a full disk, the next start does).
          const at = clock.now().toISOString();
          try {
            db.transaction(() => scheduleCompletion(row.id, at))();
          } catch (error) {
            log.error({ err: error, paymentId: row.id }, 'could not queue the completion of a paid sale');
          }
        }
      }
      const unfinished = unfinishedPayments(db);
      const now = clock.now().getTime();
      // Paid parts whose reversal a crash cut short: run it again now rather than when the dead run's lease ends.
      const reversals = paidPaymentsOfOpenSales(db).filter((row) => partReversalPending(db, row.id));
      db.transaction(() => {
        for (const row of reversals) {
          setSubjectJob(db, { id: newId(), kind: REVERSE_PART_JOB, subject: jobSubject(row.id), payload: { paymentId: row.id }, runAt: now, deadlineAt: null, at: new Date(now).toISOString() });
        }
        for (const row of unfinished) {
          recovering.add(row.id);
          // Ask about it right away, whatever was scheduled before the restart.
          const kind = stateOf(row).status === 'cancelling' ? 'payment.cancel' : 'payment.query';
          setSubjectJob(db, { id: newId(), kind, subject: jobSubject(row.id), payload: { paymentId: row.id }, runAt: now, deadlineAt: null, at: new Date(now).toISOString() });
        }
      })();
      if (unfinished.length) log.warn({ payments: unfinished.length }, 'resolving wallet payments left unfinished by the last run');
      // Enrol (or check in) before the first customer, and learn whether the acquirer is there.
      const warmUp = () =>
        credentials().then(
          () => (online = true),
          (error: unknown) => {
            online = false;
            log.warn({ err: error }, 'acquirer not reachable at start');
          },
        );
      if (deps.warmUpAfterMs) {
        warmUpTimer = setTimeout(() => {
          warmUpTimer = null;
          void warmUp();
        }, deps.warmUpAfterMs);
        warmUpTimer.unref();
      } else void warmUp();
      wake();
    },

    status: () => ({ online, pendingJobs: openJobCount(db), recovering: recovering.size }),


    stop() {
      // The job runner is stopped by its owner.
      if (warmUpTimer) clearTimeout(warmUpTimer);
      warmUpTimer = null;
    },
  };
}

/**
 * The wallet-payment state machine: pure transitions, no clock and no I/O (the runner in main feeds
 * it outcomes and the time, and carries out the action it returns). ARCHITECTURE.md "Payments".
 *
 *   submitted ──pay/query──> paid | failed                       (definite)
 *       │                └─> pending | unknown ──poll every pollIntervalMs──┐
 *       │                                                                   │ past pollDeadlineMs, or the cashier cancels
 *       └───────────────────────────────────────────────────────> cancelling ──> reversed | paid (late) | failed
 *                                                                    └─ still unsure after maxCancelAttempts ──> needs_attention
 *
 * Nothing that timed out or lost its reply is declared failed before a cancel for its client_sn is confirmed:
 * "not found" only says the request has not arrived yet, and a pay request still on the network would otherwise
 * be paid after the cashier took cash instead (the acquirer refuses a client_sn once it was cancelled).
 */

export type PaymentStatus = 'submitted' | 'pending' | 'unknown' | 'cancelling' | 'paid' | 'failed' | 'reversed' | 'needs_attention';

export const FINAL_STATUSES: readonly PaymentStatus[] = ['paid', 'failed', 'reversed', 'needs_attention'];
export const isFinal = (status: PaymentStatus): boolean => FINAL_STATUSES.includes(status);

export interface PaymentTimings {
  /** Between two queries while the customer types a PIN (WeChat's guide: 3–5 s). */
  pollIntervalMs: number;
  /** From submission until the terminal gives up waiting and reverses (wallets auto-close at ~45 s). */
  pollDeadlineMs: number;
  /** Between two cancel attempts while the acquirer says "again". */
  cancelRetryMs: number;
  maxCancelAttempts: number;
  /** Quicker polls at first: every `intervalMs` for the first `forMs` after submission, then every pollIntervalMs. */
  firstPolls?: { intervalMs: number; forMs: number };
}

/** Between two polls of a payment submitted `elapsedMs` ago. */
export function pollIntervalAt(timings: PaymentTimings, elapsedMs: number): number {
  const first = timings.firstPolls;
  return first && elapsedMs < first.forMs ? first.intervalMs : timings.pollIntervalMs;
}

/** A merchant QR (precreate.md Q1): poll every 2 s for the first 30 s, then every 5 s. */
export const QR_POLLING: Pick<PaymentTimings, 'pollIntervalMs' | 'firstPolls'> = { pollIntervalMs: 5000, firstPolls: { intervalMs: 2000, forMs: 30_000 } };

export const DEFAULT_PAYMENT_TIMINGS: PaymentTimings = { pollIntervalMs: 4000, pollDeadlineMs: 45_000, cancelRetryMs: 5000, maxCancelAttempts: 10 };

export type FailureCode = 'insufficient_funds' | 'code_expired' | 'code_invalid' | 'limit_exceeded' | 'declined' | 'order_conflict' | 'offline' | 'other';

/** What the acquirer said, as the adapter classifies it (the acquirer port's outcome shapes). */
export type AcquirerAnswer =
  | { kind: 'paid'; amount: number; acquirerSn: string }
  | { kind: 'pending'; acquirerSn: string | null }
  | { kind: 'unknown'; reason: string }
  | { kind: 'failed'; code: FailureCode; message: string }
  | { kind: 'cancelled' }
  | { kind: 'not_found' }
  | { kind: 'refunded' };

export type CancelAnswer = { kind: 'cancelled' } | { kind: 'in_progress' } | { kind: 'unknown'; reason: string } | { kind: 'failed'; message: string };

export interface PaymentState {
  status: PaymentStatus;
  amount: number;
  submittedAt: number;
  acquirerSn: string | null;
  cancelAttempts: number;
  /** The last query found no order: if a cancel then confirms, the request never charged anything (failed, not reversed). */
  lastQueryNotFound: boolean;
  failure: { code: FailureCode; message: string } | null;
}

export type PaymentInput =
  | { type: 'answer'; answer: AcquirerAnswer; at: number }
  | { type: 'cancel_answer'; answer: CancelAnswer; at: number }
  | { type: 'cashier_cancel'; at: number }
  /** A query job came due but could not be sent (the acquirer unreachable): nothing learnt. */
  | { type: 'no_answer'; reason: string; at: number };

export type NextAction = { kind: 'none' } | { kind: 'query'; at: number } | { kind: 'cancel'; at: number };

export interface Step {
  state: PaymentState;
  action: NextAction;
}

export function submitted(amount: number, at: number): PaymentState {
  return { status: 'submitted', amount, submittedAt: at, acquirerSn: null, cancelAttempts: 0, lastQueryNotFound: false, failure: null };
}

const none: NextAction = { kind: 'none' };

export function step(state: PaymentState, input: PaymentInput, timings: PaymentTimings): Step {
  if (isFinal(state.status)) return { state, action: none };
  const at = input.at;
  const pastDeadline = at - state.submittedAt >= timings.pollDeadlineMs;

  const startCancelling = (s: PaymentState): Step => ({ state: { ...s, status: 'cancelling' }, action: { kind: 'cancel', at } });
  const keepWaiting = (s: PaymentState): Step => {
    if (!pastDeadline) return { state: s, action: { kind: 'query', at: Math.min(at + pollIntervalAt(timings, at - state.submittedAt), state.submittedAt + timings.pollDeadlineMs) } };
    // Even when nothing was found: the request may still be on its way, so it is cancelled before anyone is told.
    return startCancelling(s);
  };
  const retryCancel = (s: PaymentState): Step => {
    const attempts = s.cancelAttempts + 1;
    if (attempts >= timings.maxCancelAttempts) {
      return { state: { ...s, cancelAttempts: attempts, status: 'needs_attention', failure: { code: 'other', message: 'The acquirer never confirmed the reversal' } }, action: none };
    }
    return { state: { ...s, cancelAttempts: attempts, status: 'cancelling' }, action: { kind: 'cancel', at: at + timings.cancelRetryMs } };
  };

  switch (input.type) {
    case 'cashier_cancel':
      return startCancelling(state);

    case 'no_answer':
      return state.status === 'cancelling' ? retryCancel(state) : keepWaiting(state);

    case 'answer': {
      const a = input.answer;
      const sn = 'acquirerSn' in a && a.acquirerSn ? a.acquirerSn : state.acquirerSn;
      switch (a.kind) {
        case 'paid':
          if (a.amount !== state.amount) {
            // Never accept a different amount as this sale's payment; a person must look.
            return {
              state: { ...state, acquirerSn: sn, status: 'needs_attention', failure: { code: 'other', message: `Paid ${a.amount}, expected ${state.amount}` } },
              action: none,
            };
          }
          // Paid, even while cancelling: the reversal lost the race, so the sale goes through ("late" paid).
          return { state: { ...state, acquirerSn: sn, status: 'paid', failure: null }, action: none };
        case 'failed':
          if (a.code === 'order_conflict') {
            // "This order number exists already": this request charged nothing, but that order may be paid.
            const next: PaymentState = { ...state, status: state.status === 'cancelling' ? 'cancelling' : 'unknown' };
            return next.status === 'cancelling' ? retryCancel(next) : keepWaiting(next);
          }
          return { state: { ...state, status: 'failed', failure: { code: a.code, message: a.message } }, action: none };
        case 'cancelled':
          return state.status === 'cancelling'
            ? { state: { ...state, status: 'reversed' }, action: none }
            : { state: { ...state, status: 'failed', failure: { code: 'declined', message: 'The customer cancelled, or the acquirer closed the order' } }, action: none };
        case 'refunded':
          return { state: { ...state, status: 'reversed' }, action: none };
        case 'pending':
        case 'unknown':
        case 'not_found': {
          const next: PaymentState = {
            ...state,
            acquirerSn: sn,
            lastQueryNotFound: a.kind === 'not_found',
            status: state.status === 'cancelling' ? 'cancelling' : a.kind === 'pending' ? 'pending' : 'unknown',
          };
          return next.status === 'cancelling' ? retryCancel(next) : keepWaiting(next);
        }
      }
      break;
    }

    case 'cancel_answer': {
      const a = input.answer;
      if (a.kind === 'cancelled') {
        // No order was ever found: the cancel closed its client_sn, so a request still in flight cannot charge.
        if (state.lastQueryNotFound) {
          return { state: { ...state, status: 'failed', failure: { code: 'other', message: 'The payment never reached the acquirer; it was cancelled there, so it cannot be paid late' } }, action: none };
        }
        return { state: { ...state, status: 'reversed' }, action: none };
      }
      // "Cannot cancel" usually means it was paid after all: ask, and let the answer decide.
      if (a.kind === 'failed') return { state: { ...state, status: 'cancelling' }, action: { kind: 'query', at } };
      return retryCancel(state);
    }
  }
  return { state, action: none };
}

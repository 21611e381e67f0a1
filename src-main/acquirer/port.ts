/**
 * The acquirer port: the one interface the payment engine calls, whatever acquirer sits behind it
 * (the Shouqianba terminal API, the sandbox speaking the same API, later WeChat Pay v2 / Alipay direct).
 * ARCHITECTURE.md "Payments"; payments.md §4.1.
 *
 * Money is integer fen. Outcomes are data, never exceptions: only `activate`, `checkin` and `statement`
 * throw (AcquirerError), because they move no money and the caller simply retries or shows the message.
 *
 * What each outcome promises:
 * - `paid`: the acquirer said the order is PAID. `amount` is what it reports; `pay` has already checked
 *   it equals the requested amount (a mismatch is `unknown`), `query` cannot, so the engine compares.
 * - `pending`: the order exists and is not final (the customer is entering a PIN): query again.
 * - `unknown`: nothing trustworthy came back (timeout, reset, 5xx, garbage, a "result unknown" code).
 *   The order MAY exist and MAY be paid: resolve it by query, then cancel.
 * - `failed`: definite: this request charged nothing. One exception to read carefully:
 *   `order_conflict` (CLIENT_SN_CONFLICT) says an order with this client_sn already exists; this request
 *   charged nothing, but that earlier order may be paid, so the engine queries it.
 */
import type { PayerAmount } from '../../src-common/cross-border';
import type { Wallet } from '../../src-common/payment-code';
import type { FailureCode } from '../../src-common/payment-state';


export interface TerminalCredentials {
  terminalSn: string;
  terminalKey: string;
  /** Local YYYY-MM-DD of the last activation or checkin: check in again when it is not today. */
  keyDate: string;
}

/** One part of how an order was paid (Shouqianba's `payment_list`): the provider's type word, fen. */
export interface PaymentPart {
  type: string;
  amount: number;
}

export type PayOutcome =
  | {
      kind: 'paid';
      acquirerSn: string;
      amount: number;
      wallet: Wallet | null;
      payerRef: string | null;
      finishedAt: string;
      /** As the acquirer listed it; empty when it did not. */
      paymentList: PaymentPart[];
      /** Fen of `amount` the merchant funds (its own discounts and red packets): the customer paid that much less. */
      merchantDiscount: number;
      /**
       * Cross-border (a store currency other than CNY): what the customer's wallet charged in its own currency and
       * the rate, read from this reply (src-common/cross-border.ts); null or absent when the reply gives none or the
       * store prices in CNY. A reply that gives them malformed or contradictory is `unknown`, never paid.
       */
      payer?: PayerAmount | null;
    }
  /** Waiting for the customer's PIN / in progress: poll with query. */
  | { kind: 'pending'; acquirerSn: string | null }
  /** Timeout, connection dropped, 5xx, unparseable reply: the order MAY exist. */
  | { kind: 'unknown'; reason: string }
  /** Definite: the customer was not charged (PAY_FAIL = failed and reversed). See `order_conflict` above. */
  | { kind: 'failed'; code: FailureCode; message: string };

export type QueryOutcome = PayOutcome | { kind: 'cancelled' } | { kind: 'not_found' } | { kind: 'refunded'; refundedAmount: number; amount: number };

export type CancelOutcome =
  | { kind: 'cancelled' }
  /** Repeat the cancel. */
  | { kind: 'in_progress' }
  | { kind: 'unknown'; reason: string }
  /** E.g. too late: the order is paid and can no longer be reversed (another day, partly refunded): the engine queries. */
  | { kind: 'failed'; message: string };

export type RefundOutcome =
  /** `payerRefund`: the customer's side of this refund in their wallet's currency, when the reply gives it (cross-border). */
  | { kind: 'refunded'; refundedTotal: number; payerRefund?: { currency: string; amount: number } | null }
  | { kind: 'in_progress' }
  | { kind: 'unknown'; reason: string }
  | { kind: 'failed'; code: 'not_enough_refundable' | 'not_refundable' | 'other'; message: string };

/**
 * Where a refund whose reply was lost stands, read from the order (query): `not_arrived` when the order shows
 * no refund since the payment, so the same request (same refund_request_no) can be sent again.
 */
export type RefundStatusOutcome = RefundOutcome | { kind: 'not_arrived' };

export type PrecreateOutcome =
  | { kind: 'created'; qrCode: string; acquirerSn: string }
  | { kind: 'failed'; message: string }
  | { kind: 'unknown'; reason: string };

/**
 * One money movement of the acquirer's statement in the common form every adapter maps its provider's
 * statement into (the provider's columns, payway codes and words stay in the adapter). Only completed
 * movements are listed; the reconciliation matches them by clientSn (pay, cancel) and refundRequestNo.
 */
export interface StatementRow {
  clientSn: string;
  acquirerSn: string;
  /** `cancel` is a reversal (冲正) of a paid order: money back to the customer, like a full refund. */
  type: 'pay' | 'refund' | 'cancel';
  wallet: Wallet | null;
  /** Positive fen; the type says which way the money went. */
  amount: number;
  /** The provider's own word for the row's state, for display (every listed row is a completed movement). */
  status: string;
  finishedAt: string;
  refundRequestNo: string | null;
}

export interface AcquirerPort {
  /** Throws AcquirerError on failure. */
  activate(input: { code: string; deviceId: string; name: string }): Promise<TerminalCredentials>;
  /** Rotates the key; throws AcquirerError on failure. If the reply is lost, retry with the old credentials. */
  checkin(creds: TerminalCredentials, deviceId: string): Promise<TerminalCredentials>;
  pay(creds: TerminalCredentials, input: { clientSn: string; amount: number; authCode: string; subject: string; operator: string }): Promise<PayOutcome>;
  precreate(creds: TerminalCredentials, input: { clientSn: string; amount: number; wallet: Wallet; subject: string; operator: string }): Promise<PrecreateOutcome>;
  query(creds: TerminalCredentials, clientSn: string): Promise<QueryOutcome>;
  /** Reversal (冲正) of an order whose result is unknown. */
  cancel(creds: TerminalCredentials, clientSn: string): Promise<CancelOutcome>;
  /** Manual reversal (撤单) of a paid order in full, the same day only: a same-day void. */
  revoke(creds: TerminalCredentials, clientSn: string): Promise<CancelOutcome>;
  /** One refund; a retry of the same refund keeps its refundRequestNo. */
  refund(creds: TerminalCredentials, input: { clientSn: string; refundRequestNo: string; amount: number; operator: string }): Promise<RefundOutcome>;
  /**
   * Settles a refund whose reply was lost, by query, without sending it again. `refundedBefore`: what was
   * refunded on the order before this refund, when the caller knows it (no other refund of it unfinished), else null.
   */
  refundStatus(
    creds: TerminalCredentials,
    input: { clientSn: string; refundRequestNo: string; amount: number; refundedBefore: number | null },
  ): Promise<RefundStatusOutcome>;
  /** The day's successful pays, refunds and reversals (Beijing date YYYY-MM-DD). Throws AcquirerError on failure. */
  statement(creds: TerminalCredentials, date: string): Promise<StatementRow[]>;
}

/**
 * A failed activate / checkin / statement. `code` is the acquirer's error_code when it gave one
 * (INVALID_PARAMS, ILLEGAL_SIGN, INVALID_TERMINAL, ...), else one of ours: `network`, `timeout`,
 * `server_error`, `bad_reply`.
 */
export class AcquirerError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AcquirerError';
  }
}

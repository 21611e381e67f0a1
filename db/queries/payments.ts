import type { Database } from 'better-sqlite3';
import type { PayerAmount } from '../../src-common/cross-border';
import { stmt } from '../statements';

export interface PaymentRow {
  id: string;
  sale_id: string;
  client_sn: string;
  kind: 'code' | 'qr';
  wallet: string | null;
  masked_code: string | null;
  amount: number;
  status: string;
  state: string;
  acquirer_sn: string | null;
  qr_code: string | null;
  failure_code: string | null;
  failure_message: string | null;
  user_id: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
  /** Fen of `amount` the merchant funds (its own discounts, from the acquirer's payment_list). */
  merchant_discount: number;
  /** The acquirer's payment_list as JSON [{ type, amount }], or null when it gave none. */
  payment_list: string | null;
  /** The provider that took the payment (src-common/payment-provider.ts) and the currency of `amount`. */
  provider: string;
  currency: string;
  /**
   * Cross-border (src-common/cross-border.ts): what the customer's wallet charged, in minor units of payer_currency,
   * and the rate exactly as its paid reply wrote it (payer_rate_scale: places to shift its decimal point). NULL when
   * the reply gave none or the store prices in CNY.
   */
  payer_currency: string | null;
  payer_amount: number | null;
  payer_rate: string | null;
  payer_rate_scale: number | null;
}

export function insertPayment(
  db: Database,
  p: Omit<PaymentRow, 'acquirer_sn' | 'failure_code' | 'failure_message' | 'finished_at' | 'updated_at' | 'qr_code' | 'merchant_discount' | 'payment_list' | 'provider' | 'currency' | 'payer_currency' | 'payer_amount' | 'payer_rate' | 'payer_rate_scale'> & {
    code_hash: string | null;
    provider?: string;
  },
): void {
  stmt(
    db,
    `INSERT INTO payment (id, sale_id, client_sn, kind, wallet, code_hash, masked_code, amount, status, state, user_id, created_at, updated_at, provider, currency)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT currency FROM sale WHERE id = ?))`,
  ).run(p.id, p.sale_id, p.client_sn, p.kind, p.wallet, p.code_hash, p.masked_code, p.amount, p.status, p.state, p.user_id, p.created_at, p.created_at, p.provider ?? 'aggregator', p.sale_id);
}

export function codeHashUsed(db: Database, codeHash: string): boolean {
  return stmt(db, 'SELECT 1 FROM payment WHERE code_hash = ?').pluck().get(codeHash) !== undefined;
}

export function updatePayment(
  db: Database,
  id: string,
  fields: { status: string; state: string; acquirer_sn: string | null; failure_code: string | null; failure_message: string | null; finished_at: string | null; at: string },
): void {
  stmt(
    db,
    'UPDATE payment SET status = ?, state = ?, acquirer_sn = ?, failure_code = ?, failure_message = ?, finished_at = ?, updated_at = ? WHERE id = ?',
  ).run(fields.status, fields.state, fields.acquirer_sn, fields.failure_code, fields.failure_message, fields.finished_at, fields.at, id);
}

/**
 * How the acquirer says a paid order was paid: its parts, the merchant-funded discount among them and, cross-border,
 * what the customer paid in their wallet's currency at which rate (kept as the paid reply gave them; a later paid
 * reply without them leaves what an earlier one said).
 */
export function setPaymentParts(
  db: Database,
  id: string,
  parts: { merchantDiscount: number; paymentList: readonly { type: string; amount: number }[]; payer?: PayerAmount | null },
): void {
  stmt(db, 'UPDATE payment SET merchant_discount = ?, payment_list = ? WHERE id = ?').run(
    parts.merchantDiscount,
    parts.paymentList.length ? JSON.stringify(parts.paymentList) : null,
    id,
  );
  const payer = parts.payer;
  if (payer) {
    stmt(db, 'UPDATE payment SET payer_currency = ?, payer_amount = ?, payer_rate = ?, payer_rate_scale = ? WHERE id = ?').run(
      payer.currency,
      payer.amount,
      payer.rate,
      payer.rate === null ? null : payer.rateScale,
      id,
    );
  }
}

export function appendPaymentEvent(db: Database, paymentId: string, type: string, data: unknown, at: string): void {
  stmt(db, 'INSERT INTO payment_event (payment_id, at, type, data) VALUES (?, ?, ?, ?)').run(paymentId, at, type, JSON.stringify(data));
}

export function findPayment(db: Database, id: string): PaymentRow | undefined {
  return stmt(db, 'SELECT * FROM payment WHERE id = ?').get(id) as PaymentRow | undefined;
}

export function latestPaymentForSale(db: Database, saleId: string): PaymentRow | undefined {
  return stmt(db, 'SELECT * FROM payment WHERE sale_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1').get(saleId) as PaymentRow | undefined;
}

export function unfinishedPayments(db: Database): PaymentRow[] {
  return stmt(db, "SELECT * FROM payment WHERE status IN ('submitted', 'pending', 'unknown', 'cancelling') ORDER BY created_at").all() as PaymentRow[];
}

export function setPaymentQr(db: Database, id: string, qrCode: string, acquirerSn: string): void {
  stmt(db, 'UPDATE payment SET qr_code = ?, acquirer_sn = ? WHERE id = ?').run(qrCode, acquirerSn, id);
}

/** Paid payments whose sale is still open: a crash fell between the payment's commit and the sale's. */
export function paidPaymentsOfOpenSales(db: Database): PaymentRow[] {
  return stmt(db, "SELECT p.* FROM payment p JOIN sale s ON s.id = p.sale_id WHERE p.status = 'paid' AND s.status = 'open'").all() as PaymentRow[];
}

/** A sale's paid wallet payments (its parts), oldest first: the tenders it completes with. */
export function paidPaymentsOfSale(db: Database, saleId: string): PaymentRow[] {
  return stmt(db, "SELECT * FROM payment WHERE sale_id = ? AND status = 'paid' ORDER BY created_at, rowid").all(saleId) as PaymentRow[];
}

/** The job kind that gives a paid part of an open sale back (src-main/services/payments.ts reverseParts). */
export const REVERSE_PART_JOB = 'payment.reversePart';

/** Why the last reversal asked for a paid part ended without giving it back (`part_reversal_failed`). */
export interface PartReversalFailure {
  /** `refused`: the provider said no (e.g. another day); `unconfirmed`: never confirmed after every attempt. */
  reason: 'refused' | 'unconfirmed';
  /** The provider's own words, when it gave any. */
  providerMessage: string | null;
}

/**
 * The failure of a paid part's latest reversal, or null when none was asked for or the latest one did not fail
 * (it is running, or a new one was asked for after it failed).
 */
export function partReversalFailure(db: Database, paymentId: string): PartReversalFailure | null {
  const last = stmt(db, "SELECT type, data FROM payment_event WHERE payment_id = ? AND type IN ('part_reversal_requested', 'part_reversal_failed') ORDER BY id DESC LIMIT 1").get(paymentId) as
    | { type: string; data: string }
    | undefined;
  if (last?.type !== 'part_reversal_failed') return null;
  const data = JSON.parse(last.data) as Partial<PartReversalFailure>;
  return { reason: data.reason === 'refused' ? 'refused' : 'unconfirmed', providerMessage: typeof data.providerMessage === 'string' ? data.providerMessage : null };
}

/** Whether a paid part's reversal is queued or running: its money may be on its way back to the customer. */
export function partReversalPending(db: Database, paymentId: string): boolean {
  return (
    stmt(db, "SELECT 1 FROM job WHERE subject = ? AND kind = ? AND status IN ('queued', 'running') LIMIT 1").pluck().get(`payment:${paymentId}`, REVERSE_PART_JOB) !==
    undefined
  );
}

/**
 * How Alipay's gateway replies become the acquirer port's outcomes (payments.md §3.2–3.6; the official F2F demo's
 * state machine, §3.4). Pure: the provider (./provider.ts) hands each function the reply as alipay-sdk opened it
 * (its signature already verified) or why it could not be opened.
 *
 * pay       10000, the same out_trade_no, a trade_no, the amount and currency asked                  → paid
 *           10000 but anything differs (order, amount, currency, a missing field)                    → unknown
 *           10003 (waiting for the customer's PIN)                                                   → pending (query)
 *           40004 buyer's balance, limits, risk, refresh-the-code codes                              → failed
 *           40004 ACQ.CONTEXT_INCONSISTENT (the out_trade_no was used with other parameters)         → failed order_conflict
 *           40004 ACQ.TRADE_HAS_SUCCESS ("确认该笔交易信息是否为当前买家的"), ACQ.SYSTEM_ERROR, any other
 *           sub_code; 20000; any other code; a reply whose signature does not verify, that is not JSON
 *           or lacks its node; HTTP errors, timeouts, cut replies                                    → unknown
 *           40002/40001/40006/20001 (the gateway refused the request itself: nothing was done)       → failed other
 *           connection never established (nothing sent)                                              → failed other
 * query     10000 trade_status TRADE_SUCCESS / TRADE_FINISHED → paid (same order and currency), WAIT_BUYER_PAY →
 *           pending, TRADE_CLOSED → cancelled (closed unpaid, by the customer, a timeout or our cancel, or paid
 *           and given back by trade.cancel or in full by refunds: Alipay's query does not say which, and each
 *           reader takes it as "no money kept": a waiting payment failed, a cancelling one reversed, a void done);
 *           40004 ACQ.TRADE_NOT_EXIST → not_found; else unknown
 * cancel    10000 → cancelled (retry_flag Y → in_progress); 40004 with retry_flag Y → in_progress;
 *           ACQ.TRADE_NOT_EXIST → cancelled (nothing to reverse, as WeChat's ORDERNOTEXIST);
 *           ACQ.TRADE_STATUS_ERROR, ACQ.REASON_TRADE_BEEN_FREEZEN, ACQ.TRADE_HAS_FINISHED → failed; else unknown
 * refund    10000 fund_change Y → refunded (refund_fee is the order's refunded total); fund_change N (a repeat of a
 *           refund already made, or not moved yet) → ask fastpay.refund.query; ACQ.REFUND_AMT_NOT_EQUAL_TOTAL,
 *           ACQ.SELLER_BALANCE_NOT_ENOUGH → not_enough_refundable; ACQ.TRADE_NOT_EXIST, ACQ.TRADE_STATUS_ERROR,
 *           ACQ.TRADE_HAS_FINISHED, ACQ.REASON_TRADE_BEEN_FREEZEN → not_refundable; ACQ.DISCORDANT_REPEAT_REQUEST → other;
 *           else unknown
 * refund query  10000 naming this out_request_no with refund_status REFUND_SUCCESS or none → refunded (the documentation:
 *           "如果该接口返回了查询数据，且refund_status为空或为REFUND_SUCCESS，则代表退款成功"); 10000 naming no refund →
 *           not_arrived (send it again, same out_request_no); else unknown
 */
import { z } from 'zod';
import { PayerCurrency, RateText, type PayerAmount } from '../../../src-common/cross-border';
import { currencyExponent } from '../../../src-common/money';
import type { FailureCode } from '../../../src-common/payment-state';
import type { CancelOutcome, PayOutcome, PrecreateOutcome, QueryOutcome, RefundOutcome, RefundStatusOutcome } from '../port';
import { ALIPAY_CODES, instantOfBeijingTime, minorOfAmountText } from './wire';

/** A gateway reply as alipay-sdk opened it, or why there is none to believe. */
export type AlipayReply =
  | { readonly ok: true; readonly node: Readonly<Record<string, unknown>> }
  /** `sent: false` only when the connection was never established: Alipay cannot have seen the request. */
  | { readonly ok: false; readonly reason: string; readonly sent: boolean };

/** What every reply about an order is read against. */
export interface Expected {
  readonly clientSn: string;
  /** The store's currency (ISO 4217) and its exponent. */
  readonly currency: string;
  readonly exponent: number;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const messageOf = (n: Readonly<Record<string, unknown>>) => [text(n.sub_code), text(n.sub_msg)].filter((s) => s).join(': ') || `${text(n.code) ?? '(no code)'} ${text(n.msg) ?? ''}`.trim();
/** The gateway refused the request before doing anything (parameters, signature, app, permissions). */
const REFUSED_BY_GATEWAY = new Set(['20001', '40001', '40002', '40006']);

const FAILED_PAY: Readonly<Record<string, FailureCode>> = {
  'ACQ.BUYER_BALANCE_NOT_ENOUGH': 'insufficient_funds',
  'ACQ.BUYER_BANKCARD_BALANCE_NOT_ENOUGH': 'insufficient_funds',
  'ACQ.PAYMENT_AUTH_CODE_INVALID': 'code_expired',
  'ACQ.AUTH_CODE_INVALID_OR_EXPIRE': 'code_expired',
  'ACQ.ILLEGAL_AUTH_CODE': 'code_invalid',
  'ACQ.PULL_MOBILE_CASHIER_FAIL': 'declined',
  'ACQ.PAYMENT_FAIL': 'declined',
  'ACQ.ERROR_BALANCE_PAYMENT_DISABLE': 'declined',
  'ACQ.BUYER_PAYMENT_AMOUNT_DAY_LIMIT_ERROR': 'limit_exceeded',
  'ACQ.BUYER_PAYMENT_AMOUNT_MONTH_LIMIT_ERROR': 'limit_exceeded',
  'ACQ.PAYMENT_REQUEST_HAS_RISK': 'declined',
  'ACQ.NO_PAYMENT_INSTRUMENTS_AVAILABLE': 'declined',
  'ACQ.USER_FACE_PAYMENT_SWITCH_OFF': 'declined',
  'ACQ.BUYER_SELLER_EQUAL': 'declined',
  'ACQ.TRADE_BUYER_NOT_MATCH': 'declined',
  'ACQ.CONTEXT_INCONSISTENT': 'order_conflict',
  'ACQ.TRADE_HAS_CLOSE': 'other',
  'ACQ.ACCESS_FORBIDDEN': 'other',
  'ACQ.INVALID_STORE_ID': 'other',
  'ACQ.TOTAL_FEE_EXCEED': 'limit_exceeded',
  'ACQ.BEYOND_PAY_RESTRICTION': 'limit_exceeded',
  'ACQ.BEYOND_PER_RECEIPT_RESTRICTION': 'limit_exceeded',
  'ACQ.SELLER_BEEN_BLOCKED': 'other',
  'ACQ.EXIST_FORBIDDEN_WORD': 'other',
  'ACQ.PARTNER_ERROR': 'other',
  'ACQ.INVALID_PARAMETER': 'other',
};

/** The reply's currency: `trans_currency` when present, else CNY (a mainland order names none). */
const currencyOfNode = (n: Readonly<Record<string, unknown>>) => text(n.trans_currency) ?? 'CNY';

const ExchangeRate = z.union([z.string(), z.number()]).transform((v) => (typeof v === 'number' ? String(v) : v)).pipe(RateText);
/**
 * The cross-border fields of alipay.trade.pay / query with trans_currency (the pay page's 响应示例,
 * ./spec-fixtures/pay-response.json): what the customer paid (`pay_currency`, `pay_amount`) at `trans_pay_rate`, and
 * what the merchant is settled (`settle_currency`, `settle_amount`) at `settle_trans_rate`. Amounts and rates are
 * strings in the documentation's table and numbers in some of its examples: both are read by their decimal text.
 */
const AlipayCrossBorder = z.object({
  pay_currency: PayerCurrency.optional(),
  pay_amount: z.union([z.string(), z.number()]).optional(),
  trans_pay_rate: ExchangeRate.optional(),
  settle_currency: PayerCurrency.optional(),
  settle_amount: z.union([z.string(), z.number()]).optional(),
  settle_trans_rate: ExchangeRate.optional(),
});

/**
 * The customer's side of a paid reply in a store priced in `currency` other than CNY: null for a CNY store or when
 * the reply names no pay_amount; a reason when anything of it is malformed or contradicts a Chinese wallet (a
 * pay_currency other than CNY, an amount with more decimals than its currency has or below zero, a rate that is
 * not a decimal, a settlement amount that is not one).
 */
export function payerOfAlipayNode(n: Readonly<Record<string, unknown>>, currency: string): { ok: true; payer: PayerAmount | null } | { ok: false; reason: string } {
  if (currency === 'CNY') return { ok: true, payer: null };
  const parsed = AlipayCrossBorder.safeParse(n);
  const bad = { ok: false as const, reason: `paid reply has pay_currency ${String(n.pay_currency ?? '(none)')}, pay_amount ${String(n.pay_amount ?? '(none)')}, trans_pay_rate ${String(n.trans_pay_rate ?? '(none)')}` };
  if (!parsed.success) return bad;
  const f = parsed.data;
  if (f.settle_amount !== undefined && minorOfAmountText(f.settle_amount, exponentOr(f.settle_currency ?? currency)) === null) return { ok: false, reason: `paid reply has settle_amount ${String(f.settle_amount)}` };
  if (f.pay_amount === undefined) return f.pay_currency === undefined && f.trans_pay_rate === undefined ? { ok: true, payer: null } : bad;
  const payCurrency = f.pay_currency ?? 'CNY';
  if (payCurrency !== 'CNY') return bad;
  const amount = minorOfAmountText(f.pay_amount, exponentOr(payCurrency));
  if (amount === null) return bad;
  return { ok: true, payer: { currency: payCurrency, amount, rate: f.trans_pay_rate ?? null, rateScale: 0 } };
}

/** A currency's exponent, or -1 (no amount matches) for one we do not know. */
function exponentOr(currency: string): number {
  try {
    return currencyExponent(currency);
  } catch {
    return -1;
  }
}

/** A paid order as a reply describes it; `unknown` when it is not the order asked for, in the amount and currency asked. */
export function paidOf(n: Readonly<Record<string, unknown>>, expected: Expected & { amount: number | null }, now: Date): PayOutcome {
  const tradeNo = text(n.trade_no);
  if (text(n.out_trade_no) !== expected.clientSn || !tradeNo) return { kind: 'unknown', reason: 'paid reply is for another order' };
  if (currencyOfNode(n) !== expected.currency) return { kind: 'unknown', reason: `paid reply is in ${currencyOfNode(n)}, not ${expected.currency}` };
  const amount = minorOfAmountText(n.total_amount, expected.exponent);
  if (amount === null || amount <= 0 || (expected.amount !== null && amount !== expected.amount)) return { kind: 'unknown', reason: `paid reply has total_amount ${String(n.total_amount ?? '(none)')}` };
  const payer = payerOfAlipayNode(n, expected.currency);
  if (!payer.ok) return { kind: 'unknown', reason: payer.reason };
  const finished = instantOfBeijingTime(n.gmt_payment) ?? instantOfBeijingTime(n.send_pay_date);
  return {
    kind: 'paid',
    acquirerSn: tradeNo,
    amount,
    wallet: 'alipay',
    payerRef: text(n.buyer_user_id) ?? text(n.buyer_logon_id) ?? null,
    finishedAt: (finished ?? now).toISOString(),
    paymentList: [],
    merchantDiscount: 0,
    payer: payer.payer,
  };
}

export function payOutcomeOf(reply: AlipayReply, expected: Expected & { amount: number }, now: Date): PayOutcome {
  if (!reply.ok) return reply.sent ? { kind: 'unknown', reason: reply.reason } : { kind: 'failed', code: 'other', message: reply.reason };
  const n = reply.node;
  const code = text(n.code);
  if (code === ALIPAY_CODES.success) return paidOf(n, expected, now);
  if (code === ALIPAY_CODES.paying) {
    const outTradeNo = text(n.out_trade_no);
    return outTradeNo !== undefined && outTradeNo !== expected.clientSn ? { kind: 'unknown', reason: 'in-progress reply is for another order' } : { kind: 'pending', acquirerSn: text(n.trade_no) || null };
  }
  if (code === ALIPAY_CODES.businessFailed) {
    const failure = FAILED_PAY[text(n.sub_code) ?? ''];
    return failure ? { kind: 'failed', code: failure, message: messageOf(n) } : { kind: 'unknown', reason: messageOf(n) };
  }
  if (code && REFUSED_BY_GATEWAY.has(code)) return { kind: 'failed', code: 'other', message: messageOf(n) };
  return { kind: 'unknown', reason: messageOf(n) };
}

export function precreateOutcomeOf(reply: AlipayReply, expected: { clientSn: string }): PrecreateOutcome {
  if (!reply.ok) return reply.sent ? { kind: 'unknown', reason: reply.reason } : { kind: 'failed', message: reply.reason };
  const n = reply.node;
  const code = text(n.code);
  if (code === ALIPAY_CODES.success) {
    const qrCode = text(n.qr_code);
    if (text(n.out_trade_no) !== expected.clientSn || !qrCode) return { kind: 'unknown', reason: 'precreate reply is for another order or has no qr_code' };
    // Alipay numbers the trade when it is paid: until then the order is known by its out_trade_no.
    return { kind: 'created', qrCode, acquirerSn: expected.clientSn };
  }
  if (code === ALIPAY_CODES.businessFailed && text(n.sub_code) !== 'ACQ.SYSTEM_ERROR') return { kind: 'failed', message: messageOf(n) };
  if (code && REFUSED_BY_GATEWAY.has(code)) return { kind: 'failed', message: messageOf(n) };
  return { kind: 'unknown', reason: messageOf(n) };
}

export function queryOutcomeOf(reply: AlipayReply, expected: Expected, now: Date): QueryOutcome {
  if (!reply.ok) return { kind: 'unknown', reason: reply.reason };
  const n = reply.node;
  const code = text(n.code);
  if (code === ALIPAY_CODES.businessFailed && text(n.sub_code) === 'ACQ.TRADE_NOT_EXIST') return { kind: 'not_found' };
  if (code !== ALIPAY_CODES.success) return { kind: 'unknown', reason: messageOf(n) };
  if (text(n.out_trade_no) !== expected.clientSn) return { kind: 'unknown', reason: 'query reply is for another order' };
  switch (text(n.trade_status)) {
    case 'TRADE_SUCCESS':
    case 'TRADE_FINISHED':
      return paidOf(n, { ...expected, amount: null }, now);
    case 'WAIT_BUYER_PAY':
      return { kind: 'pending', acquirerSn: text(n.trade_no) || null };
    case 'TRADE_CLOSED':
      return { kind: 'cancelled' };
    default:
      return { kind: 'unknown', reason: `trade_status ${text(n.trade_status) ?? '(none)'}` };
  }
}

export function cancelOutcomeOf(reply: AlipayReply, expected: { clientSn: string }): CancelOutcome {
  if (!reply.ok) return { kind: 'unknown', reason: reply.reason };
  const n = reply.node;
  const code = text(n.code);
  if (code === ALIPAY_CODES.success) {
    if (text(n.out_trade_no) !== undefined && text(n.out_trade_no) !== expected.clientSn) return { kind: 'unknown', reason: 'cancel reply is for another order' };
    return text(n.retry_flag) === 'Y' ? { kind: 'in_progress' } : { kind: 'cancelled' };
  }
  if (text(n.retry_flag) === 'Y') return { kind: 'in_progress' };
  if (code === ALIPAY_CODES.businessFailed) {
    switch (text(n.sub_code)) {
      case 'ACQ.TRADE_NOT_EXIST':
        return { kind: 'cancelled' };
      case 'ACQ.TRADE_STATUS_ERROR':
      case 'ACQ.REASON_TRADE_BEEN_FREEZEN':
      case 'ACQ.TRADE_HAS_FINISHED':
        return { kind: 'failed', message: messageOf(n) };
      default:
        return { kind: 'unknown', reason: messageOf(n) };
    }
  }
  return { kind: 'unknown', reason: messageOf(n) };
}

export function refundOutcomeOf(reply: AlipayReply, expected: { clientSn: string; exponent: number }): RefundOutcome | 'ask' {
  if (!reply.ok) return { kind: 'unknown', reason: reply.reason };
  const n = reply.node;
  const code = text(n.code);
  if (code === ALIPAY_CODES.success) {
    if (text(n.out_trade_no) !== expected.clientSn) return { kind: 'unknown', reason: 'refund reply is for another order' };
    const refundedTotal = minorOfAmountText(n.refund_fee, expected.exponent);
    if (text(n.fund_change) !== 'Y' || refundedTotal === null) return 'ask';
    return { kind: 'refunded', refundedTotal };
  }
  if (code !== ALIPAY_CODES.businessFailed) return REFUSED_BY_GATEWAY.has(code ?? '') ? { kind: 'failed', code: 'other', message: messageOf(n) } : { kind: 'unknown', reason: messageOf(n) };
  switch (text(n.sub_code)) {
    case 'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL':
    case 'ACQ.SELLER_BALANCE_NOT_ENOUGH':
      return { kind: 'failed', code: 'not_enough_refundable', message: messageOf(n) };
    case 'ACQ.TRADE_NOT_EXIST':
    case 'ACQ.TRADE_STATUS_ERROR':
    case 'ACQ.TRADE_HAS_FINISHED':
    case 'ACQ.REASON_TRADE_BEEN_FREEZEN':
      return { kind: 'failed', code: 'not_refundable', message: messageOf(n) };
    case 'ACQ.DISCORDANT_REPEAT_REQUEST':
      return { kind: 'failed', code: 'other', message: messageOf(n) };
    default:
      return { kind: 'unknown', reason: messageOf(n) };
  }
}

export function refundQueryOutcomeOf(
  reply: AlipayReply,
  expected: { clientSn: string; refundRequestNo: string; amount: number; exponent: number; refundedBefore: number | null },
): RefundStatusOutcome {
  if (!reply.ok) return { kind: 'unknown', reason: reply.reason };
  const n = reply.node;
  if (text(n.code) !== ALIPAY_CODES.success) return { kind: 'unknown', reason: messageOf(n) };
  if (text(n.out_trade_no) !== undefined && text(n.out_trade_no) !== expected.clientSn) return { kind: 'unknown', reason: 'refund query reply is for another order' };
  const requestNo = text(n.out_request_no);
  if (!requestNo && n.refund_amount === undefined) return { kind: 'not_arrived' };
  if (requestNo !== expected.refundRequestNo) return { kind: 'unknown', reason: 'refund query reply is for another refund' };
  const status = text(n.refund_status);
  if (status !== undefined && status !== 'REFUND_SUCCESS') return { kind: 'unknown', reason: `refund_status ${status}` };
  const amount = minorOfAmountText(n.refund_amount, expected.exponent);
  if (amount !== expected.amount) return { kind: 'unknown', reason: `refund query reply has refund_amount ${String(n.refund_amount ?? '(none)')}` };
  return { kind: 'refunded', refundedTotal: (expected.refundedBefore ?? 0) + amount };
}

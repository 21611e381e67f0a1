/**
 * The Shouqianba (收钱吧) terminal API adapter (payments.md §4.1), behind the acquirer port. The sandbox
 * acquirer (./sandbox) speaks the same API on loopback.
 *
 * Transport: JSON over node:http(s), one fresh connection per request (a reused keep-alive socket that the
 * server already closed would turn a good request into a spurious "unknown"), fen as strings, and
 * `Authorization: <sn> <md5hex(body + key)>` (vendor sn/key for activate, terminal sn/key for the rest).
 * Every request has a deadline (AbortController): `payMs` for pay, `queryMs` for query, `otherMs` else.
 *
 * Replies are trusted only when they parse: the envelope and the business part go through zod, fen strings
 * must be 1–10 digits, and a PAID order must be the one asked for (client_sn, amount). Replies carry no
 * signature (zh-cn/api/sign.md: requests are signed, replies are not), so none is asked for. Where the
 * public documentation's own examples differ from its tables (a key with a trailing space, a trailing comma
 * in the error examples of annex/responseExample.md), every documented variant is read; spec-replies.test.ts
 * feeds the adapter those examples byte for byte. The mapping from reply to outcome is in the exported
 * `*OutcomeOf` functions, pure, so each case is also tested with crafted replies (shouqianba.test.ts):
 *
 * pay      200 PAY_SUCCESS + order PAID + same client_sn + same amount        → paid
 *          200 PAY_SUCCESS otherwise (amount or client_sn differ, not PAID)    → unknown
 *          200 PAY_IN_PROGRESS                                                 → pending
 *          200 PAY_FAIL / FAIL + error_code (failed and reversed / not made)  → failed, code by FAILURE_CODES
 *          200 PAY_FAIL_ERROR, PAY_FAIL_IN_PROGRESS, PAY_ERROR, anything else  → unknown
 *          400 INVALID_PARAMS / INVALID_PARAMETER / INVALID_TERMINAL / TERMINAL_NOT_EXISTS / ILLEGAL_SIGN
 *          (refused before execution, annex/responseCode.md, responseExample.md)  → failed 'other'
 *          400 with another error_code, 500, HTTP 5xx, timeout, reset, not JSON, schema mismatch → unknown
 *          connection never established (refused, no route, DNS): nothing was sent → failed 'other'
 * query    SUCCESS + CREATED → pending, PAID → paid, PAY_CANCELED → failed, CANCELED → cancelled,
 *          (PARTIAL_)REFUNDED → refunded; FAIL + UPAY_ORDER_NOT_EXISTS → not_found; else → unknown
 *          (a query never says `failed` unless the order itself failed)
 * cancel   CANCEL_SUCCESS / CANCEL_ABORT_SUCCESS, UPAY_CANCEL_ORDER_NOOP, UPAY_ORDER_NOT_EXISTS → cancelled;
 *          *_IN_PROGRESS → in_progress; UPAY_CANCEL_INVALID_ORDER_STATE, UPAY_TCP_ORDER_NOT_REFUNDABLE,
 *          plain FAIL, 400 INVALID_PARAMS → failed; CANCEL_ERROR without those codes and the rest → unknown
 * refund   REFUND_SUCCESS → refunded (total − net); REFUND_IN_PROGRESS → in_progress;
 *          REFUNDABLE_AMOUNT_NOT_ENOUGH → not_enough_refundable; UPAY_REFUND_INVALID_ORDER_STATE,
 *          UPAY_TCP_ORDER_NOT_REFUNDABLE → not_refundable; other FAIL, 400 INVALID_PARAMS → other;
 *          REFUND_ERROR, 400 ILLEGAL_SIGN / INVALID_TERMINAL (retry after checkin) and the rest → unknown
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import { acquirerDateOf } from '../../src-common/business-day';
import type { FailureCode } from '../../src-common/payment-state';
import { systemClock, type Clock } from '../clock';
import type { Logger } from '../log';
import {
  AcquirerError,
  type AcquirerPort,
  type CancelOutcome,
  type PayOutcome,
  type PaymentPart,
  type PrecreateOutcome,
  type QueryOutcome,
  type RefundOutcome,
  type RefundStatusOutcome,
  type StatementRow,
  type TerminalCredentials,
} from './port';
import { md5BodySign, shouqianbaAuthorization } from './signing';
import {
  DATE,
  PATHS,
  PRECREATE_PAYWAY,
  STATEMENT_COLUMNS,
  fenString,
  isValidAmount,
  parseFen,
  signedTextOfGet,
  walletOfPayway,
} from './wire';

export interface ShouqianbaOptions {
  /** e.g. `https://api.shouqianba.com` or the sandbox's url. */
  readonly baseUrl: string;
  readonly vendorSn: string;
  readonly vendorKey: string;
  readonly appId: string;
  readonly timeouts: { readonly payMs: number; readonly queryMs: number; readonly otherMs: number };
  readonly log: Logger;
  readonly clock?: Clock;
  /** Sent as `os_info` on activate and checkin. */
  readonly osInfo?: string;
}

/** What came back over HTTP, before any interpretation. */
export type HttpReply =
  /** `headers`: as node gives them (lower-case names); WeChat Pay v3 signs its replies in them. */
  | { readonly ok: true; readonly status: number; readonly body: string; readonly headers?: Readonly<Record<string, string | string[] | undefined>> }
  /** `sent: false` only when the connection was never established: the server cannot have seen the request. */
  | { readonly ok: false; readonly reason: string; readonly sent: boolean };

/** What a reply is read against: the time, for an order without a finish time. */
export interface ReplyContext {
  readonly now: Date;
}

const MAX_REPLY_BYTES = 1024 * 1024;
const MAX_STATEMENT_BYTES = 32 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------------
// Reply schemas (all values are strings on this API)

const Envelope = z.object({
  result_code: z.string(),
  error_code: z.string().optional(),
  error_message: z.string().optional(),
  biz_response: z.unknown().optional(),
});
type Envelope = z.infer<typeof Envelope>;

/** One entry of `payment_list` (pay.md): how the order was paid, part by part, fen as a string. */
const PaymentPart = z.object({ type: z.string().min(1), amount_total: z.string() });

const OrderData = z.object({
  sn: z.string().min(1),
  client_sn: z.string(),
  order_status: z.string(),
  /** Absent from pay.md's in-progress example (its key there is "total_amount " with a space). */
  total_amount: z.string().optional(),
  net_amount: z.string().optional(),
  status: z.string().optional(),
  trade_no: z.string().optional(),
  payway: z.string().optional(),
  sub_payway: z.string().optional(),
  payer_uid: z.string().optional(),
  payer_login: z.string().optional(),
  finish_time: z.string().optional(),
  channel_finish_time: z.string().optional(),
  qr_code: z.string().optional(),
  /** The order's latest transaction (query.md; refund.md: client_sn + '-' + refund_request_no, or the client_tsn sent). */
  client_tsn: z.string().optional(),
  payment_list: z.array(PaymentPart).optional(),
});
type OrderData = z.infer<typeof OrderData>;

const Biz = z.object({
  result_code: z.string(),
  error_code: z.string().optional(),
  error_message: z.string().optional(),
  data: OrderData.optional(),
});
type Biz = z.infer<typeof Biz>;

const TerminalBiz = z.object({ terminal_sn: z.string().min(1).max(32), terminal_key: z.string().min(8).max(128) });

const StatementCsvRow = z.object({
  finished_at: z.iso.datetime({ offset: true }),
  client_sn: z.string().min(1),
  sn: z.string().min(1),
  type: z.enum(['pay', 'refund', 'cancel']),
  payway: z.string(),
  amount_fen: z.string().regex(/^\d{1,10}$/),
  status: z.string().min(1),
  refund_request_no: z.string(),
});

// ---------------------------------------------------------------------------------------------------
// Opening a reply: transport, status, JSON, envelope

type Opened =
  | { ok: true; envelope: Envelope }
  | { ok: false; reason: string; sent: boolean }
  /** The acquirer refused the request before executing it (result_code 400). */
  | { ok: false; rejected: { code: string; message: string }; sent: true };

/**
 * 400 error codes that mean "refused before execution": annex/responseCode.md lists INVALID_PARAMS,
 * INVALID_TERMINAL and ILLEGAL_SIGN; annex/responseExample.md spells two of them TERMINAL_NOT_EXISTS and
 * INVALID_PARAMETER. Both spellings are read. Another 400 code is not documented, so it stays `unknown`.
 */
const REJECTION_CODES = new Set(['INVALID_PARAMS', 'INVALID_PARAMETER', 'INVALID_TERMINAL', 'TERMINAL_NOT_EXISTS', 'ILLEGAL_SIGN']);

/** Refusals that no retry will change (the terminal's key rotating can still fix ILLEGAL_SIGN / INVALID_TERMINAL). */
const isDefiniteRefusal = (code: string) => code === 'INVALID_PARAMS' || code === 'INVALID_PARAMETER' || code === 'TERMINAL_NOT_EXISTS';

/** Outside strings, a comma directly before `}` or `]` (whitespace between). */
const TRAILING_COMMA = /("(?:[^"\\]|\\.)*")|,(\s*[}\]])/g;

/**
 * JSON.parse, and when that fails, once more without trailing commas: the documentation's own error examples
 * (annex/responseExample.md) end objects with one. The reading is unambiguous either way.
 */
export function parseReplyJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch (error) {
    const relaxed = body.replace(TRAILING_COMMA, (match, text: string | undefined, close: string | undefined) => text ?? close ?? match);
    if (relaxed === body) throw error;
    return JSON.parse(relaxed);
  }
}

function openReply(reply: HttpReply): Opened {
  if (!reply.ok) return { ok: false, reason: reply.reason, sent: reply.sent };
  if (reply.status >= 500) return { ok: false, reason: `HTTP ${reply.status}`, sent: true };
  let json: unknown;
  try {
    json = parseReplyJson(reply.body);
  } catch {
    return { ok: false, reason: `reply is not JSON (HTTP ${reply.status})`, sent: true };
  }
  const envelope = Envelope.safeParse(json);
  if (!envelope.success) return { ok: false, reason: `reply does not match the envelope schema (HTTP ${reply.status})`, sent: true };
  const env = envelope.data;
  if (env.result_code === '400') {
    const code = env.error_code ?? '';
    if (REJECTION_CODES.has(code)) return { ok: false, rejected: { code, message: `${code}: ${env.error_message ?? ''}`.trim() }, sent: true };
    return { ok: false, reason: `result_code 400 ${code}`.trim(), sent: true };
  }
  if (env.result_code !== '200') return { ok: false, reason: `result_code ${env.result_code} ${env.error_code ?? ''}`.trim(), sent: true };
  if (reply.status < 200 || reply.status > 299) return { ok: false, reason: `result_code 200 with HTTP ${reply.status}`, sent: true };
  return { ok: true, envelope: env };
}

function bizOf(envelope: Envelope): Biz | string {
  const biz = Biz.safeParse(envelope.biz_response);
  return biz.success ? biz.data : 'biz_response does not match the schema';
}

function messageOf(biz: Biz): string {
  const text = [biz.error_code, biz.error_message].filter((s) => s !== undefined && s !== '').join(': ');
  return text || biz.result_code;
}

/** "No such order" (annex: UPAY_ORDER_NOT_EXISTS). */
const notFound = (code: string | undefined) => code === 'UPAY_ORDER_NOT_EXISTS';

/** error_code → FailureCode for a payment that failed (payments.md §4.1, annex error codes). */
export function failureCodeOf(errorCode: string | undefined, fallback: FailureCode): FailureCode {
  switch (errorCode) {
    case 'INSUFFICIENT_FUND':
      return 'insufficient_funds';
    case 'EXPIRED_BARCODE':
      return 'code_expired';
    case 'INVALID_BARCODE':
      return 'code_invalid';
    case 'CLIENT_SN_CONFLICT':
      return 'order_conflict';
    default:
      return errorCode !== undefined && /^BUYER_OVER_[A-Z_]*LIMIT$/.test(errorCode) ? 'limit_exceeded' : fallback;
  }
}

const MONEY_STATUSES = new Set(['PAID', 'PARTIAL_REFUNDED', 'REFUNDED']);

function finishedAtOf(data: OrderData, now: Date): string {
  const ms = [data.finish_time, data.channel_finish_time].find((t) => t !== undefined && /^\d{1,15}$/.test(t));
  return ms === undefined ? now.toISOString() : new Date(Number(ms)).toISOString();
}

/**
 * `payment_list` types the merchant funds (pay.md: the *_MCH kinds, 免充值 or 充值): the customer paid that
 * much less than total_amount. Wosai's and the channel's own discounts are not the merchant's.
 */
const MERCHANT_FUNDED = /_MCH(_TOP_UP)?$/;

/** The parts of `payment_list` in fen; unreadable, or merchant parts above the total → none (the money is still paid). */
function paymentPartsOf(data: OrderData, amount: number): { paymentList: PaymentPart[]; merchantDiscount: number } {
  const parts: PaymentPart[] = [];
  for (const part of data.payment_list ?? []) {
    const fen = parseFen(part.amount_total);
    if (fen === null) return { paymentList: [], merchantDiscount: 0 };
    parts.push({ type: part.type, amount: fen });
  }
  const merchantDiscount = parts.filter((p) => MERCHANT_FUNDED.test(p.type)).reduce((sum, p) => sum + p.amount, 0);
  return merchantDiscount > amount ? { paymentList: [], merchantDiscount: 0 } : { paymentList: parts, merchantDiscount };
}

function paidOf(data: OrderData, now: Date): PayOutcome {
  const amount = parseFen(data.total_amount);
  if (amount === null || amount === 0) return { kind: 'unknown', reason: `PAID with an unreadable total_amount` };
  return {
    kind: 'paid',
    acquirerSn: data.sn,
    amount,
    wallet: walletOfPayway(data.payway),
    payerRef: data.payer_login || data.payer_uid || null,
    finishedAt: finishedAtOf(data, now),
    ...paymentPartsOf(data, amount),
  };
}

/** The names a refund's transaction may carry (refund.md): the client_tsn sent, or client_sn + '-' + refund_request_no. */
export function clientTsnsOf(refund: { clientSn: string; refundRequestNo: string }): string[] {
  return [refund.refundRequestNo, `${refund.clientSn}-${refund.refundRequestNo}`];
}

// ---------------------------------------------------------------------------------------------------
// Reply → outcome, one pure function per operation

export function payOutcomeOf(reply: HttpReply, ctx: ReplyContext, expected: { clientSn: string; amount: number }): PayOutcome {
  const opened = openReply(reply);
  if (!opened.ok) {
    if ('rejected' in opened) return { kind: 'failed', code: 'other', message: opened.rejected.message };
    if (!opened.sent) return { kind: 'failed', code: 'other', message: `acquirer unreachable, nothing was sent (${opened.reason})` };
    return { kind: 'unknown', reason: opened.reason };
  }
  const biz = bizOf(opened.envelope);
  if (typeof biz === 'string') return { kind: 'unknown', reason: biz };
  const data = biz.data;
  if (data && data.client_sn !== expected.clientSn) return { kind: 'unknown', reason: 'reply is about another client_sn' };
  switch (biz.result_code) {
    case 'PAY_SUCCESS': {
      if (!data) return { kind: 'unknown', reason: 'PAY_SUCCESS without order data' };
      if (data.order_status !== 'PAID') return { kind: 'unknown', reason: `PAY_SUCCESS with order_status ${data.order_status}` };
      const amount = parseFen(data.total_amount);
      if (amount !== expected.amount) return { kind: 'unknown', reason: `PAY_SUCCESS for ${data.total_amount} fen, ${expected.amount} requested` };
      return paidOf(data, ctx.now);
    }
    case 'PAY_IN_PROGRESS':
      return { kind: 'pending', acquirerSn: data?.sn ?? null };
    case 'PAY_FAIL':
    case 'FAIL':
      if (data && MONEY_STATUSES.has(data.order_status)) return { kind: 'unknown', reason: `${biz.result_code} with order_status ${data.order_status}` };
      return { kind: 'failed', code: failureCodeOf(biz.error_code, biz.result_code === 'PAY_FAIL' ? 'declined' : 'other'), message: messageOf(biz) };
    default:
      // PAY_FAIL_ERROR, PAY_FAIL_IN_PROGRESS, PAY_ERROR: the result is unknown; query / cancel resolve it.
      return { kind: 'unknown', reason: `acquirer says ${messageOf(biz)}` };
  }
}

export function queryOutcomeOf(reply: HttpReply, ctx: ReplyContext, expected: { clientSn: string }): QueryOutcome {
  const opened = openReply(reply);
  if (!opened.ok) return { kind: 'unknown', reason: 'rejected' in opened ? `query refused: ${opened.rejected.message}` : opened.reason };
  const biz = bizOf(opened.envelope);
  if (typeof biz === 'string') return { kind: 'unknown', reason: biz };
  if (biz.result_code !== 'SUCCESS') {
    if (notFound(biz.error_code)) return { kind: 'not_found' };
    return { kind: 'unknown', reason: `query says ${messageOf(biz)}` };
  }
  const data = biz.data;
  if (!data) return { kind: 'unknown', reason: 'SUCCESS without order data' };
  if (data.client_sn !== expected.clientSn) return { kind: 'unknown', reason: 'reply is about another client_sn' };
  switch (data.order_status) {
    case 'CREATED':
      return { kind: 'pending', acquirerSn: data.sn };
    case 'PAID':
      return paidOf(data, ctx.now);
    case 'PAY_CANCELED':
      return { kind: 'failed', code: failureCodeOf(biz.error_code, 'declined'), message: biz.error_code ? messageOf(biz) : 'payment failed and was reversed (PAY_CANCELED)' };
    case 'CANCELED':
      return { kind: 'cancelled' };
    case 'REFUNDED':
    case 'PARTIAL_REFUNDED': {
      const amount = parseFen(data.total_amount);
      const net = parseFen(data.net_amount);
      if (amount === null || net === null || net > amount) return { kind: 'unknown', reason: `${data.order_status} with unreadable amounts` };
      return { kind: 'refunded', refundedAmount: amount - net, amount };
    }
    default:
      // PAY_ERROR, REFUND_ERROR, CANCEL_ERROR, CANCEL_INPROGRESS, INVALID_STATUS_CODE, anything new.
      return { kind: 'unknown', reason: `order_status ${data.order_status}` };
  }
}

export function cancelOutcomeOf(reply: HttpReply, ctx: ReplyContext, expected: { clientSn: string }): CancelOutcome {
  const opened = openReply(reply);
  if (!opened.ok) {
    if ('rejected' in opened) {
      return isDefiniteRefusal(opened.rejected.code) ? { kind: 'failed', message: opened.rejected.message } : { kind: 'unknown', reason: `cancel refused: ${opened.rejected.message}` };
    }
    return { kind: 'unknown', reason: opened.reason };
  }
  const biz = bizOf(opened.envelope);
  if (typeof biz === 'string') return { kind: 'unknown', reason: biz };
  const data = biz.data;
  if (data && data.client_sn !== expected.clientSn) return { kind: 'unknown', reason: 'reply is about another client_sn' };
  switch (biz.result_code) {
    case 'CANCEL_SUCCESS':
    case 'CANCEL_ABORT_SUCCESS':
      if (data && data.order_status !== 'CANCELED' && data.order_status !== 'PAY_CANCELED') {
        return { kind: 'unknown', reason: `${biz.result_code} with order_status ${data.order_status}` };
      }
      return { kind: 'cancelled' };
    case 'CANCEL_IN_PROGRESS':
    case 'CANCEL_ABORT_IN_PROGRESS':
      return { kind: 'in_progress' };
    default:
      break;
  }
  // Nothing to cancel: no order under this client_sn (the request never arrived), or already cancelled.
  if (notFound(biz.error_code) || biz.error_code === 'UPAY_CANCEL_ORDER_NOOP') return { kind: 'cancelled' };
  if (biz.error_code === 'UPAY_CANCEL_INVALID_ORDER_STATE' || biz.error_code === 'UPAY_TCP_ORDER_NOT_REFUNDABLE') {
    return { kind: 'failed', message: messageOf(biz) };
  }
  if (biz.result_code === 'FAIL') return { kind: 'failed', message: messageOf(biz) };
  return { kind: 'unknown', reason: `cancel says ${messageOf(biz)}` };
}

export function refundOutcomeOf(reply: HttpReply, ctx: ReplyContext, expected: { clientSn: string; refundRequestNo?: string }): RefundOutcome {
  const opened = openReply(reply);
  if (!opened.ok) {
    if ('rejected' in opened) {
      return isDefiniteRefusal(opened.rejected.code)
        ? { kind: 'failed', code: 'other', message: opened.rejected.message }
        : { kind: 'unknown', reason: `refund refused: ${opened.rejected.message}` };
    }
    return { kind: 'unknown', reason: opened.reason };
  }
  const biz = bizOf(opened.envelope);
  if (typeof biz === 'string') return { kind: 'unknown', reason: biz };
  const data = biz.data;
  if (data && data.client_sn !== expected.clientSn) return { kind: 'unknown', reason: 'reply is about another client_sn' };
  if (data?.client_tsn !== undefined && expected.refundRequestNo !== undefined) {
    if (!clientTsnsOf({ clientSn: expected.clientSn, refundRequestNo: expected.refundRequestNo }).includes(data.client_tsn)) {
      return { kind: 'unknown', reason: 'reply is about another refund (client_tsn)' };
    }
  }
  const refundedTotal = () => {
    if (!data) return null;
    const amount = parseFen(data.total_amount);
    const net = parseFen(data.net_amount);
    return amount === null || net === null || net > amount ? null : amount - net;
  };
  switch (biz.result_code) {
    case 'REFUND_SUCCESS': {
      const total = refundedTotal();
      return total === null ? { kind: 'unknown', reason: 'REFUND_SUCCESS without readable amounts' } : { kind: 'refunded', refundedTotal: total };
    }
    case 'REFUND_IN_PROGRESS':
      return { kind: 'in_progress' };
    case 'REFUND_FAIL':
    case 'FAIL':
      switch (biz.error_code) {
        case 'REFUNDABLE_AMOUNT_NOT_ENOUGH':
          return { kind: 'failed', code: 'not_enough_refundable', message: messageOf(biz) };
        case 'UPAY_REFUND_INVALID_ORDER_STATE':
        case 'UPAY_TCP_ORDER_NOT_REFUNDABLE':
          return { kind: 'failed', code: 'not_refundable', message: messageOf(biz) };
        case 'UPAY_REFUND_ORDER_NOOP': {
          // "This refund is already done": success, if the reply says how much is refunded.
          const total = refundedTotal();
          return total === null ? { kind: 'unknown', reason: 'refund already done; query for the totals' } : { kind: 'refunded', refundedTotal: total };
        }
        default:
          return { kind: 'failed', code: 'other', message: messageOf(biz) };
      }
    default:
      return { kind: 'unknown', reason: `refund says ${messageOf(biz)}` };
  }
}

/**
 * Where a refund stands, from the order query (query.md Q1.3; refund.md on client_tsn), never by sending it again:
 * - the order's latest transaction (client_tsn) is this refund: its status says (SUCCESS → refunded,
 *   FAIL_CANCELED → failed, IN_PROG → in_progress, anything else → unknown: a person checks);
 * - else, when the caller knows what was refunded on the order before this refund (`refundedBefore`, known
 *   when no other refund of it is unfinished), the order's refunded total (total − net) says: that plus this
 *   refund → refunded; unchanged → not_arrived (the same request may be sent again);
 * - else, when the latest transaction is still the payment itself (client_tsn = client_sn, or none and
 *   nothing refunded) → not_arrived; otherwise → unknown.
 */
export function refundStatusOf(
  reply: HttpReply,
  ctx: ReplyContext,
  expected: { clientSn: string; refundRequestNo: string; amount: number; refundedBefore: number | null },
): RefundStatusOutcome {
  const opened = openReply(reply);
  if (!opened.ok) return { kind: 'unknown', reason: 'rejected' in opened ? `query refused: ${opened.rejected.message}` : opened.reason };
  const biz = bizOf(opened.envelope);
  if (typeof biz === 'string') return { kind: 'unknown', reason: biz };
  if (biz.result_code !== 'SUCCESS') {
    if (notFound(biz.error_code)) return { kind: 'failed', code: 'other', message: 'The acquirer has no such order' };
    return { kind: 'unknown', reason: `query says ${messageOf(biz)}` };
  }
  const data = biz.data;
  if (!data) return { kind: 'unknown', reason: 'SUCCESS without order data' };
  if (data.client_sn !== expected.clientSn) return { kind: 'unknown', reason: 'reply is about another client_sn' };
  const total = parseFen(data.total_amount);
  const net = parseFen(data.net_amount);
  const refundedNow = total === null || net === null || net > total ? null : total - net;
  if (data.client_tsn !== undefined && clientTsnsOf(expected).includes(data.client_tsn)) {
    switch (data.status) {
      case 'SUCCESS':
        return refundedNow === null ? { kind: 'unknown', reason: 'refund SUCCESS with unreadable amounts' } : { kind: 'refunded', refundedTotal: refundedNow };
      case 'FAIL_CANCELED':
        return { kind: 'failed', code: 'other', message: 'The acquirer says this refund failed (FAIL_CANCELED)' };
      case 'IN_PROG':
      case 'CREATED':
        return { kind: 'in_progress' };
      default:
        return { kind: 'unknown', reason: `refund transaction ${data.status ?? 'without a status'}: check with the acquirer` };
    }
  }
  if (refundedNow !== null && expected.refundedBefore !== null) {
    if (refundedNow === expected.refundedBefore + expected.amount) return { kind: 'refunded', refundedTotal: refundedNow };
    if (refundedNow === expected.refundedBefore) return { kind: 'not_arrived' };
    return { kind: 'unknown', reason: `the order shows ${refundedNow} fen refunded, neither ${expected.refundedBefore} nor ${expected.refundedBefore + expected.amount}` };
  }
  if (data.client_tsn === data.client_sn || (data.client_tsn === undefined && data.order_status === 'PAID' && refundedNow === 0)) return { kind: 'not_arrived' };
  return { kind: 'unknown', reason: 'the order\'s latest transaction is another refund' };
}

export function precreateOutcomeOf(reply: HttpReply, ctx: ReplyContext, expected: { clientSn: string; amount: number }): PrecreateOutcome {
  const opened = openReply(reply);
  if (!opened.ok) {
    if ('rejected' in opened) return { kind: 'failed', message: opened.rejected.message };
    if (!opened.sent) return { kind: 'failed', message: `acquirer unreachable, nothing was sent (${opened.reason})` };
    return { kind: 'unknown', reason: opened.reason };
  }
  const biz = bizOf(opened.envelope);
  if (typeof biz === 'string') return { kind: 'unknown', reason: biz };
  const data = biz.data;
  if (data && data.client_sn !== expected.clientSn) return { kind: 'unknown', reason: 'reply is about another client_sn' };
  const created = (): PrecreateOutcome => {
    if (!data?.qr_code) return { kind: 'unknown', reason: `${biz.result_code} without qr_code` };
    if (parseFen(data.total_amount) !== expected.amount) return { kind: 'unknown', reason: `${biz.result_code} for ${data.total_amount} fen, ${expected.amount} requested` };
    return { kind: 'created', qrCode: data.qr_code, acquirerSn: data.sn };
  };
  switch (biz.result_code) {
    case 'PRECREATE_SUCCESS':
      return created();
    case 'PRECREATE_FAIL':
    case 'FAIL':
      return { kind: 'failed', message: messageOf(biz) };
    default:
      // precreate.md Q1: success is result_code PRECREATE_SUCCESS "or" data.order_status CREATED.
      if (!/FAIL|ERROR/.test(biz.result_code) && data?.order_status === 'CREATED') return created();
      return { kind: 'unknown', reason: `precreate says ${messageOf(biz)}` };
  }
}

/** activate / checkin: the new terminal identity, or an AcquirerError. */
export function terminalOf(reply: HttpReply): { terminalSn: string; terminalKey: string } {
  const opened = openReply(reply);
  if (!opened.ok) {
    if ('rejected' in opened) throw new AcquirerError(opened.rejected.code, opened.rejected.message);
    throw new AcquirerError(transportCode(opened.reason, opened.sent), opened.reason);
  }
  const biz = TerminalBiz.safeParse(opened.envelope.biz_response);
  if (!biz.success) {
    const failure = Biz.safeParse(opened.envelope.biz_response);
    if (failure.success) throw new AcquirerError(failure.data.error_code || failure.data.result_code, messageOf(failure.data));
    throw new AcquirerError('bad_reply', 'biz_response does not match the schema');
  }
  return { terminalSn: biz.data.terminal_sn, terminalKey: biz.data.terminal_key };
}

function transportCode(reason: string, sent: boolean): string {
  if (!sent) return 'network';
  if (reason.startsWith('timeout')) return 'timeout';
  if (reason.startsWith('HTTP 5') || reason.startsWith('result_code 500')) return 'server_error';
  if (reason.startsWith('reply')) return 'bad_reply';
  return 'network';
}

/**
 * Parses the statement CSV (UTF-8, optional BOM, header STATEMENT_COLUMNS) into the port's common form;
 * throws AcquirerError('bad_reply'). Only money that moved is kept (status SUCCESS): the common form lists
 * completed movements, so a row still in progress or failed is left out here, not in reconciliation.
 */
export function parseStatementCsv(text: string): StatementRow[] {
  let records: string[][];
  try {
    records = parseCsv(text, { bom: true, skip_empty_lines: true }) as string[][];
  } catch (error) {
    throw new AcquirerError('bad_reply', `statement is not CSV: ${(error as Error).message}`);
  }
  const [header, ...rows] = records;
  if (!header || header.join(',') !== STATEMENT_COLUMNS.join(',')) {
    throw new AcquirerError('bad_reply', `statement header must be ${STATEMENT_COLUMNS.join(',')}`);
  }
  const parsed = rows.map((cells, index) => {
    const record = Object.fromEntries(STATEMENT_COLUMNS.map((c, i) => [c, cells[i]]));
    const row = StatementCsvRow.safeParse(record);
    if (!row.success || cells.length !== STATEMENT_COLUMNS.length) throw new AcquirerError('bad_reply', `statement row ${index + 2} is malformed`);
    const r = row.data;
    const amount = parseFen(r.amount_fen)!;
    return {
      clientSn: r.client_sn,
      acquirerSn: r.sn,
      type: r.type,
      wallet: walletOfPayway(r.payway),
      amount,
      status: r.status,
      finishedAt: new Date(r.finished_at).toISOString(),
      refundRequestNo: r.refund_request_no === '' ? null : r.refund_request_no,
    };
  });
  return parsed.filter((row) => row.status === 'SUCCESS');
}

// ---------------------------------------------------------------------------------------------------
// Transport

export interface Exchange {
  readonly method: 'GET' | 'POST';
  readonly url: URL;
  readonly body: string | null;
  readonly headers: Record<string, string>;
  readonly timeoutMs: number;
  readonly maxBytes: number;
  /** Mutual TLS (WeChat Pay's /secapi calls): the client certificate and key; `ca` trusts a private server CA. */
  readonly tls?: { readonly cert?: string; readonly key?: string; readonly ca?: string };
}

/** One HTTP exchange with a deadline; never throws. */
export function exchange(x: Exchange): Promise<HttpReply> {
  return new Promise((resolve) => {
    const controller = new AbortController();
    let timedOut = false;
    let connected = false;
    let settled = false;
    const finish = (reply: HttpReply) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(reply);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, x.timeoutMs);
    const send = x.url.protocol === 'https:' ? httpsRequest : httpRequest;
    const payload = x.body === null ? null : Buffer.from(x.body, 'utf8');
    const headers: Record<string, string> = { accept: 'application/json, text/csv', ...x.headers, connection: 'close' };
    if (payload) headers['content-length'] = String(payload.length);
    let req;
    try {
      req = send(x.url, { method: x.method, headers, signal: controller.signal, agent: false, ...(x.tls ?? {}) });
    } catch (error) {
      finish({ ok: false, reason: `request not made: ${(error as Error).message}`, sent: false });
      return;
    }
    req.on('socket', (socket) => {
      const secure = x.url.protocol === 'https:';
      if (!socket.connecting && !secure) connected = true;
      else socket.once(secure ? 'secureConnect' : 'connect', () => (connected = true));
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      const sent = connected;
      if (timedOut) finish({ ok: false, reason: `timeout after ${x.timeoutMs} ms`, sent });
      else finish({ ok: false, reason: `${sent ? 'connection lost' : 'cannot connect'}: ${error.code ?? error.message}`, sent });
    });
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > x.maxBytes) {
          finish({ ok: false, reason: `reply larger than ${x.maxBytes} bytes`, sent: true });
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => finish({ ok: true, status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
      res.on('error', (error: NodeJS.ErrnoException) => {
        finish({ ok: false, reason: timedOut ? `timeout after ${x.timeoutMs} ms` : `reply cut off: ${error.code ?? error.message}`, sent: true });
      });
      res.on('aborted', () => finish({ ok: false, reason: timedOut ? `timeout after ${x.timeoutMs} ms` : 'reply cut off', sent: true }));
    });
    req.end(payload ?? undefined);
  });
}

// ---------------------------------------------------------------------------------------------------
// The adapter

const CLIENT_SN = /^[\x21-\x7e]{1,32}$/;
const REFUND_REQUEST_NO = /^[\x21-\x7e]{1,20}$/;
const AUTH_CODE = /^[A-Za-z0-9]{1,32}$/;

const clip = (text: string, max: number) => Array.from(text).slice(0, max).join('');

export function createShouqianbaAdapter(options: ShouqianbaOptions): AcquirerPort {
  const { vendorSn, vendorKey, appId, timeouts, log } = options;
  const clock = options.clock ?? systemClock;
  const base = options.baseUrl.replace(/\/+$/, '');
  if (!/^https?:$/.test(new URL(base).protocol)) throw new RangeError(`acquirer baseUrl must be http(s): ${options.baseUrl}`);
  const osInfo = options.osInfo ?? `${process.platform} node ${process.versions.node}`;

  const ctx = (): ReplyContext => ({ now: clock.now() });

  const post = (path: string, body: Record<string, string>, sn: string, key: string, timeoutMs: number): Promise<HttpReply> => {
    const text = JSON.stringify(body);
    return exchange({
      method: 'POST',
      url: new URL(base + path),
      body: text,
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: shouqianbaAuthorization(sn, text, key) },
      timeoutMs,
      maxBytes: MAX_REPLY_BYTES,
    });
  };

  /** Runs one call and logs what it came to (never bodies, codes or keys). */
  const logged = async <T extends { kind: string }>(op: string, fields: Record<string, unknown>, run: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    const outcome = await run();
    const entry = { op, ...fields, outcome: outcome.kind, ms: Date.now() - started, ...('reason' in outcome ? { reason: outcome.reason } : {}) };
    if (outcome.kind === 'unknown') log.warn(entry, 'acquirer reply not trusted');
    else log.info(entry, 'acquirer call');
    return outcome;
  };

  /** cancel (冲正, an order whose result is unknown) and revoke (撤单, a paid order of today) share one reply shape (revoke&cancel.md). */
  const reverse = (op: 'cancel' | 'revoke', creds: TerminalCredentials, clientSn: string): Promise<CancelOutcome> =>
    logged(op, { clientSn }, async () => {
      if (!CLIENT_SN.test(clientSn)) return { kind: 'failed', message: 'not sent: client_sn must be 1–32 printable ASCII characters' };
      const reply = await post(PATHS[op], { terminal_sn: creds.terminalSn, client_sn: clientSn }, creds.terminalSn, creds.terminalKey, timeouts.otherMs);
      return cancelOutcomeOf(reply, ctx(), { clientSn });
    });

  const notSent = (message: string) => ({ kind: 'failed' as const, code: 'other' as const, message: `not sent: ${message}` });

  async function terminalCall(path: string, body: Record<string, string>, sn: string, key: string, op: string): Promise<TerminalCredentials> {
    const started = Date.now();
    const reply = await post(path, body, sn, key, timeouts.otherMs);
    try {
      const terminal = terminalOf(reply);
      log.info({ op, terminalSn: terminal.terminalSn, ms: Date.now() - started }, 'acquirer call');
      return { ...terminal, keyDate: acquirerDateOf(clock.now()) };
    } catch (error) {
      // Not `code`: the logger masks fields of that name (activation / payment codes).
      log.warn({ op, errorCode: (error as AcquirerError).code, reason: (error as Error).message, ms: Date.now() - started }, 'acquirer call failed');
      throw error;
    }
  }

  return {
    activate: (input) =>
      terminalCall(
        PATHS.activate,
        { app_id: appId, code: input.code, device_id: clip(input.deviceId, 128), client_sn: clip(input.deviceId, 32), name: clip(input.name, 64), os_info: osInfo },
        vendorSn,
        vendorKey,
        'activate',
      ),

    checkin: (creds, deviceId) =>
      terminalCall(PATHS.checkin, { terminal_sn: creds.terminalSn, device_id: clip(deviceId, 128), os_info: osInfo }, creds.terminalSn, creds.terminalKey, 'checkin'),

    pay: (creds, input) =>
      logged('pay', { clientSn: input.clientSn, amount: input.amount }, async () => {
        if (!CLIENT_SN.test(input.clientSn)) return notSent('client_sn must be 1–32 printable ASCII characters');
        if (!isValidAmount(input.amount)) return notSent(`amount must be 1..9999999999 fen, got ${input.amount}`);
        if (!AUTH_CODE.test(input.authCode)) return notSent('the payment code must be 1–32 letters or digits');
        const body = {
          terminal_sn: creds.terminalSn,
          client_sn: input.clientSn,
          total_amount: fenString(input.amount),
          dynamic_id: input.authCode,
          subject: clip(input.subject, 64),
          operator: clip(input.operator, 32),
        };
        const reply = await post(PATHS.pay, body, creds.terminalSn, creds.terminalKey, timeouts.payMs);
        return payOutcomeOf(reply, ctx(), input);
      }),

    precreate: (creds, input) =>
      logged('precreate', { clientSn: input.clientSn, amount: input.amount, wallet: input.wallet }, async () => {
        if (!CLIENT_SN.test(input.clientSn)) return { kind: 'failed', message: 'not sent: client_sn must be 1–32 printable ASCII characters' };
        if (!isValidAmount(input.amount)) return { kind: 'failed', message: `not sent: amount must be 1..9999999999 fen, got ${input.amount}` };
        const payway = PRECREATE_PAYWAY[input.wallet];
        if (payway === undefined) return { kind: 'failed', message: `not sent: the acquirer documents no merchant QR for ${input.wallet}; scan the customer's code instead` };
        const body = {
          terminal_sn: creds.terminalSn,
          client_sn: input.clientSn,
          total_amount: fenString(input.amount),
          payway,
          sub_payway: '2',
          subject: clip(input.subject, 64),
          operator: clip(input.operator, 32),
        };
        const reply = await post(PATHS.precreate, body, creds.terminalSn, creds.terminalKey, timeouts.otherMs);
        return precreateOutcomeOf(reply, ctx(), input);
      }),

    query: (creds, clientSn) =>
      logged('query', { clientSn }, async () => {
        if (!CLIENT_SN.test(clientSn)) return { kind: 'unknown', reason: 'not sent: client_sn must be 1–32 printable ASCII characters' };
        const reply = await post(PATHS.query, { terminal_sn: creds.terminalSn, client_sn: clientSn }, creds.terminalSn, creds.terminalKey, timeouts.queryMs);
        return queryOutcomeOf(reply, ctx(), { clientSn });
      }),

    cancel: (creds, clientSn) => reverse('cancel', creds, clientSn),

    revoke: (creds, clientSn) => reverse('revoke', creds, clientSn),

    refund: (creds, input) =>
      logged('refund', { clientSn: input.clientSn, refundRequestNo: input.refundRequestNo, amount: input.amount }, async () => {
        if (!CLIENT_SN.test(input.clientSn)) return { kind: 'failed', code: 'other', message: 'not sent: client_sn must be 1–32 printable ASCII characters' };
        if (!REFUND_REQUEST_NO.test(input.refundRequestNo)) return { kind: 'failed', code: 'other', message: 'not sent: refund_request_no must be 1–20 printable ASCII characters' };
        if (!isValidAmount(input.amount)) return { kind: 'failed', code: 'other', message: `not sent: amount must be 1..9999999999 fen, got ${input.amount}` };
        const body = {
          terminal_sn: creds.terminalSn,
          client_sn: input.clientSn,
          // One per refund, the same on a retry (refund.md): a lost reply is then found by query under this name.
          client_tsn: input.refundRequestNo,
          refund_request_no: input.refundRequestNo,
          refund_amount: fenString(input.amount),
          operator: clip(input.operator, 32),
        };
        const reply = await post(PATHS.refund, body, creds.terminalSn, creds.terminalKey, timeouts.otherMs);
        return refundOutcomeOf(reply, ctx(), input);
      }),

    refundStatus: (creds, input) =>
      logged('refund_status', { clientSn: input.clientSn, refundRequestNo: input.refundRequestNo }, async () => {
        if (!CLIENT_SN.test(input.clientSn)) return { kind: 'unknown', reason: 'not sent: client_sn must be 1–32 printable ASCII characters' };
        const reply = await post(PATHS.query, { terminal_sn: creds.terminalSn, client_sn: input.clientSn }, creds.terminalSn, creds.terminalKey, timeouts.queryMs);
        return refundStatusOf(reply, ctx(), input);
      }),

    async statement(creds, date) {
      if (!DATE.test(date)) throw new AcquirerError('INVALID_PARAMS', `date must be YYYY-MM-DD, got ${date}`);
      const target = `${PATHS.statement}?date=${date}`;
      const reply = await exchange({
        method: 'GET',
        url: new URL(base + target),
        body: null,
        headers: { authorization: `${creds.terminalSn} ${md5BodySign(signedTextOfGet(target), creds.terminalKey)}` },
        timeoutMs: timeouts.otherMs,
        maxBytes: MAX_STATEMENT_BYTES,
      });
      if (!reply.ok) throw new AcquirerError(transportCode(reply.reason, reply.sent), reply.reason);
      if (reply.status !== 200) {
        // An error either way (and no money moves): read its code if it has one.
        const envelope = (() => {
          try {
            return Envelope.safeParse(JSON.parse(reply.body));
          } catch {
            return null;
          }
        })();
        if (envelope?.success && envelope.data.error_code) throw new AcquirerError(envelope.data.error_code, envelope.data.error_message ?? envelope.data.error_code);
        throw new AcquirerError(reply.status >= 500 ? 'server_error' : 'bad_reply', `statement: HTTP ${reply.status}`);
      }
      const rows = parseStatementCsv(reply.body);
      log.info({ op: 'statement', date, rows: rows.length }, 'acquirer call');
      return rows;
    },
  };
}

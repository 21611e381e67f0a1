/**
 * WeChat Pay API v2 direct (payments.md §2, §5.1): code payment by `micropay`, `orderquery`, `reverse` and
 * `refund` over mutual TLS with the merchant's API certificate, `refundquery`, and the trade bill (`downloadbill`).
 * XML over HTTPS, every request signed (MD5 or HMAC-SHA256 with the API key, ./signing.ts), every reply's `sign`
 * verified before anything in it is believed.
 *
 * How replies become outcomes (the official rules: APIRules, Closed-loop Transactions; payments.md §2.3–2.8):
 *
 * micropay  return_code SUCCESS + result_code SUCCESS, signature good, same appid/mch_id/out_trade_no, same
 *           total_fee and fee_type as asked                                                 → paid
 *           the same but anything differs (amount, currency, order, signature, shape)        → unknown
 *           result_code FAIL + USERPAYING                                                    → pending (query)
 *           NOTENOUGH, AUTHCODEEXPIRE, AUTH_CODE_ERROR / _INVALID, NOTSUPORTCARD, BUYER_MISMATCH,
 *           TRADE_ERROR, ORDERCLOSED, ORDERREVERSED and the request errors (PARAM_ERROR …)  → failed
 *           OUT_TRADE_NO_USED                                                               → failed order_conflict
 *           SYSTEMERROR, BANKERROR, ORDERPAID, any other code; return_code FAIL; HTTP errors,
 *           timeouts, cut or unreadable replies                                              → unknown
 *           connection never established (nothing sent)                                     → failed 'other'
 * orderquery trade_state SUCCESS → paid (same order and currency), USERPAYING / NOTPAY / ACCEPT → pending,
 *           REVOKED → cancelled, CLOSED / PAYERROR → failed, REFUND → refunded (refundquery sums it);
 *           ORDERNOTEXIST → not_found; else unknown
 * reverse   SUCCESS → cancelled; recall=Y → in_progress (reverse again); ORDERNOTEXIST → cancelled (nothing to
 *           reverse, as the aggregator's UPAY_ORDER_NOT_EXISTS); REVERSE_EXPIRE, TRADE_STATE_ERROR,
 *           INVALID_TRANSACTIONID → failed; else unknown
 * refund    needs the order's total_fee: an orderquery first. SUCCESS means accepted (not done): refundquery
 *           says SUCCESS → refunded, PROCESSING → in_progress. Retry-same-number codes (SYSTEMERROR,
 *           BIZERR_NEED_RETRY, FREQUENCY_LIMITED, INVALID_REQ_TOO_MUCH) → unknown; NOTENOUGH (the merchant's
 *           balance), REFUND_FEE_INVALID → not_enough_refundable; TRADE_OVERDUE, ORDERNOTEXIST,
 *           INVALID_TRANSACTIONID, TRADE_STATE_ERROR → not_refundable
 * Merchant QR (unifiedorder NATIVE) is not built: `precreate` answers failed and the provider does not offer it.
 */
import { randomBytes } from 'node:crypto';
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import type { PayerAmount } from '../../../src-common/cross-border';
import type { FailureCode } from '../../../src-common/payment-state';
import { PROVIDER_CAPABILITIES, type WechatV2Settings } from '../../../src-common/payment-provider';
import { acquirerDateOf } from '../../../src-common/business-day';
import { systemClock, type Clock } from '../../clock';
import type { Logger } from '../../log';
import type { PaymentProvider, ProviderPort } from '../gateway';
import { AcquirerError, type CancelOutcome, type PayOutcome, type QueryOutcome, type RefundOutcome, type RefundStatusOutcome, type StatementRow } from '../port';
import { exchange, type HttpReply } from '../shouqianba';
import { verifyWechatV2Sign, wechatV2Sign } from '../signing';
import { BILL_COLUMNS, V2_PATHS, fenOfYuan, instantOfBeijingCompact } from './v2-wire';
import { parseWechatXml, toWechatXml, type WechatFields } from './xml';

export interface WechatV2Options {
  readonly settings: WechatV2Settings;
  /** The store's currency (ISO 4217), sent as fee_type and required back in every paid reply. */
  readonly currency?: string;
  readonly timeouts: { readonly payMs: number; readonly queryMs: number; readonly otherMs: number };
  readonly log: Logger;
  readonly clock?: Clock;
  /** spbill_create_ip: the terminal's address as WeChat asks for it (any IPv4 of the machine). */
  readonly terminalIp?: string;
}

/** Who we are and what a reply must be signed with: every reply is read against it. */
export interface ReplyKey {
  readonly appId: string;
  readonly mchId: string;
  readonly apiKey: string;
  readonly signType: WechatV2Settings['signType'];
}

type Opened = { ok: true; fields: WechatFields } | { ok: false; reason: string; sent: boolean };

const MAX_REPLY_BYTES = 256 * 1024;
const MAX_BILL_BYTES = 32 * 1024 * 1024;

/** Transport, HTTP status, XML shape, return_code, signature and identity: what every reply must pass. */
export function openV2Reply(reply: HttpReply, key: ReplyKey): Opened {
  if (!reply.ok) return { ok: false, reason: reply.reason, sent: reply.sent };
  if (reply.status !== 200) return { ok: false, reason: `HTTP ${reply.status}`, sent: true };
  const fields = parseWechatXml(reply.body);
  if (!fields) return { ok: false, reason: 'reply is not WeChat Pay XML', sent: true };
  if (fields.return_code !== 'SUCCESS') return { ok: false, reason: `return_code ${fields.return_code ?? '(none)'}: ${fields.return_msg ?? ''}`.trim(), sent: true };
  if (!verifyWechatV2Sign(fields, key.apiKey, key.signType)) return { ok: false, reason: 'reply signature does not verify', sent: true };
  if (fields.appid !== key.appId || fields.mch_id !== key.mchId) return { ok: false, reason: 'reply is for another merchant', sent: true };
  if (fields.result_code !== 'SUCCESS' && fields.result_code !== 'FAIL') return { ok: false, reason: `result_code ${fields.result_code ?? '(none)'}`, sent: true };
  return { ok: true, fields };
}

const messageOf = (f: WechatFields) => [f.err_code, f.err_code_des].filter((s) => s).join(': ') || (f.result_code ?? '');

/** The fee as WeChat writes it: 1–10 digits of the currency's minor unit. */
const minorOf = (text: string | undefined): number | null => (text !== undefined && /^\d{1,10}$/.test(text) ? Number(text) : null);

const FAILED_PAY: Readonly<Record<string, FailureCode>> = {
  NOTENOUGH: 'insufficient_funds',
  AUTHCODEEXPIRE: 'code_expired',
  AUTH_CODE_ERROR: 'code_invalid',
  AUTH_CODE_INVALID: 'code_invalid',
  NOTSUPORTCARD: 'declined',
  BUYER_MISMATCH: 'declined',
  TRADE_ERROR: 'declined',
  ORDERCLOSED: 'other',
  ORDERREVERSED: 'other',
  OUT_TRADE_NO_USED: 'order_conflict',
  NOAUTH: 'other',
  PARAM_ERROR: 'other',
  LACK_PARAMS: 'other',
  XML_FORMAT_ERROR: 'other',
  SIGNERROR: 'other',
  APPID_NOT_EXIST: 'other',
  MCHID_NOT_EXIST: 'other',
  APPID_MCHID_NOT_MATCH: 'other',
};

/**
 * The customer's side of a cross-border paid reply (WeChat's international micropay / orderquery): `cash_fee_type`
 * (the customer's currency, CNY when absent, as the documentation defaults it), `cash_fee` (minor units of it) and
 * `rate` (the rate × 10^8, an integer). A Chinese wallet pays in CNY: any other cash_fee_type contradicts the reply.
 */
const V2Payer = z.object({
  cash_fee_type: z.literal('CNY').optional(),
  cash_fee: z.string().regex(/^\d{1,10}$/).optional(),
  rate: z.string().regex(/^[1-9]\d{0,14}$/).optional(),
});
/** WeChat v2 writes the rate × 10^8. */
export const V2_RATE_SCALE = 8;

/** The payer's amount and rate of a paid reply in a store priced in `currency`: null for a CNY store or when the reply gives none; a reason when they are malformed. */
export function payerOfV2Reply(f: WechatFields, currency: string): { ok: true; payer: PayerAmount | null } | { ok: false; reason: string } {
  if (currency === 'CNY') return { ok: true, payer: null };
  const parsed = V2Payer.safeParse({ cash_fee_type: f.cash_fee_type, cash_fee: f.cash_fee, rate: f.rate });
  if (!parsed.success) return { ok: false, reason: `paid reply has cash_fee_type ${f.cash_fee_type ?? '(none)'}, cash_fee ${f.cash_fee ?? '(none)'}, rate ${f.rate ?? '(none)'}` };
  const { cash_fee: cashFee, rate } = parsed.data;
  if (cashFee === undefined) return rate === undefined && f.cash_fee_type === undefined ? { ok: true, payer: null } : { ok: false, reason: 'paid reply has a rate or cash_fee_type but no cash_fee' };
  return { ok: true, payer: { currency: 'CNY', amount: Number(cashFee), rate: rate ?? null, rateScale: V2_RATE_SCALE } };
}

/** A paid order as a reply describes it; `unknown` when it is not the order asked for, in the currency asked. */
function paidOf(f: WechatFields, expected: { clientSn: string; amount: number | null; currency: string }, now: Date): PayOutcome {
  const amount = minorOf(f.total_fee);
  if (f.out_trade_no !== expected.clientSn || !f.transaction_id) return { kind: 'unknown', reason: 'paid reply is for another order' };
  if (amount === null || (expected.amount !== null && amount !== expected.amount)) return { kind: 'unknown', reason: `paid reply has total_fee ${f.total_fee ?? '(none)'}` };
  if ((f.fee_type ?? 'CNY') !== expected.currency) return { kind: 'unknown', reason: `paid reply is in ${f.fee_type}, not ${expected.currency}` };
  const payer = payerOfV2Reply(f, expected.currency);
  if (!payer.ok) return { kind: 'unknown', reason: payer.reason };
  return {
    kind: 'paid',
    acquirerSn: f.transaction_id,
    amount,
    wallet: 'wechat',
    payerRef: f.openid ?? null,
    finishedAt: (f.time_end ? instantOfBeijingCompact(f.time_end) : null)?.toISOString() ?? now.toISOString(),
    paymentList: [],
    merchantDiscount: 0,
    payer: payer.payer,
  };
}

export function micropayOutcomeOf(reply: HttpReply, key: ReplyKey, expected: { clientSn: string; amount: number; currency: string }, now: Date): PayOutcome {
  const opened = openV2Reply(reply, key);
  if (!opened.ok) return opened.sent ? { kind: 'unknown', reason: opened.reason } : { kind: 'failed', code: 'other', message: opened.reason };
  const f = opened.fields;
  if (f.result_code === 'SUCCESS') return paidOf(f, expected, now);
  if (f.err_code === 'USERPAYING') return { kind: 'pending', acquirerSn: f.transaction_id ?? null };
  const code = f.err_code ? FAILED_PAY[f.err_code] : undefined;
  return code ? { kind: 'failed', code, message: messageOf(f) } : { kind: 'unknown', reason: messageOf(f) };
}

export function orderqueryOutcomeOf(reply: HttpReply, key: ReplyKey, expected: { clientSn: string; currency: string }, now: Date): QueryOutcome {
  const opened = openV2Reply(reply, key);
  if (!opened.ok) return { kind: 'unknown', reason: opened.reason };
  const f = opened.fields;
  if (f.result_code === 'FAIL') return f.err_code === 'ORDERNOTEXIST' ? { kind: 'not_found' } : { kind: 'unknown', reason: messageOf(f) };
  if (f.out_trade_no !== undefined && f.out_trade_no !== expected.clientSn) return { kind: 'unknown', reason: 'query reply is for another order' };
  switch (f.trade_state) {
    case 'SUCCESS':
      return paidOf(f, { ...expected, amount: null }, now);
    case 'USERPAYING':
    case 'NOTPAY':
    case 'ACCEPT':
      return { kind: 'pending', acquirerSn: f.transaction_id || null };
    case 'REVOKED':
      return { kind: 'cancelled' };
    case 'REFUND': {
      // How much: refundquery says (the caller asks it); the order's total is here.
      const amount = minorOf(f.total_fee);
      return amount === null ? { kind: 'unknown', reason: 'refunded order without total_fee' } : { kind: 'refunded', refundedAmount: 0, amount };
    }
    case 'CLOSED':
      return { kind: 'failed', code: 'other', message: `order closed: ${f.trade_state_desc ?? ''}`.trim() };
    case 'PAYERROR':
      return { kind: 'failed', code: 'declined', message: f.trade_state_desc ?? 'PAYERROR' };
    default:
      return { kind: 'unknown', reason: `trade_state ${f.trade_state ?? '(none)'}` };
  }
}

export function reverseOutcomeOf(reply: HttpReply, key: ReplyKey): CancelOutcome {
  const opened = openV2Reply(reply, key);
  if (!opened.ok) return { kind: 'unknown', reason: opened.reason };
  const f = opened.fields;
  if (f.result_code === 'SUCCESS') return f.recall === 'Y' ? { kind: 'in_progress' } : { kind: 'cancelled' };
  if (f.recall === 'Y') return { kind: 'in_progress' };
  switch (f.err_code) {
    case 'ORDERNOTEXIST':
      return { kind: 'cancelled' };
    case 'REVERSE_EXPIRE':
    case 'TRADE_STATE_ERROR':
    case 'INVALID_TRANSACTIONID':
      return { kind: 'failed', message: messageOf(f) };
    default:
      return { kind: 'unknown', reason: messageOf(f) };
  }
}

/** The refunds refundquery lists (`out_refund_no_$n`, `refund_fee_$n`, `refund_status_$n`). */
export function refundsListed(f: WechatFields): { outRefundNo: string; fee: number; status: string }[] {
  const count = minorOf(f.refund_count) ?? 0;
  const list: { outRefundNo: string; fee: number; status: string }[] = [];
  for (let n = 0; n < Math.min(count, 50); n += 1) {
    const fee = minorOf(f[`refund_fee_${n}`]);
    const outRefundNo = f[`out_refund_no_${n}`];
    const status = f[`refund_status_${n}`];
    if (fee !== null && outRefundNo && status) list.push({ outRefundNo, fee, status });
  }
  return list;
}

export function refundqueryOutcomeOf(reply: HttpReply, key: ReplyKey, expected: { clientSn: string; refundRequestNo: string }): RefundStatusOutcome {
  const opened = openV2Reply(reply, key);
  if (!opened.ok) return { kind: 'unknown', reason: opened.reason };
  const f = opened.fields;
  if (f.result_code === 'FAIL') return f.err_code === 'REFUNDNOTEXIST' ? { kind: 'not_arrived' } : { kind: 'unknown', reason: messageOf(f) };
  if (f.out_trade_no !== expected.clientSn) return { kind: 'unknown', reason: 'refund query reply is for another order' };
  const listed = refundsListed(f);
  const ours = listed.find((r) => r.outRefundNo === expected.refundRequestNo);
  if (!ours) return { kind: 'not_arrived' };
  const refundedTotal = listed.filter((r) => r.status === 'SUCCESS').reduce((sum, r) => sum + r.fee, 0);
  switch (ours.status) {
    case 'SUCCESS':
      return { kind: 'refunded', refundedTotal };
    case 'PROCESSING':
      return { kind: 'in_progress' };
    case 'REFUNDCLOSE':
    case 'CHANGE':
      return { kind: 'failed', code: 'other', message: `refund ${ours.status}` };
    default:
      return { kind: 'unknown', reason: `refund_status ${ours.status}` };
  }
}

/**
 * What the customer gets back in CNY from a cross-border refund, as the refund's reply says (`cash_refund_fee`, in
 * `cash_refund_fee_type`, CNY when absent); null for a CNY store, or when it says nothing or nothing readable (the
 * refund itself stands on refundquery: this only adds what the receipt and the sync fact show).
 */
export function payerRefundOfV2Reply(f: WechatFields, currency: string): { currency: string; amount: number } | null {
  if (currency === 'CNY') return null;
  const fee = f.cash_refund_fee;
  if (fee === undefined || !/^\d{1,10}$/.test(fee) || (f.cash_refund_fee_type ?? 'CNY') !== 'CNY') return null;
  return { currency: 'CNY', amount: Number(fee) };
}

export function refundOutcomeOf(
  reply: HttpReply,
  key: ReplyKey,
  expected: { refundRequestNo: string; currency?: string },
): RefundOutcome | { kind: 'accepted'; payerRefund: { currency: string; amount: number } | null } {
  const opened = openV2Reply(reply, key);
  if (!opened.ok) return { kind: 'unknown', reason: opened.reason };
  const f = opened.fields;
  if (f.result_code === 'SUCCESS') {
    return f.out_refund_no === expected.refundRequestNo
      ? { kind: 'accepted', payerRefund: payerRefundOfV2Reply(f, expected.currency ?? 'CNY') }
      : { kind: 'unknown', reason: 'refund reply is for another refund' };
  }
  switch (f.err_code) {
    case 'NOTENOUGH':
    case 'REFUND_FEE_INVALID':
      return { kind: 'failed', code: 'not_enough_refundable', message: messageOf(f) };
    case 'TRADE_OVERDUE':
    case 'ORDERNOTEXIST':
    case 'INVALID_TRANSACTIONID':
    case 'TRADE_STATE_ERROR':
      return { kind: 'failed', code: 'not_refundable', message: messageOf(f) };
    default:
      return { kind: 'unknown', reason: messageOf(f) };
  }
}

/** The trade bill (bill_type ALL) in the common statement form; throws AcquirerError on a malformed bill. */
export function parseTradeBill(text: string, currency: string): StatementRow[] {
  const records = parseCsv(text.replace(/^\uFEFF/, ''), { relax_column_count: true, skip_empty_lines: true, bom: true }) as string[][];
  const header = records[0];
  if (!header || BILL_COLUMNS.some((c, i) => header[i] !== c)) throw new AcquirerError('bad_reply', 'the trade bill does not have the documented columns');
  const rows: StatementRow[] = [];
  for (const record of records.slice(1)) {
    if (record[0] === '总交易单数') break;
    const cell = (name: (typeof BILL_COLUMNS)[number]) => (record[BILL_COLUMNS.indexOf(name)] ?? '').replace(/^`/, '');
    if ((cell('货币种类') || 'CNY') !== currency) throw new AcquirerError('bad_reply', `the trade bill lists ${cell('货币种类')}, not ${currency}`);
    const finishedAt = new Date(`${cell('交易时间').replace(' ', 'T')}+08:00`);
    if (Number.isNaN(finishedAt.getTime())) throw new AcquirerError('bad_reply', `unreadable time in the trade bill: ${cell('交易时间')}`);
    const state = cell('交易状态');
    const refund = state === 'REFUND';
    const amount = fenOfYuan(refund ? cell('退款金额') : cell('应结订单金额'));
    if (amount === null || amount <= 0) throw new AcquirerError('bad_reply', 'unreadable amount in the trade bill');
    const type = refund ? 'refund' : state === 'REVOKED' ? 'cancel' : state === 'SUCCESS' ? 'pay' : null;
    if (type === null) continue;
    rows.push({
      clientSn: cell('商户订单号'),
      acquirerSn: cell('微信订单号'),
      type,
      wallet: 'wechat',
      amount,
      status: refund ? cell('退款状态') : state,
      finishedAt: finishedAt.toISOString(),
      refundRequestNo: refund ? cell('商户退款单号') : null,
    });
  }
  return rows;
}

const OUT_TRADE_NO = /^[0-9A-Za-z_\-|*@]{1,32}$/;
const AUTH_CODE = /^\d{18}$/;

export function createWechatV2Port(options: WechatV2Options): ProviderPort {
  const { settings, timeouts, log } = options;
  const clock = options.clock ?? systemClock;
  const currency = options.currency ?? 'CNY';
  const key: ReplyKey = { appId: settings.appId, mchId: settings.mchId, apiKey: settings.apiKey, signType: settings.signType };
  const base = new URL(settings.baseUrl);
  const mutualTls = { cert: settings.certPem, key: settings.keyPem, ...(settings.caPem ? { ca: settings.caPem } : {}) };
  const serverTls = settings.caPem ? { ca: settings.caPem } : {};

  const signed = (fields: Record<string, string | number>) => {
    const all = { appid: settings.appId, mch_id: settings.mchId, nonce_str: randomBytes(16).toString('hex'), sign_type: settings.signType, ...fields };
    return toWechatXml({ ...all, sign: wechatV2Sign(all, settings.apiKey, settings.signType) });
  };
  const post = (path: string, fields: Record<string, string | number>, timeoutMs: number, certified: boolean, maxBytes = MAX_REPLY_BYTES) =>
    exchange({
      method: 'POST',
      url: new URL(path, base),
      body: signed(fields),
      headers: { 'content-type': 'text/xml; charset=utf-8', accept: 'text/xml, text/plain' },
      timeoutMs,
      maxBytes,
      tls: certified ? mutualTls : serverTls,
    });

  const orderquery = async (clientSn: string) =>
    orderqueryOutcomeOf(await post(V2_PATHS.orderquery, { out_trade_no: clientSn }, timeouts.queryMs, false), key, { clientSn, currency }, clock.now());
  const refundquery = async (input: { clientSn: string; refundRequestNo: string }) =>
    refundqueryOutcomeOf(await post(V2_PATHS.refundquery, { out_trade_no: input.clientSn }, timeouts.queryMs, false), key, input);
  const reverse = async (clientSn: string): Promise<CancelOutcome> => {
    const outcome = reverseOutcomeOf(await post(V2_PATHS.reverse, { out_trade_no: clientSn }, timeouts.otherMs, true), key);
    log.info({ clientSn, outcome: outcome.kind }, 'wechat v2 reverse');
    return outcome;
  };

  return {
    async pay(input) {
      if (!OUT_TRADE_NO.test(input.clientSn)) return { kind: 'failed', code: 'other', message: 'out_trade_no is not 1–32 allowed characters' };
      if (!AUTH_CODE.test(input.authCode)) return { kind: 'failed', code: 'code_invalid', message: 'a WeChat payment code is 18 digits' };
      const reply = await post(
        V2_PATHS.micropay,
        {
          body: Array.from(input.subject).slice(0, 40).join('') || 'POS',
          out_trade_no: input.clientSn,
          total_fee: input.amount,
          fee_type: currency,
          spbill_create_ip: options.terminalIp ?? '127.0.0.1',
          auth_code: input.authCode,
          device_info: input.operator.slice(0, 32),
        },
        timeouts.payMs,
        false,
      );
      const outcome = micropayOutcomeOf(reply, key, { clientSn: input.clientSn, amount: input.amount, currency }, clock.now());
      log.info({ clientSn: input.clientSn, outcome: outcome.kind, ...(outcome.kind === 'unknown' ? { reason: outcome.reason } : {}) }, 'wechat v2 micropay');
      return outcome;
    },
    precreate: () => Promise.resolve({ kind: 'failed', message: 'WeChat Pay direct has no merchant QR on this terminal (unifiedorder NATIVE is not built)' }),
    async query(clientSn) {
      const outcome = await orderquery(clientSn);
      if (outcome.kind !== 'refunded') return outcome;
      const reply = await post(V2_PATHS.refundquery, { out_trade_no: clientSn }, timeouts.queryMs, false);
      const opened = openV2Reply(reply, key);
      if (!opened.ok || opened.fields.result_code !== 'SUCCESS') return { kind: 'unknown', reason: opened.ok ? messageOf(opened.fields) : opened.reason };
      const refundedAmount = refundsListed(opened.fields).filter((r) => r.status === 'SUCCESS').reduce((sum, r) => sum + r.fee, 0);
      return { ...outcome, refundedAmount };
    },
    cancel: reverse,
    // A same-day void: WeChat reverses a paid order within 7 days with the same call.
    revoke: reverse,
    async refund(input) {
      const order = await orderquery(input.clientSn);
      if (order.kind === 'unknown') return order;
      const total = order.kind === 'paid' ? order.amount : order.kind === 'refunded' ? order.amount : null;
      if (total === null) return { kind: 'failed', code: 'not_refundable', message: `the order is ${order.kind}` };
      const reply = await post(
        V2_PATHS.refund,
        { out_trade_no: input.clientSn, out_refund_no: input.refundRequestNo, total_fee: total, refund_fee: input.amount, refund_fee_type: currency },
        timeouts.otherMs,
        true,
      );
      const outcome = refundOutcomeOf(reply, key, { ...input, currency });
      if (outcome.kind !== 'accepted') return outcome;
      // Accepted is not refunded (refund.md): the refund's own state says.
      const status = await refundquery(input);
      if (status.kind === 'refunded') return { ...status, payerRefund: outcome.payerRefund };
      return status.kind === 'not_arrived' ? { kind: 'in_progress' } : status;
    },
    refundStatus: (input) => refundquery(input),
    async statement(date) {
      const reply = await post(V2_PATHS.downloadbill, { bill_date: date.replaceAll('-', ''), bill_type: 'ALL' }, timeouts.otherMs, false, MAX_BILL_BYTES);
      if (!reply.ok) throw new AcquirerError('network', reply.reason);
      if (reply.status !== 200) throw new AcquirerError('server_error', `HTTP ${reply.status}`);
      // Success is the bill as text; failure is signed-less XML with return_code FAIL (downloadbill.md).
      if (reply.body.trimStart().startsWith('<xml>')) {
        const f = parseWechatXml(reply.body);
        if (f?.return_msg === 'No Bill Exist') return [];
        throw new AcquirerError(f?.error_code ?? 'bad_reply', f?.return_msg ?? 'unreadable downloadbill reply');
      }
      return parseTradeBill(reply.body, currency).filter((row) => acquirerDateOf(new Date(row.finishedAt)) === date);
    },
  };
}

export function wechatV2Provider(options: WechatV2Options): PaymentProvider {
  const port = createWechatV2Port(options);
  return { id: 'wechat_v2', capabilities: new Set(PROVIDER_CAPABILITIES.wechat_v2), connect: () => Promise.resolve(port) };
}

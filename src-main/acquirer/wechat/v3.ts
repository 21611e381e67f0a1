/**
 * WeChat Pay API v3 direct (payments.md §2; pay.weixin.qq.com/doc/v3 merchant code-payment-v3): code payment by
 * `POST /v3/pay/transactions/codepay`, the order query by out_trade_no, `…/reverse`, refunds and their query
 * (`/v3/refund/domestic/refunds`), and the trade bill (`/v3/bill/tradebill`, then its download_url). JSON over
 * HTTPS; every request signed with the merchant's RSA key (./v3-sign.ts), every reply's signature verified with
 * the platform public key before anything in it is believed — a "failed" as much as a "paid".
 *
 * How replies become outcomes (nothing is ever paid on trust; `unknown` is resolved by query, then reverse):
 *
 * codepay   200 trade_state SUCCESS, signed, same appid/mchid/out_trade_no, same amount.total and currency  → paid
 *           the same with anything different (amount, currency, order, signature, shape)                       → unknown
 *           202 / any reply with code or trade_state USERPAYING                                                  → pending
 *           NOTENOUGH, AUTHCODEEXPIRE, AUTH_CODE_INVALID/_ERROR, NOTSUPORTCARD, BUYER_MISMATCH, TRADE_ERROR,
 *           ORDER_CLOSED, ORDERREVERSED, and request errors (PARAM_ERROR, INVALID_REQUEST, SIGN_ERROR, NO_AUTH) → failed
 *           OUT_TRADE_NO_USED                                                                                    → failed order_conflict
 *           SYSTEM_ERROR, BANKERROR, FREQUENCY_LIMITED, other codes, 5xx, timeouts, cut or unsigned replies      → unknown
 *           connection never established (nothing sent)                                                          → failed 'other'
 * query     200 by trade_state as v2's orderquery (SUCCESS paid, USERPAYING/NOTPAY/ACCEPT pending, REVOKED
 *           cancelled, CLOSED/PAYERROR failed, REFUND refunded); 404 ORDER_NOT_EXIST → not_found; else unknown
 * reverse   200 → cancelled; ORDER_NOT_EXIST → cancelled (nothing to reverse); REVERSE_EXPIRE, TRADE_STATE_ERROR → failed
 * refund    needs the order's total: a query first. status SUCCESS → refunded, PROCESSING → in_progress,
 *           CLOSED/ABNORMAL → failed; NOT_ENOUGH → not_enough_refundable; RESOURCE_NOT_EXISTS, INVALID_REQUEST →
 *           not_refundable; 5xx, SYSTEM_ERROR, FREQUENCY_LIMITED → unknown (the same out_refund_no is sent again)
 * A refunded order's query cannot say how much was refunded (v3 lists no refunds on an order): `refundedAmount` 0;
 * nothing on the direct path reads it (the statement comes from the trade bill).
 */
import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { acquirerDateOf } from '../../../src-common/business-day';
import type { PayerAmount } from '../../../src-common/cross-border';
import type { FailureCode } from '../../../src-common/payment-state';
import { PROVIDER_CAPABILITIES, type WechatV3Settings } from '../../../src-common/payment-provider';
import { systemClock, type Clock } from '../../clock';
import type { Logger } from '../../log';
import type { PaymentProvider, ProviderPort } from '../gateway';
import { AcquirerError, type CancelOutcome, type PayOutcome, type QueryOutcome, type RefundOutcome, type RefundStatusOutcome } from '../port';
import { exchange, type HttpReply } from '../shouqianba';
import { parseTradeBill } from './v2';
import { v3Authorization, verifyV3Reply, type V3Platform, type V3Signer } from './v3-sign';
import { V3_PATHS, V3Bill, V3Error, V3Refund, V3Reversed, V3Transaction, instantOfRfc3339, type V3Amount } from './v3-wire';

export interface WechatV3Options {
  readonly settings: WechatV3Settings;
  /** The store's currency (ISO 4217), sent as amount.currency and required back in every paid reply. */
  readonly currency?: string;
  readonly timeouts: { readonly payMs: number; readonly queryMs: number; readonly otherMs: number };
  readonly log: Logger;
  readonly clock?: Clock;
  /** scene_info.device_ip: the terminal's address. */
  readonly terminalIp?: string;
}

/** Who we are and which key must have signed a reply. */
export interface V3ReplyKey {
  readonly appId: string;
  readonly mchId: string;
  readonly platform: V3Platform;
}

type Opened = { ok: true; status: number; json: unknown } | { ok: false; reason: string; sent: boolean };

const MAX_REPLY_BYTES = 256 * 1024;
const MAX_BILL_BYTES = 32 * 1024 * 1024;

/** Transport, signature and JSON: what every reply must pass, whatever its status. */
export function openV3Reply(reply: HttpReply, key: V3ReplyKey, now: Date): Opened {
  if (!reply.ok) return { ok: false, reason: reply.reason, sent: reply.sent };
  const checked = verifyV3Reply(reply.headers ?? {}, reply.body, key.platform, now);
  if (!checked.ok) return { ok: false, reason: `HTTP ${reply.status}: ${checked.reason}`, sent: true };
  if (reply.status === 204) return { ok: true, status: 204, json: {} };
  try {
    return { ok: true, status: reply.status, json: JSON.parse(reply.body) as unknown };
  } catch {
    return { ok: false, reason: `HTTP ${reply.status}: reply is not JSON`, sent: true };
  }
}

/** The error code of a signed non-2xx reply (or a 202), or null when it has none. */
export function errorOf(opened: { status: number; json: unknown }): { code: string; message: string } | null {
  if (opened.status === 200 || opened.status === 204) return null;
  const parsed = V3Error.safeParse(opened.json);
  return parsed.success ? { code: parsed.data.code, message: [parsed.data.code, parsed.data.message].filter((s) => s).join(': ') } : null;
}

const FAILED_PAY: Readonly<Record<string, FailureCode>> = {
  NOTENOUGH: 'insufficient_funds',
  AUTHCODEEXPIRE: 'code_expired',
  AUTH_CODE_ERROR: 'code_invalid',
  AUTH_CODE_INVALID: 'code_invalid',
  NOTSUPORTCARD: 'declined',
  BUYER_MISMATCH: 'declined',
  TRADE_ERROR: 'declined',
  ORDER_CLOSED: 'other',
  ORDERREVERSED: 'other',
  OUT_TRADE_NO_USED: 'order_conflict',
  PARAM_ERROR: 'other',
  INVALID_REQUEST: 'other',
  SIGN_ERROR: 'other',
  NO_AUTH: 'other',
  APPID_MCHID_NOT_MATCH: 'other',
  MCH_NOT_EXISTS: 'other',
};

/**
 * The customer's side of a paid order in a store priced in `currency` other than CNY: `amount.payer_total` in
 * `amount.payer_currency` (CNY when absent), with no rate (the domestic reply documents none). The domestic code
 * payment takes CNY only, so a store in another currency is paid through ./v3-global.ts; this stays for a reply that
 * names another currency all the same. A payer currency other than CNY contradicts a Chinese wallet's reply: unknown.
 */
export function payerOfV3Amount(amount: V3Amount, currency: string): { ok: true; payer: PayerAmount | null } | { ok: false; reason: string } {
  if (currency === 'CNY' || amount.payer_total === undefined) return { ok: true, payer: null };
  const payerCurrency = amount.payer_currency ?? 'CNY';
  if (payerCurrency !== 'CNY') return { ok: false, reason: `paid reply has payer_currency ${payerCurrency}, not CNY` };
  return { ok: true, payer: { currency: 'CNY', amount: amount.payer_total, rate: null, rateScale: 0 } };
}

/** A paid order as a reply describes it; `unknown` when it is not the order asked for, in the amount and currency asked. */
function paidOf(t: V3Transaction, key: V3ReplyKey, expected: { clientSn: string; amount: number | null; currency: string }, now: Date): PayOutcome {
  if (t.out_trade_no !== expected.clientSn || !t.transaction_id) return { kind: 'unknown', reason: 'paid reply is for another order' };
  if ((t.appid !== undefined && t.appid !== key.appId) || t.mchid !== key.mchId) return { kind: 'unknown', reason: 'paid reply is for another merchant' };
  if (!t.amount) return { kind: 'unknown', reason: 'paid reply has no amount' };
  if (expected.amount !== null && t.amount.total !== expected.amount) return { kind: 'unknown', reason: `paid reply has amount.total ${t.amount.total}` };
  if (t.amount.currency !== expected.currency) return { kind: 'unknown', reason: `paid reply is in ${t.amount.currency}, not ${expected.currency}` };
  const payer = payerOfV3Amount(t.amount, expected.currency);
  if (!payer.ok) return { kind: 'unknown', reason: payer.reason };
  return {
    kind: 'paid',
    acquirerSn: t.transaction_id,
    amount: t.amount.total,
    wallet: 'wechat',
    payerRef: t.payer?.openid ?? null,
    finishedAt: (instantOfRfc3339(t.success_time) ?? now).toISOString(),
    paymentList: [],
    merchantDiscount: 0,
    payer: payer.payer,
  };
}

/** What the domestic and the global API's transaction replies share, as their schemas read them. */
interface V3TradeFields {
  out_trade_no?: string | undefined;
  trade_state: string;
  trade_state_desc?: string | undefined;
  amount?: { total: number; currency: string } | undefined;
}

/**
 * How one API's transaction reply is read: the domestic one here, the global one in ./v3-global.ts. The states, the
 * errors and what each means are the same in both; the shape, WeChat's order number and whose order it is differ.
 */
export interface V3TradeReading<T extends V3TradeFields> {
  readonly schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } };
  /** WeChat's order number in the reply (domestic `transaction_id`, global `id`). */
  orderNo(t: T): string | null;
  /** Whether the reply is this merchant's. */
  isOurs(t: T): boolean;
  /** A paid order as the reply describes it, or unknown when it is not the order asked for. */
  paid(t: T, expected: { clientSn: string; amount: number | null; currency: string }): PayOutcome;
}

export function payOutcomeWith<T extends V3TradeFields>(
  reading: V3TradeReading<T>,
  reply: HttpReply,
  key: V3ReplyKey,
  expected: { clientSn: string; amount: number; currency: string },
  now: Date,
): PayOutcome {
  const opened = openV3Reply(reply, key, now);
  if (!opened.ok) return opened.sent ? { kind: 'unknown', reason: opened.reason } : { kind: 'failed', code: 'other', message: opened.reason };
  const error = errorOf(opened);
  if (error) {
    if (error.code === 'USERPAYING') return { kind: 'pending', acquirerSn: null };
    const code = opened.status < 500 ? FAILED_PAY[error.code] : undefined;
    return code ? { kind: 'failed', code, message: error.message } : { kind: 'unknown', reason: `HTTP ${opened.status} ${error.message}` };
  }
  const parsed = reading.schema.safeParse(opened.json);
  if (!parsed.success) return { kind: 'unknown', reason: `HTTP ${opened.status}: reply has an unknown shape` };
  if (parsed.data.trade_state === 'USERPAYING') return { kind: 'pending', acquirerSn: reading.orderNo(parsed.data) };
  if (opened.status !== 200 || parsed.data.trade_state !== 'SUCCESS') return { kind: 'unknown', reason: `HTTP ${opened.status} trade_state ${parsed.data.trade_state}` };
  return reading.paid(parsed.data, expected);
}

export function queryOutcomeWith<T extends V3TradeFields>(
  reading: V3TradeReading<T>,
  reply: HttpReply,
  key: V3ReplyKey,
  expected: { clientSn: string; currency: string },
  now: Date,
): QueryOutcome {
  const opened = openV3Reply(reply, key, now);
  if (!opened.ok) return { kind: 'unknown', reason: opened.reason };
  const error = errorOf(opened);
  if (error) return error.code === 'ORDER_NOT_EXIST' && opened.status === 404 ? { kind: 'not_found' } : { kind: 'unknown', reason: `HTTP ${opened.status} ${error.message}` };
  const parsed = reading.schema.safeParse(opened.json);
  if (opened.status !== 200 || !parsed.success) return { kind: 'unknown', reason: `HTTP ${opened.status}: query reply has an unknown shape` };
  const t = parsed.data;
  if (t.out_trade_no !== expected.clientSn || !reading.isOurs(t)) return { kind: 'unknown', reason: 'query reply is for another order' };
  switch (t.trade_state) {
    case 'SUCCESS':
      return reading.paid(t, { ...expected, amount: null });
    case 'USERPAYING':
    case 'NOTPAY':
    case 'ACCEPT':
      return { kind: 'pending', acquirerSn: reading.orderNo(t) };
    case 'REVOKED':
      return { kind: 'cancelled' };
    case 'REFUND':
      if (!t.amount || t.amount.currency !== expected.currency) return { kind: 'unknown', reason: 'refunded order without its amount in the store currency' };
      return { kind: 'refunded', refundedAmount: 0, amount: t.amount.total };
    case 'CLOSED':
      return { kind: 'failed', code: 'other', message: `order closed: ${t.trade_state_desc ?? ''}`.trim() };
    case 'PAYERROR':
      return { kind: 'failed', code: 'declined', message: t.trade_state_desc ?? 'PAYERROR' };
    default:
      return { kind: 'unknown', reason: `trade_state ${t.trade_state}` };
  }
}

const domesticReading = (key: V3ReplyKey, now: Date): V3TradeReading<V3Transaction> => ({
  schema: V3Transaction,
  orderNo: (t) => t.transaction_id ?? null,
  isOurs: (t) => t.mchid === key.mchId,
  paid: (t, expected) => paidOf(t, key, expected, now),
});

export function codepayOutcomeOf(reply: HttpReply, key: V3ReplyKey, expected: { clientSn: string; amount: number; currency: string }, now: Date): PayOutcome {
  return payOutcomeWith(domesticReading(key, now), reply, key, expected, now);
}

export function queryOutcomeOf(reply: HttpReply, key: V3ReplyKey, expected: { clientSn: string; currency: string }, now: Date): QueryOutcome {
  return queryOutcomeWith(domesticReading(key, now), reply, key, expected, now);
}

export function reverseOutcomeOf(reply: HttpReply, key: V3ReplyKey, clientSn: string, now: Date): CancelOutcome {
  const opened = openV3Reply(reply, key, now);
  if (!opened.ok) return { kind: 'unknown', reason: opened.reason };
  const error = errorOf(opened);
  if (error) {
    if (error.code === 'ORDER_NOT_EXIST' && opened.status === 404) return { kind: 'cancelled' };
    if ((error.code === 'REVERSE_EXPIRE' || error.code === 'TRADE_STATE_ERROR') && opened.status < 500) return { kind: 'failed', message: error.message };
    return { kind: 'unknown', reason: `HTTP ${opened.status} ${error.message}` };
  }
  const parsed = V3Reversed.safeParse(opened.json);
  if (opened.status !== 200 || !parsed.success || parsed.data.out_trade_no !== clientSn || parsed.data.mchid !== key.mchId) return { kind: 'unknown', reason: `HTTP ${opened.status}: reverse reply has an unknown shape` };
  return { kind: 'cancelled' };
}

/** A refund's state from a refund reply (apply or query): for this refund, in this currency, or unknown. */
export function refundStateOf(
  reply: HttpReply,
  key: V3ReplyKey,
  expected: { clientSn: string; refundRequestNo: string; amount: number; currency: string },
  now: Date,
): RefundStatusOutcome {
  const opened = openV3Reply(reply, key, now);
  if (!opened.ok) return { kind: 'unknown', reason: opened.reason };
  const error = errorOf(opened);
  if (error) {
    if (opened.status >= 500) return { kind: 'unknown', reason: `HTTP ${opened.status} ${error.message}` };
    switch (error.code) {
      case 'NOT_ENOUGH':
        return { kind: 'failed', code: 'not_enough_refundable', message: error.message };
      case 'RESOURCE_NOT_EXISTS':
      case 'INVALID_REQUEST':
        return { kind: 'failed', code: 'not_refundable', message: error.message };
      case 'PARAM_ERROR':
      case 'SIGN_ERROR':
      case 'NO_AUTH':
        return { kind: 'failed', code: 'other', message: error.message };
      default:
        return { kind: 'unknown', reason: `HTTP ${opened.status} ${error.message}` };
    }
  }
  const parsed = V3Refund.safeParse(opened.json);
  if (opened.status !== 200 || !parsed.success) return { kind: 'unknown', reason: `HTTP ${opened.status}: refund reply has an unknown shape` };
  const r = parsed.data;
  if (r.out_refund_no !== expected.refundRequestNo || r.out_trade_no !== expected.clientSn) return { kind: 'unknown', reason: 'refund reply is for another refund' };
  if (r.amount.refund !== expected.amount || r.amount.currency !== expected.currency) return { kind: 'unknown', reason: `refund reply has ${r.amount.refund} ${r.amount.currency}` };
  switch (r.status) {
    case 'SUCCESS':
      // Cross-border: amount.payer_refund is the customer's side (the domestic reply has no payer currency: CNY).
      return { kind: 'refunded', refundedTotal: r.amount.refund, ...(expected.currency !== 'CNY' && r.amount.payer_refund !== undefined ? { payerRefund: { currency: 'CNY', amount: r.amount.payer_refund } } : {}) };
    case 'PROCESSING':
      return { kind: 'in_progress' };
    case 'CLOSED':
    case 'ABNORMAL':
      return { kind: 'failed', code: 'other', message: `refund ${r.status}` };
    default:
      return { kind: 'unknown', reason: `refund status ${r.status}` };
  }
}

const OUT_TRADE_NO = /^[0-9A-Za-z_\-*]{6,32}$/;
const AUTH_CODE = /^\d{18}$/;

export function createWechatV3Port(options: WechatV3Options): ProviderPort {
  const { settings, timeouts, log } = options;
  const clock = options.clock ?? systemClock;
  const currency = options.currency ?? 'CNY';
  const signer: V3Signer = { mchId: settings.mchId, serialNo: settings.merchantSerialNo, privateKey: createPrivateKey(settings.merchantKeyPem) };
  const key: V3ReplyKey = { appId: settings.appId, mchId: settings.mchId, platform: { serial: settings.platformSerial, publicKey: createPublicKey(settings.platformPublicKeyPem) } };
  const base = new URL(settings.baseUrl);
  const tls = settings.caPem ? { ca: settings.caPem } : {};

  const send = (method: 'GET' | 'POST', url: URL, body: object | null, timeoutMs: number, maxBytes = MAX_REPLY_BYTES) => {
    const text = body === null ? '' : JSON.stringify(body);
    const authorization = v3Authorization(signer, { method, url: url.pathname + url.search, body: text }, { timestamp: String(Math.floor(clock.now().getTime() / 1000)) });
    return exchange({
      method,
      url,
      body: body === null ? null : text,
      headers: { ...(body === null ? {} : { 'content-type': 'application/json' }), accept: 'application/json', authorization, 'user-agent': 'jiezhang-pos' },
      timeoutMs,
      maxBytes,
      tls,
    });
  };
  const at = (path: string, query: Record<string, string> = {}) => {
    const url = new URL(path, base);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    return url;
  };

  const query = async (clientSn: string) =>
    queryOutcomeOf(await send('GET', at(V3_PATHS.query(clientSn), { mchid: settings.mchId }), null, timeouts.queryMs), key, { clientSn, currency }, clock.now());
  const reverse = async (clientSn: string): Promise<CancelOutcome> => {
    const outcome = reverseOutcomeOf(await send('POST', at(V3_PATHS.reverse(clientSn)), { appid: settings.appId, mchid: settings.mchId }, timeouts.otherMs), key, clientSn, clock.now());
    log.info({ clientSn, outcome: outcome.kind }, 'wechat v3 reverse');
    return outcome;
  };

  return {
    async pay(input) {
      if (!OUT_TRADE_NO.test(input.clientSn)) return { kind: 'failed', code: 'other', message: 'out_trade_no is not 6–32 allowed characters' };
      if (!AUTH_CODE.test(input.authCode)) return { kind: 'failed', code: 'code_invalid', message: 'a WeChat payment code is 18 digits' };
      const body = {
        appid: settings.appId,
        mchid: settings.mchId,
        description: Array.from(input.subject).slice(0, 40).join('') || 'POS',
        out_trade_no: input.clientSn,
        payer: { auth_code: input.authCode },
        amount: { total: input.amount, currency },
        scene_info: { device_ip: options.terminalIp ?? '127.0.0.1', store_info: { out_id: input.operator.slice(0, 32) || 'POS' } },
      };
      const reply = await send('POST', at(V3_PATHS.codepay), body, timeouts.payMs);
      const outcome = codepayOutcomeOf(reply, key, { clientSn: input.clientSn, amount: input.amount, currency }, clock.now());
      log.info({ clientSn: input.clientSn, outcome: outcome.kind, ...(outcome.kind === 'unknown' ? { reason: outcome.reason } : {}) }, 'wechat v3 codepay');
      return outcome;
    },
    precreate: () => Promise.resolve({ kind: 'failed', message: 'WeChat Pay v3 direct has no merchant QR on this terminal (Native payment is not built)' }),
    query,
    cancel: reverse,
    // A same-day void: WeChat reverses a paid code payment (within 7 days) with the same call.
    revoke: reverse,
    async refund(input): Promise<RefundOutcome> {
      const order = await query(input.clientSn);
      if (order.kind === 'unknown') return order;
      const total = order.kind === 'paid' || order.kind === 'refunded' ? order.amount : null;
      if (total === null) return { kind: 'failed', code: 'not_refundable', message: `the order is ${order.kind}` };
      const reply = await send(
        'POST',
        at(V3_PATHS.refunds),
        { out_trade_no: input.clientSn, out_refund_no: input.refundRequestNo, amount: { refund: input.amount, total, currency } },
        timeouts.otherMs,
      );
      const outcome = refundStateOf(reply, key, { ...input, currency }, clock.now());
      log.info({ clientSn: input.clientSn, refundRequestNo: input.refundRequestNo, outcome: outcome.kind }, 'wechat v3 refund');
      // A reply that says the refund does not exist cannot come from applying for it.
      return outcome.kind === 'not_arrived' ? { kind: 'unknown', reason: 'refund reply says no such refund' } : outcome;
    },
    async refundStatus(input) {
      const reply = await send('GET', at(V3_PATHS.refund(input.refundRequestNo)), null, timeouts.queryMs);
      const opened = openV3Reply(reply, key, clock.now());
      // Not there: the lost request never arrived, and the same out_refund_no may be sent again.
      if (opened.ok && opened.status === 404 && V3Error.safeParse(opened.json).data?.code === 'RESOURCE_NOT_EXISTS') return { kind: 'not_arrived' };
      return refundStateOf(reply, key, { ...input, currency }, clock.now());
    },
    async statement(date) {
      const now = clock.now();
      const reply = await send('GET', at(V3_PATHS.tradebill, { bill_date: date, bill_type: 'ALL' }), null, timeouts.otherMs);
      const opened = openV3Reply(reply, key, now);
      if (!opened.ok) throw new AcquirerError(reply.ok ? 'bad_reply' : 'network', opened.reason);
      const error = errorOf(opened);
      if (error?.code === 'NO_STATEMENT_EXIST') return [];
      if (error) throw new AcquirerError(error.code, error.message);
      const bill = V3Bill.safeParse(opened.json);
      if (!bill.success) throw new AcquirerError('bad_reply', 'the tradebill reply has an unknown shape');
      const download = new URL(bill.data.download_url);
      // Our signed request goes to WeChat only, never to an address a reply names elsewhere.
      if (download.origin !== base.origin) throw new AcquirerError('bad_reply', `the bill is offered at another host: ${download.host}`);
      const file = await send('GET', download, null, timeouts.otherMs, MAX_BILL_BYTES);
      if (!file.ok) throw new AcquirerError('network', file.reason);
      if (file.status !== 200) throw new AcquirerError('server_error', `bill download: HTTP ${file.status}`);
      // The file itself is not signed: its SHA1 is, in the signed tradebill reply.
      if (createHash('sha1').update(file.body, 'utf8').digest('hex') !== bill.data.hash_value.toLowerCase()) throw new AcquirerError('bad_reply', 'the bill file does not match its hash');
      return parseTradeBill(file.body, currency).filter((row) => acquirerDateOf(new Date(row.finishedAt)) === date);
    },
  };
}

/** The domestic API v3 (a CNY store); a store in another currency takes ./v3-global.ts's `wechatV3GlobalProvider`. */
export function wechatV3Provider(options: WechatV3Options): PaymentProvider {
  const port = createWechatV3Port(options);
  return { id: 'wechat_v3', capabilities: new Set(PROVIDER_CAPABILITIES.wechat_v3), connect: () => Promise.resolve(port) };
}

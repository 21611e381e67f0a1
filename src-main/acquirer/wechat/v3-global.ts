/**
 * WeChat Pay GLOBAL API v3 (pay.weixin.qq.com/doc/global/v3; host apihk.mch.weixin.qq.com): what a store outside
 * mainland China uses, its prices in its own currency. The domestic code payment (./v3.ts) takes CNY only
 * (境内商户号仅支持人民币). Same signing and reply verification as the domestic API (./v3-sign.ts); other paths and
 * fields (./v3-wire.ts V3_GLOBAL_PATHS):
 *
 * pay       POST /v3/global/micropay/transactions/pay: {appid, mchid} (common mode) or {sp_appid, sp_mchid, sub_mchid,
 *           sub_appid?} (institutional), trade_type MICROPAY, merchant_category_code, amount {total, currency}.
 *           Replies as the domestic codepay's, WeChat's order number named `id`; a paid reply must carry the
 *           customer's side: amount.payer_total in payer_currency CNY (else unknown, then resolved by query).
 * query     GET /v3/global/transactions/out-trade-no/{no}?mchid= | ?sp_mchid=&sub_mchid=: trade_state as domestic.
 * reverse   POST /v3/global/micropay/transactions/out-trade-no/{no}/reverse {mchid | sp_mchid, sub_mchid}: no content.
 * refund    POST /v3/global/refunds: the apply reply has no status, so the refund is then read back
 *           (GET /v3/global/refunds/out-refund-no/{no}): SUCCESS, PROCESSING, REFUNDCLOSE / ABNORMAL. NOT_ENOUGH (the
 *           day's CNY funds cannot pay it yet) is unknown: the refund job asks and sends the same out_refund_no again.
 *           A reverse is for the day of payment only (REVERSE_EXPIRE after it: failed, a refund then).
 *
 * The rate: `amount.exchange_rate` is {type, rate × 10^8}. Its documented type on payments is SETTLEMENT_RATE — the
 * order's currency against the merchant's settlement currency, not what the customer was charged at — so it is not
 * taken as the customer's rate; only a USERPAYMENT_RATE (the payer's currency against the order's) is. The
 * customer's CNY is always payer_total, read, never computed.
 *
 * The statement is not built on this API (GET /v3/global/statements answers a file in the cross-border bill's own
 * columns): the provider offers no `statement` in a store not in CNY.
 */
import { PROVIDER_CAPABILITIES, wechatGlobalModeProblem, wechatV3GlobalProblem, type WechatV3Settings } from '../../../src-common/payment-provider';
import type { PayerAmount } from '../../../src-common/cross-border';
import { systemClock } from '../../clock';
import type { PaymentProvider, ProviderPort } from '../gateway';
import { AcquirerError, type CancelOutcome, type PayOutcome, type QueryOutcome, type RefundOutcome, type RefundStatusOutcome } from '../port';
import { exchange, type HttpReply } from '../shouqianba';
import { errorOf, openV3Reply, payOutcomeWith, queryOutcomeWith, type V3ReplyKey, type V3TradeReading, type WechatV3Options } from './v3';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { v3Authorization, type V3Signer } from './v3-sign';
import { V3_GLOBAL_PATHS, V3Error, V3GlobalRefund, V3GlobalTransaction, instantOfRfc3339, type V3GlobalAmount, type V3GlobalTransaction as Transaction } from './v3-wire';

/** Who we are at WeChat Pay Global: the institution's (or merchant's) ids, and the sub-merchant in institutional mode. */
export interface V3GlobalKey extends V3ReplyKey {
  readonly mode: 'common' | 'institutional';
  readonly subMchId: string | null;
}

const MAX_REPLY_BYTES = 256 * 1024;
const OUT_TRADE_NO = /^[0-9A-Za-z_\-*]{6,32}$/;
const AUTH_CODE = /^\d{18}$/;

/** The merchant ids a request body names, by mode. */
export function globalMerchantFields(settings: WechatV3Settings): Record<string, string> {
  if ((settings.globalMode ?? 'common') === 'common') return { appid: settings.appId, mchid: settings.mchId };
  return { sp_appid: settings.appId, sp_mchid: settings.mchId, sub_mchid: settings.subMchId ?? '', ...(settings.subAppId ? { sub_appid: settings.subAppId } : {}) };
}

/** The merchant a query string names, by mode (query, refund query). */
function globalMerchantQuery(key: V3GlobalKey): Record<string, string> {
  return key.mode === 'common' ? { mchid: key.mchId } : { sp_mchid: key.mchId, sub_mchid: key.subMchId ?? '' };
}

function sameMerchant(t: { mchid?: string; appid?: string; sp_mchid?: string; sub_mchid?: string }, key: V3GlobalKey): boolean {
  if (key.mode === 'common') return t.mchid === key.mchId && (t.appid === undefined || t.appid === key.appId);
  return t.sp_mchid === key.mchId && t.sub_mchid === key.subMchId;
}

/**
 * The customer's side of a paid global order: payer_total in payer_currency, which for a Chinese wallet is CNY; the
 * rate only when the reply names it the payer's (USERPAYMENT_RATE), as the integer it writes (× 10^8).
 */
export function payerOfGlobalAmount(amount: V3GlobalAmount): { ok: true; payer: PayerAmount } | { ok: false; reason: string } {
  if (amount.payer_total === undefined) return { ok: false, reason: 'paid reply has no amount.payer_total' };
  const currency = amount.payer_currency ?? 'CNY';
  if (currency !== 'CNY') return { ok: false, reason: `paid reply has payer_currency ${currency}, not CNY` };
  const rate = amount.exchange_rate?.type === 'USERPAYMENT_RATE' && amount.exchange_rate.rate !== undefined ? String(amount.exchange_rate.rate) : null;
  return { ok: true, payer: { currency, amount: amount.payer_total, rate, rateScale: rate === null ? 0 : 8 } };
}

function paidOf(t: Transaction, key: V3GlobalKey, expected: { clientSn: string; amount: number | null; currency: string }, now: Date): PayOutcome {
  if (t.out_trade_no !== expected.clientSn || !t.id) return { kind: 'unknown', reason: 'paid reply is for another order' };
  if (!sameMerchant(t, key)) return { kind: 'unknown', reason: 'paid reply is for another merchant' };
  if (!t.amount) return { kind: 'unknown', reason: 'paid reply has no amount' };
  if (expected.amount !== null && t.amount.total !== expected.amount) return { kind: 'unknown', reason: `paid reply has amount.total ${t.amount.total}` };
  if (t.amount.currency !== expected.currency) return { kind: 'unknown', reason: `paid reply is in ${t.amount.currency}, not ${expected.currency}` };
  const payer = payerOfGlobalAmount(t.amount);
  if (!payer.ok) return { kind: 'unknown', reason: payer.reason };
  return {
    kind: 'paid',
    acquirerSn: t.id,
    amount: t.amount.total,
    wallet: 'wechat',
    payerRef: t.payer?.openid ?? t.payer?.sub_openid ?? t.payer?.sp_openid ?? null,
    finishedAt: (instantOfRfc3339(t.success_time) ?? now).toISOString(),
    paymentList: [],
    merchantDiscount: 0,
    payer: payer.payer,
  };
}

const globalReading = (key: V3GlobalKey, now: Date): V3TradeReading<Transaction> => ({
  schema: V3GlobalTransaction,
  orderNo: (t) => t.id ?? null,
  isOurs: (t) => sameMerchant(t, key),
  paid: (t, expected) => paidOf(t, key, expected, now),
});

export function globalPayOutcomeOf(reply: HttpReply, key: V3GlobalKey, expected: { clientSn: string; amount: number; currency: string }, now: Date): PayOutcome {
  return payOutcomeWith(globalReading(key, now), reply, key, expected, now);
}

export function globalQueryOutcomeOf(reply: HttpReply, key: V3GlobalKey, expected: { clientSn: string; currency: string }, now: Date): QueryOutcome {
  return queryOutcomeWith(globalReading(key, now), reply, key, expected, now);
}

/** The global reverse answers with no content (204); a signed error as the domestic reverse's. */
export function globalReverseOutcomeOf(reply: HttpReply, key: V3GlobalKey, now: Date): CancelOutcome {
  const opened = openV3Reply(reply, key, now);
  if (!opened.ok) return { kind: 'unknown', reason: opened.reason };
  const error = errorOf(opened);
  if (error) {
    if (error.code === 'ORDER_NOT_EXIST' && opened.status === 404) return { kind: 'cancelled' };
    if ((error.code === 'REVERSE_EXPIRE' || error.code === 'TRADE_STATE_ERROR') && opened.status < 500) return { kind: 'failed', message: error.message };
    return { kind: 'unknown', reason: `HTTP ${opened.status} ${error.message}` };
  }
  return opened.status === 204 ? { kind: 'cancelled' } : { kind: 'unknown', reason: `HTTP ${opened.status}: reverse reply is not "no content"` };
}

type RefundExpected = { clientSn: string; refundRequestNo: string; amount: number; currency: string };

function refundErrorOutcome(status: number, error: { code: string; message: string }): RefundStatusOutcome {
  if (status >= 500) return { kind: 'unknown', reason: `HTTP ${status} ${error.message}` };
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
      return { kind: 'unknown', reason: `HTTP ${status} ${error.message}` };
  }
}

/** The apply reply: accepted (the refund is then read back for its state), refused, or unknown. */
export function globalRefundAcceptedOf(reply: HttpReply, key: V3GlobalKey, expected: RefundExpected, now: Date): { kind: 'accepted' } | RefundStatusOutcome {
  const opened = openV3Reply(reply, key, now);
  if (!opened.ok) return { kind: 'unknown', reason: opened.reason };
  const error = errorOf(opened);
  // Abroad, refunds are paid from the day's CNY not yet exchanged: NOT_ENOUGH waits for new payments, and the same
  // out_refund_no is sent again later (a new number could refund twice). Unknown: the refund job asks, then resends.
  if (error?.code === 'NOT_ENOUGH' && opened.status < 500) return { kind: 'unknown', reason: `${error.message} (the day's CNY funds cannot pay it yet; sent again later with the same out_refund_no)` };
  if (error) return refundErrorOutcome(opened.status, error);
  const parsed = V3GlobalRefund.safeParse(opened.json);
  if (opened.status !== 200 || !parsed.success) return { kind: 'unknown', reason: `HTTP ${opened.status}: refund reply has an unknown shape` };
  const r = parsed.data;
  if (r.out_refund_no !== expected.refundRequestNo) return { kind: 'unknown', reason: 'refund reply is for another refund' };
  if (r.amount.refund !== expected.amount || (r.amount.currency !== undefined && r.amount.currency !== expected.currency)) return { kind: 'unknown', reason: `refund reply has ${r.amount.refund} ${r.amount.currency ?? ''}`.trim() };
  return { kind: 'accepted' };
}

/** A refund's state from the single-refund query: for this refund of this order, in this currency, or unknown. */
export function globalRefundStateOf(reply: HttpReply, key: V3GlobalKey, expected: RefundExpected, now: Date): RefundStatusOutcome {
  const opened = openV3Reply(reply, key, now);
  if (!opened.ok) return { kind: 'unknown', reason: opened.reason };
  // Not there: the lost request never arrived, and the same out_refund_no may be sent again.
  if (opened.status === 404 && V3Error.safeParse(opened.json).data?.code === 'RESOURCE_NOT_EXISTS') return { kind: 'not_arrived' };
  const error = errorOf(opened);
  if (error) return refundErrorOutcome(opened.status, error);
  const parsed = V3GlobalRefund.safeParse(opened.json);
  if (opened.status !== 200 || !parsed.success) return { kind: 'unknown', reason: `HTTP ${opened.status}: refund reply has an unknown shape` };
  const r = parsed.data;
  if (r.out_refund_no !== expected.refundRequestNo || r.out_trade_no !== expected.clientSn) return { kind: 'unknown', reason: 'refund reply is for another refund' };
  if (r.amount.refund !== expected.amount || r.amount.currency !== expected.currency) return { kind: 'unknown', reason: `refund reply has ${r.amount.refund} ${r.amount.currency ?? ''}`.trim() };
  switch (r.status) {
    case 'SUCCESS':
      return { kind: 'refunded', refundedTotal: r.amount.refund, ...(r.amount.payer_refund !== undefined ? { payerRefund: { currency: r.amount.payer_currency ?? 'CNY', amount: r.amount.payer_refund } } : {}) };
    case 'PROCESSING':
      return { kind: 'in_progress' };
    case 'REFUNDCLOSE':
    case 'ABNORMAL':
      return { kind: 'failed', code: 'other', message: `refund ${r.status}` };
    default:
      return { kind: 'unknown', reason: `refund status ${r.status ?? 'missing'}` };
  }
}

export function createWechatV3GlobalPort(options: WechatV3Options): ProviderPort {
  const { settings, timeouts, log } = options;
  const clock = options.clock ?? systemClock;
  const currency = options.currency ?? 'CNY';
  const signer: V3Signer = { mchId: settings.mchId, serialNo: settings.merchantSerialNo, privateKey: createPrivateKey(settings.merchantKeyPem) };
  const key: V3GlobalKey = {
    appId: settings.appId,
    mchId: settings.mchId,
    platform: { serial: settings.platformSerial, publicKey: createPublicKey(settings.platformPublicKeyPem) },
    mode: settings.globalMode ?? 'common',
    subMchId: settings.subMchId ?? null,
  };
  const problem = wechatV3GlobalProblem(settings) ?? wechatGlobalModeProblem(settings.globalMode, currency);
  const base = new URL(settings.baseUrl);
  const tls = settings.caPem ? { ca: settings.caPem } : {};
  const merchant = globalMerchantFields(settings);

  const send = (method: 'GET' | 'POST', url: URL, body: object | null, timeoutMs: number) => {
    const text = body === null ? '' : JSON.stringify(body);
    const authorization = v3Authorization(signer, { method, url: url.pathname + url.search, body: text }, { timestamp: String(Math.floor(clock.now().getTime() / 1000)) });
    return exchange({
      method,
      url,
      body: body === null ? null : text,
      headers: { ...(body === null ? {} : { 'content-type': 'application/json' }), accept: 'application/json', authorization, 'user-agent': 'jiezhang-pos' },
      timeoutMs,
      maxBytes: MAX_REPLY_BYTES,
      tls,
    });
  };
  const at = (path: string, query: Record<string, string> = {}) => {
    const url = new URL(path, base);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    return url;
  };
  const merchantQuery = globalMerchantQuery(key);
  const reverseBody = key.mode === 'common' ? { mchid: settings.mchId } : { sp_mchid: settings.mchId, sub_mchid: settings.subMchId };

  const query = async (clientSn: string) => globalQueryOutcomeOf(await send('GET', at(V3_GLOBAL_PATHS.query(clientSn), merchantQuery), null, timeouts.queryMs), key, { clientSn, currency }, clock.now());
  const reverse = async (clientSn: string): Promise<CancelOutcome> => {
    const outcome = globalReverseOutcomeOf(await send('POST', at(V3_GLOBAL_PATHS.reverse(clientSn)), reverseBody, timeouts.otherMs), key, clock.now());
    log.info({ clientSn, outcome: outcome.kind }, 'wechat v3 global reverse');
    return outcome;
  };
  const refundState = async (input: RefundExpected): Promise<RefundStatusOutcome> =>
    globalRefundStateOf(await send('GET', at(V3_GLOBAL_PATHS.refund(input.refundRequestNo), merchantQuery), null, timeouts.queryMs), key, input, clock.now());

  return {
    async pay(input) {
      // Named on the technician's screen before the first sale too; nothing is sent that WeChat would refuse.
      if (problem) return { kind: 'failed', code: 'other', message: `WeChat Pay global settings incomplete: ${problem}` };
      if (!OUT_TRADE_NO.test(input.clientSn)) return { kind: 'failed', code: 'other', message: 'out_trade_no is not 6–32 allowed characters' };
      if (!AUTH_CODE.test(input.authCode)) return { kind: 'failed', code: 'code_invalid', message: 'a WeChat payment code is 18 digits' };
      const body = {
        ...merchant,
        description: Array.from(input.subject).slice(0, 40).join('') || 'POS',
        out_trade_no: input.clientSn,
        trade_type: 'MICROPAY',
        merchant_category_code: settings.merchantCategoryCode,
        payer: { auth_code: input.authCode },
        amount: { total: input.amount, currency },
        scene_info: { device_ip: options.terminalIp ?? '127.0.0.1', operator_id: input.operator.slice(0, 32) || 'POS' },
      };
      const outcome = globalPayOutcomeOf(await send('POST', at(V3_GLOBAL_PATHS.pay), body, timeouts.payMs), key, { clientSn: input.clientSn, amount: input.amount, currency }, clock.now());
      log.info({ clientSn: input.clientSn, outcome: outcome.kind, ...(outcome.kind === 'unknown' ? { reason: outcome.reason } : {}) }, 'wechat v3 global pay');
      return outcome;
    },
    precreate: () => Promise.resolve({ kind: 'failed', message: 'WeChat Pay global has no merchant QR on this terminal (Native payment is not built)' }),
    query,
    cancel: reverse,
    revoke: reverse,
    async refund(input): Promise<RefundOutcome> {
      const order = await query(input.clientSn);
      if (order.kind === 'unknown') return order;
      const total = order.kind === 'paid' || order.kind === 'refunded' ? order.amount : null;
      if (total === null) return { kind: 'failed', code: 'not_refundable', message: `the order is ${order.kind}` };
      const expected = { ...input, currency };
      const reply = await send('POST', at(V3_GLOBAL_PATHS.refunds), { ...merchant, out_trade_no: input.clientSn, out_refund_no: input.refundRequestNo, amount: { refund: input.amount, total, currency } }, timeouts.otherMs);
      const accepted = globalRefundAcceptedOf(reply, key, expected, clock.now());
      const outcome = accepted.kind === 'accepted' ? await refundState(expected) : accepted;
      log.info({ clientSn: input.clientSn, refundRequestNo: input.refundRequestNo, outcome: outcome.kind }, 'wechat v3 global refund');
      // Accepted and then not found: not a state an applied refund can be in.
      return outcome.kind === 'not_arrived' ? { kind: 'unknown', reason: 'refund reply says no such refund' } : outcome;
    },
    refundStatus: (input) => refundState({ ...input, currency }),
    statement: () => Promise.reject(new AcquirerError('not_supported', 'the WeChat Pay global statement is not read by this terminal')),
  };
}

/** WeChat Pay v3 in a store whose currency is not CNY: the global API, without the statement (not built). */
export function wechatV3GlobalProvider(options: WechatV3Options): PaymentProvider {
  const port = createWechatV3GlobalPort(options);
  return { id: 'wechat_v3', capabilities: new Set(PROVIDER_CAPABILITIES.wechat_v3.filter((c) => c !== 'statement')), connect: () => Promise.resolve(port) };
}

/**
 * The WeChat Pay v3 sandbox: an HTTPS server on 127.0.0.1 playing WeChat Pay API v3 for one merchant, over its own
 * SQLite ledger, from the public documentation (pay.weixin.qq.com/doc/v3 merchant: code-payment-v3 付款码支付 and
 * 撤销, 商户订单号查询订单, 退款申请, 查询单笔退款, 申请交易账单; ./spec-fixtures-v3/SOURCES.md) — not from our adapter.
 *
 * Requests: JSON, `Authorization: WECHATPAY2-SHA256-RSA2048 …` verified with the registered merchant key (its
 * serial_no must be the registered one, its timestamp within 5 minutes): otherwise 401 SIGN_ERROR. Every reply
 * (errors too, but not the 500 of test code 6000 nor the bill file) is signed with the sandbox's platform key:
 * Wechatpay-Signature / -Timestamp / -Nonce / -Serial.
 *
 * Payment codes behave by their last four digits exactly as the v2 sandbox's (./sandbox-v2.ts `behaviourOf`, and
 * ../sandbox/test-codes.ts), in v3's words:
 *   0000 200 trade_state SUCCESS         1NNN / 2NNN 202 USERPAYING, then SUCCESS / PAYERROR (CLOSED at 40 s)
 *   3000 403 NOTENOUGH (order PAYERROR)  4000 403 AUTHCODEEXPIRE (order PAYERROR)   5000 no reply; SUCCESS 2 s later
 *   6000 HTTP 500, no order              7000 SUCCESS, connection destroyed          8000 SUCCESS, reply cut in half
 * A code pays one order only (400 AUTH_CODE_ERROR after that); the same out_trade_no again with the same code
 * and amount gets the order's current result, with others 400 OUT_TRADE_NO_USED.
 *
 * query     200 the transaction (trade_state SUCCESS | REFUND | USERPAYING | REVOKED | CLOSED | PAYERROR); 404 ORDER_NOT_EXIST
 * reverse   200 {appid, mchid, out_trade_no}: unpaid → REVOKED, paid → REVOKED and money returned (7 days, else 403
 *           REVERSE_EXPIRE); refunded → 403 TRADE_STATE_ERROR; no order → 404 ORDER_NOT_EXIST, and (as the v2
 *           sandbox; the documentation is silent) that out_trade_no can never pay afterwards (400 ORDERREVERSED).
 * refunds   against a SUCCESS or REFUND order with its amount.total and currency; an out_refund_no used before
 *           answers that refund again; more than is left → 400 INVALID_REQUEST. Refunds succeed at once.
 * tradebill 200 {hash_type SHA1, hash_value, download_url} for the day (Beijing), the file at download_url in the
 *           same CSV as v2's trade bill; a day without rows → 400 NO_STATEMENT_EXIST. Today's bill is served too.
 *
 * Cross-border: the domestic codepay takes CNY only (境内商户号仅支持人民币): another amount.currency is refused with
 * 400 PARAM_ERROR. A store abroad pays through the GLOBAL API v3 the sandbox serves beside it (openapi/v3/global/…):
 *   POST /v3/global/micropay/transactions/pay   common mode {appid, mchid} or institutional {sp_appid, sp_mchid,
 *        sub_mchid} (the merchant's `subMchId`), trade_type MICROPAY, merchant_category_code, amount {total, currency};
 *        replies as codepay's with WeChat's order number as `id`, amount.payer_total in payer_currency CNY at the
 *        sandbox's rate for that currency (`cnyRates`, fixed when the order is made, kept in the ledger) and
 *        exchange_rate {type SETTLEMENT_RATE, rate 100000000} (this merchant settles in the currency it prices in)
 *   GET  /v3/global/transactions/out-trade-no/{no}?mchid= | ?sp_mchid=&sub_mchid=
 *   POST /v3/global/micropay/transactions/out-trade-no/{no}/reverse   204, no content
 *   POST /v3/global/refunds (by out_trade_no or transaction_id), GET /v3/global/refunds/out-refund-no/{no}: the apply
 *        reply without status; payer_refund is the refund's share of the CNY paid, with a USERPAYMENT_RATE.
 * The two APIs do not see each other's orders; the domestic trade bill lists domestic orders only.
 *
 * `setReplyFault` spoils the next codepay replies' signatures (a wrong key, a changed body) or their currency, for
 * the tests of "never paid on trust", or loses a refund's request or reply once.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, randomInt, type KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import Sqlite, { type Database } from 'better-sqlite3';
import { acquirerDateOf } from '../../../src-common/business-day';
import { cnyOf, cnyShare, rateTimes1e8, SANDBOX_CNY_RATES, type CnyRates } from '../sandbox/cny-rates';
import { behaviourOf } from './sandbox-v2';
import { BILL_COLUMNS, BILL_TRAILER_COLUMNS, yuanOfFen } from './v2-wire';
import { freshTimestamp, parseV3Authorization, rsaSha256Verify, signV3Reply, v3Message } from './v3-sign';
import { V3_GLOBAL_PATHS, V3_PATHS, rfc3339Beijing } from './v3-wire';

export interface WechatV3SandboxOptions {
  /** The ledger file; ':memory:' for one that dies with the process. */
  readonly dbPath: string;
  /** better-sqlite3's addon for a non-Node ABI (the Electron main process's threads). */
  readonly nativeBinding?: string;
  /** The server's certificate and key. */
  readonly tls: { readonly cert: string; readonly key: string };
  /**
   * The one merchant: its ids, its API certificate's serial and public key (what WeChat registers). At the global
   * API it is a merchant of its own (common mode) or, with `subMchId`, an institution paying for that sub-merchant.
   */
  readonly merchant: { readonly appId: string; readonly mchId: string; readonly serialNo: string; readonly publicKeyPem: string; readonly subMchId?: string };
  /** The key the sandbox signs replies with, and the id it names it by. */
  readonly platform: { readonly serial: string; readonly privateKeyPem: string };
  readonly port?: number;
  /** Multiplies every delay (0.1 = ten times faster). */
  readonly scale?: number;
  readonly now?: () => Date;
  /** "1 <currency> = <rate> CNY" for orders priced in other currencies (../sandbox/cny-rates.ts); its defaults otherwise. */
  readonly cnyRates?: CnyRates;
}

export interface V3LedgerOrder {
  outTradeNo: string;
  transactionId: string;
  authCode: string;
  total: number;
  currency: string;
  tradeState: string;
  refunded: number;
  /** What the customer paid in CNY (fen) and the rate used, for an order in another currency; null otherwise. */
  payerTotal: number | null;
  rate: string | null;
  /** Which API took it: the domestic code payment or the global one (/v3/global/micropay/…). */
  api: 'domestic' | 'global';
  /** The sub-merchant a global order in institutional mode was for; null otherwise. */
  subMchId: string | null;
}

/**
 * What goes wrong: the next codepay replies are signed by another key, have their body changed after signing, or
 * name another currency, or a payer_currency other than CNY (until cleared); or the next refund request is lost before it is recorded, or its reply is
 * lost after, or it is refused NOT_ENOUGH (the CNY funds of the day cannot pay it yet) without being recorded (once).
 */
export type V3ReplyFault = 'wrong_key' | 'tampered_body' | 'other_currency' | 'payer_not_cny' | 'refund_request_lost' | 'refund_reply_lost' | 'refund_not_enough';

export interface WechatV3Sandbox {
  readonly url: string;
  orders(): V3LedgerOrder[];
  order(outTradeNo: string): V3LedgerOrder | undefined;
  /** The refunds of an order in the ledger, oldest first. */
  refunds(outTradeNo: string): { outRefundNo: string; refund: number; status: string }[];
  setReplyFault(fault: V3ReplyFault | null): void;
  /** The fault still to happen (a one-shot refund fault is null once it happened). */
  replyFault(): V3ReplyFault | null;
  /** Requests refused for their signature (401 SIGN_ERROR) so far. */
  refusedSignatures(): number;
  /** Every request that reached the sandbox, as "METHOD /path" (no query string), oldest first. */
  requests(): string[];
  close(): Promise<void>;
}

const PIN_TIMEOUT_MS = 40_000;
const HANG_PAID_AFTER_MS = 2000;
const REVERSE_WINDOW_MS = 7 * 24 * 3600_000;
const MAX_BODY_BYTES = 64 * 1024;

interface OrderRow {
  out_trade_no: string;
  transaction_id: string;
  auth_code: string;
  total: number;
  currency: string;
  trade_state: string;
  openid: string;
  created_at: number;
  success_at: number | null;
  due_at: number | null;
  due_state: string | null;
  /** Cross-border: the customer's CNY (fen) and the decimal rate; null for a CNY order. */
  payer_total: number | null;
  rate: string | null;
  api: 'domestic' | 'global';
  sub_mchid: string | null;
}

interface RefundRow {
  out_refund_no: string;
  refund_id: string;
  out_trade_no: string;
  refund: number;
  status: string;
  at: number;
}

function openLedger(path: string, nativeBinding?: string): Database {
  const db = new Sqlite(path, nativeBinding ? { nativeBinding } : {});
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`
    CREATE TABLE IF NOT EXISTS v3_order (
      out_trade_no TEXT PRIMARY KEY, transaction_id TEXT NOT NULL UNIQUE, auth_code TEXT NOT NULL, total INTEGER NOT NULL,
      currency TEXT NOT NULL, trade_state TEXT NOT NULL, openid TEXT NOT NULL, created_at INTEGER NOT NULL, success_at INTEGER,
      due_at INTEGER, due_state TEXT) STRICT;
    CREATE TABLE IF NOT EXISTS v3_refund (
      out_refund_no TEXT PRIMARY KEY, refund_id TEXT NOT NULL, out_trade_no TEXT NOT NULL REFERENCES v3_order (out_trade_no),
      refund INTEGER NOT NULL, status TEXT NOT NULL, at INTEGER NOT NULL) STRICT;
    CREATE TABLE IF NOT EXISTS v3_used_code (auth_code TEXT PRIMARY KEY, out_trade_no TEXT NOT NULL) STRICT;
    CREATE TABLE IF NOT EXISTS v3_blocked (out_trade_no TEXT PRIMARY KEY) STRICT;
  `);
  // A ledger from before cross-border orders gains their columns.
  const columns = new Set((db.prepare('PRAGMA table_info(v3_order)').all() as { name: string }[]).map((c) => c.name));
  if (!columns.has('payer_total')) db.exec('ALTER TABLE v3_order ADD COLUMN payer_total INTEGER; ALTER TABLE v3_order ADD COLUMN rate TEXT;');
  // And those of the global API's orders.
  if (!columns.has('api')) db.exec("ALTER TABLE v3_order ADD COLUMN api TEXT NOT NULL DEFAULT 'domestic'; ALTER TABLE v3_order ADD COLUMN sub_mchid TEXT;");
  return db;
}

const TRADE_STATE_DESC: Readonly<Record<string, string>> = {
  SUCCESS: '支付成功',
  REFUND: '转入退款',
  USERPAYING: '用户支付中（付款码支付）',
  REVOKED: '已撤销（付款码支付）',
  CLOSED: '已关闭',
  PAYERROR: '支付失败(其他原因，如银行返回失败)',
};

export async function startWechatV3Sandbox(options: WechatV3SandboxOptions): Promise<WechatV3Sandbox> {
  const db = openLedger(options.dbPath, options.nativeBinding);
  const scale = options.scale ?? 1;
  const now = options.now ?? (() => new Date());
  const { merchant } = options;
  const cnyRates = options.cnyRates ?? SANDBOX_CNY_RATES;
  const merchantKey = createPublicKey(merchant.publicKeyPem);
  const platformKey: KeyObject = createPrivateKey(options.platform.privateKeyPem);
  // A key WeChat never registered: what a reply signed by someone else looks like.
  const strangerKey: KeyObject = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const hanging = new Set<ServerResponse>();
  const billTokens = new Map<string, string>();
  let fault: V3ReplyFault | null = null;
  let refused = 0;
  const seen: string[] = [];

  const findOrder = (no: string) => db.prepare('SELECT * FROM v3_order WHERE out_trade_no = ?').get(no) as OrderRow | undefined;
  /** An order as one API sees it: the domestic and the global API do not see each other's orders. */
  const findOrderAt = (no: string, api: OrderRow['api']) => {
    const o = findOrder(no);
    return o?.api === api ? o : undefined;
  };
  const refundsOf = (no: string) => db.prepare('SELECT * FROM v3_refund WHERE out_trade_no = ? ORDER BY at, out_refund_no').all(no) as RefundRow[];
  const refundedOf = (no: string) => refundsOf(no).reduce((sum, r) => sum + (r.status === 'SUCCESS' ? r.refund : 0), 0);
  const settleDue = () => {
    db.prepare(
      "UPDATE v3_order SET trade_state = due_state, success_at = CASE WHEN due_state = 'SUCCESS' THEN due_at ELSE success_at END, due_at = NULL, due_state = NULL WHERE due_at IS NOT NULL AND due_at <= ? AND trade_state = 'USERPAYING'",
    ).run(now().getTime());
  };

  const signedHeaders = (body: string, key: KeyObject = platformKey) => ({
    ...signV3Reply(body, { serial: options.platform.serial, privateKey: key }, { timestamp: String(Math.floor(now().getTime() / 1000)) }),
    'Request-ID': randomBytes(12).toString('hex'),
  });
  const send = (res: ServerResponse, status: number, value: object | null) => {
    const body = value === null ? '' : JSON.stringify(value);
    res.writeHead(status, { 'content-type': 'application/json', ...signedHeaders(body) }).end(body);
  };
  const error = (res: ServerResponse, status: number, code: string, message: string) => send(res, status, { code, message });

  /** What a paid order's reply says beside its amount, the same in the domestic and the global API. */
  const paidDetails = (o: OrderRow) => ({
    bank_type: 'OTHERS',
    attach: '',
    success_time: rfc3339Beijing(new Date(o.success_at ?? o.created_at)),
    payer: { openid: o.openid },
  });

  const transaction = (o: OrderRow) => {
    const paid = o.trade_state === 'SUCCESS' || o.trade_state === 'REFUND';
    return {
      appid: merchant.appId,
      mchid: merchant.mchId,
      out_trade_no: o.out_trade_no,
      ...(paid ? { transaction_id: o.transaction_id } : {}),
      trade_type: 'MICROPAY',
      trade_state: o.trade_state,
      trade_state_desc: TRADE_STATE_DESC[o.trade_state] ?? o.trade_state,
      ...(paid
        ? {
            ...paidDetails(o),
            amount: o.payer_total !== null ? { total: o.total, payer_total: o.payer_total, currency: o.currency, payer_currency: 'CNY' } : { total: o.total, payer_total: o.total, currency: o.currency, payer_currency: o.currency },
          }
        : { amount: { total: o.total, currency: o.currency } }),
    };
  };

  /** The merchant ids a global reply names: the merchant's (common mode), or the institution's and its sub-merchant's. */
  const globalMerchantOf = (o: OrderRow) => (o.sub_mchid === null ? { appid: merchant.appId, mchid: merchant.mchId } : { sp_appid: merchant.appId, sp_mchid: merchant.mchId, sub_mchid: o.sub_mchid });

  /**
   * A transaction as the global API describes it (pay and query reply tables of openapi/v3/global/…): WeChat's order
   * number is `id`; a paid order's amount has the customer's side, payer_total in payer_currency CNY, and an
   * exchange_rate of type SETTLEMENT_RATE — the order's currency against the settlement currency, which for this
   * merchant (settled in the currency it prices in) is 1 (× 10^8).
   */
  const globalTransaction = (o: OrderRow) => {
    const paid = o.trade_state === 'SUCCESS' || o.trade_state === 'REFUND';
    return {
      ...(paid ? { id: o.transaction_id } : {}),
      ...globalMerchantOf(o),
      out_trade_no: o.out_trade_no,
      trade_type: 'MICROPAY',
      trade_state: o.trade_state,
      trade_state_desc: TRADE_STATE_DESC[o.trade_state] ?? o.trade_state,
      ...(paid
        ? {
            ...paidDetails(o),
            amount: { total: o.total, currency: o.currency, payer_total: o.payer_total ?? o.total, payer_currency: 'CNY', exchange_rate: { type: 'SETTLEMENT_RATE', rate: 100_000_000 } },
          }
        : { amount: { total: o.total, currency: o.currency } }),
    };
  };
  const describe = (o: OrderRow) => (o.api === 'global' ? globalTransaction(o) : transaction(o));

  /** A codepay reply for an order as it stands, with the fault the test asked for. */
  function answerOrder(res: ServerResponse, o: OrderRow) {
    switch (o.trade_state) {
      case 'SUCCESS':
        return sendPaid(res, o);
      case 'USERPAYING':
        return error(res, 202, 'USERPAYING', '需要用户输入支付密码');
      case 'REVOKED':
        return error(res, 400, 'ORDERREVERSED', '订单已撤销');
      case 'REFUND':
        return error(res, 400, 'ORDERPAID', '订单已支付');
      default:
        return error(res, 400, 'ORDER_CLOSED', '订单已关闭');
    }
  }

  function sendPaid(res: ServerResponse, o: OrderRow) {
    const value = describe(o);
    switch (fault) {
      case 'wrong_key': {
        const body = JSON.stringify(value);
        res.writeHead(200, { 'content-type': 'application/json', ...signedHeaders(body, strangerKey) }).end(body);
        return;
      }
      case 'tampered_body': {
        const body = JSON.stringify(value);
        res.writeHead(200, { 'content-type': 'application/json', ...signedHeaders(body) }).end(body.replace(`"total":${o.total}`, `"total":${o.total + 1}`));
        return;
      }
      case 'other_currency':
        return send(res, 200, { ...value, amount: { ...value.amount, currency: o.currency === 'HKD' ? 'CNY' : 'HKD' } });
      case 'payer_not_cny':
        // A cross-border reply whose customer side contradicts a Chinese wallet: paid "in" the store's own currency.
        return send(res, 200, { ...value, amount: { ...value.amount, payer_currency: o.currency } });
      default:
        return send(res, 200, value);
    }
  }

  function codepay(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>) {
    const payer = body.payer as { auth_code?: unknown } | undefined;
    const amount = body.amount as { total?: unknown; currency?: unknown } | undefined;
    const sceneInfo = body.scene_info as object | undefined;
    const outTradeNo = body.out_trade_no;
    if (body.appid !== merchant.appId || body.mchid !== merchant.mchId) return error(res, 400, 'APPID_MCHID_NOT_MATCH', 'appid和mchid不匹配');
    if (typeof body.description !== 'string' || body.description.length === 0) return error(res, 400, 'PARAM_ERROR', '输入源“/body/description”映射到字段“商品描述”必填性规则校验失败');
    if (typeof outTradeNo !== 'string' || !/^[0-9A-Za-z_\-*]{6,32}$/.test(outTradeNo)) return error(res, 400, 'PARAM_ERROR', '输入源“/body/out_trade_no”映射到字段“商户订单号”格式校验失败');
    if (typeof payer?.auth_code !== 'string') return error(res, 400, 'PARAM_ERROR', '输入源“/body/payer/auth_code”映射到字段“付款码”必填性规则校验失败');
    if (!Number.isSafeInteger(amount?.total) || (amount!.total as number) <= 0) return error(res, 400, 'PARAM_ERROR', '输入源“/body/amount/total”映射到字段“总金额”格式校验失败');
    if (typeof sceneInfo !== 'object' || sceneInfo === null) return error(res, 400, 'PARAM_ERROR', '输入源“/body/scene_info”映射到字段“场景信息”必填性规则校验失败');
    const total = amount!.total as number;
    const currency = typeof amount!.currency === 'string' ? amount!.currency : 'CNY';
    // 境内商户号仅支持人民币 (amount.currency of the domestic code payment): a store abroad uses the global API.
    if (currency !== 'CNY') return error(res, 400, 'PARAM_ERROR', '输入源“/body/amount/currency”映射到字段“货币类型”校验失败：境内商户号仅支持人民币');
    return placeOrder(req, res, { outTradeNo, authCode: payer.auth_code, total, currency, api: 'domestic', subMchId: null });
  }

  /**
   * The global code payment (openapi/v3/global/micropay/transactions/pay): common mode names appid and mchid,
   * institutional mode sp_appid, sp_mchid and sub_mchid; trade_type MICROPAY, merchant_category_code and
   * amount.currency are required (a store abroad prices in its own currency).
   */
  function globalPay(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>) {
    const subMchId = globalMerchantProblem(body, true);
    if (subMchId !== null && typeof subMchId === 'object') return error(res, 400, subMchId.code, subMchId.message);
    const payer = body.payer as { auth_code?: unknown } | undefined;
    const amount = body.amount as { total?: unknown; currency?: unknown } | undefined;
    const outTradeNo = body.out_trade_no;
    if (typeof body.description !== 'string' || body.description.length === 0) return error(res, 400, 'PARAM_ERROR', 'description is required');
    if (typeof outTradeNo !== 'string' || !/^[0-9A-Za-z_\-*]{6,32}$/.test(outTradeNo)) return error(res, 400, 'PARAM_ERROR', 'out_trade_no is invalid');
    if (body.trade_type !== 'MICROPAY') return error(res, 400, 'PARAM_ERROR', 'trade_type must be MICROPAY');
    if (typeof body.merchant_category_code !== 'string' || !/^\d{4}$/.test(body.merchant_category_code)) return error(res, 400, 'PARAM_ERROR', 'merchant_category_code is required');
    if (typeof payer?.auth_code !== 'string') return error(res, 400, 'PARAM_ERROR', 'payer.auth_code is required');
    if (!Number.isSafeInteger(amount?.total) || (amount!.total as number) <= 0) return error(res, 400, 'PARAM_ERROR', 'amount.total is invalid');
    if (typeof amount!.currency !== 'string' || !/^[A-Z]{3}$/.test(amount!.currency)) return error(res, 400, 'PARAM_ERROR', 'amount.currency is required');
    return placeOrder(req, res, { outTradeNo, authCode: payer.auth_code, total: amount!.total as number, currency: amount!.currency, api: 'global', subMchId });
  }

  /**
   * Whether a global request names this merchant: in common mode mchid (and appid when `withApp`), in institutional
   * mode sp_mchid, sub_mchid (and sp_appid). The sub-merchant (null in common mode), or the error to answer.
   */
  function globalMerchantProblem(fields: Record<string, unknown>, withApp: boolean): string | null | { code: string; message: string } {
    if (fields.sp_mchid !== undefined || fields.sub_mchid !== undefined) {
      if (fields.sp_mchid !== merchant.mchId || (withApp && fields.sp_appid !== merchant.appId)) return { code: 'APPID_MCHID_NOT_MATCH', message: 'sp_appid and sp_mchid do not match' };
      if (merchant.subMchId === undefined || fields.sub_mchid !== merchant.subMchId) return { code: 'PARAM_ERROR', message: 'sub_mchid is not a sub-merchant of this institution' };
      return merchant.subMchId;
    }
    if (fields.mchid !== merchant.mchId || (withApp && fields.appid !== merchant.appId)) return { code: 'APPID_MCHID_NOT_MATCH', message: 'appid and mchid do not match' };
    return null;
  }

  function placeOrder(req: IncomingMessage, res: ServerResponse, asked: { outTradeNo: string; authCode: string; total: number; currency: string; api: OrderRow['api']; subMchId: string | null }) {
    const { outTradeNo, authCode, total, currency } = asked;
    if (!/^1[0-5]\d{16}$/.test(authCode)) return error(res, 400, 'AUTH_CODE_INVALID', '请扫描微信支付被扫条码/二维码');
    if (db.prepare('SELECT 1 FROM v3_blocked WHERE out_trade_no = ?').get(outTradeNo)) return error(res, 400, 'ORDERREVERSED', '订单已撤销');
    settleDue();
    const existing = findOrder(outTradeNo);
    if (existing) {
      if (existing.auth_code !== authCode || existing.total !== total || existing.currency !== currency || existing.api !== asked.api) return error(res, 400, 'OUT_TRADE_NO_USED', '商户订单号重复');
      return answerOrder(res, existing);
    }
    if (db.prepare('SELECT 1 FROM v3_used_code WHERE auth_code = ?').get(authCode)) return error(res, 400, 'AUTH_CODE_ERROR', '每个二维码仅限使用一次，请刷新再试');
    const behaviour = behaviourOf(authCode);
    if (behaviour.kind === 'server_error') {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('Internal Server Error');
      return;
    }
    const t = now().getTime();
    const order: OrderRow = {
      out_trade_no: outTradeNo,
      transaction_id: `4200${rfc3339Beijing(new Date(t)).slice(0, 10).replaceAll('-', '')}${String(randomInt(10 ** 9, 10 ** 10))}${String(randomInt(10 ** 5, 10 ** 6))}`,
      auth_code: authCode,
      total,
      currency,
      trade_state: 'SUCCESS',
      openid: `oSandboxV3${authCode.slice(-8)}`,
      created_at: t,
      success_at: t,
      due_at: null,
      due_state: null,
      api: asked.api,
      sub_mchid: asked.subMchId,
      ...(() => {
        const cny = cnyOf(total, currency, cnyRates);
        return { payer_total: cny?.fen ?? null, rate: cny?.rate ?? null };
      })(),
    };
    if (behaviour.kind === 'pin' || behaviour.kind === 'hang') {
      const wait = behaviour.kind === 'pin' ? behaviour.waitMs : HANG_PAID_AFTER_MS;
      Object.assign(order, { trade_state: 'USERPAYING', success_at: null, due_at: t + Math.min(wait, PIN_TIMEOUT_MS) * scale, due_state: behaviour.kind === 'pin' ? behaviour.then : 'SUCCESS' });
    } else if (behaviour.kind === 'declined') Object.assign(order, { trade_state: 'PAYERROR', success_at: null });
    db.transaction(() => {
      db.prepare(
        'INSERT INTO v3_order (out_trade_no, transaction_id, auth_code, total, currency, trade_state, openid, created_at, success_at, due_at, due_state, payer_total, rate, api, sub_mchid) VALUES (@out_trade_no, @transaction_id, @auth_code, @total, @currency, @trade_state, @openid, @created_at, @success_at, @due_at, @due_state, @payer_total, @rate, @api, @sub_mchid)',
      ).run(order);
      db.prepare('INSERT INTO v3_used_code (auth_code, out_trade_no) VALUES (?, ?)').run(authCode, outTradeNo);
    })();
    switch (behaviour.kind) {
      case 'hang':
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      case 'drop_reply':
        req.socket.destroy();
        return;
      case 'cut_reply': {
        const text = JSON.stringify(describe(order));
        res.writeHead(200, { 'content-type': 'application/json', ...signedHeaders(text) }).end(text.slice(0, Math.floor(text.length / 2)));
        return;
      }
      case 'declined':
        return error(res, 403, behaviour.errCode, behaviour.des);
      default:
        return answerOrder(res, order);
    }
  }

  function query(res: ServerResponse, outTradeNo: string, search: URLSearchParams) {
    if (search.get('mchid') !== merchant.mchId) return error(res, 400, 'PARAM_ERROR', '输入源“/query/mchid”映射到字段“直连商户号”校验失败');
    settleDue();
    const o = findOrderAt(outTradeNo, 'domestic');
    return o ? send(res, 200, transaction(o)) : error(res, 404, 'ORDER_NOT_EXIST', '订单不存在');
  }

  /** The merchant a global GET names in its query string (mchid, or sp_mchid and sub_mchid): the order must be its. */
  const globalQueryMerchant = (search: URLSearchParams) =>
    globalMerchantProblem(Object.fromEntries([...search.entries()].filter(([k]) => k === 'mchid' || k === 'sp_mchid' || k === 'sub_mchid')), false);

  function globalQuery(res: ServerResponse, outTradeNo: string, search: URLSearchParams) {
    const subMchId = globalQueryMerchant(search);
    if (subMchId !== null && typeof subMchId === 'object') return error(res, 400, subMchId.code, subMchId.message);
    settleDue();
    const o = findOrderAt(outTradeNo, 'global');
    return o && o.sub_mchid === subMchId ? send(res, 200, globalTransaction(o)) : error(res, 404, 'ORDER_NOT_EXIST', '订单不存在');
  }

  function reverse(res: ServerResponse, outTradeNo: string, body: Record<string, unknown>, api: OrderRow['api'] = 'domestic') {
    if (api === 'domestic' && (body.appid !== merchant.appId || body.mchid !== merchant.mchId)) return error(res, 400, 'APPID_MCHID_NOT_MATCH', 'appid和mchid不匹配');
    const subMchId = api === 'global' ? globalMerchantProblem(body, false) : null;
    if (subMchId !== null && typeof subMchId === 'object') return error(res, 400, subMchId.code, subMchId.message);
    settleDue();
    const o = findOrderAt(outTradeNo, api);
    if (!o) {
      db.prepare('INSERT OR IGNORE INTO v3_blocked (out_trade_no) VALUES (?)').run(outTradeNo);
      return error(res, 404, 'ORDER_NOT_EXIST', '订单不存在');
    }
    if (o.trade_state === 'REFUND') return error(res, 403, 'TRADE_STATE_ERROR', '订单状态错误');
    // Domestic: within 7 days. Global: the day of payment only (撤销窗口：仅支付当天; a later day is a refund).
    const expired = api === 'global' ? acquirerDateOf(new Date(o.created_at)) !== acquirerDateOf(now()) : now().getTime() - o.created_at > REVERSE_WINDOW_MS;
    if (expired) return error(res, 403, 'REVERSE_EXPIRE', '订单已超过撤销期限');
    db.prepare("UPDATE v3_order SET trade_state = 'REVOKED', due_at = NULL, due_state = NULL WHERE out_trade_no = ? AND trade_state IN ('USERPAYING', 'SUCCESS')").run(outTradeNo);
    // The global reverse answers with no content; the domestic one with the order's ids.
    return api === 'global' ? send(res, 204, null) : send(res, 200, { appid: merchant.appId, mchid: merchant.mchId, out_trade_no: outTradeNo });
  }

  const refundReply = (r: RefundRow, o: OrderRow) => ({
    refund_id: r.refund_id,
    out_refund_no: r.out_refund_no,
    transaction_id: o.transaction_id,
    out_trade_no: o.out_trade_no,
    channel: 'ORIGINAL',
    user_received_account: '支付用户零钱',
    success_time: rfc3339Beijing(new Date(r.at)),
    create_time: rfc3339Beijing(new Date(r.at)),
    status: r.status,
    funds_account: 'AVAILABLE',
    amount: {
      total: o.total,
      refund: r.refund,
      payer_total: o.payer_total ?? o.total,
      // The customer's side of the refund: its share of the CNY paid, for an order in another currency.
      payer_refund: o.payer_total !== null ? cnyShare(o.payer_total, r.refund, o.total) : r.refund,
      settlement_refund: r.refund,
      settlement_total: o.total,
      discount_refund: 0,
      currency: o.currency,
    },
  });

  /**
   * A global refund as openapi/v3/global/refunds(/out-refund-no/{no}) describes it: WeChat's refund number is `id`;
   * the apply reply has no status and no out_trade_no, the query both; amount has no total, and the customer's side
   * (payer_refund in payer_currency) with the rate the customer is refunded at (USERPAYMENT_RATE, × 10^8).
   */
  const globalRefundReply = (r: RefundRow, o: OrderRow, applied: boolean) => ({
    id: r.refund_id,
    out_refund_no: r.out_refund_no,
    ...(applied ? {} : { transaction_id: o.transaction_id, out_trade_no: o.out_trade_no, channel: 'ORIGINAL', recv_account: '支付用户零钱', fund_source: 'REFUND_SOURCE_UNSETTLED_FUNDS', success_time: rfc3339Beijing(new Date(r.at)), status: r.status }),
    create_time: rfc3339Beijing(new Date(r.at)),
    amount: {
      refund: r.refund,
      currency: o.currency,
      payer_refund: o.payer_total !== null ? cnyShare(o.payer_total, r.refund, o.total) : r.refund,
      payer_currency: 'CNY',
      exchange_rate: { type: 'USERPAYMENT_RATE', rate: o.rate !== null ? Number(rateTimes1e8(o.rate)) : 100_000_000 },
    },
  });

  function refund(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>, api: OrderRow['api'] = 'domestic') {
    const subMchId = api === 'global' ? globalMerchantProblem(body, true) : null;
    if (subMchId !== null && typeof subMchId === 'object') return error(res, 400, subMchId.code, subMchId.message);
    const reply = (r: RefundRow, o: OrderRow) => (api === 'global' ? globalRefundReply(r, o, true) : refundReply(r, o));
    if (fault === 'refund_request_lost') {
      fault = null;
      req.socket.destroy();
      return;
    }
    if (fault === 'refund_not_enough') {
      // The day's CNY funds cannot pay the refund yet (global: 境外退款只能用当日未换汇的人民币资金): nothing recorded.
      fault = null;
      return error(res, 403, 'NOT_ENOUGH', '可用退款资金不足');
    }
    settleDue();
    const amount = body.amount as { refund?: unknown; total?: unknown; currency?: unknown } | undefined;
    // The order by out_trade_no, or (as the global example does, out_trade_no left empty) by WeChat's transaction_id.
    const byTransaction = typeof body.transaction_id === 'string' && body.transaction_id !== '' && (body.out_trade_no === undefined || body.out_trade_no === '');
    const outTradeNo = byTransaction
      ? ((db.prepare('SELECT out_trade_no FROM v3_order WHERE transaction_id = ?').get(body.transaction_id) as { out_trade_no: string } | undefined)?.out_trade_no ?? '')
      : body.out_trade_no;
    if (typeof outTradeNo !== 'string' || typeof body.out_refund_no !== 'string' || !/^[0-9A-Za-z_\-*@|]{1,64}$/.test(body.out_refund_no)) {
      return error(res, 400, 'PARAM_ERROR', '输入源“/body/out_refund_no”映射到字段“商户退款单号”校验失败');
    }
    if (!Number.isSafeInteger(amount?.refund) || !Number.isSafeInteger(amount?.total) || typeof amount?.currency !== 'string') {
      return error(res, 400, 'PARAM_ERROR', '输入源“/body/amount”映射到字段“金额信息”校验失败');
    }
    const o = findOrderAt(outTradeNo, api);
    if (!o || o.sub_mchid !== subMchId) return error(res, 404, 'RESOURCE_NOT_EXISTS', '订单不存在');
    const earlier = db.prepare('SELECT * FROM v3_refund WHERE out_refund_no = ?').get(body.out_refund_no) as RefundRow | undefined;
    if (earlier) return earlier.out_trade_no === o.out_trade_no ? send(res, 200, reply(earlier, o)) : error(res, 400, 'INVALID_REQUEST', '退款单号已用于其他订单');
    if (o.trade_state !== 'SUCCESS' && o.trade_state !== 'REFUND') return error(res, 400, 'INVALID_REQUEST', '订单状态不允许退款');
    if (amount!.total !== o.total) return error(res, 400, 'PARAM_ERROR', '订单金额与原订单不符');
    if (amount!.currency !== o.currency) return error(res, 400, 'PARAM_ERROR', '退款币种与原订单不符');
    const fee = amount!.refund as number;
    if (fee <= 0 || fee > o.total - refundedOf(o.out_trade_no)) return error(res, 400, 'INVALID_REQUEST', '申请退款金额超过订单可退金额');
    const row: RefundRow = { out_refund_no: body.out_refund_no, refund_id: `5030${String(randomInt(10 ** 9, 10 ** 10))}${String(randomInt(10 ** 9, 10 ** 10))}`, out_trade_no: o.out_trade_no, refund: fee, status: 'SUCCESS', at: now().getTime() };
    db.transaction(() => {
      db.prepare('INSERT INTO v3_refund (out_refund_no, refund_id, out_trade_no, refund, status, at) VALUES (@out_refund_no, @refund_id, @out_trade_no, @refund, @status, @at)').run(row);
      db.prepare("UPDATE v3_order SET trade_state = 'REFUND' WHERE out_trade_no = ?").run(o.out_trade_no);
    })();
    if (fault === 'refund_reply_lost') {
      fault = null;
      req.socket.destroy();
      return;
    }
    return send(res, 200, reply(row, o));
  }

  function refundQuery(res: ServerResponse, outRefundNo: string) {
    const r = db.prepare('SELECT * FROM v3_refund WHERE out_refund_no = ?').get(outRefundNo) as RefundRow | undefined;
    const o = r && findOrderAt(r.out_trade_no, 'domestic');
    return r && o ? send(res, 200, refundReply(r, o)) : error(res, 404, 'RESOURCE_NOT_EXISTS', '退款单不存在');
  }

  function globalRefundQuery(res: ServerResponse, outRefundNo: string, search: URLSearchParams) {
    const subMchId = globalQueryMerchant(search);
    if (subMchId !== null && typeof subMchId === 'object') return error(res, 400, subMchId.code, subMchId.message);
    const r = db.prepare('SELECT * FROM v3_refund WHERE out_refund_no = ?').get(outRefundNo) as RefundRow | undefined;
    const o = r && findOrderAt(r.out_trade_no, 'global');
    return r && o && o.sub_mchid === subMchId ? send(res, 200, globalRefundReply(r, o, false)) : error(res, 404, 'RESOURCE_NOT_EXISTS', '退款单不存在');
  }

  /** The day's bill as v2's downloadbill writes it (v3's tradebill file has the same columns). */
  function billText(date: string): string | null {
    settleDue();
    const cell = (v: string | number) => `\`${v}`;
    const lines: string[] = [];
    let payTotal = 0;
    let refundTotal = 0;
    const row = (at: number, o: OrderRow, state: string, settled: number, r: RefundRow | null) =>
      [
        new Date(at + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' '), merchant.appId, merchant.mchId, '0', '', o.transaction_id, o.out_trade_no, o.openid,
        'MICROPAY', state, 'OTHERS', o.currency, yuanOfFen(settled), '0.00', r?.refund_id ?? '0', r?.out_refund_no ?? '0', yuanOfFen(r?.refund ?? 0),
        '0.00', r ? 'ORIGINAL' : '', r?.status ?? '', 'POS', '', '0.00000', '0.60%', yuanOfFen(r ? 0 : o.total), yuanOfFen(r?.refund ?? 0), '',
      ].map(cell).join(',');
    for (const o of db.prepare("SELECT * FROM v3_order WHERE success_at IS NOT NULL AND trade_state IN ('SUCCESS', 'REFUND', 'REVOKED') AND api = 'domestic' ORDER BY success_at").all() as OrderRow[]) {
      if (acquirerDateOf(new Date(o.success_at!)) !== date) continue;
      lines.push(row(o.success_at!, o, o.trade_state === 'REVOKED' ? 'REVOKED' : 'SUCCESS', o.total, null));
      if (o.trade_state !== 'REVOKED') payTotal += o.total;
    }
    for (const r of db.prepare("SELECT v3_refund.* FROM v3_refund JOIN v3_order USING (out_trade_no) WHERE v3_order.api = 'domestic' ORDER BY at").all() as RefundRow[]) {
      if (acquirerDateOf(new Date(r.at)) !== date) continue;
      lines.push(row(r.at, findOrder(r.out_trade_no)!, 'REFUND', 0, r));
      refundTotal += r.refund;
    }
    if (lines.length === 0) return null;
    const trailer = [lines.length, yuanOfFen(payTotal), yuanOfFen(refundTotal), '0.00', '0.00000', yuanOfFen(payTotal), yuanOfFen(refundTotal)].map(cell).join(',');
    return ['\uFEFF' + BILL_COLUMNS.join(','), ...lines, BILL_TRAILER_COLUMNS.join(','), trailer, ''].join('\r\n');
  }

  function tradebill(res: ServerResponse, search: URLSearchParams) {
    const date = search.get('bill_date') ?? '';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return error(res, 400, 'PARAM_ERROR', '输入源“/query/bill_date”映射到字段“账单日期”格式校验失败');
    if ((search.get('bill_type') ?? 'ALL') !== 'ALL') return error(res, 400, 'PARAM_ERROR', '不支持的账单类型');
    const text = billText(date);
    if (text === null) return error(res, 400, 'NO_STATEMENT_EXIST', '账单文件不存在');
    const token = randomBytes(16).toString('hex');
    billTokens.set(token, text);
    return send(res, 200, { hash_type: 'SHA1', hash_value: createHash('sha1').update(text, 'utf8').digest('hex'), download_url: `${url}/v3/billdownload/file?token=${token}` });
  }

  /** The request's Authorization against the registered merchant key: null when it holds, else why not. */
  function signatureProblem(req: IncomingMessage, body: string): string | null {
    const auth = parseV3Authorization(req.headers.authorization);
    if (!auth) return 'Authorization 头缺失或格式错误';
    if (auth.mchid !== merchant.mchId) return '商户号与签名不匹配';
    if (auth.serial_no.toUpperCase() !== merchant.serialNo.toUpperCase()) return '商户证书序列号有误';
    if (!freshTimestamp(auth.timestamp, now())) return '时间戳与系统时间相差超过5分钟';
    if (!rsaSha256Verify(v3Message([req.method ?? '', req.url ?? '', auth.timestamp, auth.nonce_str, body]), auth.signature, merchantKey)) return '签名错误';
    return null;
  }

  const QUERY = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)$/;
  const REVERSE = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)\/reverse$/;
  const REFUND = /^\/v3\/refund\/domestic\/refunds\/([^/]+)$/;
  const GLOBAL_QUERY = /^\/v3\/global\/transactions\/out-trade-no\/([^/]+)$/;
  const GLOBAL_REVERSE = /^\/v3\/global\/micropay\/transactions\/out-trade-no\/([^/]+)\/reverse$/;
  const GLOBAL_REFUND = /^\/v3\/global\/refunds\/out-refund-no\/([^/]+)$/;

  const server: Server = createServer({ cert: options.tls.cert, key: options.tls.key }, (req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) req.destroy();
      else chunks.push(chunk);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const target = new URL(req.url ?? '/', 'https://sandbox');
      const path = decodeURIComponent(target.pathname);
      seen.push(`${req.method ?? ''} ${path}`);
      const problem = signatureProblem(req, text);
      if (problem) {
        refused += 1;
        return error(res, 401, 'SIGN_ERROR', problem);
      }
      if (req.method === 'GET' && target.pathname === '/v3/billdownload/file') {
        const bill = billTokens.get(target.searchParams.get('token') ?? '');
        if (!bill) return error(res, 404, 'RESOURCE_NOT_EXISTS', '账单文件不存在');
        res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(bill);
        return;
      }
      let body: Record<string, unknown> = {};
      if (req.method === 'POST') {
        try {
          const parsed = JSON.parse(text) as unknown;
          if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
          body = parsed as Record<string, unknown>;
        } catch {
          return error(res, 400, 'PARAM_ERROR', '请求体不是合法的JSON');
        }
      }
      let m: RegExpExecArray | null;
      if (req.method === 'POST' && path === V3_PATHS.codepay) return codepay(req, res, body);
      if (req.method === 'POST' && path === V3_PATHS.refunds) return refund(req, res, body);
      if (req.method === 'POST' && (m = REVERSE.exec(path))) return reverse(res, m[1]!, body);
      if (req.method === 'GET' && (m = QUERY.exec(path))) return query(res, m[1]!, target.searchParams);
      if (req.method === 'GET' && (m = REFUND.exec(path))) return refundQuery(res, m[1]!);
      if (req.method === 'GET' && path === V3_PATHS.tradebill) return tradebill(res, target.searchParams);
      if (req.method === 'POST' && path === V3_GLOBAL_PATHS.pay) return globalPay(req, res, body);
      if (req.method === 'POST' && path === V3_GLOBAL_PATHS.refunds) return refund(req, res, body, 'global');
      if (req.method === 'POST' && (m = GLOBAL_REVERSE.exec(path))) return reverse(res, m[1]!, body, 'global');
      if (req.method === 'GET' && (m = GLOBAL_QUERY.exec(path))) return globalQuery(res, m[1]!, target.searchParams);
      if (req.method === 'GET' && (m = GLOBAL_REFUND.exec(path))) return globalRefundQuery(res, m[1]!, target.searchParams);
      return error(res, 404, 'NOT_FOUND', '请求的资源不存在');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const url = `https://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  const ledgerOrder = (o: OrderRow): V3LedgerOrder => ({
    outTradeNo: o.out_trade_no,
    transactionId: o.transaction_id,
    authCode: o.auth_code,
    total: o.total,
    currency: o.currency,
    tradeState: o.trade_state,
    refunded: refundedOf(o.out_trade_no),
    payerTotal: o.payer_total,
    rate: o.rate,
    api: o.api,
    subMchId: o.sub_mchid,
  });
  return {
    url,
    orders() {
      settleDue();
      return (db.prepare('SELECT * FROM v3_order ORDER BY created_at, out_trade_no').all() as OrderRow[]).map(ledgerOrder);
    },
    order(outTradeNo) {
      settleDue();
      const o = findOrder(outTradeNo);
      return o ? ledgerOrder(o) : undefined;
    },
    refunds: (outTradeNo) => refundsOf(outTradeNo).map((r) => ({ outRefundNo: r.out_refund_no, refund: r.refund, status: r.status })),
    replyFault: () => fault,
    setReplyFault(next) {
      fault = next;
    },
    refusedSignatures: () => refused,
    requests: () => [...seen],
    close() {
      for (const res of hanging) res.socket?.destroy();
      server.closeAllConnections();
      return new Promise((resolve) =>
        server.close(() => {
          db.close();
          resolve();
        }),
      );
    },
  };
}

/**
 * The Alipay gateway sandbox: an HTTP(S) server on 127.0.0.1 playing Alipay's OpenAPI gateway (`/gateway.do`,
 * API 1.0) for one app, over its own SQLite ledger, written from Alipay's public documentation (opendocs.alipay.com
 * alipay.trade.pay / precreate / query / cancel / refund / fastpay.refund.query, alipay.data.dataservice.bill.
 * downloadurl.query; payments.md §3, §5.2) — not from our provider.
 *
 * Requests: POST to /gateway.do; the common parameters (`app_id`, `method`, `charset`, `sign_type`, `timestamp`,
 * `version`, `sign`, …) in the query string or the form body, `biz_content` (JSON) in the form body. The request's
 * RSA2 `sign` (SHA256withRSA over the sorted `k=v&…` of every other non-empty parameter) is verified with the app's
 * public key. A request without the common parameters, for another app, with sign_type other than RSA2 or a bad
 * signature gets code 40002 (isv.*) and changes nothing. Replies are `{"<method>_response":{…},"sign":"…"}`, the
 * sign being SHA256withRSA over the exact JSON text of the response node, with the sandbox's (Alipay's) key.
 *
 * Payment codes behave by their last four digits, as the aggregator's and WeChat's sandboxes (../sandbox/test-codes.ts),
 * in Alipay's words (delays times `scale`):
 *   0000 (and any suffix not below)  10000, TRADE_SUCCESS at once
 *   1NNN  10003 (waiting for the customer); the order (WAIT_BUYER_PAY) becomes TRADE_SUCCESS NNN/10 s later; a
 *         PIN wait of 40 s or more is never entered: TRADE_CLOSED at 40 s
 *   2NNN  10003, then the customer cancels: TRADE_CLOSED NNN/10 s later (at most 40 s)
 *   3000  40004 ACQ.BUYER_BALANCE_NOT_ENOUGH (order TRADE_CLOSED)
 *   4000  40004 ACQ.PAYMENT_AUTH_CODE_INVALID (the code expired; order TRADE_CLOSED)
 *   5000  no reply ever; the order is WAIT_BUYER_PAY and TRADE_SUCCESS 2 s later
 *   6000  20000 isp.unknow-error (signed), no order
 *   7000  TRADE_SUCCESS, then the connection is destroyed unanswered
 *   8000  TRADE_SUCCESS; the reply is cut off halfway through its JSON
 * A code pays one order only (40004 ACQ.PAYMENT_AUTH_CODE_INVALID after that). The same out_trade_no sent again with
 * the same code and amount: 10003 while it waits, ACQ.TRADE_HAS_SUCCESS once paid, ACQ.TRADE_HAS_CLOSE once closed;
 * with other parameters, ACQ.CONTEXT_INCONSISTENT.
 *
 * query     10000 with trade_status WAIT_BUYER_PAY | TRADE_SUCCESS | TRADE_CLOSED; no order → 40004 ACQ.TRADE_NOT_EXIST.
 * cancel    an unpaid order is closed (action close), a paid one closed and its money returned (action refund)
 *           within 24 h of its creation (else ACQ.REASON_TRADE_BEEN_FREEZEN, the sandbox's pick of a documented
 *           code); an order with refunds → ACQ.TRADE_STATUS_ERROR; retry_flag N. No such order → 10000 action close,
 *           and (the sandbox's choice: the documentation only says to cancel an unknown order) that out_trade_no
 *           can never pay afterwards (ACQ.TRADE_HAS_CLOSE), so a request still on its way charges nothing.
 * refund    against a TRADE_SUCCESS order; an out_request_no already used with the same amount answers again with
 *           fund_change N (同样的退款请求号多次请求只会退一次), with another amount ACQ.DISCORDANT_REPEAT_REQUEST; more
 *           than is left → ACQ.REFUND_AMT_NOT_EQUAL_TOTAL; refunding all of it closes the order (TRADE_CLOSED).
 *           Refunds succeed at once.
 * precreate 10000 with a qr_code; the order waits (WAIT_BUYER_PAY) until `customerPays` (tests) or 2 h.
 * Cross-border (trans_currency other than CNY): the customer pays CNY at the sandbox's rate for that currency
 *           (`cnyRates`, fixed when the order is paid, kept in the ledger): pay and query replies of a paid order carry
 *           pay_currency CNY, pay_amount and trans_pay_rate, and settle_currency / settle_amount / settle_trans_rate "1"
 *           (settled in the order's own currency), as the pay page's 响应示例 shows them (spec-fixtures/pay-response.json).
 * bill      downloadurl.query bill_type trade for a day (Beijing) → a bill_download_url on this server, valid 30 s,
 *           serving the day's 业务明细 as a zip of one GBK CSV (payments.md §5.2); unlike Alipay, today's too. A cancel
 *           of a paid order is a 退款 row without a request number (the sandbox's reading: the documentation is silent).
 */
import { createSign, createVerify, randomInt } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import Sqlite, { type Database } from 'better-sqlite3';
import iconv from 'iconv-lite';
import JSZip from 'jszip';
import { acquirerDateOf } from '../../../src-common/business-day';
import { currencyExponent } from '../../../src-common/money';
import { ALIPAY_AUTH_CODE, ALIPAY_CODES, ALIPAY_METHODS, BILL_COLUMNS, amountText, beijingTime, minorOfAmountText, requestSignContent, responseKeyOf } from './wire';
import { behaviourOfCode, PIN_TIMEOUT_MS } from '../sandbox/test-codes';
import { cnyOf, SANDBOX_CNY_RATES, type CnyRates } from '../sandbox/cny-rates';

export interface AlipaySandboxOptions {
  /** The ledger file; ':memory:' for one that dies with the process. */
  readonly dbPath: string;
  /** better-sqlite3's addon for a non-Node ABI (the Electron main process's threads). */
  readonly nativeBinding?: string;
  /** The app it serves: its id and the public key its requests are verified with. */
  readonly app: { readonly appId: string; readonly publicKeyPem: string };
  /** The sandbox's own (Alipay's) key pair: replies are signed with the private key. */
  readonly alipayPrivateKeyPem: string;
  /** Serve HTTPS with this certificate; plain HTTP without it. */
  readonly tls?: { readonly cert: string; readonly key: string };
  readonly port?: number;
  /** Multiplies every delay (0.1 = ten times faster). */
  readonly scale?: number;
  readonly now?: () => Date;
  /** Told of each gateway request once it is read: its method and when its headers arrived (hrtime, for the bench). */
  readonly onRequest?: (method: string, receivedAtNs: bigint) => void;
  /** "1 <currency> = <rate> CNY" for orders priced in other currencies (../sandbox/cny-rates.ts); its defaults otherwise. */
  readonly cnyRates?: CnyRates;
}

export interface AlipayLedgerOrder {
  outTradeNo: string;
  tradeNo: string;
  authCode: string | null;
  /** Minor units of `currency`. */
  totalAmount: number;
  currency: string;
  tradeStatus: 'WAIT_BUYER_PAY' | 'TRADE_SUCCESS' | 'TRADE_CLOSED';
  /** Minor units refunded (by refund or by a cancel of a paid order). */
  refunded: number;
  /** What closed it: 'cancel' (action close/refund), 'refund' (all refunded), 'declined', 'timeout' or null. */
  closedBy: string | null;
  /** What the customer paid in CNY (fen) and the rate used, for an order in another currency; null otherwise. */
  payAmount: number | null;
  rate: string | null;
}

export interface AlipaySandbox {
  /** The gateway's address, as the technician types it (…/gateway.do). */
  readonly gatewayUrl: string;
  orders(): AlipayLedgerOrder[];
  order(outTradeNo: string): AlipayLedgerOrder | undefined;
  /** The customer scans a precreated order's QR and pays it. */
  customerPays(outTradeNo: string): void;
  close(): Promise<void>;
}

const HANG_PAID_AFTER_MS = 2000;
const QR_VALID_MS = 2 * 3600_000;
const CANCEL_WINDOW_MS = 24 * 3600_000;
const BILL_URL_VALID_MS = 30_000;
const MAX_BODY_BYTES = 64 * 1024;

interface OrderRow {
  out_trade_no: string;
  trade_no: string;
  auth_code: string | null;
  total_amount: number;
  currency: string;
  subject: string;
  trade_status: string;
  buyer_logon_id: string;
  buyer_user_id: string;
  created_at: number;
  paid_at: number | null;
  due_at: number | null;
  due_status: string | null;
  closed_by: string | null;
  closed_at: number | null;
  /** Cross-border: the customer's CNY (fen) and the decimal rate; null for a CNY order. */
  pay_amount: number | null;
  rate: string | null;
}

interface RefundRow {
  out_request_no: string;
  out_trade_no: string;
  refund_amount: number;
  at: number;
}

function openLedger(path: string, nativeBinding?: string): Database {
  const db = new Sqlite(path, nativeBinding ? { nativeBinding } : {});
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`
    CREATE TABLE IF NOT EXISTS ali_order (
      out_trade_no TEXT PRIMARY KEY, trade_no TEXT NOT NULL UNIQUE, auth_code TEXT, total_amount INTEGER NOT NULL, currency TEXT NOT NULL,
      subject TEXT NOT NULL, trade_status TEXT NOT NULL, buyer_logon_id TEXT NOT NULL, buyer_user_id TEXT NOT NULL, created_at INTEGER NOT NULL,
      paid_at INTEGER, due_at INTEGER, due_status TEXT, closed_by TEXT, closed_at INTEGER) STRICT;
    CREATE TABLE IF NOT EXISTS ali_refund (
      out_request_no TEXT NOT NULL, out_trade_no TEXT NOT NULL REFERENCES ali_order (out_trade_no), refund_amount INTEGER NOT NULL,
      at INTEGER NOT NULL, PRIMARY KEY (out_trade_no, out_request_no)) STRICT;
    CREATE TABLE IF NOT EXISTS ali_used_code (auth_code TEXT PRIMARY KEY, out_trade_no TEXT NOT NULL) STRICT;
    CREATE TABLE IF NOT EXISTS ali_blocked (out_trade_no TEXT PRIMARY KEY) STRICT;
  `);
  // A ledger from before cross-border orders gains their columns.
  const columns = new Set((db.prepare('PRAGMA table_info(ali_order)').all() as { name: string }[]).map((c) => c.name));
  if (!columns.has('pay_amount')) db.exec('ALTER TABLE ali_order ADD COLUMN pay_amount INTEGER; ALTER TABLE ali_order ADD COLUMN rate TEXT;');
  return db;
}

type Behaviour =
  | { kind: 'paid' }
  | { kind: 'pin'; waitMs: number; then: 'TRADE_SUCCESS' | 'TRADE_CLOSED' }
  | { kind: 'declined'; subCode: string; subMsg: string }
  | { kind: 'hang' }
  | { kind: 'unknown_error' }
  | { kind: 'drop_reply' }
  | { kind: 'cut_reply' };

/** What a code's last four digits do (the shared table: ../sandbox/test-codes.ts), in Alipay's terms. */
export function behaviourOf(authCode: string): Behaviour {
  const b = behaviourOfCode(authCode);
  switch (b.kind) {
    case 'pin_then_paid':
      return b.waitMs >= PIN_TIMEOUT_MS ? { kind: 'pin', waitMs: PIN_TIMEOUT_MS, then: 'TRADE_CLOSED' } : { kind: 'pin', waitMs: b.waitMs, then: 'TRADE_SUCCESS' };
    case 'pin_then_cancelled':
      return { kind: 'pin', waitMs: Math.min(b.waitMs, PIN_TIMEOUT_MS), then: 'TRADE_CLOSED' };
    case 'insufficient_funds':
      return { kind: 'declined', subCode: 'ACQ.BUYER_BALANCE_NOT_ENOUGH', subMsg: '买家余额不足' };
    case 'expired_code':
      return { kind: 'declined', subCode: 'ACQ.PAYMENT_AUTH_CODE_INVALID', subMsg: '支付失败，获取顾客账户信息失败，请顾客刷新付款码后重新收款' };
    case 'hang':
      return { kind: 'hang' };
    case 'server_error':
      return { kind: 'unknown_error' };
    case 'drop_reply':
    case 'cut_reply':
      return { kind: b.kind };
    default:
      // paid, and 9NNN: a direct provider's sandbox plays no merchant-funded discount.
      return { kind: 'paid' };
  }
}

type Fields = Record<string, string | number | undefined>;
type Biz = Record<string, unknown>;

export async function startAlipaySandbox(options: AlipaySandboxOptions): Promise<AlipaySandbox> {
  const db = openLedger(options.dbPath, options.nativeBinding);
  const scale = options.scale ?? 1;
  const now = options.now ?? (() => new Date());
  const { app } = options;
  const cnyRates = options.cnyRates ?? SANDBOX_CNY_RATES;
  const hanging = new Set<ServerResponse>();
  const bills = new Map<string, { date: string; until: number }>();

  const findOrder = (no: string) => db.prepare('SELECT * FROM ali_order WHERE out_trade_no = ?').get(no) as OrderRow | undefined;
  const refundsOf = (no: string) => db.prepare('SELECT * FROM ali_refund WHERE out_trade_no = ? ORDER BY at, out_request_no').all(no) as RefundRow[];
  const refundedOf = (o: OrderRow) => (o.closed_by === 'cancel' && o.paid_at !== null ? o.total_amount : refundsOf(o.out_trade_no).reduce((sum, r) => sum + r.refund_amount, 0));
  const settleDue = () => {
    const t = now().getTime();
    db.prepare(
      `UPDATE ali_order SET trade_status = due_status, paid_at = CASE WHEN due_status = 'TRADE_SUCCESS' THEN due_at ELSE paid_at END,
         closed_by = CASE WHEN due_status = 'TRADE_CLOSED' THEN 'timeout' ELSE closed_by END, due_at = NULL, due_status = NULL
       WHERE due_at IS NOT NULL AND due_at <= ? AND trade_status = 'WAIT_BUYER_PAY'`,
    ).run(t);
  };
  const fmt = (o: OrderRow, minor: number) => amountText(minor, currencyExponent(o.currency));

  /** The reply's exact text: the node's JSON and its signature over that text. */
  const signedText = (method: string, node: Fields) => {
    const json = JSON.stringify(node);
    const sign = createSign('RSA-SHA256').update(json, 'utf8').sign(options.alipayPrivateKeyPem, 'base64');
    return `{"${responseKeyOf(method)}":${json},"sign":"${sign}"}`;
  };
  const send = (res: ServerResponse, text: string) => res.writeHead(200, { 'content-type': 'text/html;charset=utf-8' }).end(text);
  const answer = (res: ServerResponse, method: string, fields: Fields) => send(res, signedText(method, { code: ALIPAY_CODES.success, msg: 'Success', ...fields }));
  const fail = (res: ServerResponse, method: string, subCode: string, subMsg: string, extra: Fields = {}) =>
    send(res, signedText(method, { code: ALIPAY_CODES.businessFailed, msg: 'Business Failed', sub_code: subCode, sub_msg: subMsg, ...extra }));
  const invalid = (res: ServerResponse, method: string, subCode: string, subMsg: string) =>
    send(res, signedText(method || 'error', { code: ALIPAY_CODES.invalidArguments, msg: 'Invalid Arguments', sub_code: subCode, sub_msg: subMsg }));

  const paidFields = (o: OrderRow): Fields => ({
    trade_no: o.trade_no,
    out_trade_no: o.out_trade_no,
    buyer_logon_id: o.buyer_logon_id,
    total_amount: fmt(o, o.total_amount),
    receipt_amount: fmt(o, o.total_amount),
    buyer_pay_amount: fmt(o, o.total_amount),
    point_amount: fmt(o, 0),
    invoice_amount: fmt(o, o.total_amount),
    gmt_payment: beijingTime(new Date(o.paid_at ?? o.created_at)),
    fund_bill_list: undefined,
    buyer_user_id: o.buyer_user_id,
    ...(o.currency !== 'CNY' ? { trans_currency: o.currency, ...crossBorderFields(o) } : {}),
  });
  /** What a paid cross-border order's replies add: the customer's CNY at the rate, and the settlement in the order's currency. */
  const crossBorderFields = (o: OrderRow): Fields =>
    o.pay_amount !== null && o.rate !== null && o.paid_at !== null
      ? { pay_currency: 'CNY', pay_amount: amountText(o.pay_amount, 2), trans_pay_rate: o.rate, settle_currency: o.currency, settle_amount: fmt(o, o.total_amount), settle_trans_rate: '1' }
      : {};

  /** Parses the amount a request names in `currency`; null when it is not a positive amount with at most its decimals. */
  const amountOf = (text: unknown, currency: string) => {
    const minor = minorOfAmountText(text, currencyExponent(currency));
    return minor !== null && minor > 0 ? minor : null;
  };
  const currencyOf = (biz: Biz): string | null => {
    const c = biz.trans_currency ?? 'CNY';
    if (typeof c !== 'string') return null;
    try {
      currencyExponent(c);
      return c;
    } catch {
      return null;
    }
  };

  function newOrder(biz: Biz, amount: number, currency: string, authCode: string | null): OrderRow {
    const t = now().getTime();
    return {
      out_trade_no: String(biz.out_trade_no),
      trade_no: `${beijingTime(new Date(t)).slice(0, 10).replaceAll('-', '')}22001${String(randomInt(10 ** 9, 10 ** 10))}${String(randomInt(10 ** 8, 10 ** 9))}`,
      auth_code: authCode,
      total_amount: amount,
      currency,
      subject: typeof biz.subject === 'string' ? biz.subject : '',
      trade_status: 'TRADE_SUCCESS',
      buyer_logon_id: `159****${(authCode ?? '0000').slice(-4)}`,
      buyer_user_id: `2088${String(randomInt(10 ** 11, 10 ** 12))}`,
      created_at: t,
      paid_at: t,
      due_at: null,
      due_status: null,
      closed_by: null,
      closed_at: null,
      ...(() => {
        const cny = cnyOf(amount, currency, cnyRates);
        return { pay_amount: cny?.fen ?? null, rate: cny?.rate ?? null };
      })(),
    };
  }
  const insertOrder = (o: OrderRow) =>
    db
      .prepare(
        `INSERT INTO ali_order (out_trade_no, trade_no, auth_code, total_amount, currency, subject, trade_status, buyer_logon_id, buyer_user_id, created_at, paid_at, due_at, due_status, closed_by, closed_at, pay_amount, rate)
         VALUES (@out_trade_no, @trade_no, @auth_code, @total_amount, @currency, @subject, @trade_status, @buyer_logon_id, @buyer_user_id, @created_at, @paid_at, @due_at, @due_status, @closed_by, @closed_at, @pay_amount, @rate)`,
      )
      .run(o);

  function pay(req: IncomingMessage, res: ServerResponse, method: string, biz: Biz) {
    const missing = ['out_trade_no', 'scene', 'auth_code', 'subject', 'total_amount'].find((k) => typeof biz[k] !== 'string' || biz[k] === '');
    if (missing) return invalid(res, method, 'isv.missing-parameter', `缺少必选参数 ${missing}`);
    if (biz.scene !== 'bar_code' && biz.scene !== 'wave_code') return invalid(res, method, 'isv.invalid-parameter', 'scene 参数无效');
    const currency = currencyOf(biz);
    if (!currency) return fail(res, method, 'ACQ.INVALID_PARAMETER', 'trans_currency 参数无效');
    const amount = amountOf(biz.total_amount, currency);
    if (amount === null) return fail(res, method, 'ACQ.INVALID_PARAMETER', 'total_amount 参数无效');
    const outTradeNo = String(biz.out_trade_no);
    const authCode = String(biz.auth_code);
    if (!ALIPAY_AUTH_CODE.test(authCode)) return fail(res, method, 'ACQ.PAYMENT_AUTH_CODE_INVALID', '支付失败，获取顾客账户信息失败，请顾客刷新付款码后重新收款');
    if (db.prepare('SELECT 1 FROM ali_blocked WHERE out_trade_no = ?').get(outTradeNo)) return fail(res, method, 'ACQ.TRADE_HAS_CLOSE', '交易已经关闭');
    settleDue();
    const existing = findOrder(outTradeNo);
    if (existing) {
      if (existing.auth_code !== authCode || existing.total_amount !== amount || existing.currency !== currency) return fail(res, method, 'ACQ.CONTEXT_INCONSISTENT', '交易信息被篡改');
      if (existing.trade_status === 'WAIT_BUYER_PAY') return send(res, signedText(method, { code: ALIPAY_CODES.paying, msg: 'Order success pay inprocess', ...paidFields(existing), gmt_payment: undefined }));
      if (existing.trade_status === 'TRADE_SUCCESS') return fail(res, method, 'ACQ.TRADE_HAS_SUCCESS', '交易已被支付');
      return fail(res, method, 'ACQ.TRADE_HAS_CLOSE', '交易已经关闭');
    }
    if (db.prepare('SELECT 1 FROM ali_used_code WHERE auth_code = ?').get(authCode)) return fail(res, method, 'ACQ.PAYMENT_AUTH_CODE_INVALID', '支付失败，获取顾客账户信息失败，请顾客刷新付款码后重新收款');
    const behaviour = behaviourOf(authCode);
    if (behaviour.kind === 'unknown_error') return send(res, signedText(method, { code: ALIPAY_CODES.unknown, msg: 'Service Currently Unavailable', sub_code: 'isp.unknow-error', sub_msg: '系统繁忙' }));
    const order = newOrder(biz, amount, currency, authCode);
    if (behaviour.kind === 'pin' || behaviour.kind === 'hang') {
      const wait = behaviour.kind === 'pin' ? behaviour.waitMs : HANG_PAID_AFTER_MS;
      Object.assign(order, { trade_status: 'WAIT_BUYER_PAY', paid_at: null, due_at: order.created_at + wait * scale, due_status: behaviour.kind === 'pin' ? behaviour.then : 'TRADE_SUCCESS' });
    } else if (behaviour.kind === 'declined') Object.assign(order, { trade_status: 'TRADE_CLOSED', paid_at: null, closed_by: 'declined' });
    db.transaction(() => {
      insertOrder(order);
      db.prepare('INSERT INTO ali_used_code (auth_code, out_trade_no) VALUES (?, ?)').run(authCode, outTradeNo);
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
        const text = signedText(method, { code: ALIPAY_CODES.success, msg: 'Success', ...paidFields(order) });
        return send(res, text.slice(0, Math.floor(text.length / 2)));
      }
      case 'declined':
        return fail(res, method, behaviour.subCode, behaviour.subMsg);
      case 'pin':
        return send(res, signedText(method, { code: ALIPAY_CODES.paying, msg: 'Order success pay inprocess', ...paidFields(order), gmt_payment: undefined }));
      default:
        return answer(res, method, paidFields(order));
    }
  }

  function precreate(res: ServerResponse, method: string, biz: Biz) {
    const missing = ['out_trade_no', 'subject', 'total_amount'].find((k) => typeof biz[k] !== 'string' || biz[k] === '');
    if (missing) return invalid(res, method, 'isv.missing-parameter', `缺少必选参数 ${missing}`);
    const currency = currencyOf(biz);
    const amount = currency ? amountOf(biz.total_amount, currency) : null;
    if (!currency || amount === null) return fail(res, method, 'ACQ.INVALID_PARAMETER', 'total_amount 参数无效');
    const outTradeNo = String(biz.out_trade_no);
    if (db.prepare('SELECT 1 FROM ali_blocked WHERE out_trade_no = ?').get(outTradeNo)) return fail(res, method, 'ACQ.TRADE_HAS_CLOSE', '交易已经关闭');
    settleDue();
    const existing = findOrder(outTradeNo);
    if (existing) {
      if (existing.total_amount !== amount || existing.auth_code !== null) return fail(res, method, 'ACQ.CONTEXT_INCONSISTENT', '交易信息被篡改');
      if (existing.trade_status !== 'WAIT_BUYER_PAY') return fail(res, method, existing.trade_status === 'TRADE_SUCCESS' ? 'ACQ.TRADE_HAS_SUCCESS' : 'ACQ.TRADE_HAS_CLOSE', '交易状态不合法');
      return answer(res, method, { out_trade_no: outTradeNo, qr_code: qrOf(existing) });
    }
    const order = newOrder(biz, amount, currency, null);
    Object.assign(order, { trade_status: 'WAIT_BUYER_PAY', paid_at: null, due_at: order.created_at + QR_VALID_MS * scale, due_status: 'TRADE_CLOSED', buyer_logon_id: '' });
    insertOrder(order);
    return answer(res, method, { out_trade_no: outTradeNo, qr_code: qrOf(order) });
  }
  const qrOf = (o: OrderRow) => `https://qr.alipay.com/bax0${o.trade_no.slice(-20)}`;

  function query(res: ServerResponse, method: string, biz: Biz) {
    settleDue();
    const o = typeof biz.out_trade_no === 'string' ? findOrder(biz.out_trade_no) : typeof biz.trade_no === 'string' ? (db.prepare('SELECT * FROM ali_order WHERE trade_no = ?').get(biz.trade_no) as OrderRow | undefined) : undefined;
    if (!o) return fail(res, method, 'ACQ.TRADE_NOT_EXIST', '交易不存在');
    const paid = o.paid_at !== null;
    return answer(res, method, {
      trade_no: o.trade_no,
      out_trade_no: o.out_trade_no,
      buyer_logon_id: o.buyer_logon_id,
      trade_status: o.trade_status,
      total_amount: fmt(o, o.total_amount),
      ...(o.currency !== 'CNY' ? { trans_currency: o.currency } : {}),
      ...(paid ? { receipt_amount: fmt(o, o.total_amount), buyer_pay_amount: fmt(o, o.total_amount), send_pay_date: beijingTime(new Date(o.paid_at!)), buyer_user_id: o.buyer_user_id } : {}),
      ...(paid && o.currency !== 'CNY' ? crossBorderFields(o) : {}),
    });
  }

  function cancel(res: ServerResponse, method: string, biz: Biz) {
    settleDue();
    const no = typeof biz.out_trade_no === 'string' ? biz.out_trade_no : null;
    if (!no) return invalid(res, method, 'isv.missing-parameter', '缺少必选参数 out_trade_no');
    const o = findOrder(no);
    if (!o) {
      db.prepare('INSERT OR IGNORE INTO ali_blocked (out_trade_no) VALUES (?)').run(no);
      return answer(res, method, { out_trade_no: no, retry_flag: 'N', action: 'close' });
    }
    if (o.closed_by === 'cancel') return answer(res, method, { trade_no: o.trade_no, out_trade_no: no, retry_flag: 'N', action: o.paid_at !== null ? 'refund' : 'close' });
    if (refundsOf(no).length > 0) return fail(res, method, 'ACQ.TRADE_STATUS_ERROR', '交易状态不合法', { retry_flag: 'N' });
    if (now().getTime() - o.created_at > CANCEL_WINDOW_MS) return fail(res, method, 'ACQ.REASON_TRADE_BEEN_FREEZEN', '交易已超过撤销期限', { retry_flag: 'N' });
    const action = o.trade_status === 'TRADE_SUCCESS' ? 'refund' : 'close';
    db.prepare("UPDATE ali_order SET trade_status = 'TRADE_CLOSED', closed_by = 'cancel', closed_at = ?, due_at = NULL, due_status = NULL WHERE out_trade_no = ?").run(now().getTime(), no);
    return answer(res, method, { trade_no: o.trade_no, out_trade_no: no, retry_flag: 'N', action, ...(action === 'refund' ? { gmt_refund_pay: beijingTime(now()) } : {}) });
  }

  function refund(res: ServerResponse, method: string, biz: Biz) {
    settleDue();
    const o = typeof biz.out_trade_no === 'string' ? findOrder(biz.out_trade_no) : undefined;
    if (!o) return fail(res, method, 'ACQ.TRADE_NOT_EXIST', '交易不存在');
    const amount = amountOf(biz.refund_amount, o.currency);
    if (amount === null) return fail(res, method, 'ACQ.INVALID_PARAMETER', 'refund_amount 参数无效');
    const requestNo = typeof biz.out_request_no === 'string' && biz.out_request_no ? biz.out_request_no : o.out_trade_no;
    const reply = (fundChange: 'Y' | 'N') =>
      answer(res, method, {
        trade_no: o.trade_no,
        out_trade_no: o.out_trade_no,
        buyer_logon_id: o.buyer_logon_id,
        fund_change: fundChange,
        refund_fee: fmt(o, refundsOf(o.out_trade_no).reduce((sum, r) => sum + r.refund_amount, 0)),
        gmt_refund_pay: beijingTime(now()),
        ...(o.currency !== 'CNY' ? { refund_currency: o.currency } : {}),
      });
    const same = db.prepare('SELECT * FROM ali_refund WHERE out_trade_no = ? AND out_request_no = ?').get(o.out_trade_no, requestNo) as RefundRow | undefined;
    if (same) return same.refund_amount === amount ? reply('N') : fail(res, method, 'ACQ.DISCORDANT_REPEAT_REQUEST', '请求信息不一致');
    if (o.trade_status !== 'TRADE_SUCCESS') return fail(res, method, 'ACQ.TRADE_STATUS_ERROR', '交易状态不合法');
    const left = o.total_amount - refundedOf(o);
    if (amount > left) return fail(res, method, 'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL', '退款金额超限');
    db.transaction(() => {
      db.prepare('INSERT INTO ali_refund (out_request_no, out_trade_no, refund_amount, at) VALUES (?, ?, ?, ?)').run(requestNo, o.out_trade_no, amount, now().getTime());
      if (amount === left) db.prepare("UPDATE ali_order SET trade_status = 'TRADE_CLOSED', closed_by = 'refund' WHERE out_trade_no = ?").run(o.out_trade_no);
    })();
    return reply('Y');
  }

  function refundQuery(res: ServerResponse, method: string, biz: Biz) {
    const o = typeof biz.out_trade_no === 'string' ? findOrder(biz.out_trade_no) : undefined;
    if (!o) return fail(res, method, 'ACQ.TRADE_NOT_EXIST', '交易不存在');
    const requestNo = typeof biz.out_request_no === 'string' ? biz.out_request_no : '';
    const r = db.prepare('SELECT * FROM ali_refund WHERE out_trade_no = ? AND out_request_no = ?').get(o.out_trade_no, requestNo) as RefundRow | undefined;
    // An unknown out_request_no: 10000 without the refund's fields (the documentation: nothing found = not refunded).
    if (!r) return answer(res, method, { trade_no: o.trade_no, out_trade_no: o.out_trade_no });
    return answer(res, method, {
      trade_no: o.trade_no,
      out_trade_no: o.out_trade_no,
      out_request_no: r.out_request_no,
      total_amount: fmt(o, o.total_amount),
      refund_amount: fmt(o, r.refund_amount),
      refund_status: 'REFUND_SUCCESS',
      gmt_refund_pay: beijingTime(new Date(r.at)),
    });
  }

  function billUrl(res: ServerResponse, method: string, biz: Biz, base: string) {
    if (biz.bill_type !== 'trade') return fail(res, method, 'isv.invalid-bill-type', '账单类型不正确');
    if (typeof biz.bill_date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(biz.bill_date)) return fail(res, method, 'isv.invalid-bill-date', '账单日期格式不正确');
    const token = `${Date.now().toString(36)}${randomInt(10 ** 9, 10 ** 10).toString(36)}`;
    bills.set(token, { date: biz.bill_date, until: now().getTime() + BILL_URL_VALID_MS });
    return answer(res, method, { bill_download_url: `${base}/bill/${token}.csv.zip` });
  }

  /** The day's 业务明细 (payments.md §5.2): pays by completion time, refunds and cancels of paid orders by their time. */
  async function bill(res: ServerResponse, token: string) {
    const found = bills.get(token);
    if (!found || found.until < now().getTime()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      return;
    }
    settleDue();
    const day = (at: number) => acquirerDateOf(new Date(at)) === found.date;
    const cell = (v: string) => `${v}\t`;
    const lines: string[] = [];
    const row = (o: OrderRow, type: '交易' | '退款', at: number, amount: number, requestNo: string) =>
      [
        o.trade_no, o.out_trade_no, type, o.subject, beijingTime(new Date(o.created_at)), beijingTime(new Date(at)), '', '', '', '', o.buyer_logon_id,
        `${type === '退款' ? '-' : ''}${fmt(o, amount)}`, `${type === '退款' ? '-' : ''}${fmt(o, amount)}`, '0.00', '0.00', '0.00', '0.00', '0.00', '', '0.00', '0.00', requestNo, '0.00', '0.00', '',
      ].map(cell).join(',');
    const orders = db.prepare('SELECT * FROM ali_order WHERE paid_at IS NOT NULL ORDER BY paid_at').all() as OrderRow[];
    for (const o of orders) {
      if (day(o.paid_at!)) lines.push(row(o, '交易', o.paid_at!, o.total_amount, ''));
    }
    for (const r of db.prepare('SELECT * FROM ali_refund ORDER BY at').all() as RefundRow[]) {
      if (day(r.at)) lines.push(row(findOrder(r.out_trade_no)!, '退款', r.at, r.refund_amount, r.out_request_no));
    }
    // A cancel of a paid order gave all of it back: a refund row without a request number.
    for (const o of orders) {
      if (o.closed_by === 'cancel' && o.closed_at !== null && day(o.closed_at)) lines.push(row(o, '退款', o.closed_at, o.total_amount, ''));
    }
    const header = [`#支付宝业务明细查询`, `#账号：[2088${app.appId.slice(-8)}0156]`, `#起始日期：[${found.date} 00:00:00]   终止日期：[${found.date} 23:59:59]`, '#-----------------------------------------业务明细列表----------------------------------------'];
    const csv = [...header, BILL_COLUMNS.join(','), ...lines, '#-----------------------------------------业务明细列表结束------------------------------------', `#导出时间：[${beijingTime(now())}]`, ''].join('\r\n');
    const zip = new JSZip();
    zip.file(`2088${app.appId.slice(-8)}0156_${found.date.replaceAll('-', '')}_业务明细.csv`, iconv.encode(csv, 'gbk'));
    const body = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    res.writeHead(200, { 'content-type': 'application/zip' }).end(body);
  }

  /** The request's parameters from the query string and the form body, or why they are refused. */
  function verified(params: Record<string, string>): { method: string; biz: Biz } | { method: string; subCode: string; subMsg: string } {
    const method = params.method ?? '';
    const missing = ['app_id', 'method', 'charset', 'sign_type', 'sign', 'timestamp', 'version'].find((k) => !params[k]);
    if (missing) return { method, subCode: `isv.missing-${missing.replace('_', '-')}`, subMsg: `缺少${missing}参数` };
    if (params.app_id !== app.appId) return { method, subCode: 'isv.invalid-app-id', subMsg: '无效的AppID参数' };
    if (params.sign_type !== 'RSA2') return { method, subCode: 'isv.invalid-signature-type', subMsg: '无效的签名类型' };
    if (!/^utf-?8$/i.test(params.charset!)) return { method, subCode: 'isv.invalid-charset', subMsg: '字符集错误' };
    if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(params.timestamp!)) return { method, subCode: 'isv.invalid-timestamp', subMsg: '非法的时间戳参数' };
    if (params.version !== '1.0') return { method, subCode: 'isv.invalid-version', subMsg: '版本号错误' };
    if (!signatureVerifies(params, app.publicKeyPem)) return { method, subCode: 'isv.invalid-signature', subMsg: '验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配' };
    const biz = jsonOf(params.biz_content ?? '{}');
    if (biz === undefined) return { method, subCode: 'isv.invalid-parameter', subMsg: 'biz_content 不是合法的 JSON' };
    if (typeof biz !== 'object' || biz === null || Array.isArray(biz)) return { method, subCode: 'isv.invalid-parameter', subMsg: 'biz_content 不是 JSON 对象' };
    return { method, biz: biz as Biz };
  }

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const receivedAtNs = process.hrtime.bigint();
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) req.destroy();
      else chunks.push(chunk);
    });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://sandbox');
      const bill = /^\/bill\/([0-9a-z]+)\.csv\.zip$/.exec(url.pathname);
      if (req.method === 'GET' && bill) {
        void billFile(res, bill[1]!);
        return;
      }
      if (url.pathname !== '/gateway.do') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
        return;
      }
      const params: Record<string, string> = {};
      url.searchParams.forEach((v, k) => (params[k] = v));
      if (req.method === 'POST') new URLSearchParams(Buffer.concat(chunks).toString('utf8')).forEach((v, k) => (params[k] = v));
      options.onRequest?.(params.method ?? '', receivedAtNs);
      const checked = verified(params);
      if ('subCode' in checked) return invalid(res, checked.method, checked.subCode, checked.subMsg);
      const { method, biz } = checked;
      switch (method) {
        case ALIPAY_METHODS.pay:
          return pay(req, res, method, biz);
        case ALIPAY_METHODS.precreate:
          return precreate(res, method, biz);
        case ALIPAY_METHODS.query:
          return query(res, method, biz);
        case ALIPAY_METHODS.cancel:
          return cancel(res, method, biz);
        case ALIPAY_METHODS.refund:
          return refund(res, method, biz);
        case ALIPAY_METHODS.refundQuery:
          return refundQuery(res, method, biz);
        case ALIPAY_METHODS.billUrl:
          return billUrl(res, method, biz, base);
        default:
          return invalid(res, method, 'isv.invalid-method', '不存在的方法名');
      }
    });
  };
  const billFile = async (res: ServerResponse, token: string) => {
    try {
      await bill(res, token);
    } catch {
      if (!res.headersSent) res.writeHead(500).end();
    }
  };

  const server: Server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, handler) : createHttpServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const base = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;

  const ledgerOrder = (o: OrderRow): AlipayLedgerOrder => ({
    outTradeNo: o.out_trade_no,
    tradeNo: o.trade_no,
    authCode: o.auth_code,
    totalAmount: o.total_amount,
    currency: o.currency,
    tradeStatus: o.trade_status as AlipayLedgerOrder['tradeStatus'],
    refunded: refundedOf(o),
    closedBy: o.closed_by,
    payAmount: o.pay_amount,
    rate: o.rate,
  });
  return {
    gatewayUrl: `${base}/gateway.do`,
    orders() {
      settleDue();
      return (db.prepare('SELECT * FROM ali_order ORDER BY created_at, out_trade_no').all() as OrderRow[]).map(ledgerOrder);
    },
    order(outTradeNo) {
      settleDue();
      const o = findOrder(outTradeNo);
      return o ? ledgerOrder(o) : undefined;
    },
    customerPays(outTradeNo) {
      settleDue();
      const changed = db
        .prepare("UPDATE ali_order SET trade_status = 'TRADE_SUCCESS', paid_at = ?, due_at = NULL, due_status = NULL, buyer_logon_id = '159****0000' WHERE out_trade_no = ? AND trade_status = 'WAIT_BUYER_PAY' AND auth_code IS NULL")
        .run(now().getTime(), outTradeNo).changes;
      if (changed !== 1) throw new Error(`no precreated order ${outTradeNo} waiting to be paid`);
    },
    close() {
      for (const res of hanging) res.socket?.destroy();
      if ('closeAllConnections' in server) server.closeAllConnections();
      return new Promise((resolve) =>
        server.close(() => {
          db.close();
          resolve();
        }),
      );
    },
  };
}

function signatureVerifies(params: Record<string, string>, publicKeyPem: string): boolean {
  try {
    return createVerify('RSA-SHA256').update(requestSignContent(params), 'utf8').verify(publicKeyPem, params.sign!, 'base64');
  } catch {
    return false;
  }
}

function jsonOf(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The WeChat Pay v2 sandbox: an HTTPS server on 127.0.0.1 playing WeChat Pay API v2 for one merchant, over its
 * own SQLite ledger, from the public documentation (pay.weixin.qq.com micropay chapter 9_10 and its siblings, as
 * mirrored in GitHub wechatpay-im/website openapi/v2; payments.md §2, §5.1) — not from our adapter.
 *
 * Requests: POST, flat `<xml>`, signed with the API key (sign_type MD5 by default, or HMAC-SHA256); replies are
 * signed the same way. A request that is not XML, is for another appid/mch_id or is badly signed gets
 * return_code FAIL (no result_code). `/secapi/*` (reverse, refund) needs the merchant's client certificate
 * (mutual TLS, signed by the CA the sandbox is given): without it, return_code FAIL 证书错误.
 *
 * Payment codes behave by their last four digits, as the aggregator sandbox's (../sandbox/test-codes.ts), in
 * WeChat's words (delays times `scale`):
 *   0000 (and any suffix not below)  SUCCESS at once
 *   1NNN  result FAIL USERPAYING; the order (trade_state USERPAYING) becomes SUCCESS NNN/10 s later; a PIN wait
 *         of 40 s or more is never entered: CLOSED at 40 s
 *   2NNN  USERPAYING, then the customer cancels: PAYERROR NNN/10 s later (at most 40 s)
 *   3000  FAIL NOTENOUGH (order PAYERROR)          4000  FAIL AUTHCODEEXPIRE (order PAYERROR)
 *   5000  no reply ever; the order is USERPAYING and SUCCESS 2 s later
 *   6000  HTTP 500, no order                        7000  SUCCESS, then the connection is destroyed unanswered
 *   8000  SUCCESS; the reply is cut off halfway through its XML
 * A code pays one order only (AUTH_CODE_ERROR 每个二维码仅限使用一次 after that). The same out_trade_no sent again
 * with the same code and fee gets the order's current result; with others, OUT_TRADE_NO_USED.
 *
 * orderquery  trade_state SUCCESS | REFUND | USERPAYING | REVOKED | CLOSED | PAYERROR; no order → ORDERNOTEXIST.
 * reverse     an unpaid order is revoked, a paid one revoked and its money returned (within 7 days, else
 *             REVERSE_EXPIRE); a refunded one → TRADE_STATE_ERROR; recall is N. No such order → ORDERNOTEXIST,
 *             and (the sandbox's choice: the documentation is silent) that out_trade_no can never pay afterwards
 *             (ORDERREVERSED), so a request still on its way after its reversal charges nothing.
 * refund      against a SUCCESS or REFUND order with its total_fee; an out_refund_no already used answers that
 *             refund again (refund.md: retry with the same number); more than is left → REFUND_FEE_INVALID (the
 *             sandbox's name for it). Refunds succeed at once (refundquery: SUCCESS).
 * Cross-border: an order in a fee_type other than CNY is paid by the customer in CNY at the sandbox's rate for that
 *             currency (`cnyRates`, fixed when the order is made and kept in the ledger): paid replies carry
 *             cash_fee_type CNY, cash_fee (fen) and rate (the rate × 10^8), as WeChat's international micropay and
 *             orderquery pages list them; a refund's reply adds cash_refund_fee_type CNY and cash_refund_fee, the
 *             refund's share of the CNY paid (refund_fee / total_fee = cash_refund_fee / cash_fee). A currency without a rate is paid with no CNY side.
 * downloadbill the day's (Beijing) bill_type ALL as the documentation's CSV (backtick cells, CRLF, trailer); a
 *             day without rows → return_code FAIL "No Bill Exist". Unlike WeChat, today's bill is served too.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import Sqlite, { type Database } from 'better-sqlite3';
import { acquirerDateOf } from '../../../src-common/business-day';
import { verifyWechatV2Sign, wechatV2Sign, type WechatSignType } from '../signing';
import { BILL_COLUMNS, BILL_TRAILER_COLUMNS, V2_PATHS, beijingCompact, yuanOfFen } from './v2-wire';
import { parseWechatXml, toWechatXml, type WechatFields } from './xml';
import { behaviourOfCode, PIN_TIMEOUT_MS } from '../sandbox/test-codes';
import { cnyOf, cnyShare, rateTimes1e8, SANDBOX_CNY_RATES, type CnyRates } from '../sandbox/cny-rates';

export interface WechatV2SandboxOptions {
  /** The ledger file; ':memory:' for one that dies with the process. */
  readonly dbPath: string;
  /** better-sqlite3's addon for a non-Node ABI (the Electron main process's threads). */
  readonly nativeBinding?: string;
  /** The server's certificate and key, and the CA that signs merchants' client certificates. */
  readonly tls: { readonly cert: string; readonly key: string; readonly clientCa: string };
  readonly merchant: { readonly appId: string; readonly mchId: string; readonly apiKey: string };
  readonly port?: number;
  /** Multiplies every delay (0.1 = ten times faster). */
  readonly scale?: number;
  readonly now?: () => Date;
  /** "1 <currency> = <rate> CNY" for orders priced in other currencies (./../sandbox/cny-rates.ts); its defaults otherwise. */
  readonly cnyRates?: CnyRates;
}

export interface LedgerOrder {
  outTradeNo: string;
  transactionId: string;
  authCode: string;
  totalFee: number;
  feeType: string;
  tradeState: string;
  refunded: number;
  /** What the customer paid in CNY (fen) and the rate used, for an order in another currency; null otherwise. */
  cashFee: number | null;
  rate: string | null;
  /** The CNY (fen) its successful refunds gave back, as each refund reply said (cash_refund_fee); null without a CNY side. */
  cashRefunded: number | null;
}

export interface WechatV2Sandbox {
  readonly url: string;
  orders(): LedgerOrder[];
  order(outTradeNo: string): LedgerOrder | undefined;
  close(): Promise<void>;
}

const HANG_PAID_AFTER_MS = 2000;
const REVERSE_WINDOW_MS = 7 * 24 * 3600_000;
const MAX_BODY_BYTES = 64 * 1024;

interface OrderRow {
  out_trade_no: string;
  transaction_id: string;
  auth_code: string;
  total_fee: number;
  fee_type: string;
  trade_state: string;
  openid: string;
  created_at: number;
  time_end: number | null;
  due_at: number | null;
  due_state: string | null;
  /** Cross-border: the customer's CNY (fen) and the decimal rate; null for a CNY order. */
  cash_fee: number | null;
  rate: string | null;
}

interface RefundRow {
  out_refund_no: string;
  refund_id: string;
  out_trade_no: string;
  refund_fee: number;
  status: string;
  at: number;
}

function openLedger(path: string, nativeBinding?: string): Database {
  const db = new Sqlite(path, nativeBinding ? { nativeBinding } : {});
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`
    CREATE TABLE IF NOT EXISTS wx_order (
      out_trade_no TEXT PRIMARY KEY, transaction_id TEXT NOT NULL UNIQUE, auth_code TEXT NOT NULL, total_fee INTEGER NOT NULL,
      fee_type TEXT NOT NULL, trade_state TEXT NOT NULL, openid TEXT NOT NULL, created_at INTEGER NOT NULL, time_end INTEGER,
      due_at INTEGER, due_state TEXT) STRICT;
    CREATE TABLE IF NOT EXISTS wx_refund (
      out_refund_no TEXT PRIMARY KEY, refund_id TEXT NOT NULL, out_trade_no TEXT NOT NULL REFERENCES wx_order (out_trade_no),
      refund_fee INTEGER NOT NULL, status TEXT NOT NULL, at INTEGER NOT NULL) STRICT;
    CREATE TABLE IF NOT EXISTS wx_used_code (auth_code TEXT PRIMARY KEY, out_trade_no TEXT NOT NULL) STRICT;
    CREATE TABLE IF NOT EXISTS wx_blocked (out_trade_no TEXT PRIMARY KEY) STRICT;
  `);
  // A ledger from before cross-border orders gains their columns.
  const columns = new Set((db.prepare('PRAGMA table_info(wx_order)').all() as { name: string }[]).map((c) => c.name));
  if (!columns.has('cash_fee')) db.exec('ALTER TABLE wx_order ADD COLUMN cash_fee INTEGER; ALTER TABLE wx_order ADD COLUMN rate TEXT;');
  return db;
}

type Behaviour =
  | { kind: 'paid' }
  | { kind: 'pin'; waitMs: number; then: 'SUCCESS' | 'PAYERROR' | 'CLOSED' }
  | { kind: 'declined'; errCode: 'NOTENOUGH' | 'AUTHCODEEXPIRE'; des: string }
  | { kind: 'hang' }
  | { kind: 'server_error' }
  | { kind: 'drop_reply' }
  | { kind: 'cut_reply' };

/** What a code's last four digits do (the shared table: ../sandbox/test-codes.ts), in WeChat Pay v2's terms. */
export function behaviourOf(authCode: string): Behaviour {
  const b = behaviourOfCode(authCode);
  switch (b.kind) {
    case 'pin_then_paid':
      return b.waitMs >= PIN_TIMEOUT_MS ? { kind: 'pin', waitMs: PIN_TIMEOUT_MS, then: 'CLOSED' } : { kind: 'pin', waitMs: b.waitMs, then: 'SUCCESS' };
    case 'pin_then_cancelled':
      return { kind: 'pin', waitMs: Math.min(b.waitMs, PIN_TIMEOUT_MS), then: 'PAYERROR' };
    case 'insufficient_funds':
      return { kind: 'declined', errCode: 'NOTENOUGH', des: '余额不足' };
    case 'expired_code':
      return { kind: 'declined', errCode: 'AUTHCODEEXPIRE', des: '二维码已过期，请用户在微信上刷新后再试' };
    case 'hang':
      return { kind: 'hang' };
    case 'server_error':
    case 'drop_reply':
    case 'cut_reply':
      return { kind: b.kind };
    default:
      // paid, and 9NNN: a direct provider's sandbox plays no merchant-funded discount.
      return { kind: 'paid' };
  }
}

export async function startWechatV2Sandbox(options: WechatV2SandboxOptions): Promise<WechatV2Sandbox> {
  const db = openLedger(options.dbPath, options.nativeBinding);
  const scale = options.scale ?? 1;
  const now = options.now ?? (() => new Date());
  const { merchant } = options;
  const cnyRates = options.cnyRates ?? SANDBOX_CNY_RATES;
  const hanging = new Set<ServerResponse>();

  const findOrder = (no: string) => db.prepare('SELECT * FROM wx_order WHERE out_trade_no = ?').get(no) as OrderRow | undefined;
  const refundsOf = (no: string) => db.prepare('SELECT * FROM wx_refund WHERE out_trade_no = ? ORDER BY at, out_refund_no').all(no) as RefundRow[];
  const refundedOf = (no: string) => refundsOf(no).reduce((sum, r) => sum + (r.status === 'SUCCESS' ? r.refund_fee : 0), 0);
  const settleDue = () => {
    const t = now().getTime();
    db.prepare("UPDATE wx_order SET trade_state = due_state, time_end = CASE WHEN due_state = 'SUCCESS' THEN due_at ELSE time_end END, due_at = NULL, due_state = NULL WHERE due_at IS NOT NULL AND due_at <= ? AND trade_state = 'USERPAYING'").run(t);
  };

  const reply = (res: ServerResponse, signType: WechatSignType, fields: Record<string, string | number>) => {
    const all: Record<string, string | number> = { return_code: 'SUCCESS', return_msg: 'OK', appid: merchant.appId, mch_id: merchant.mchId, nonce_str: randomBytes(8).toString('hex'), ...fields };
    sendXml(res, toWechatXml({ ...all, sign: wechatV2Sign(all, merchant.apiKey, signType) }));
  };
  const refuse = (res: ServerResponse, message: string) => sendXml(res, toWechatXml({ return_code: 'FAIL', return_msg: message }));
  const fail = (res: ServerResponse, signType: WechatSignType, errCode: string, des: string, extra: Record<string, string> = {}) =>
    reply(res, signType, { result_code: 'FAIL', err_code: errCode, err_code_des: des, ...extra });

  const paidFields = (o: OrderRow) => ({
    openid: o.openid,
    is_subscribe: 'N',
    trade_type: 'MICROPAY',
    bank_type: 'OTHERS',
    fee_type: o.fee_type,
    total_fee: o.total_fee,
    // What the customer paid: CNY, at the order's rate when it is priced in another currency (none without a rate).
    ...(o.fee_type === 'CNY' ? { cash_fee_type: 'CNY', cash_fee: o.total_fee } : o.cash_fee !== null && o.rate !== null ? { cash_fee_type: 'CNY', cash_fee: o.cash_fee, rate: rateTimes1e8(o.rate) } : {}),
    transaction_id: o.transaction_id,
    out_trade_no: o.out_trade_no,
    time_end: beijingCompact(new Date(o.time_end ?? o.created_at)),
  });

  function micropay(req: IncomingMessage, res: ServerResponse, f: WechatFields, signType: WechatSignType) {
    const missing = ['body', 'out_trade_no', 'total_fee', 'spbill_create_ip', 'auth_code'].find((k) => !f[k]);
    if (missing) return fail(res, signType, 'PARAM_ERROR', `缺少参数 ${missing}`);
    if (!/^[1-9]\d{0,9}$/.test(f.total_fee!)) return fail(res, signType, 'PARAM_ERROR', 'total_fee 参数错误');
    const outTradeNo = f.out_trade_no!;
    const authCode = f.auth_code!;
    const totalFee = Number(f.total_fee);
    const feeType = f.fee_type ?? 'CNY';
    if (!/^1[0-5]\d{16}$/.test(authCode)) return fail(res, signType, 'AUTH_CODE_INVALID', '请扫描微信支付被扫条码/二维码');
    if (db.prepare('SELECT 1 FROM wx_blocked WHERE out_trade_no = ?').get(outTradeNo)) return fail(res, signType, 'ORDERREVERSED', '订单已撤销');
    settleDue();
    const existing = findOrder(outTradeNo);
    if (existing) {
      if (existing.auth_code !== authCode || existing.total_fee !== totalFee || existing.fee_type !== feeType) return fail(res, signType, 'OUT_TRADE_NO_USED', '商户订单号重复');
      return answerOrder(res, signType, existing);
    }
    const used = db.prepare('SELECT out_trade_no FROM wx_used_code WHERE auth_code = ?').get(authCode);
    if (used) return fail(res, signType, 'AUTH_CODE_ERROR', '每个二维码仅限使用一次，请刷新再试');
    const behaviour = behaviourOf(authCode);
    if (behaviour.kind === 'server_error') {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('Internal Server Error');
      return;
    }
    const t = now().getTime();
    const order: OrderRow = {
      out_trade_no: outTradeNo,
      transaction_id: `4200${beijingCompact(new Date(t)).slice(0, 8)}${String(randomInt(10 ** 9, 10 ** 10))}${String(randomInt(10 ** 5, 10 ** 6))}`,
      auth_code: authCode,
      total_fee: totalFee,
      fee_type: feeType,
      trade_state: 'SUCCESS',
      openid: `oSandbox${authCode.slice(-8)}`,
      created_at: t,
      time_end: t,
      due_at: null,
      due_state: null,
      ...(() => {
        const cny = cnyOf(totalFee, feeType, cnyRates);
        return { cash_fee: cny?.fen ?? null, rate: cny?.rate ?? null };
      })(),
    };
    if (behaviour.kind === 'pin' || behaviour.kind === 'hang') {
      const wait = behaviour.kind === 'pin' ? behaviour.waitMs : HANG_PAID_AFTER_MS;
      Object.assign(order, { trade_state: 'USERPAYING', time_end: null, due_at: t + wait * scale, due_state: behaviour.kind === 'pin' ? behaviour.then : 'SUCCESS' });
    } else if (behaviour.kind === 'declined') Object.assign(order, { trade_state: 'PAYERROR', time_end: null });
    db.transaction(() => {
      db.prepare(
        'INSERT INTO wx_order (out_trade_no, transaction_id, auth_code, total_fee, fee_type, trade_state, openid, created_at, time_end, due_at, due_state, cash_fee, rate) VALUES (@out_trade_no, @transaction_id, @auth_code, @total_fee, @fee_type, @trade_state, @openid, @created_at, @time_end, @due_at, @due_state, @cash_fee, @rate)',
      ).run(order);
      db.prepare('INSERT INTO wx_used_code (auth_code, out_trade_no) VALUES (?, ?)').run(authCode, outTradeNo);
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
        const all: Record<string, string | number> = { return_code: 'SUCCESS', return_msg: 'OK', appid: merchant.appId, mch_id: merchant.mchId, nonce_str: 'cut', result_code: 'SUCCESS', ...paidFields(order) };
        const xml = toWechatXml({ ...all, sign: wechatV2Sign(all, merchant.apiKey, signType) });
        sendXml(res, xml.slice(0, Math.floor(xml.length / 2)));
        return;
      }
      case 'declined':
        return fail(res, signType, behaviour.errCode, behaviour.des);
      default:
        return answerOrder(res, signType, order);
    }
  }

  /** A micropay's reply for an order as it stands. */
  function answerOrder(res: ServerResponse, signType: WechatSignType, o: OrderRow) {
    switch (o.trade_state) {
      case 'SUCCESS':
        return reply(res, signType, { result_code: 'SUCCESS', ...paidFields(o) });
      case 'USERPAYING':
        return fail(res, signType, 'USERPAYING', '需要用户输入支付密码');
      case 'REVOKED':
        return fail(res, signType, 'ORDERREVERSED', '订单已撤销');
      case 'REFUND':
        return fail(res, signType, 'ORDERPAID', '订单已支付');
      default:
        return fail(res, signType, 'ORDERCLOSED', '订单已关闭');
    }
  }

  function orderquery(res: ServerResponse, f: WechatFields, signType: WechatSignType) {
    settleDue();
    const o = f.out_trade_no ? findOrder(f.out_trade_no) : undefined;
    if (!o) return fail(res, signType, 'ORDERNOTEXIST', '此交易订单号不存在');
    const desc: Record<string, string> = { SUCCESS: '支付成功', REFUND: '转入退款', USERPAYING: '需要用户输入支付密码', REVOKED: '已撤销（付款码支付）', CLOSED: '已关闭', PAYERROR: '支付失败' };
    const paid = o.trade_state === 'SUCCESS' || o.trade_state === 'REFUND';
    return reply(res, signType, {
      result_code: 'SUCCESS',
      trade_state: o.trade_state,
      trade_state_desc: desc[o.trade_state] ?? o.trade_state,
      ...(paid ? paidFields(o) : { out_trade_no: o.out_trade_no, total_fee: o.total_fee, fee_type: o.fee_type }),
    });
  }

  function reverse(res: ServerResponse, f: WechatFields, signType: WechatSignType) {
    settleDue();
    const no = f.out_trade_no;
    if (!no) return fail(res, signType, 'PARAM_ERROR', '缺少参数 out_trade_no', { recall: 'N' });
    const o = findOrder(no);
    if (!o) {
      db.prepare('INSERT OR IGNORE INTO wx_blocked (out_trade_no) VALUES (?)').run(no);
      return fail(res, signType, 'ORDERNOTEXIST', '订单不存在', { recall: 'N' });
    }
    if (o.trade_state === 'REFUND') return fail(res, signType, 'TRADE_STATE_ERROR', '订单状态错误', { recall: 'N' });
    if (now().getTime() - o.created_at > REVERSE_WINDOW_MS) return fail(res, signType, 'REVERSE_EXPIRE', '订单已超过撤销期限', { recall: 'N' });
    db.prepare("UPDATE wx_order SET trade_state = 'REVOKED', due_at = NULL, due_state = NULL WHERE out_trade_no = ? AND trade_state IN ('USERPAYING', 'SUCCESS')").run(no);
    return reply(res, signType, { result_code: 'SUCCESS', recall: 'N' });
  }

  /** A cross-border refund's CNY side: the refund's share of what the customer paid in CNY. */
  const cashRefund = (o: OrderRow, refundFee: number): Record<string, string | number> =>
    o.cash_fee === null ? {} : { cash_refund_fee_type: 'CNY', cash_refund_fee: cnyShare(o.cash_fee, refundFee, o.total_fee) };

  function refund(res: ServerResponse, f: WechatFields, signType: WechatSignType) {
    settleDue();
    const missing = ['out_trade_no', 'out_refund_no', 'total_fee', 'refund_fee'].find((k) => !f[k]);
    if (missing) return fail(res, signType, 'PARAM_ERROR', `缺少参数 ${missing}`);
    const o = findOrder(f.out_trade_no!);
    if (!o) return fail(res, signType, 'ORDERNOTEXIST', '订单不存在');
    const answer = (r: RefundRow) =>
      reply(res, signType, {
        result_code: 'SUCCESS',
        transaction_id: o.transaction_id,
        out_trade_no: o.out_trade_no,
        out_refund_no: r.out_refund_no,
        refund_id: r.refund_id,
        refund_fee: r.refund_fee,
        total_fee: o.total_fee,
        fee_type: o.fee_type,
        cash_fee: o.cash_fee ?? o.total_fee,
        ...cashRefund(o, r.refund_fee),
      });
    const earlier = db.prepare('SELECT * FROM wx_refund WHERE out_refund_no = ?').get(f.out_refund_no) as RefundRow | undefined;
    if (earlier) return earlier.out_trade_no === o.out_trade_no ? answer(earlier) : fail(res, signType, 'PARAM_ERROR', '退款单号已用于其他订单');
    if (o.trade_state !== 'SUCCESS' && o.trade_state !== 'REFUND') return fail(res, signType, 'TRADE_STATE_ERROR', '订单状态错误');
    if (Number(f.total_fee) !== o.total_fee) return fail(res, signType, 'PARAM_ERROR', '订单金额与原订单不符');
    if ((f.refund_fee_type ?? o.fee_type) !== o.fee_type) return fail(res, signType, 'PARAM_ERROR', '退款币种与原订单不符');
    const fee = Number(f.refund_fee);
    if (!Number.isSafeInteger(fee) || fee <= 0 || fee > o.total_fee - refundedOf(o.out_trade_no)) return fail(res, signType, 'REFUND_FEE_INVALID', '退款金额大于可退金额');
    const row: RefundRow = { out_refund_no: f.out_refund_no!, refund_id: `5030${String(randomInt(10 ** 9, 10 ** 10))}${String(randomInt(10 ** 9, 10 ** 10))}`, out_trade_no: o.out_trade_no, refund_fee: fee, status: 'SUCCESS', at: now().getTime() };
    db.transaction(() => {
      db.prepare('INSERT INTO wx_refund (out_refund_no, refund_id, out_trade_no, refund_fee, status, at) VALUES (@out_refund_no, @refund_id, @out_trade_no, @refund_fee, @status, @at)').run(row);
      db.prepare("UPDATE wx_order SET trade_state = 'REFUND' WHERE out_trade_no = ?").run(o.out_trade_no);
    })();
    return answer(row);
  }

  function refundquery(res: ServerResponse, f: WechatFields, signType: WechatSignType) {
    const o = f.out_trade_no ? findOrder(f.out_trade_no) : undefined;
    const refunds = o ? refundsOf(o.out_trade_no) : [];
    if (!o || refunds.length === 0) return fail(res, signType, 'REFUNDNOTEXIST', '退款订单查询失败');
    const listed: Record<string, string | number> = {};
    refunds.forEach((r, n) => Object.assign(listed, { [`out_refund_no_${n}`]: r.out_refund_no, [`refund_id_${n}`]: r.refund_id, [`refund_fee_${n}`]: r.refund_fee, [`refund_status_${n}`]: r.status }));
    return reply(res, signType, { result_code: 'SUCCESS', transaction_id: o.transaction_id, out_trade_no: o.out_trade_no, total_fee: o.total_fee, fee_type: o.fee_type, cash_fee: o.cash_fee ?? o.total_fee, refund_count: refunds.length, ...listed });
  }

  function downloadbill(res: ServerResponse, f: WechatFields) {
    settleDue();
    const m = /^(\d{4})(\d{2})(\d{2})$/.exec(f.bill_date ?? '');
    if (!m) return refuse(res, 'invalid bill_date');
    if ((f.bill_type ?? 'ALL') !== 'ALL') return refuse(res, 'invalid bill_type');
    const date = `${m[1]}-${m[2]}-${m[3]}`;
    const cell = (v: string | number) => `\`${v}`;
    const lines: string[] = [];
    let payTotal = 0;
    let refundTotal = 0;
    const row = (at: number, o: OrderRow, state: string, settled: number, refund: RefundRow | null) =>
      [
        new Date(at + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' '), merchant.appId, merchant.mchId, '0', '', o.transaction_id, o.out_trade_no, o.openid,
        'MICROPAY', state, 'OTHERS', o.fee_type, yuanOfFen(settled), '0.00', refund?.refund_id ?? '0', refund?.out_refund_no ?? '0', yuanOfFen(refund?.refund_fee ?? 0),
        '0.00', refund ? 'ORIGINAL' : '', refund?.status ?? '', 'POS', '', '0.00000', '0.60%', yuanOfFen(refund ? 0 : o.total_fee), yuanOfFen(refund?.refund_fee ?? 0), '',
      ].map(cell).join(',');
    const orders = db.prepare("SELECT * FROM wx_order WHERE time_end IS NOT NULL AND trade_state IN ('SUCCESS', 'REFUND', 'REVOKED') ORDER BY time_end").all() as OrderRow[];
    for (const o of orders) {
      if (acquirerDateOf(new Date(o.time_end!)) !== date) continue;
      lines.push(row(o.time_end!, o, o.trade_state === 'REVOKED' ? 'REVOKED' : 'SUCCESS', o.total_fee, null));
      if (o.trade_state !== 'REVOKED') payTotal += o.total_fee;
    }
    const refunds = db.prepare('SELECT * FROM wx_refund ORDER BY at').all() as RefundRow[];
    for (const r of refunds) {
      if (acquirerDateOf(new Date(r.at)) !== date) continue;
      lines.push(row(r.at, findOrder(r.out_trade_no)!, 'REFUND', 0, r));
      refundTotal += r.refund_fee;
    }
    if (lines.length === 0) return refuse(res, 'No Bill Exist');
    const trailer = [lines.length, yuanOfFen(payTotal), yuanOfFen(refundTotal), '0.00', '0.00000', yuanOfFen(payTotal), yuanOfFen(refundTotal)].map(cell).join(',');
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(['\uFEFF' + BILL_COLUMNS.join(','), ...lines, BILL_TRAILER_COLUMNS.join(','), trailer, ''].join('\r\n'));
  }

  const server: Server = createServer({ cert: options.tls.cert, key: options.tls.key, ca: options.tls.clientCa, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) req.destroy();
      else chunks.push(chunk);
    });
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'https://sandbox').pathname;
      if (req.method !== 'POST') return refuse(res, 'REQUIRE_POST_METHOD');
      const f = parseWechatXml(Buffer.concat(chunks).toString('utf8'));
      if (!f) return refuse(res, 'XML格式错误');
      if (f.appid !== merchant.appId || f.mch_id !== merchant.mchId) return refuse(res, 'appid和mch_id不匹配');
      const signType: WechatSignType = f.sign_type === 'HMAC-SHA256' ? 'HMAC-SHA256' : 'MD5';
      if (f.sign_type !== undefined && f.sign_type !== 'MD5' && f.sign_type !== 'HMAC-SHA256') return refuse(res, 'sign_type参数错误');
      if (!f.nonce_str || !verifyWechatV2Sign(f, merchant.apiKey, signType)) return refuse(res, '签名错误');
      if (path.startsWith('/secapi/') && !(req.socket as TLSSocket).authorized) return refuse(res, '证书错误');
      switch (path) {
        case V2_PATHS.micropay:
          return micropay(req, res, f, signType);
        case V2_PATHS.orderquery:
          return orderquery(res, f, signType);
        case V2_PATHS.reverse:
          return reverse(res, f, signType);
        case V2_PATHS.refund:
          return refund(res, f, signType);
        case V2_PATHS.refundquery:
          return refundquery(res, f, signType);
        case V2_PATHS.downloadbill:
          return downloadbill(res, f);
        default:
          res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  const ledgerOrder = (o: OrderRow): LedgerOrder => ({
    outTradeNo: o.out_trade_no,
    transactionId: o.transaction_id,
    authCode: o.auth_code,
    totalFee: o.total_fee,
    feeType: o.fee_type,
    tradeState: o.trade_state,
    refunded: refundedOf(o.out_trade_no),
    cashFee: o.cash_fee,
    rate: o.rate,
    cashRefunded: o.cash_fee === null ? null : refundsOf(o.out_trade_no).reduce((sum, r) => sum + (r.status === 'SUCCESS' ? cnyShare(o.cash_fee!, r.refund_fee, o.total_fee) : 0), 0),
  });
  return {
    url: `https://127.0.0.1:${port}`,
    orders() {
      settleDue();
      return (db.prepare('SELECT * FROM wx_order ORDER BY created_at, out_trade_no').all() as OrderRow[]).map(ledgerOrder);
    },
    order(outTradeNo) {
      settleDue();
      const o = findOrder(outTradeNo);
      return o ? ledgerOrder(o) : undefined;
    },
    close() {
      for (const res of hanging) res.socket?.destroy();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => {
        db.close();
        resolve();
      }));
    },
  };
}

function sendXml(res: ServerResponse, xml: string): void {
  res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(xml);
}

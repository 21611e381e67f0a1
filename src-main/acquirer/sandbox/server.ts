/**
 * The sandbox acquirer: an HTTP server on 127.0.0.1 playing the public Shouqianba Web API (GitHub
 * WoSai/shouqianba-doc, zh-cn/api) over its own SQLite ledger (./ledger.ts), so the terminal runs, demos and
 * is tested end to end without a real acquirer. It follows the documentation, not our adapter: where the
 * documentation is ambiguous the choice is named here. Test payment codes trigger each behaviour: see
 * ./test-codes.ts.
 *
 * Requests: POST, JSON, `Authorization: <sn> <md5hex(body + key)>` (sign.md). Replies are NOT signed
 * (the public API signs requests only). Every API reply is HTTP 200 with `result_code` "200" and a
 * `biz_response`, or "400"/"500" with `error_code` (annex/responseCode.md, responseExample.md), except
 * the 6000 code's HTTP 500.
 *   /terminal/activate   vendor-signed. An activation code has limited uses and expires 7 days after it
 *                        was issued (activate.md Q2, Q3; the built-in SANDBOX_ACTIVATION_CODE is re-armed
 *                        at each start: SANDBOX_ACTIVATION_USES uses, 7 days). Refusals: 400 INVALID_PARAMS.
 *   /terminal/checkin    signed with the last valid key (even after its day ended): a new key. A key is
 *                        good for the Beijing calendar day it was issued on (checkin.md Q1); from the next
 *                        day on, any other call signed with it is 400 ILLEGAL_SIGN. The key before the last
 *                        checkin is good for one more checkin only (that checkin's reply may have been lost).
 *   /upay/v2/pay         by dynamic_id (≤ 32 bytes; wallet from the code prefix, behaviour from its last four
 *                        digits). PAY_IN_PROGRESS has the documented shape (pay.md example 2, key
 *                        "total_amount " with its trailing space and `ctime` as "YYYY-MM-DD HH:mm:ss"). A
 *                        PIN never entered closes the order after PIN_TIMEOUT_MS (~40 s, pay.md Q3):
 *                        PAY_CANCELED, TRADE_TIMEOUT.
 *   /upay/v2/precreate   qr_code = <url>/sandbox/scan/<sn>; unpaid after 4 min (scaled) → PAY_CANCELED
 *                        TRADE_TIMEOUT (precreate.md Q1). payway 1 and 2 are both Alipay (annex/payway.md).
 *   /upay/v2/query       order by sn first, then client_sn. `status`, `client_tsn` and `finish_time`
 *                        describe the order's last transaction (流水): the pay, a refund or the reversal.
 *   /upay/v2/cancel      自动撤单 (冲正) and
 *   /upay/v2/revoke      手动撤单: the same business logic (revoke&cancel.md Q1): an order in progress is
 *                        stopped (CANCEL_ABORT_SUCCESS, CANCELED, nothing charged); a paid order of today
 *                        (Beijing) is reversed in full (CANCEL_SUCCESS, CANCELED); a refunded order or one
 *                        of another day → CANCEL_ERROR UPAY_CANCEL_INVALID_ORDER_STATE (as the documented
 *                        CANCEL_ERROR example: a code, no data); an order already cancelled or failed →
 *                        FAIL UPAY_CANCEL_ORDER_NOOP; no such order → FAIL UPAY_ORDER_NOT_EXISTS, and
 *                        (the sandbox's choice, the spec is silent) that client_sn can never pay afterwards
 *                        (a late pay → FAIL CLIENT_SN_CONFLICT).
 *   /upay/v2/refund      order by sn first, then client_sn. A refund_request_no already used on the order →
 *                        FAIL UPAY_REFUND_ORDER_NOOP and nothing moves (see `refund()` for why); a fully
 *                        refunded order → UPAY_REFUND_INVALID_ORDER_STATE; more than is left →
 *                        REFUNDABLE_AMOUNT_NOT_ENOUGH. REFUND_SUCCESS data carries the refund's client_tsn
 *                        (the request's, else its refund_request_no).
 *   `reflect` (a string of ≤ 64 characters, or a JSON object as the documentation's example shows) is
 *   echoed as sent in every reply about the order; `payment_list` is returned for an order paid with a
 *   merchant discount (the 9NNN code), shaped as pay.md's example.
 * Request errors (result_code 400): ILLEGAL_SIGN (bad or expired signature), TERMINAL_NOT_EXISTS (unknown
 * terminal_sn, responseExample.md), INVALID_PARAMETER (a parameter missing, empty, of the wrong type or too
 * long; a negative amount), INVALID_PARAMS (an amount not 1–10 digits, with pay.md example 4's message).
 *
 * Sandbox-only, which the real service does not have:
 *   GET /sandbox/statement?date=YYYY-MM-DD   Authorization signs the request target (path + query) with the
 *       terminal's current key. The day's (Beijing) successful money movements of that terminal as CSV,
 *       UTF-8 with BOM, CRLF: finished_at,client_sn,sn,type,payway,amount_fen,status,refund_request_no
 *       finished_at ISO 8601 in +08:00; type pay | refund | cancel (a reversal of a paid order); amount_fen
 *       positive; status SUCCESS; refund_request_no empty except for refunds. Failed pays are not listed.
 *   GET /sandbox/scan/<sn>                    a page with a "pay" button for the order's wallet (the customer's phone)
 *   GET|POST /sandbox/scan/<sn>?wallet=W      the customer scans the merchant QR and pays: order → PAID
 * The qr_code URL is on 127.0.0.1: open it on the same machine (a phone cannot reach it).
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import type { Database } from 'better-sqlite3';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { stmt } from '../../../db/statements';
import { systemClock, type Clock } from '../../clock';
import type { Logger } from '../../log';
import { verifyMd5BodySign } from '../signing';
import { SANDBOX_ACTIVATION_CODE, SANDBOX_APP_ID, SANDBOX_VENDOR_KEY, SANDBOX_VENDOR_SN } from '../sandbox-identity';
import { DATE, PATHS, PAYWAY_BY_WALLET, PAYWAY_NAMES, STATEMENT_COLUMNS, beijingDate, signedTextOfGet, walletOfPayway } from '../wire';
import {
  ACTIVATION_CODE_LIFETIME_MS,
  appendTxn,
  findOrder,
  findOrderBySn,
  findTerminal,
  finishPay,
  ledgerReader,
  nextOrderSn,
  openLedger,
  settleDue,
  type OrderRow,
  type SandboxLedger,
  type TerminalRow,
  type TxnRow,
} from './ledger';
import { PIN_TIMEOUT_MS, behaviourOfCode, walletOfCode } from './test-codes';

export { SANDBOX_ACTIVATION_CODE, SANDBOX_APP_ID, SANDBOX_VENDOR_KEY, SANDBOX_VENDOR_SN };
/** An unpaid precreated order closes after this long (times `speed.scale`): "有效支付时长约为4分钟" (precreate.md Q1). */
export const PRECREATE_TTL_MS = 4 * 60_000;
/** How many activations the built-in SANDBOX_ACTIVATION_CODE allows, re-armed (with 7 days) at each start. */
export const SANDBOX_ACTIVATION_USES = 100;

export interface SandboxOptions {
  /** The ledger file (created and migrated when missing). */
  readonly dbPath: string;
  /** better-sqlite3's addon for a non-Node ABI (the Electron main process's threads). */
  readonly nativeBinding?: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly log: Logger;
  readonly clock?: Clock;
  /** Multiplies every simulated delay (PIN waits and their 40 s limit, the hung request's 2 s, the QR's 4 min): 0.01 = 100× faster. */
  readonly speed?: { readonly scale: number };
  /**
   * Test and bench hook (observation only): called as soon as a request's headers have arrived, before
   * its body is read, with the request path (no query) and `process.hrtime.bigint()` at that moment.
   * It cannot change the reply; an error it throws is logged and ignored. Absent = no effect.
   */
  readonly onRequest?: (path: string, receivedAtNs: bigint) => void;
}

export interface SandboxAcquirer {
  /** `http://127.0.0.1:<port>`, the adapter's baseUrl. */
  readonly url: string;
  readonly port: number;
  readonly ledger: SandboxLedger;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024;

// ---------------------------------------------------------------------------------------------------
// Request schemas (field lengths as the interface pages give them)

const noControl = (s: string) => Array.from(s).every((c) => c.charCodeAt(0) >= 0x20 && c !== '\x7f');
const text = (max: number) => z.string().min(1).max(max).refine(noControl, 'control characters are not allowed');
const bytes = (max: number) => text(max).refine((s) => Buffer.byteLength(s, 'utf8') <= max, `不超过${max}字节`);
const AMOUNT = /^[1-9]\d{0,9}$/;
const amountMessage = (field: string) => `${field}金额为整数，长度不超过10位，以分为单位`;
const fen = (field: string) => z.string().regex(AMOUNT, amountMessage(field));
const ClientSn = bytes(32);
/** reflect: String(64) in the tables, `{ "tips": "200" }` in their examples; both are echoed as sent. */
const Reflect = z.union([z.string().max(64), z.record(z.string(), z.unknown()).refine((o) => JSON.stringify(o).length <= 64, 'reflect不超过64字符')]);

const ActivateRequest = z.object({
  app_id: z.string(),
  code: text(64),
  device_id: text(128),
  client_sn: z.string().max(50).optional(),
  name: z.string().max(128).optional(),
  os_info: z.string().max(45).optional(),
  sdk_version: z.string().max(45).optional(),
});
const CheckinRequest = z.object({ terminal_sn: text(32), device_id: text(128), os_info: z.string().max(128).optional(), sdk_version: z.string().max(64).optional() });
const PayRequest = z.object({
  terminal_sn: text(32),
  client_sn: ClientSn,
  total_amount: fen('total_amount'),
  dynamic_id: bytes(32),
  payway: z.string().regex(/^\d{1,3}$/).optional(),
  subject: text(64),
  operator: text(32),
  description: z.string().max(256).optional(),
  reflect: Reflect.optional(),
});
const PrecreateRequest = z.object({
  terminal_sn: text(32),
  client_sn: ClientSn,
  total_amount: fen('total_amount'),
  payway: z.string().regex(/^\d{1,3}$/),
  sub_payway: z.string().regex(/^\d{1,2}$/).optional(),
  subject: text(64),
  operator: text(32),
  description: z.string().max(256).optional(),
  reflect: Reflect.optional(),
});
const OrderRef = z
  .object({ terminal_sn: text(32), sn: text(16).optional(), client_sn: text(64).optional() })
  .refine((r) => r.sn !== undefined || r.client_sn !== undefined, 'sn与client_sn不能同时为空');
const RefundRequest = z
  .object({
    terminal_sn: text(32),
    sn: text(16).optional(),
    client_sn: text(64).optional(),
    client_tsn: bytes(32).optional(),
    refund_request_no: text(20),
    refund_amount: fen('refund_amount'),
    operator: text(64),
  })
  .refine((r) => r.sn !== undefined || r.client_sn !== undefined, 'sn与client_sn不能同时为空');

/**
 * A refused request's error_code and message. An amount that is not 1–10 digits is INVALID_PARAMS with
 * pay.md example 4's message; a missing, empty, negative or otherwise bad parameter is INVALID_PARAMETER
 * (responseExample.md: "client_sn不可以为空；total_amount不可以为负数").
 */
function paramError(issue: z.ZodIssue, json: unknown): { code: 'INVALID_PARAMS' | 'INVALID_PARAMETER'; message: string } {
  const field = issue.path.join('.');
  const value = typeof json === 'object' && json !== null && issue.path.length === 1 ? (json as Record<string, unknown>)[String(issue.path[0])] : undefined;
  if (value === undefined || value === '') return { code: 'INVALID_PARAMETER', message: field ? `${field}不可以为空` : `参数错误: ${issue.message}` };
  if ((field === 'total_amount' || field === 'refund_amount') && typeof value === 'string') {
    if (value.trim().startsWith('-')) return { code: 'INVALID_PARAMETER', message: `${field}不可以为负数` };
    return { code: 'INVALID_PARAMS', message: amountMessage(field) };
  }
  return { code: 'INVALID_PARAMETER', message: `${field}: ${issue.message}` };
}

// ---------------------------------------------------------------------------------------------------
// Replies

type Reply =
  | { kind: 'json'; status: number; body: unknown }
  /** Never answer (the 5000 code): the client times out. */
  | { kind: 'hang' }
  /** Destroy the connection without a reply (the 7000 code). */
  | { kind: 'drop' }
  /** HTTP 200 and the first half of the reply's JSON, then the end (the 8000 code). */
  | { kind: 'cut'; body: unknown };

const ok = (biz: unknown): Reply => ({ kind: 'json', status: 200, body: { result_code: '200', biz_response: biz } });
type RequestErrorCode = 'INVALID_PARAMS' | 'INVALID_PARAMETER' | 'TERMINAL_NOT_EXISTS' | 'ILLEGAL_SIGN';
const requestError = (code: RequestErrorCode, message: string): Reply => ({
  kind: 'json',
  status: 200,
  body: { result_code: '400', error_code: code, error_message: message },
});

/** error_message of each business error_code the sandbox gives, as the annex lists them. */
const ERROR_MESSAGES: Record<string, string> = {
  INVALID_BARCODE: '条码错误',
  INSUFFICIENT_FUND: '账户金额不足',
  EXPIRED_BARCODE: '过期的支付条码',
  TRADE_FAILED: '交易失败',
  TRADE_TIMEOUT: '交易超时自动撤单',
  CLIENT_SN_CONFLICT: 'client_sn在系统中已存在',
  UPAY_ORDER_NOT_EXISTS: '订单不存在',
  REFUNDABLE_AMOUNT_NOT_ENOUGH: '订单可退金额不足',
  UPAY_CANCEL_ORDER_NOOP: '无效操作，订单已经是撤单状态了',
  UPAY_CANCEL_INVALID_ORDER_STATE: '当前订单状态不可撤销',
  UPAY_REFUND_ORDER_NOOP: '无效操作，本次退款退款已经完成了',
  UPAY_REFUND_INVALID_ORDER_STATE: '当前订单状态不可退款',
  UNEXPECTED_PROVIDER_ERROR: '不认识的支付通道',
};

const bizError = (resultCode: string, errorCode: string, data?: Record<string, unknown>, message?: string) => ({
  result_code: resultCode,
  error_code: errorCode,
  error_message: message ?? ERROR_MESSAGES[errorCode] ?? errorCode,
  ...(data ? { data } : {}),
});

function transactionStatus(order: OrderRow): string {
  if (order.status === 'CREATED') return 'IN_PROG';
  if (order.status === 'PAY_CANCELED') return 'FAIL_CANCELED';
  return 'SUCCESS';
}

/** What is left of the amount: all of it unless refunded, except after a reversal (pay.md example 3: a failed pay keeps it; revoke&cancel.md: a reversed one is "0"). */
function netAmount(order: OrderRow): number {
  return order.status === 'CANCELED' ? 0 : order.amount - order.refunded;
}

/** Beijing wall-clock time as ISO 8601 with +08:00. */
function beijingIso(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().replace('Z', '+08:00');
}

/** Beijing wall-clock time as "YYYY-MM-DD HH:mm:ss", the in-progress reply's `ctime` (pay.md example 2). */
function beijingWallClock(at: Date): string {
  return beijingIso(at).slice(0, 19).replace('T', ' ');
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const digits = (n: number) => Array.from({ length: n }, () => String(randomInt(10))).join('');

// ---------------------------------------------------------------------------------------------------
// The server

export async function startSandboxAcquirer(options: SandboxOptions): Promise<SandboxAcquirer> {
  const { log } = options;
  const clock = options.clock ?? systemClock;
  const scale = options.speed?.scale ?? 1;
  if (!(scale >= 0)) throw new RangeError(`speed.scale must be >= 0, got ${scale}`);
  await mkdir(dirname(options.dbPath), { recursive: true });
  const db: Database = openLedger(options.dbPath, options.nativeBinding);
  const started = clock.now();
  stmt(
    db,
    `INSERT INTO activation_code (code, uses_left, expires_at, created_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (code) DO UPDATE SET uses_left = excluded.uses_left, expires_at = excluded.expires_at`,
  ).run(SANDBOX_ACTIVATION_CODE, SANDBOX_ACTIVATION_USES, new Date(started.getTime() + ACTIVATION_CODE_LIFETIME_MS).toISOString(), started.toISOString());

  let url = '';
  const qrUrl = (sn: string) => `${url}/sandbox/scan/${sn}`;

  const lastTxnAt = (o: OrderRow): string | null =>
    (stmt(db, 'SELECT finished_at FROM txn WHERE order_sn = ? ORDER BY id DESC LIMIT 1').get(o.sn) as { finished_at: string } | undefined)?.finished_at ?? o.finished_at;

  /** The order's `data` as query.md's table lists it (and pay/refund/cancel's, which are subsets). */
  const orderData = (o: OrderRow): Record<string, unknown> => {
    const data: Record<string, unknown> = {
      terminal_sn: o.terminal_sn,
      sn: o.sn,
      client_sn: o.client_sn,
      client_tsn: o.last_client_tsn ?? o.client_sn,
      ctime: String(Date.parse(o.created_at)),
      trade_no: o.trade_no,
      status: transactionStatus(o),
      order_status: o.status,
      payway: o.payway,
      sub_payway: o.sub_payway,
      payer_uid: o.payer_uid,
      payer_login: `138****${o.sn.slice(-4)}`,
      total_amount: String(o.amount),
      net_amount: String(netAmount(o)),
      subject: o.subject,
      operator: o.operator,
    };
    const finished = lastTxnAt(o);
    if (finished) data.finish_time = data.channel_finish_time = String(Date.parse(finished));
    if (o.reflect !== null) data.reflect = JSON.parse(o.reflect) as unknown;
    if (o.merchant_discount > 0) {
      data.payment_list = [
        { type: 'BANKCARD_DEBIT', amount_total: String(o.amount - o.merchant_discount) },
        { type: 'DISCOUNT_CHANNEL_MCH', amount_total: String(o.merchant_discount) },
      ];
    }
    return data;
  };
  /** pay.md example 2, as documented: these fields only, the amount under the key "total_amount " (sic). */
  const inProgressData = (o: OrderRow): Record<string, unknown> => ({
    sn: o.sn,
    client_sn: o.client_sn,
    trade_no: o.trade_no,
    ctime: beijingWallClock(new Date(o.created_at)),
    status: 'IN_PROG',
    order_status: 'CREATED',
    'total_amount ': String(o.amount),
    ...(o.reflect !== null ? { reflect: JSON.parse(o.reflect) as unknown } : {}),
  });
  /** precreate.md's table (the example's "operator "/"subject " keys with a trailing space are not played). */
  const precreateData = (o: OrderRow): Record<string, unknown> => ({
    sn: o.sn,
    client_sn: o.client_sn,
    trade_no: o.trade_no,
    status: 'IN_PROG',
    order_status: o.status,
    payway: o.payway,
    sub_payway: o.sub_payway,
    qr_code: qrUrl(o.sn),
    total_amount: String(o.amount),
    net_amount: String(netAmount(o)),
    subject: o.subject,
    operator: o.operator,
    ...(o.reflect !== null ? { reflect: JSON.parse(o.reflect) as unknown } : {}),
  });
  const reread = (sn: string) => findOrderBySn(db, sn)!;

  function insertOrder(fields: {
    terminalSn: string;
    clientSn: string;
    kind: 'pay' | 'precreate';
    payway: string;
    subPayway: string;
    amount: number;
    status: 'CREATED' | 'PAID' | 'PAY_CANCELED';
    errorCode?: string | null;
    subject: string;
    operator: string;
    codeHash?: string | null;
    settleAt?: number | null;
    settleTo?: 'PAID' | 'PAY_CANCELED' | null;
    settleError?: string | null;
    expiresAt?: number | null;
    reflect?: unknown;
    merchantDiscount?: number;
    now: Date;
  }): OrderRow {
    const sn = nextOrderSn(db);
    const finished = fields.status === 'CREATED' ? null : fields.now.toISOString();
    stmt(
      db,
      `INSERT INTO upay_order (sn, terminal_sn, client_sn, kind, payway, sub_payway, amount, status, error_code, subject, operator, trade_no,
         payer_uid, code_hash, settle_at, settle_to, settle_error, expires_at, created_at, finished_at, reflect, merchant_discount, last_client_tsn)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      sn,
      fields.terminalSn,
      fields.clientSn,
      fields.kind,
      fields.payway,
      fields.subPayway,
      fields.amount,
      fields.status,
      fields.errorCode ?? null,
      fields.subject,
      fields.operator,
      `SBX${beijingDate(fields.now).replaceAll('-', '')}${sn.slice(-12)}`,
      `sandbox-user-${digits(8)}`,
      fields.codeHash ?? null,
      fields.settleAt ?? null,
      fields.settleTo ?? null,
      fields.settleError ?? null,
      fields.expiresAt ?? null,
      fields.now.toISOString(),
      finished,
      fields.reflect === undefined ? null : JSON.stringify(fields.reflect),
      fields.merchantDiscount ?? 0,
      fields.clientSn,
    );
    if (fields.codeHash) stmt(db, 'INSERT INTO used_code (code_hash, order_sn, used_at) VALUES (?, ?, ?)').run(fields.codeHash, sn, fields.now.toISOString());
    const order = reread(sn);
    if (fields.status !== 'CREATED') appendTxn(db, order, { type: 'pay', amount: order.amount, status: fields.status === 'PAID' ? 'SUCCESS' : 'FAIL_CANCELED', errorCode: fields.errorCode ?? null, at: fields.now });
    return order;
  }

  const clientSnTaken = (terminalSn: string, clientSn: string) =>
    findOrder(db, terminalSn, { clientSn }) !== undefined ||
    stmt(db, 'SELECT 1 FROM voided_client_sn WHERE terminal_sn = ? AND client_sn = ?').get(terminalSn, clientSn) !== undefined;

  // --- handlers (each runs inside one immediate transaction) -----------------------------------------

  function activate(body: z.infer<typeof ActivateRequest>, now: Date): Reply {
    if (body.app_id !== SANDBOX_APP_ID) return requestError('INVALID_PARAMS', `app_id ${body.app_id} 不存在`);
    const code = stmt(db, 'SELECT * FROM activation_code WHERE code = ?').get(body.code) as
      | { code: string; uses_left: number | null; expires_at: string | null }
      | undefined;
    // activate.md Q2, Q3 (the documentation names no error_code for these: the request's parameter is refused).
    if (!code) return requestError('INVALID_PARAMS', '激活码不存在');
    if (code.expires_at !== null && code.expires_at <= now.toISOString()) return requestError('INVALID_PARAMS', '激活码过期');
    if (code.uses_left === 0) return requestError('INVALID_PARAMS', '激活码已经被使用');
    if (code.uses_left !== null) stmt(db, 'UPDATE activation_code SET uses_left = uses_left - 1 WHERE code = ?').run(code.code);
    let sn = `100${digits(8)}`;
    while (findTerminal(db, sn)) sn = `100${digits(8)}`;
    const key = randomBytes(16).toString('hex');
    stmt(
      db,
      `INSERT INTO terminal (sn, device_id, client_sn, name, activation_code, key, prev_key, activated_at, key_rotated_at)
       VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?)`,
    ).run(sn, body.device_id, body.client_sn ?? null, body.name ?? '', code.code, key, now.toISOString(), now.toISOString());
    return ok({ terminal_sn: sn, terminal_key: key });
  }

  function checkin(terminal: TerminalRow, withPreviousKey: boolean, now: Date): Reply {
    const key = randomBytes(16).toString('hex');
    if (withPreviousKey) stmt(db, 'UPDATE terminal SET key = ?, prev_key = NULL, key_rotated_at = ? WHERE sn = ?').run(key, now.toISOString(), terminal.sn);
    else stmt(db, 'UPDATE terminal SET prev_key = key, key = ?, key_rotated_at = ? WHERE sn = ?').run(key, now.toISOString(), terminal.sn);
    return ok({ terminal_sn: terminal.sn, terminal_key: key });
  }

  function pay(body: z.infer<typeof PayRequest>, now: Date): Reply {
    if (clientSnTaken(body.terminal_sn, body.client_sn)) return ok(bizError('FAIL', 'CLIENT_SN_CONFLICT'));
    const wallet = walletOfCode(body.dynamic_id);
    if (!wallet || (body.payway !== undefined && walletOfPayway(body.payway) !== wallet)) {
      return ok(bizError('PAY_FAIL', 'INVALID_BARCODE'));
    }
    const behaviour = behaviourOfCode(body.dynamic_id, scale);
    if (behaviour.kind === 'server_error') {
      return { kind: 'json', status: 500, body: { result_code: '500', error_code: 'UNKNOWN_SYSTEM_ERROR', error_message: '未知的系统错误' } };
    }
    const codeHash = sha256(body.dynamic_id);
    if (stmt(db, 'SELECT 1 FROM used_code WHERE code_hash = ?').get(codeHash)) return ok(bizError('PAY_FAIL', 'INVALID_BARCODE'));
    const amount = Number(body.total_amount);
    const base = {
      terminalSn: body.terminal_sn,
      clientSn: body.client_sn,
      kind: 'pay' as const,
      payway: PAYWAY_BY_WALLET[wallet],
      subPayway: '1',
      amount,
      subject: body.subject,
      operator: body.operator,
      codeHash,
      reflect: body.reflect,
      now,
    };
    switch (behaviour.kind) {
      case 'paid':
      case 'paid_with_discount':
      case 'drop_reply':
      case 'cut_reply': {
        const merchantDiscount = behaviour.kind === 'paid_with_discount' ? Math.min(behaviour.discount, amount - 1) : 0;
        const order = insertOrder({ ...base, status: 'PAID', merchantDiscount });
        const reply = { result_code: 'PAY_SUCCESS', data: orderData(order) };
        if (behaviour.kind === 'drop_reply') return { kind: 'drop' };
        if (behaviour.kind === 'cut_reply') return { kind: 'cut', body: { result_code: '200', biz_response: reply } };
        return ok(reply);
      }
      case 'pin_then_paid':
      case 'pin_then_cancelled': {
        // The customer's PIN wait ends at PIN_TIMEOUT_MS (pay.md Q3): later than that, the order times out.
        const timeout = PIN_TIMEOUT_MS * scale;
        const timedOut = behaviour.waitMs >= timeout;
        const paid = behaviour.kind === 'pin_then_paid' && !timedOut;
        const order = insertOrder({
          ...base,
          status: 'CREATED',
          settleAt: now.getTime() + Math.min(behaviour.waitMs, timeout),
          settleTo: paid ? 'PAID' : 'PAY_CANCELED',
          settleError: paid ? null : timedOut ? 'TRADE_TIMEOUT' : 'TRADE_FAILED',
        });
        return ok({ result_code: 'PAY_IN_PROGRESS', data: inProgressData(order) });
      }
      case 'insufficient_funds':
      case 'expired_code': {
        const errorCode = behaviour.kind === 'insufficient_funds' ? 'INSUFFICIENT_FUND' : 'EXPIRED_BARCODE';
        const order = insertOrder({ ...base, status: 'PAY_CANCELED', errorCode });
        return ok(bizError('PAY_FAIL', errorCode, orderData(order)));
      }
      case 'hang':
        insertOrder({ ...base, status: 'CREATED', settleAt: now.getTime() + behaviour.paidAfterMs, settleTo: 'PAID' });
        return { kind: 'hang' };
    }
  }

  function precreate(body: z.infer<typeof PrecreateRequest>, now: Date): Reply {
    const wallet = walletOfPayway(body.payway);
    if (!wallet) return ok(bizError('PRECREATE_FAIL', 'UNEXPECTED_PROVIDER_ERROR'));
    if (clientSnTaken(body.terminal_sn, body.client_sn)) return ok(bizError('FAIL', 'CLIENT_SN_CONFLICT'));
    const order = insertOrder({
      terminalSn: body.terminal_sn,
      clientSn: body.client_sn,
      kind: 'precreate',
      payway: body.payway,
      subPayway: body.sub_payway ?? '2',
      amount: Number(body.total_amount),
      status: 'CREATED',
      subject: body.subject,
      operator: body.operator,
      expiresAt: now.getTime() + PRECREATE_TTL_MS * scale,
      reflect: body.reflect,
      now,
    });
    return ok({ result_code: 'PRECREATE_SUCCESS', data: precreateData(order) });
  }

  function query(body: z.infer<typeof OrderRef>): Reply {
    const order = findOrder(db, body.terminal_sn, { sn: body.sn, clientSn: body.client_sn });
    if (!order) return ok(bizError('FAIL', 'UPAY_ORDER_NOT_EXISTS'));
    const failure = order.status === 'PAY_CANCELED' && order.error_code ? { error_code: order.error_code, error_message: ERROR_MESSAGES[order.error_code] ?? order.error_code } : {};
    return ok({ result_code: 'SUCCESS', ...failure, data: orderData(order) });
  }

  /** cancel (自动撤单, 冲正) and revoke (手动撤单): "实际执行的业务逻辑是完全一样的" (revoke&cancel.md). */
  function cancel(body: z.infer<typeof OrderRef>, now: Date): Reply {
    const order = findOrder(db, body.terminal_sn, { sn: body.sn, clientSn: body.client_sn });
    if (!order) {
      if (body.client_sn !== undefined) {
        stmt(db, 'INSERT OR IGNORE INTO voided_client_sn (terminal_sn, client_sn, voided_at) VALUES (?, ?, ?)').run(body.terminal_sn, body.client_sn, now.toISOString());
      }
      return ok(bizError('FAIL', 'UPAY_ORDER_NOT_EXISTS'));
    }
    switch (order.status) {
      case 'CREATED':
        stmt(
          db,
          `UPDATE upay_order SET status = 'CANCELED', finished_at = ?, settle_at = NULL, settle_to = NULL, expires_at = NULL, last_client_tsn = client_sn WHERE sn = ?`,
        ).run(now.toISOString(), order.sn);
        return ok({ result_code: 'CANCEL_ABORT_SUCCESS', data: orderData(reread(order.sn)) });
      case 'PAID': {
        // "一笔订单只能在当天进行一次撤单" / "过了当天无法撤单" (revoke&cancel.md Q2, Q3).
        if (order.finished_at === null || beijingDate(new Date(order.finished_at)) !== beijingDate(now)) {
          return ok(bizError('CANCEL_ERROR', 'UPAY_CANCEL_INVALID_ORDER_STATE'));
        }
        stmt(db, `UPDATE upay_order SET status = 'CANCELED', last_client_tsn = client_sn WHERE sn = ?`).run(order.sn);
        appendTxn(db, order, { type: 'cancel', amount: order.amount, status: 'SUCCESS', at: now });
        return ok({ result_code: 'CANCEL_SUCCESS', data: orderData(reread(order.sn)) });
      }
      case 'PARTIAL_REFUNDED':
      case 'REFUNDED':
        // "进行过退款的订单不能撤单".
        return ok(bizError('CANCEL_ERROR', 'UPAY_CANCEL_INVALID_ORDER_STATE'));
      case 'CANCELED':
      case 'PAY_CANCELED':
        return ok(bizError('FAIL', 'UPAY_CANCEL_ORDER_NOOP'));
    }
  }

  /**
   * A refund_request_no already used on this order is never refunded again: FAIL UPAY_REFUND_ORDER_NOOP
   * ("无效操作，本次退款退款已经完成了"), nothing moves, whatever the amount. The text: refund.md says a retry
   * of a refund whose outcome the terminal does not know must keep its number ("务必要保持序列号不变", so a
   * retry can never refund twice), and that a refund whose request timed out is settled by query and its
   * client_tsn; Q&A 4 says a number used again makes the refund fail ("不能重复使用退款序列号，不然退款会失败").
   * So a retry of a refund that went through gets NOOP (it is done), and a different refund under a used
   * number fails the same way; either way the caller learns what happened from query (`client_tsn`,
   * `net_amount`). The NOOP reply has no data, as the documented refund failure example.
   */
  function refund(body: z.infer<typeof RefundRequest>, now: Date): Reply {
    const order = findOrder(db, body.terminal_sn, { sn: body.sn, clientSn: body.client_sn });
    if (!order) return ok(bizError('FAIL', 'UPAY_ORDER_NOT_EXISTS'));
    const amount = Number(body.refund_amount);
    if (stmt(db, 'SELECT 1 FROM refund WHERE order_sn = ? AND refund_request_no = ?').get(order.sn, body.refund_request_no)) {
      return ok(bizError('FAIL', 'UPAY_REFUND_ORDER_NOOP'));
    }
    if (order.status === 'REFUNDED') return ok(bizError('FAIL', 'UPAY_REFUND_INVALID_ORDER_STATE', undefined, '订单已全额退款,可退金额不足'));
    if (order.status !== 'PAID' && order.status !== 'PARTIAL_REFUNDED') return ok(bizError('FAIL', 'UPAY_REFUND_INVALID_ORDER_STATE'));
    if (amount > order.amount - order.refunded) return ok(bizError('FAIL', 'REFUNDABLE_AMOUNT_NOT_ENOUGH'));
    const clientTsn = body.client_tsn ?? body.refund_request_no;
    const refunded = order.refunded + amount;
    stmt(db, 'INSERT INTO refund (order_sn, refund_request_no, amount, operator, finished_at, client_tsn) VALUES (?, ?, ?, ?, ?, ?)').run(
      order.sn,
      body.refund_request_no,
      amount,
      body.operator,
      now.toISOString(),
      clientTsn,
    );
    stmt(db, 'UPDATE upay_order SET refunded = ?, status = ?, last_client_tsn = ? WHERE sn = ?').run(
      refunded,
      refunded === order.amount ? 'REFUNDED' : 'PARTIAL_REFUNDED',
      clientTsn,
      order.sn,
    );
    appendTxn(db, order, { type: 'refund', amount, status: 'SUCCESS', refundRequestNo: body.refund_request_no, at: now });
    const data = orderData(reread(order.sn));
    data.operator = body.operator;
    return ok({ result_code: 'REFUND_SUCCESS', data });
  }

  // --- HTTP --------------------------------------------------------------------------------------------

  const ROUTES: Record<string, { schema: z.ZodType; terminal: boolean }> = {
    [PATHS.activate]: { schema: ActivateRequest, terminal: false },
    [PATHS.checkin]: { schema: CheckinRequest, terminal: true },
    [PATHS.pay]: { schema: PayRequest, terminal: true },
    [PATHS.precreate]: { schema: PrecreateRequest, terminal: true },
    [PATHS.query]: { schema: OrderRef, terminal: true },
    [PATHS.cancel]: { schema: OrderRef, terminal: true },
    [PATHS.revoke]: { schema: OrderRef, terminal: true },
    [PATHS.refund]: { schema: RefundRequest, terminal: true },
  };

  /**
   * Which key signed a terminal's request. The current key is good on the Beijing day it was issued
   * ("一个密钥每个自然日会过期", checkin.md Q1); a checkin may be signed with it later too ("上一次有效的…
   * terminal_key"), or with the key before it, once (the last checkin's reply may have been lost).
   */
  function terminalSigner(terminal: TerminalRow, path: string, raw: string, sign: string, now: Date): { withPreviousKey: boolean } | Reply {
    const isCheckin = path === PATHS.checkin;
    if (verifyMd5BodySign(raw, terminal.key, sign)) {
      if (isCheckin || beijingDate(new Date(terminal.key_rotated_at)) === beijingDate(now)) return { withPreviousKey: false };
      return requestError('ILLEGAL_SIGN', '签名错误 (terminal_key 已过期: 请签到 /terminal/checkin)');
    }
    if (terminal.prev_key !== null && verifyMd5BodySign(raw, terminal.prev_key, sign)) {
      if (isCheckin) return { withPreviousKey: true };
      return requestError('ILLEGAL_SIGN', '签名错误 (请使用签到返回的 terminal_key)');
    }
    return requestError('ILLEGAL_SIGN', '签名错误');
  }

  function handleApi(path: string, authorization: string | undefined, raw: string): Reply {
    const route = ROUTES[path]!;
    const auth = /^(\S{1,64}) ([0-9a-fA-F]{32})$/.exec(authorization?.trim() ?? '');
    if (!auth) return requestError('ILLEGAL_SIGN', '签名错误 (Authorization: sn + " " + sign)');
    const [, sn, sign] = auth as unknown as [string, string, string];
    const now = clock.now();
    let terminal: TerminalRow | undefined;
    let withPreviousKey = false;
    if (!route.terminal) {
      if (sn !== SANDBOX_VENDOR_SN || !verifyMd5BodySign(raw, SANDBOX_VENDOR_KEY, sign)) return requestError('ILLEGAL_SIGN', '签名错误');
    } else {
      terminal = findTerminal(db, sn);
      if (!terminal) return requestError('TERMINAL_NOT_EXISTS', '不存在这个终端');
      const signed = terminalSigner(terminal, path, raw, sign, now);
      if ('kind' in signed) return signed;
      withPreviousKey = signed.withPreviousKey;
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return requestError('INVALID_PARAMETER', '参数错误 (the body is not JSON)');
    }
    const parsed = route.schema.safeParse(json);
    if (!parsed.success) {
      const { code, message } = paramError(parsed.error.issues[0]!, json);
      return requestError(code, message);
    }
    const body = parsed.data as { terminal_sn?: string };
    if (route.terminal && body.terminal_sn !== sn) return requestError('INVALID_PARAMETER', 'terminal_sn与签名人序列号不一致');

    settleDue(db, now);
    return db.transaction((): Reply => {
      switch (path) {
        case PATHS.activate:
          return activate(parsed.data as z.infer<typeof ActivateRequest>, now);
        case PATHS.checkin:
          return checkin(terminal!, withPreviousKey, now);
        case PATHS.pay:
          return pay(parsed.data as z.infer<typeof PayRequest>, now);
        case PATHS.precreate:
          return precreate(parsed.data as z.infer<typeof PrecreateRequest>, now);
        case PATHS.query:
          return query(parsed.data as z.infer<typeof OrderRef>);
        case PATHS.cancel:
        case PATHS.revoke:
          return cancel(parsed.data as z.infer<typeof OrderRef>, now);
        default:
          return refund(parsed.data as z.infer<typeof RefundRequest>, now);
      }
    }).immediate();
  }

  /** Sandbox-only (the real service has no such endpoint): see the file comment. */
  function statementCsv(url: URL, target: string, authorization: string | undefined): { status: number; body: string; type: string } {
    const fail = (status: number, code: string, message: string) => ({
      status,
      body: JSON.stringify({ result_code: '400', error_code: code, error_message: message }),
      type: 'application/json; charset=utf-8',
    });
    const auth = /^(\S{1,64}) ([0-9a-fA-F]{32})$/.exec(authorization?.trim() ?? '');
    const terminal = auth ? findTerminal(db, auth[1]!) : undefined;
    if (!auth || !terminal) return fail(401, 'TERMINAL_NOT_EXISTS', '不存在这个终端');
    if (!verifyMd5BodySign(signedTextOfGet(target), terminal.key, auth[2]!)) return fail(401, 'ILLEGAL_SIGN', '签名错误');
    const date = url.searchParams.get('date') ?? '';
    if (!DATE.test(date)) return fail(400, 'INVALID_PARAMETER', 'date: YYYY-MM-DD');
    settleDue(db, clock.now());
    const rows = stmt(db, `SELECT * FROM txn WHERE terminal_sn = ? AND business_date = ? AND status = 'SUCCESS' ORDER BY id`).all(terminal.sn, date) as TxnRow[];
    const body = stringify(
      [
        [...STATEMENT_COLUMNS],
        ...rows.map((t) => [beijingIso(new Date(t.finished_at)), t.client_sn, t.order_sn, t.type, t.payway, String(t.amount), t.status, t.refund_request_no ?? '']),
      ],
      { bom: true, record_delimiter: 'windows' },
    );
    return { status: 200, body, type: 'text/csv; charset=utf-8' };
  }

  function scan(req: IncomingMessage, res: ServerResponse, sn: string, wallet: string | null): void {
    const page = (status: number, title: string, content: string) => {
      res
        .writeHead(status, {
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
          'cache-control': 'no-store',
        })
        .end(
          `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
            `<title>${escapeHtml(title)}</title><style>body{font-family:sans-serif;max-width:28em;margin:2em auto;padding:0 1em}` +
            `button{font-size:1.2em;padding:.5em 1em;margin:.3em 0;width:100%}</style></head><body><h1>${escapeHtml(title)}</h1>${content}</body></html>`,
        );
    };
    const now = clock.now();
    settleDue(db, now);
    const order = findOrderBySn(db, sn);
    if (!order || order.kind !== 'precreate') return page(404, '订单不存在', '<p>No such QR order in the sandbox.</p>');
    const orderWallet = walletOfPayway(order.payway);
    const amount = `¥${(order.amount / 100).toFixed(2)}`;
    const summary = `<p>${escapeHtml(order.subject)}</p><p><strong>${amount}</strong> · ${escapeHtml(orderWallet ? PAYWAY_NAMES[orderWallet] : order.payway)}</p>`;
    const paying = req.method === 'POST' || wallet !== null;
    if (!paying) {
      if (order.status !== 'CREATED') return page(200, `订单状态 ${order.status}`, summary);
      const button = orderWallet
        ? `<form method="post" action="/sandbox/scan/${encodeURIComponent(order.sn)}?wallet=${orderWallet}"><button type="submit">用${escapeHtml(PAYWAY_NAMES[orderWallet])}支付 ${amount}</button></form>`
        : '';
      return page(200, '沙箱收银台 · Sandbox checkout', `${summary}${button}<p>Sandbox acquirer: no real money moves.</p>`);
    }
    if (wallet !== null && wallet !== orderWallet) return page(409, '支付方式不符', `${summary}<p>This QR code is for ${escapeHtml(orderWallet ?? order.payway)}, not ${escapeHtml(wallet)}.</p>`);
    if (order.status !== 'CREATED') return page(409, `无法支付: ${order.status}`, summary);
    db.transaction(() => finishPay(db, order, 'PAID', null, now)).immediate();
    log.info({ sn: order.sn, clientSn: order.client_sn, amount: order.amount }, 'sandbox acquirer: QR order paid by scan');
    return page(200, '支付成功 · Paid', summary);
  }

  const { onRequest } = options;
  const server: Server = createServer((req, res) => {
    if (onRequest) {
      const receivedAtNs = process.hrtime.bigint();
      try {
        onRequest((req.url ?? '/').split('?', 1)[0]!, receivedAtNs);
      } catch (error) {
        log.error({ err: error, url: req.url }, 'sandbox acquirer: onRequest hook failed');
      }
    }
    try {
      route(req, res);
    } catch (error) {
      log.error({ err: error, url: req.url }, 'sandbox acquirer failed');
      if (!res.headersSent) res.writeHead(400, { 'content-type': 'text/plain' });
      res.end('Bad request');
    }
  });

  function route(req: IncomingMessage, res: ServerResponse): void {
    const target = req.url ?? '/';
    const parsedUrl = new URL(target, 'http://sandbox');
    const path = parsedUrl.pathname;

    if (path.startsWith('/sandbox/scan/')) {
      if (req.method !== 'GET' && req.method !== 'POST') return void res.writeHead(405, { allow: 'GET, POST' }).end();
      req.resume();
      const wallet = parsedUrl.searchParams.get('wallet');
      return scan(req, res, decodeURIComponent(path.slice('/sandbox/scan/'.length)), wallet);
    }
    if (path === PATHS.statement) {
      if (req.method !== 'GET') return void res.writeHead(405, { allow: 'GET' }).end();
      const result = statementCsv(parsedUrl, target, header(req, 'authorization'));
      return send(res, result.status, result.body, result.type);
    }
    if (!(path in ROUTES)) return void res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ result_code: '400', error_code: 'INVALID_PARAMETER', error_message: 'no such endpoint' }));
    if (req.method !== 'POST') return void res.writeHead(405, { allow: 'POST' }).end();

    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        res.writeHead(413).end();
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) return;
      let reply: Reply;
      try {
        reply = handleApi(path, header(req, 'authorization'), Buffer.concat(chunks).toString('utf8'));
      } catch (error) {
        log.error({ err: error, path }, 'sandbox acquirer failed');
        reply = { kind: 'json', status: 500, body: { result_code: '500', error_code: 'UNKNOWN_SYSTEM_ERROR', error_message: '未知的系统错误' } };
      }
      const summary = reply.kind === 'json' || reply.kind === 'cut' ? resultOf(reply.body) : reply.kind;
      log.info({ path, terminalSn: header(req, 'authorization')?.split(' ')[0], result: summary }, 'sandbox acquirer');
      switch (reply.kind) {
        case 'hang':
          return; // the socket stays open until the client gives up or the sandbox closes
        case 'drop':
          req.socket.destroy();
          return;
        case 'cut': {
          const full = JSON.stringify(reply.body);
          return send(res, 200, full.slice(0, Math.floor(full.length / 2)), 'application/json; charset=utf-8');
        }
        case 'json':
          return send(res, reply.status, JSON.stringify(reply.body), 'application/json; charset=utf-8');
      }
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  url = `http://127.0.0.1:${port}`;
  log.info({ url, dbPath: options.dbPath, scale }, 'sandbox acquirer listening');

  return {
    url,
    port,
    ledger: ledgerReader(db, () => clock.now()),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          db.close();
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Replies are not signed: the public API signs requests only (sign.md). */
function send(res: ServerResponse, status: number, body: string, type: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
}

function resultOf(body: unknown): string {
  const b = body as { result_code?: string; error_code?: string; biz_response?: { result_code?: string; error_code?: string } };
  return [b.result_code, b.error_code, b.biz_response?.result_code, b.biz_response?.error_code].filter(Boolean).join(' ');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

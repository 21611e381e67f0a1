/**
 * The sandbox acquirer: an HTTP server on 127.0.0.1 speaking the Shouqianba terminal API (payments.md
 * §4.1) over its own SQLite ledger (./ledger.ts), so the terminal runs, demos and is tested end to end
 * without a real acquirer. Test payment codes trigger each behaviour: see ./test-codes.ts.
 *
 * Endpoints (POST, JSON, fen as strings, `Authorization: <sn> <md5hex(body + key)>`, every reply signed
 * with `x-upay-sign: <sn> <md5hex(reply body + key)>` by the key that signed the request):
 *   /terminal/activate   vendor-signed; `code` must be an activation code (SANDBOX_ACTIVATION_CODE is
 *                        reusable); returns a new terminal_sn + terminal_key
 *   /terminal/checkin    rotates the key; the previous key is refused from then on, except for one retry
 *                        of checkin (its reply may have been lost)
 *   /upay/v2/pay         by dynamic_id (wallet from the code prefix, behaviour from its last four digits)
 *   /upay/v2/precreate   returns qr_code = <url>/sandbox/scan/<sn>; unpaid after 4 min (scaled) → PAY_CANCELED
 *   /upay/v2/query       by sn or client_sn
 *   /upay/v2/cancel      冲正: a CREATED order → CANCELED; a PAID order from today (Beijing) is reversed
 *                        (money back, CANCELED); refunded orders and other days → CANCEL_ERROR
 *                        UPAY_CANCEL_INVALID_ORDER_STATE; already cancelled → CANCEL_SUCCESS again;
 *                        no such order → FAIL UPAY_ORDER_NOT_EXIST, and that client_sn can no longer pay
 *   /upay/v2/refund      idempotent by refund_request_no; the total may not exceed the paid amount
 *                        (REFUNDABLE_AMOUNT_NOT_ENOUGH); the same refund_request_no with another amount →
 *                        FAIL REFUND_REQUEST_NO_CONFLICT (sandbox-specific)
 * and two of its own:
 *   GET /sandbox/statement?date=YYYY-MM-DD   Authorization signs the request target (path + query). The
 *       day's (Beijing) successful money movements of that terminal as CSV, UTF-8 with BOM, CRLF:
 *       finished_at,client_sn,sn,type,payway,amount_fen,status,refund_request_no
 *       finished_at ISO 8601 in +08:00; type pay | refund | cancel (a reversal of a paid order); amount_fen
 *       positive; status SUCCESS; refund_request_no empty except for refunds. Failed pays are not listed.
 *   GET /sandbox/scan/<sn>                    a page with a "pay" button for the order's wallet (the customer's phone)
 *   GET|POST /sandbox/scan/<sn>?wallet=W      the customer scans the merchant QR and pays: order → PAID
 *
 * Request errors: result_code 400 ILLEGAL_SIGN (bad signature), INVALID_TERMINAL (unknown terminal_sn),
 * INVALID_PARAMS (schema, amounts: 1–10 digits, no leading zero). API replies are HTTP 200 except 6000's 500.
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
import { md5BodySign, verifyMd5BodySign } from '../signing';
import { SANDBOX_ACTIVATION_CODE, SANDBOX_APP_ID, SANDBOX_VENDOR_KEY, SANDBOX_VENDOR_SN } from '../sandbox-identity';
import { DATE, PATHS, PAYWAY_BY_WALLET, PAYWAY_NAMES, REPLY_SIGNATURE_HEADER, STATEMENT_COLUMNS, beijingDate, signedTextOfGet, walletOfPayway } from '../wire';
import {
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
import { behaviourOfCode, walletOfCode } from './test-codes';

export { SANDBOX_ACTIVATION_CODE, SANDBOX_APP_ID, SANDBOX_VENDOR_KEY, SANDBOX_VENDOR_SN };
/** An unpaid precreated order closes after this long (times `speed.scale`). */
export const PRECREATE_TTL_MS = 4 * 60_000;

export interface SandboxOptions {
  /** The ledger file (created and migrated when missing). */
  readonly dbPath: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly log: Logger;
  readonly clock?: Clock;
  /** Multiplies every simulated delay (PIN waits, the hung request's 2 s, the QR's 4 min): 0.01 = 100× faster. */
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
// Request schemas

const noControl = (s: string) => Array.from(s).every((c) => c.charCodeAt(0) >= 0x20 && c !== '\x7f');
const text = (max: number) => z.string().min(1).max(max).refine(noControl, 'control characters are not allowed');
const fen = (field: string) => z.string().regex(/^[1-9]\d{0,9}$/, `${field}金额为整数，长度不超过10位，以分为单位`);
const ClientSn = text(32);

const ActivateRequest = z.object({
  app_id: z.string(),
  code: text(64),
  device_id: text(128),
  client_sn: z.string().max(32).optional(),
  name: z.string().max(64).optional(),
  os_info: z.string().max(128).optional(),
  sdk_version: z.string().max(64).optional(),
});
const CheckinRequest = z.object({ terminal_sn: text(32), device_id: text(128), os_info: z.string().max(128).optional(), sdk_version: z.string().max(64).optional() });
const PayRequest = z.object({
  terminal_sn: text(32),
  client_sn: ClientSn,
  total_amount: fen('total_amount'),
  dynamic_id: text(32),
  payway: z.string().regex(/^\d{1,3}$/).optional(),
  subject: text(64),
  operator: text(32),
  description: z.string().max(256).optional(),
});
const PrecreateRequest = z.object({
  terminal_sn: text(32),
  client_sn: ClientSn,
  total_amount: fen('total_amount'),
  payway: z.string().regex(/^\d{1,3}$/),
  sub_payway: z.string().regex(/^\d{1,2}$/).optional(),
  subject: text(64),
  operator: text(32),
});
const OrderRef = z
  .object({ terminal_sn: text(32), sn: text(16).optional(), client_sn: ClientSn.optional() })
  .refine((r) => r.sn !== undefined || r.client_sn !== undefined, 'sn or client_sn is required');
const RefundRequest = z
  .object({
    terminal_sn: text(32),
    sn: text(16).optional(),
    client_sn: ClientSn.optional(),
    refund_request_no: text(20),
    refund_amount: fen('refund_amount'),
    operator: text(32),
  })
  .refine((r) => r.sn !== undefined || r.client_sn !== undefined, 'sn or client_sn is required');

// ---------------------------------------------------------------------------------------------------
// Replies

interface Signer {
  readonly sn: string;
  readonly key: string;
}

type Reply =
  | { kind: 'json'; status: number; body: unknown; signer: Signer | null; tamper?: boolean }
  /** Never answer (the 5000 code): the client times out. */
  | { kind: 'hang' }
  /** Destroy the connection without a reply (the 7000 code). */
  | { kind: 'drop' };

const ok = (biz: unknown, signer: Signer | null, tamper = false): Reply => ({ kind: 'json', status: 200, body: { result_code: '200', biz_response: biz }, signer, tamper });
const requestError = (code: 'INVALID_PARAMS' | 'INVALID_TERMINAL' | 'ILLEGAL_SIGN', message: string, signer: Signer | null): Reply => ({
  kind: 'json',
  status: 200,
  body: { result_code: '400', error_code: code, error_message: message },
  signer,
});

const ERROR_MESSAGES: Record<string, string> = {
  INVALID_BARCODE: '条码错误',
  INSUFFICIENT_FUND: '账户金额不足',
  EXPIRED_BARCODE: '过期的支付条码',
  CLIENT_SN_CONFLICT: 'client_sn在系统中已存在',
  UPAY_ORDER_NOT_EXIST: '订单不存在',
  REFUNDABLE_AMOUNT_NOT_ENOUGH: '订单可退金额不足',
  UPAY_CANCEL_INVALID_ORDER_STATE: '当前订单状态不可撤销',
  UPAY_REFUND_INVALID_ORDER_STATE: '当前订单状态不可退款',
  REFUND_REQUEST_NO_CONFLICT: 'refund_request_no已用于另一金额的退款',
  UNEXPECTED_PROVIDER_ERROR: '不认识的支付通道',
  TRADE_TIMEOUT: '交易超时自动撤单',
  BUYER_CANCELED: '用户取消支付 (sandbox: the customer cancelled at the PIN prompt)',
};

const bizError = (resultCode: string, errorCode: string, data?: Record<string, string>, message?: string) => ({
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

function netAmount(order: OrderRow): number {
  switch (order.status) {
    case 'PAID':
    case 'PARTIAL_REFUNDED':
    case 'REFUNDED':
    case 'CREATED':
      return order.amount - order.refunded;
    default:
      return 0;
  }
}

/** Beijing wall-clock time as ISO 8601 with +08:00. */
function beijingIso(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().replace('Z', '+08:00');
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
  const db: Database = openLedger(options.dbPath);
  stmt(db, 'INSERT OR IGNORE INTO activation_code (code, uses_left, expires_at, created_at) VALUES (?, NULL, NULL, ?)').run(
    SANDBOX_ACTIVATION_CODE,
    clock.now().toISOString(),
  );

  let url = '';
  const qrUrl = (sn: string) => `${url}/sandbox/scan/${sn}`;

  const orderData = (o: OrderRow): Record<string, string> => {
    const wallet = walletOfPayway(o.payway);
    const data: Record<string, string> = {
      terminal_sn: o.terminal_sn,
      sn: o.sn,
      client_sn: o.client_sn,
      trade_no: o.trade_no,
      status: transactionStatus(o),
      order_status: o.status,
      payway: o.payway,
      payway_name: wallet ? PAYWAY_NAMES[wallet] : '',
      sub_payway: o.sub_payway,
      payer_uid: o.payer_uid,
      payer_login: `138****${o.sn.slice(-4)}`,
      total_amount: String(o.amount),
      net_amount: String(netAmount(o)),
      subject: o.subject,
      operator: o.operator,
    };
    if (o.finished_at) data.finish_time = data.channel_finish_time = String(Date.parse(o.finished_at));
    if (o.kind === 'precreate') data.qr_code = qrUrl(o.sn);
    return data;
  };
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
    now: Date;
  }): OrderRow {
    const sn = nextOrderSn(db);
    const finished = fields.status === 'CREATED' ? null : fields.now.toISOString();
    stmt(
      db,
      `INSERT INTO upay_order (sn, terminal_sn, client_sn, kind, payway, sub_payway, amount, status, error_code, subject, operator, trade_no,
         payer_uid, code_hash, settle_at, settle_to, settle_error, expires_at, created_at, finished_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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

  function activate(body: z.infer<typeof ActivateRequest>, signer: Signer, now: Date): Reply {
    if (body.app_id !== SANDBOX_APP_ID) return requestError('INVALID_PARAMS', `app_id ${body.app_id} is not registered`, signer);
    const code = stmt(db, 'SELECT * FROM activation_code WHERE code = ?').get(body.code) as
      | { code: string; uses_left: number | null; expires_at: string | null }
      | undefined;
    if (!code || code.uses_left === 0 || (code.expires_at !== null && code.expires_at <= now.toISOString())) {
      return requestError('INVALID_PARAMS', '激活码无效、已过期或已用完 (activation code not valid)', signer);
    }
    if (code.uses_left !== null) stmt(db, 'UPDATE activation_code SET uses_left = uses_left - 1 WHERE code = ?').run(code.code);
    let sn = `100${digits(8)}`;
    while (findTerminal(db, sn)) sn = `100${digits(8)}`;
    const key = randomBytes(16).toString('hex');
    stmt(
      db,
      `INSERT INTO terminal (sn, device_id, client_sn, name, activation_code, key, prev_key, activated_at, key_rotated_at)
       VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?)`,
    ).run(sn, body.device_id, body.client_sn ?? null, body.name ?? '', code.code, key, now.toISOString(), now.toISOString());
    return ok({ terminal_sn: sn, terminal_key: key }, signer);
  }

  function checkin(terminal: TerminalRow, withPreviousKey: boolean, signer: Signer, now: Date): Reply {
    const key = randomBytes(16).toString('hex');
    if (withPreviousKey) stmt(db, 'UPDATE terminal SET key = ?, prev_key = NULL, key_rotated_at = ? WHERE sn = ?').run(key, now.toISOString(), terminal.sn);
    else stmt(db, 'UPDATE terminal SET prev_key = key, key = ?, key_rotated_at = ? WHERE sn = ?').run(key, now.toISOString(), terminal.sn);
    return ok({ terminal_sn: terminal.sn, terminal_key: key }, signer);
  }

  function pay(body: z.infer<typeof PayRequest>, signer: Signer, now: Date): Reply {
    if (clientSnTaken(body.terminal_sn, body.client_sn)) return ok(bizError('FAIL', 'CLIENT_SN_CONFLICT'), signer);
    const wallet = walletOfCode(body.dynamic_id);
    if (!wallet || (body.payway !== undefined && walletOfPayway(body.payway) !== wallet)) {
      return ok(bizError('PAY_FAIL', 'INVALID_BARCODE', undefined, '条码错误 (not a payment code of a known wallet)'), signer);
    }
    const behaviour = behaviourOfCode(body.dynamic_id, scale);
    if (behaviour.kind === 'server_error') {
      return { kind: 'json', status: 500, body: { result_code: '500', error_code: 'UNKNOWN_SYSTEM_ERROR', error_message: '系统错误' }, signer };
    }
    const codeHash = sha256(body.dynamic_id);
    if (stmt(db, 'SELECT 1 FROM used_code WHERE code_hash = ?').get(codeHash)) {
      return ok(bizError('PAY_FAIL', 'INVALID_BARCODE', undefined, '付款码已使用，请刷新付款码 (payment code already used)'), signer);
    }
    const base = {
      terminalSn: body.terminal_sn,
      clientSn: body.client_sn,
      kind: 'pay' as const,
      payway: PAYWAY_BY_WALLET[wallet],
      subPayway: '1',
      amount: Number(body.total_amount),
      subject: body.subject,
      operator: body.operator,
      codeHash,
      now,
    };
    switch (behaviour.kind) {
      case 'paid':
      case 'drop_reply':
      case 'bad_signature': {
        const order = insertOrder({ ...base, status: 'PAID' });
        if (behaviour.kind === 'drop_reply') return { kind: 'drop' };
        return ok({ result_code: 'PAY_SUCCESS', data: orderData(order) }, signer, behaviour.kind === 'bad_signature');
      }
      case 'pin_then_paid':
      case 'pin_then_cancelled': {
        const paid = behaviour.kind === 'pin_then_paid';
        const order = insertOrder({
          ...base,
          status: 'CREATED',
          settleAt: now.getTime() + behaviour.waitMs,
          settleTo: paid ? 'PAID' : 'PAY_CANCELED',
          settleError: paid ? null : 'BUYER_CANCELED',
        });
        return ok({ result_code: 'PAY_IN_PROGRESS', data: orderData(order) }, signer);
      }
      case 'insufficient_funds':
      case 'expired_code': {
        const errorCode = behaviour.kind === 'insufficient_funds' ? 'INSUFFICIENT_FUND' : 'EXPIRED_BARCODE';
        const order = insertOrder({ ...base, status: 'PAY_CANCELED', errorCode });
        return ok(bizError('PAY_FAIL', errorCode, orderData(order)), signer);
      }
      case 'hang':
        insertOrder({ ...base, status: 'CREATED', settleAt: now.getTime() + behaviour.paidAfterMs, settleTo: 'PAID' });
        return { kind: 'hang' };
    }
  }

  function precreate(body: z.infer<typeof PrecreateRequest>, signer: Signer, now: Date): Reply {
    const wallet = walletOfPayway(body.payway);
    if (!wallet) return ok(bizError('PRECREATE_FAIL', 'UNEXPECTED_PROVIDER_ERROR'), signer);
    if (clientSnTaken(body.terminal_sn, body.client_sn)) return ok(bizError('FAIL', 'CLIENT_SN_CONFLICT'), signer);
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
      now,
    });
    return ok({ result_code: 'PRECREATE_SUCCESS', data: orderData(order) }, signer);
  }

  function query(body: z.infer<typeof OrderRef>, signer: Signer): Reply {
    const order = findOrder(db, body.terminal_sn, { sn: body.sn, clientSn: body.client_sn });
    if (!order) return ok(bizError('FAIL', 'UPAY_ORDER_NOT_EXIST'), signer);
    const failure = order.status === 'PAY_CANCELED' && order.error_code ? { error_code: order.error_code, error_message: ERROR_MESSAGES[order.error_code] ?? order.error_code } : {};
    return ok({ result_code: 'SUCCESS', ...failure, data: orderData(order) }, signer);
  }

  function cancel(body: z.infer<typeof OrderRef>, signer: Signer, now: Date): Reply {
    const order = findOrder(db, body.terminal_sn, { sn: body.sn, clientSn: body.client_sn });
    if (!order) {
      if (body.client_sn !== undefined) {
        stmt(db, 'INSERT OR IGNORE INTO voided_client_sn (terminal_sn, client_sn, voided_at) VALUES (?, ?, ?)').run(body.terminal_sn, body.client_sn, now.toISOString());
      }
      return ok(bizError('FAIL', 'UPAY_ORDER_NOT_EXIST'), signer);
    }
    switch (order.status) {
      case 'CREATED':
        stmt(db, `UPDATE upay_order SET status = 'CANCELED', finished_at = ?, settle_at = NULL, settle_to = NULL, expires_at = NULL WHERE sn = ?`).run(
          now.toISOString(),
          order.sn,
        );
        return ok({ result_code: 'CANCEL_ABORT_SUCCESS', data: orderData(reread(order.sn)) }, signer);
      case 'PAID': {
        if (order.finished_at === null || beijingDate(new Date(order.finished_at)) !== beijingDate(now)) {
          return ok(bizError('CANCEL_ERROR', 'UPAY_CANCEL_INVALID_ORDER_STATE', orderData(order), '只能撤销当日的交易 (only today’s orders can be reversed)'), signer);
        }
        stmt(db, `UPDATE upay_order SET status = 'CANCELED' WHERE sn = ?`).run(order.sn);
        appendTxn(db, order, { type: 'cancel', amount: order.amount, status: 'SUCCESS', at: now });
        return ok({ result_code: 'CANCEL_SUCCESS', data: orderData(reread(order.sn)) }, signer);
      }
      case 'PARTIAL_REFUNDED':
      case 'REFUNDED':
        return ok(bizError('CANCEL_ERROR', 'UPAY_CANCEL_INVALID_ORDER_STATE', orderData(order), '订单已退款，不可撤销 (refunded orders cannot be reversed)'), signer);
      case 'CANCELED':
      case 'PAY_CANCELED':
        return ok({ result_code: 'CANCEL_SUCCESS', data: orderData(order) }, signer);
    }
  }

  function refund(body: z.infer<typeof RefundRequest>, signer: Signer, now: Date): Reply {
    const order = findOrder(db, body.terminal_sn, { sn: body.sn, clientSn: body.client_sn });
    if (!order) return ok(bizError('FAIL', 'UPAY_ORDER_NOT_EXIST'), signer);
    const amount = Number(body.refund_amount);
    const previous = stmt(db, 'SELECT amount FROM refund WHERE order_sn = ? AND refund_request_no = ?').get(order.sn, body.refund_request_no) as
      | { amount: number }
      | undefined;
    if (previous) {
      if (previous.amount !== amount) return ok(bizError('FAIL', 'REFUND_REQUEST_NO_CONFLICT', orderData(order)), signer);
      return ok({ result_code: 'REFUND_SUCCESS', data: { ...orderData(order), client_tsn: `${order.client_sn}-${body.refund_request_no}` } }, signer);
    }
    if (order.status !== 'PAID' && order.status !== 'PARTIAL_REFUNDED' && order.status !== 'REFUNDED') {
      return ok(bizError('FAIL', 'UPAY_REFUND_INVALID_ORDER_STATE', orderData(order)), signer);
    }
    if (amount > order.amount - order.refunded) return ok(bizError('FAIL', 'REFUNDABLE_AMOUNT_NOT_ENOUGH', orderData(order)), signer);
    const refunded = order.refunded + amount;
    stmt(db, 'INSERT INTO refund (order_sn, refund_request_no, amount, operator, finished_at) VALUES (?, ?, ?, ?, ?)').run(
      order.sn,
      body.refund_request_no,
      amount,
      body.operator,
      now.toISOString(),
    );
    stmt(db, 'UPDATE upay_order SET refunded = ?, status = ? WHERE sn = ?').run(refunded, refunded === order.amount ? 'REFUNDED' : 'PARTIAL_REFUNDED', order.sn);
    appendTxn(db, order, { type: 'refund', amount, status: 'SUCCESS', refundRequestNo: body.refund_request_no, at: now });
    return ok({ result_code: 'REFUND_SUCCESS', data: { ...orderData(reread(order.sn)), client_tsn: `${order.client_sn}-${body.refund_request_no}` } }, signer);
  }

  // --- HTTP --------------------------------------------------------------------------------------------

  const ROUTES: Record<string, { schema: z.ZodType; terminal: boolean }> = {
    [PATHS.activate]: { schema: ActivateRequest, terminal: false },
    [PATHS.checkin]: { schema: CheckinRequest, terminal: true },
    [PATHS.pay]: { schema: PayRequest, terminal: true },
    [PATHS.precreate]: { schema: PrecreateRequest, terminal: true },
    [PATHS.query]: { schema: OrderRef, terminal: true },
    [PATHS.cancel]: { schema: OrderRef, terminal: true },
    [PATHS.refund]: { schema: RefundRequest, terminal: true },
  };

  function handleApi(path: string, authorization: string | undefined, raw: string): Reply {
    const route = ROUTES[path]!;
    const auth = /^(\S{1,64}) ([0-9a-fA-F]{32})$/.exec(authorization?.trim() ?? '');
    if (!auth) return requestError('ILLEGAL_SIGN', '签名错误 (Authorization must be "<sn> <md5>")', null);
    const [, sn, sign] = auth as unknown as [string, string, string];
    let signer: Signer;
    let terminal: TerminalRow | undefined;
    let withPreviousKey = false;
    if (!route.terminal) {
      if (sn !== SANDBOX_VENDOR_SN || !verifyMd5BodySign(raw, SANDBOX_VENDOR_KEY, sign)) return requestError('ILLEGAL_SIGN', '签名错误', null);
      signer = { sn, key: SANDBOX_VENDOR_KEY };
    } else {
      terminal = findTerminal(db, sn);
      if (!terminal) return requestError('INVALID_TERMINAL', '终端错误 (unknown terminal_sn)', null);
      const previous = terminal.prev_key !== null && verifyMd5BodySign(raw, terminal.prev_key, sign);
      if (verifyMd5BodySign(raw, terminal.key, sign)) signer = { sn, key: terminal.key };
      else if (previous && path === PATHS.checkin) {
        signer = { sn, key: terminal.prev_key! };
        withPreviousKey = true;
      } else if (previous) {
        // Signed with the key before the last checkin: refused, in a reply the terminal can verify.
        return requestError('ILLEGAL_SIGN', '签名错误 (key rotated by checkin: use the new terminal_key)', { sn, key: terminal.prev_key! });
      } else return requestError('ILLEGAL_SIGN', '签名错误', null);
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return requestError('INVALID_PARAMS', '参数错误 (body is not JSON)', signer);
    }
    const parsed = route.schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return requestError('INVALID_PARAMS', `参数错误: ${issue.path.join('.') || '(body)'}: ${issue.message}`, signer);
    }
    const body = parsed.data as { terminal_sn?: string };
    if (route.terminal && body.terminal_sn !== sn) return requestError('INVALID_PARAMS', '参数错误: terminal_sn does not match the signer', signer);

    const now = clock.now();
    settleDue(db, now);
    return db.transaction((): Reply => {
      switch (path) {
        case PATHS.activate:
          return activate(parsed.data as z.infer<typeof ActivateRequest>, signer, now);
        case PATHS.checkin:
          return checkin(terminal!, withPreviousKey, signer, now);
        case PATHS.pay:
          return pay(parsed.data as z.infer<typeof PayRequest>, signer, now);
        case PATHS.precreate:
          return precreate(parsed.data as z.infer<typeof PrecreateRequest>, signer, now);
        case PATHS.query:
          return query(parsed.data as z.infer<typeof OrderRef>, signer);
        case PATHS.cancel:
          return cancel(parsed.data as z.infer<typeof OrderRef>, signer, now);
        default:
          return refund(parsed.data as z.infer<typeof RefundRequest>, signer, now);
      }
    }).immediate();
  }

  function statementCsv(url: URL, target: string, authorization: string | undefined): { status: number; body: string; type: string; signer: Signer | null } {
    const fail = (status: number, code: string, message: string, signer: Signer | null) => ({
      status,
      body: JSON.stringify({ result_code: '400', error_code: code, error_message: message }),
      type: 'application/json; charset=utf-8',
      signer,
    });
    const auth = /^(\S{1,64}) ([0-9a-fA-F]{32})$/.exec(authorization?.trim() ?? '');
    const terminal = auth ? findTerminal(db, auth[1]!) : undefined;
    if (!auth || !terminal) return fail(401, 'INVALID_TERMINAL', '终端错误', null);
    if (!verifyMd5BodySign(signedTextOfGet(target), terminal.key, auth[2]!)) return fail(401, 'ILLEGAL_SIGN', '签名错误', null);
    const signer = { sn: terminal.sn, key: terminal.key };
    const date = url.searchParams.get('date') ?? '';
    if (!DATE.test(date)) return fail(400, 'INVALID_PARAMS', '参数错误: date must be YYYY-MM-DD', signer);
    settleDue(db, clock.now());
    const rows = stmt(db, `SELECT * FROM txn WHERE terminal_sn = ? AND business_date = ? AND status = 'SUCCESS' ORDER BY id`).all(terminal.sn, date) as TxnRow[];
    const body = stringify(
      [
        [...STATEMENT_COLUMNS],
        ...rows.map((t) => [beijingIso(new Date(t.finished_at)), t.client_sn, t.order_sn, t.type, t.payway, String(t.amount), t.status, t.refund_request_no ?? '']),
      ],
      { bom: true, record_delimiter: 'windows' },
    );
    return { status: 200, body, type: 'text/csv; charset=utf-8', signer };
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
      return sendSigned(res, result.status, result.body, result.type, result.signer, false);
    }
    if (!(path in ROUTES)) return void res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ result_code: '400', error_code: 'INVALID_PARAMS', error_message: 'no such endpoint' }));
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
        reply = { kind: 'json', status: 500, body: { result_code: '500', error_code: 'UNKNOWN_SYSTEM_ERROR', error_message: '系统错误' }, signer: null };
      }
      const summary = reply.kind === 'json' ? resultOf(reply.body) : reply.kind;
      log.info({ path, terminalSn: header(req, 'authorization')?.split(' ')[0], result: summary }, 'sandbox acquirer');
      switch (reply.kind) {
        case 'hang':
          return; // the socket stays open until the client gives up or the sandbox closes
        case 'drop':
          req.socket.destroy();
          return;
        case 'json':
          return sendSigned(res, reply.status, JSON.stringify(reply.body), 'application/json; charset=utf-8', reply.signer, reply.tamper ?? false);
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

function sendSigned(res: ServerResponse, status: number, body: string, type: string, signer: Signer | null, tamper: boolean): void {
  const headers: Record<string, string> = { 'content-type': type, 'cache-control': 'no-store' };
  if (signer) headers[REPLY_SIGNATURE_HEADER] = `${signer.sn} ${md5BodySign(tamper ? `${body} ` : body, signer.key)}`;
  res.writeHead(status, headers).end(body);
}

function resultOf(body: unknown): string {
  const b = body as { result_code?: string; error_code?: string; biz_response?: { result_code?: string; error_code?: string } };
  return [b.result_code, b.error_code, b.biz_response?.result_code, b.biz_response?.error_code].filter(Boolean).join(' ');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

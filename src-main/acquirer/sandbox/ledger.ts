/**
 * The sandbox acquirer's own ledger: a SQLite file apart from the terminal's database, with its own
 * migration list. Terminals and their keys, activation codes, orders by client_sn, refunds by
 * refund_request_no, the payment codes already used, and `txn`, the append-only transaction log the
 * statement is cut from.
 *
 * Orders that wait (a PIN, a hung request, a precreated QR code) are settled lazily: every request and
 * every read first applies the transitions that are due by the clock (`settleDue`), stamped with the time
 * they were due, so an injected clock drives them without timers.
 */
import Sqlite, { type Database } from 'better-sqlite3';
import { migrate } from '../../../db/migrate';
import type { Migration } from '../../../db/migrations';
import { stmt } from '../../../db/statements';
import { beijingDate } from '../wire';

/** An activation code is good for 7 days (activate.md Q2: "一个激活码目前的有效期是7天"). */
export const ACTIVATION_CODE_LIFETIME_MS = 7 * 24 * 3600_000;

export const SANDBOX_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'sandbox_ledger',
    sql: `
CREATE TABLE activation_code (
  code        TEXT PRIMARY KEY,
  uses_left   INTEGER CHECK (uses_left IS NULL OR uses_left >= 0), -- NULL: unlimited
  expires_at  TEXT,                                                -- NULL: never
  created_at  TEXT NOT NULL
) STRICT;

CREATE TABLE terminal (
  sn              TEXT PRIMARY KEY,
  device_id       TEXT NOT NULL,
  client_sn       TEXT,
  name            TEXT NOT NULL,
  activation_code TEXT NOT NULL,
  key             TEXT NOT NULL,
  -- The key before the last checkin: good once more, for a checkin only (its reply may have been lost).
  prev_key        TEXT,
  activated_at    TEXT NOT NULL,
  key_rotated_at  TEXT NOT NULL
) STRICT;

CREATE TABLE upay_order (
  sn            TEXT PRIMARY KEY,
  terminal_sn   TEXT NOT NULL REFERENCES terminal (sn),
  client_sn     TEXT NOT NULL,
  kind          TEXT NOT NULL CHECK (kind IN ('pay', 'precreate')),
  payway        TEXT NOT NULL,
  sub_payway    TEXT NOT NULL,
  amount        INTEGER NOT NULL CHECK (amount > 0),
  refunded      INTEGER NOT NULL DEFAULT 0 CHECK (refunded >= 0 AND refunded <= amount),
  status        TEXT NOT NULL CHECK (status IN ('CREATED', 'PAID', 'PAY_CANCELED', 'PARTIAL_REFUNDED', 'REFUNDED', 'CANCELED')),
  error_code    TEXT,
  subject       TEXT NOT NULL,
  operator      TEXT NOT NULL,
  trade_no      TEXT NOT NULL,
  payer_uid     TEXT NOT NULL,
  code_hash     TEXT,
  -- A CREATED order becomes settle_to at settle_at (ms since epoch): PIN waits, the hung request.
  settle_at     INTEGER,
  settle_to     TEXT CHECK (settle_to IN ('PAID', 'PAY_CANCELED')),
  settle_error  TEXT,
  -- A precreated order not paid by then is closed (PAY_CANCELED, TRADE_TIMEOUT).
  expires_at    INTEGER,
  created_at    TEXT NOT NULL,
  -- When it was paid or failed.
  finished_at   TEXT,
  UNIQUE (terminal_sn, client_sn)
) STRICT;
CREATE INDEX upay_order_waiting ON upay_order (status) WHERE status = 'CREATED';

-- client_sns cancelled before any order existed: a late pay with one is refused (CLIENT_SN_CONFLICT).
CREATE TABLE voided_client_sn (
  terminal_sn TEXT NOT NULL,
  client_sn   TEXT NOT NULL,
  voided_at   TEXT NOT NULL,
  PRIMARY KEY (terminal_sn, client_sn)
) STRICT;

-- sha256 of every payment code an order was made with: one code, one order.
CREATE TABLE used_code (
  code_hash TEXT PRIMARY KEY,
  order_sn  TEXT NOT NULL REFERENCES upay_order (sn),
  used_at   TEXT NOT NULL
) STRICT;

CREATE TABLE refund (
  order_sn          TEXT NOT NULL REFERENCES upay_order (sn),
  refund_request_no TEXT NOT NULL,
  amount            INTEGER NOT NULL CHECK (amount > 0),
  operator          TEXT NOT NULL,
  finished_at       TEXT NOT NULL,
  PRIMARY KEY (order_sn, refund_request_no)
) STRICT;

-- Every transaction, appended, never changed: pays (successful or failed), refunds, reversals.
CREATE TABLE txn (
  id                INTEGER PRIMARY KEY,
  order_sn          TEXT NOT NULL REFERENCES upay_order (sn),
  terminal_sn       TEXT NOT NULL,
  client_sn         TEXT NOT NULL,
  type              TEXT NOT NULL CHECK (type IN ('pay', 'refund', 'cancel')),
  payway            TEXT NOT NULL,
  amount            INTEGER NOT NULL CHECK (amount > 0),
  status            TEXT NOT NULL CHECK (status IN ('SUCCESS', 'FAIL_CANCELED')),
  error_code        TEXT,
  refund_request_no TEXT,
  finished_at       TEXT NOT NULL,
  business_date     TEXT NOT NULL
) STRICT;
CREATE INDEX txn_by_day ON txn (terminal_sn, business_date, id);
CREATE TRIGGER txn_no_update BEFORE UPDATE ON txn BEGIN SELECT RAISE(ABORT, 'txn is append-only'); END;
CREATE TRIGGER txn_no_delete BEFORE DELETE ON txn BEGIN SELECT RAISE(ABORT, 'txn is append-only'); END;
`,
  },
  {
    version: 2,
    name: 'sandbox_spec_fields',
    sql: `
-- reflect: what the caller sent, as JSON text (a string or an object), echoed in every reply about the order.
ALTER TABLE upay_order ADD COLUMN reflect TEXT;
-- A merchant-funded discount (payment_list DISCOUNT_CHANNEL_MCH), fen; the customer paid amount - discount.
ALTER TABLE upay_order ADD COLUMN merchant_discount INTEGER NOT NULL DEFAULT 0 CHECK (merchant_discount >= 0);
-- client_tsn of the order's last transaction (流水): the client_sn for the pay and its reversal, the refund's own for a refund.
ALTER TABLE upay_order ADD COLUMN last_client_tsn TEXT;
ALTER TABLE refund ADD COLUMN client_tsn TEXT;
`,
  },
];

export type OrderStatus = 'CREATED' | 'PAID' | 'PAY_CANCELED' | 'PARTIAL_REFUNDED' | 'REFUNDED' | 'CANCELED';

export interface OrderRow {
  sn: string;
  terminal_sn: string;
  client_sn: string;
  kind: 'pay' | 'precreate';
  payway: string;
  sub_payway: string;
  amount: number;
  refunded: number;
  status: OrderStatus;
  error_code: string | null;
  subject: string;
  operator: string;
  trade_no: string;
  payer_uid: string;
  code_hash: string | null;
  settle_at: number | null;
  settle_to: 'PAID' | 'PAY_CANCELED' | null;
  settle_error: string | null;
  expires_at: number | null;
  created_at: string;
  finished_at: string | null;
  reflect: string | null;
  merchant_discount: number;
  last_client_tsn: string | null;
}

export interface TerminalRow {
  sn: string;
  device_id: string;
  client_sn: string | null;
  name: string;
  activation_code: string;
  key: string;
  prev_key: string | null;
  activated_at: string;
  key_rotated_at: string;
}

export interface TxnRow {
  id: number;
  order_sn: string;
  terminal_sn: string;
  client_sn: string;
  type: 'pay' | 'refund' | 'cancel';
  payway: string;
  amount: number;
  status: 'SUCCESS' | 'FAIL_CANCELED';
  error_code: string | null;
  refund_request_no: string | null;
  finished_at: string;
  business_date: string;
}

export interface RefundRow {
  order_sn: string;
  refund_request_no: string;
  amount: number;
  operator: string;
  finished_at: string;
  client_tsn: string | null;
}

/** Opens (creating and migrating) the sandbox ledger, with the same durability pragmas as the terminal's. */
export function openLedger(path: string, nativeBinding?: string): Database {
  const db = new Sqlite(path, nativeBinding ? { nativeBinding } : {});
  try {
    db.pragma('journal_mode = WAL');
    // The stand-in acquirer's ledger survives a killed process (WAL commits are in the file either way), which is
    // all its tests need; no sync per commit, since the embedded sandbox shares the terminal's event loop and a
    // sync under a backup's disk load held it for a quarter of a second.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, SANDBOX_MIGRATIONS);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

export function findTerminal(db: Database, sn: string): TerminalRow | undefined {
  return stmt(db, 'SELECT * FROM terminal WHERE sn = ?').get(sn) as TerminalRow | undefined;
}

/**
 * The order a query/refund/cancel/revoke names: by `sn` first and, when no order has that sn, by `client_sn`
 * ("优先按照sn查找订单，如果没有，再按照client_sn查询", query.md, refund.md, revoke&cancel.md).
 */
export function findOrder(db: Database, terminalSn: string, ref: { sn?: string | undefined; clientSn?: string | undefined }): OrderRow | undefined {
  if (ref.sn !== undefined) {
    const bySn = stmt(db, 'SELECT * FROM upay_order WHERE terminal_sn = ? AND sn = ?').get(terminalSn, ref.sn) as OrderRow | undefined;
    if (bySn) return bySn;
  }
  if (ref.clientSn !== undefined) {
    return stmt(db, 'SELECT * FROM upay_order WHERE terminal_sn = ? AND client_sn = ?').get(terminalSn, ref.clientSn) as OrderRow | undefined;
  }
  return undefined;
}

export function findOrderBySn(db: Database, sn: string): OrderRow | undefined {
  return stmt(db, 'SELECT * FROM upay_order WHERE sn = ?').get(sn) as OrderRow | undefined;
}

/** The next Upay order number: 16 digits, increasing. */
export function nextOrderSn(db: Database): string {
  const { n } = stmt(db, 'SELECT COUNT(*) + 1 AS n FROM upay_order').get() as { n: number };
  return `7895${String(n).padStart(12, '0')}`;
}

export function appendTxn(db: Database, order: OrderRow, txn: { type: TxnRow['type']; amount: number; status: TxnRow['status']; errorCode?: string | null; refundRequestNo?: string | null; at: Date }): void {
  stmt(
    db,
    `INSERT INTO txn (order_sn, terminal_sn, client_sn, type, payway, amount, status, error_code, refund_request_no, finished_at, business_date)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    order.sn,
    order.terminal_sn,
    order.client_sn,
    txn.type,
    order.payway,
    txn.amount,
    txn.status,
    txn.errorCode ?? null,
    txn.refundRequestNo ?? null,
    txn.at.toISOString(),
    beijingDate(txn.at),
  );
}

/** Moves an order to its final pay outcome and logs the transaction. */
export function finishPay(db: Database, order: OrderRow, to: 'PAID' | 'PAY_CANCELED', errorCode: string | null, at: Date): void {
  stmt(
    db,
    `UPDATE upay_order SET status = ?, error_code = ?, finished_at = ?, settle_at = NULL, settle_to = NULL, settle_error = NULL, expires_at = NULL
     WHERE sn = ?`,
  ).run(to, errorCode, at.toISOString(), order.sn);
  appendTxn(db, order, { type: 'pay', amount: order.amount, status: to === 'PAID' ? 'SUCCESS' : 'FAIL_CANCELED', errorCode, at });
}

/** Applies every PIN wait, hung request and QR expiry that is due by `now`, stamped with its due time. */
export function settleDue(db: Database, now: Date): void {
  const ms = now.getTime();
  const due = stmt(
    db,
    `SELECT * FROM upay_order WHERE status = 'CREATED' AND ((settle_at IS NOT NULL AND settle_at <= ?) OR (expires_at IS NOT NULL AND expires_at <= ?))`,
  ).all(ms, ms) as OrderRow[];
  if (due.length === 0) return;
  db.transaction(() => {
    for (const order of due) {
      if (order.settle_at !== null && order.settle_to !== null && (order.expires_at === null || order.settle_at <= order.expires_at)) {
        finishPay(db, order, order.settle_to, order.settle_error, new Date(order.settle_at));
      } else if (order.expires_at !== null) {
        finishPay(db, order, 'PAY_CANCELED', 'TRADE_TIMEOUT', new Date(order.expires_at));
      }
    }
  }).immediate();
}

// ---------------------------------------------------------------------------------------------------
// Read helpers for tests and the technician

export interface LedgerOrder {
  sn: string;
  terminalSn: string;
  clientSn: string;
  kind: 'pay' | 'precreate';
  payway: string;
  amount: number;
  refunded: number;
  status: OrderStatus;
  errorCode: string | null;
  createdAt: string;
  finishedAt: string | null;
  /** payment_list's DISCOUNT_CHANNEL_MCH, fen (the 9NNN test code); 0 otherwise. */
  merchantDiscount: number;
}

export interface LedgerRefund {
  refundRequestNo: string;
  clientTsn: string;
  amount: number;
  finishedAt: string;
}

export interface LedgerTxn {
  orderSn: string;
  terminalSn: string;
  clientSn: string;
  type: 'pay' | 'refund' | 'cancel';
  payway: string;
  amount: number;
  status: 'SUCCESS' | 'FAIL_CANCELED';
  errorCode: string | null;
  refundRequestNo: string | null;
  finishedAt: string;
  businessDate: string;
}

export interface LedgerTotals {
  /** Successful pays, in fen. */
  paid: number;
  refunded: number;
  /** Paid orders reversed by cancel (冲正). */
  reversed: number;
  /** paid − refunded − reversed: what the merchant keeps. */
  net: number;
  successfulPays: number;
}

export interface SandboxLedger {
  order(clientSn: string, terminalSn?: string): LedgerOrder | null;
  refunds(clientSn: string, terminalSn?: string): LedgerRefund[];
  transactions(filter?: { terminalSn?: string; clientSn?: string }): LedgerTxn[];
  totals(terminalSn?: string): LedgerTotals;
  terminal(sn: string): { sn: string; deviceId: string; name: string; key: string; prevKey: string | null } | null;
  /**
   * A further activation code: `uses` activations (null = unlimited, for tests only), valid until
   * `expiresAt`, by default 7 days from now as the real ones (activate.md Q2).
   */
  addActivationCode(code: string, uses: number | null, expiresAt?: Date): void;
}

const toOrder = (o: OrderRow): LedgerOrder => ({
  sn: o.sn,
  terminalSn: o.terminal_sn,
  clientSn: o.client_sn,
  kind: o.kind,
  payway: o.payway,
  amount: o.amount,
  refunded: o.refunded,
  status: o.status,
  errorCode: o.error_code,
  createdAt: o.created_at,
  finishedAt: o.finished_at,
  merchantDiscount: o.merchant_discount,
});

const toTxn = (t: TxnRow): LedgerTxn => ({
  orderSn: t.order_sn,
  terminalSn: t.terminal_sn,
  clientSn: t.client_sn,
  type: t.type,
  payway: t.payway,
  amount: t.amount,
  status: t.status,
  errorCode: t.error_code,
  refundRequestNo: t.refund_request_no,
  finishedAt: t.finished_at,
  businessDate: t.business_date,
});

export function ledgerReader(db: Database, now: () => Date): SandboxLedger {
  const orderRow = (clientSn: string, terminalSn?: string): OrderRow | undefined => {
    settleDue(db, now());
    const rows = (
      terminalSn === undefined
        ? stmt(db, 'SELECT * FROM upay_order WHERE client_sn = ?').all(clientSn)
        : stmt(db, 'SELECT * FROM upay_order WHERE client_sn = ? AND terminal_sn = ?').all(clientSn, terminalSn)
    ) as OrderRow[];
    if (rows.length > 1) throw new Error(`client_sn ${clientSn} is used by ${rows.length} terminals: name the terminal`);
    return rows[0];
  };
  return {
    order(clientSn, terminalSn) {
      const row = orderRow(clientSn, terminalSn);
      return row ? toOrder(row) : null;
    },
    refunds(clientSn, terminalSn) {
      const row = orderRow(clientSn, terminalSn);
      if (!row) return [];
      return (stmt(db, 'SELECT * FROM refund WHERE order_sn = ? ORDER BY finished_at, refund_request_no').all(row.sn) as RefundRow[]).map((r) => ({
        refundRequestNo: r.refund_request_no,
        clientTsn: r.client_tsn ?? r.refund_request_no,
        amount: r.amount,
        finishedAt: r.finished_at,
      }));
    },
    transactions(filter = {}) {
      settleDue(db, now());
      const rows = stmt(
        db,
        'SELECT * FROM txn WHERE (@terminal IS NULL OR terminal_sn = @terminal) AND (@client IS NULL OR client_sn = @client) ORDER BY id',
      ).all({ terminal: filter.terminalSn ?? null, client: filter.clientSn ?? null }) as TxnRow[];
      return rows.map(toTxn);
    },
    totals(terminalSn) {
      settleDue(db, now());
      const sums = stmt(
        db,
        `SELECT
           COALESCE(SUM(CASE WHEN type = 'pay' THEN amount END), 0) AS paid,
           COALESCE(SUM(CASE WHEN type = 'refund' THEN amount END), 0) AS refunded,
           COALESCE(SUM(CASE WHEN type = 'cancel' THEN amount END), 0) AS reversed,
           COUNT(CASE WHEN type = 'pay' THEN 1 END) AS successfulPays
         FROM txn WHERE status = 'SUCCESS' AND (@terminal IS NULL OR terminal_sn = @terminal)`,
      ).get({ terminal: terminalSn ?? null }) as Omit<LedgerTotals, 'net'>;
      return { ...sums, net: sums.paid - sums.refunded - sums.reversed };
    },
    terminal(sn) {
      const t = findTerminal(db, sn);
      return t ? { sn: t.sn, deviceId: t.device_id, name: t.name, key: t.key, prevKey: t.prev_key } : null;
    },
    addActivationCode(code, uses, expiresAt) {
      stmt(db, 'INSERT INTO activation_code (code, uses_left, expires_at, created_at) VALUES (?, ?, ?, ?)').run(
        code,
        uses,
        (expiresAt ?? new Date(now().getTime() + ACTIVATION_CODE_LIFETIME_MS)).toISOString(),
        now().toISOString(),
      );
    },
  };
}

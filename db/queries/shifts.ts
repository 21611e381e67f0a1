import type { Database } from 'better-sqlite3';
import { stmt } from '../statements';

export interface ShiftRow {
  id: string;
  terminal_id: string;
  opened_at: string;
  opened_by: string;
  float_amount: number;
  closed_at: string | null;
  closed_by: string | null;
  expected_cash: number | null;
  counted_cash: number | null;
  over_short: number | null;
  cash_sales: number | null;
  cash_refunds: number | null;
  cash_in: number | null;
  cash_out: number | null;
  note: string | null;
}

export interface CashMovementRow {
  id: string;
  shift_id: string;
  kind: 'in' | 'out';
  amount: number;
  reason: string;
  user_id: string;
  approved_by: string | null;
  at: string;
}

export function openShift(db: Database, terminalId: string): ShiftRow | undefined {
  return stmt(db, 'SELECT * FROM shift WHERE terminal_id = ? AND closed_at IS NULL').get(terminalId) as ShiftRow | undefined;
}

export function findShift(db: Database, id: string): ShiftRow | undefined {
  return stmt(db, 'SELECT * FROM shift WHERE id = ?').get(id) as ShiftRow | undefined;
}

export function recentShifts(db: Database, terminalId: string, limit: number): ShiftRow[] {
  return stmt(db, 'SELECT * FROM shift WHERE terminal_id = ? ORDER BY opened_at DESC LIMIT ?').all(terminalId, limit) as ShiftRow[];
}

export function insertShift(db: Database, s: { id: string; terminalId: string; at: string; userId: string; float: number }): void {
  stmt(db, 'INSERT INTO shift (id, terminal_id, opened_at, opened_by, float_amount) VALUES (?, ?, ?, ?, ?)').run(s.id, s.terminalId, s.at, s.userId, s.float);
}

export function closeShiftRow(
  db: Database,
  id: string,
  c: { at: string; userId: string; expected: number; counted: number; cashSales: number; cashRefunds: number; cashIn: number; cashOut: number; note: string | null },
): boolean {
  return (
    stmt(
      db,
      `UPDATE shift SET closed_at = ?, closed_by = ?, expected_cash = ?, counted_cash = ?, over_short = ?, cash_sales = ?, cash_refunds = ?,
         cash_in = ?, cash_out = ?, note = ? WHERE id = ? AND closed_at IS NULL`,
    ).run(c.at, c.userId, c.expected, c.counted, c.counted - c.expected, c.cashSales, c.cashRefunds, c.cashIn, c.cashOut, c.note, id).changes === 1
  );
}

export function insertCashMovement(db: Database, m: CashMovementRow): void {
  stmt(db, 'INSERT INTO cash_movement (id, shift_id, kind, amount, reason, user_id, approved_by, at) VALUES (@id, @shift_id, @kind, @amount, @reason, @user_id, @approved_by, @at)').run(m);
}

export function cashMovements(db: Database, shiftId: string): CashMovementRow[] {
  return stmt(db, 'SELECT * FROM cash_movement WHERE shift_id = ? ORDER BY at, rowid').all(shiftId) as CashMovementRow[];
}

export function cashMovementTotals(db: Database, shiftId: string): { cashIn: number; cashOut: number } {
  return stmt(
    db,
    "SELECT coalesce(sum(CASE WHEN kind = 'in' THEN amount END), 0) AS cashIn, coalesce(sum(CASE WHEN kind = 'out' THEN amount END), 0) AS cashOut FROM cash_movement WHERE shift_id = ?",
  ).get(shiftId) as { cashIn: number; cashOut: number };
}

/** Cash movements of this terminal's shifts in a time window (X/Z reports show them). */
export function cashMovementsInWindow(db: Database, terminalId: string, from: string | null, to: string): { kind: 'in' | 'out'; count: number; amount: number }[] {
  return stmt(
    db,
    `SELECT m.kind, count(*) AS count, sum(m.amount) AS amount FROM cash_movement m JOIN shift s ON s.id = m.shift_id
      WHERE s.terminal_id = ? AND m.at > ? AND m.at <= ? GROUP BY m.kind`,
  ).all(terminalId, from ?? '', to) as { kind: 'in' | 'out'; count: number; amount: number }[];
}

/** Wallet payments of this terminal made after `since` that are still in flight (not final). */
export function unresolvedPaymentsSince(db: Database, terminalId: string, since: string): { id: string; clientSn: string; status: string; amount: number; wallet: string | null }[] {
  return stmt(
    db,
    `SELECT p.id, p.client_sn AS clientSn, p.status, p.amount, p.wallet FROM payment p JOIN sale s ON s.id = p.sale_id
      WHERE s.terminal_id = ? AND p.created_at > ? AND p.status IN ('submitted', 'pending', 'unknown', 'cancelling')
      ORDER BY p.created_at`,
  ).all(terminalId, since) as { id: string; clientSn: string; status: string; amount: number; wallet: string | null }[];
}

/** Refunds of this terminal asked after `since` that are still in flight (their jobs retry them). */
export function unresolvedRefundsSince(db: Database, terminalId: string, since: string): { id: string; refundRequestNo: string; status: string; amount: number }[] {
  return stmt(
    db,
    `SELECT r.id, r.refund_request_no AS refundRequestNo, r.status, r.amount FROM refund r JOIN sale s ON s.id = r.sale_id
      WHERE s.terminal_id = ? AND r.created_at > ? AND r.status IN ('submitted', 'in_progress', 'unknown')
      ORDER BY r.created_at`,
  ).all(terminalId, since) as { id: string; refundRequestNo: string; status: string; amount: number }[];
}

/** Kinds of job that move money. */
export const MONEY_JOB_KINDS = ['payment.query', 'payment.cancel', 'payment.reversePart', 'refund.send'] as const;

/** Jobs that move money (payment query/cancel, a paid part's reversal, refund send) still open; statement downloads and prints do not count. */
export function pendingMoneyJobs(db: Database): { kind: string; count: number }[] {
  return stmt(
    db,
    "SELECT kind, count(*) AS count FROM job WHERE status IN ('queued', 'running') AND kind IN (SELECT value FROM json_each(?)) GROUP BY kind ORDER BY kind",
  ).all(JSON.stringify(MONEY_JOB_KINDS)) as { kind: string; count: number }[];
}

/** Members and their points ledger (migration 0023). A balance is always the sum of the ledger. */
import type { Database } from 'better-sqlite3';
import { stmt } from '../statements';

export interface MemberRow {
  id: string;
  phone: string | null;
  name: string | null;
  code: string;
  created_at: string;
  created_by: string | null;
  anonymised_at: string | null;
}

export interface MemberWithBalance extends MemberRow {
  balance: number;
}

export type PointsReason = 'earn' | 'redeem' | 'refund_earn' | 'refund_redeem';

export interface PointsRow {
  id: string;
  member_id: string;
  reason: PointsReason;
  delta: number;
  amount: number;
  uncollected: number;
  sale_id: string;
  refund_id: string | null;
  redeemed_as: 'tender' | 'discount' | null;
  business_date: string;
  at: string;
  receipt_no: number | null;
}

/** This till's ledger, plus (enrolled) the other tills' sums of the member and of its aliases (migration 0030). */
const WITH_BALANCE = `SELECT m.*, coalesce((SELECT sum(p.delta) FROM member_points p WHERE p.member_id = m.id), 0)
    + (SELECT coalesce(sum(r.points), 0) FROM member_remote_points r WHERE r.member_id = m.id)
    + (SELECT coalesce(sum(r.points), 0) FROM member_alias a JOIN member_remote_points r ON r.member_id = a.id WHERE a.member_id = m.id) AS balance FROM member m`;

export function insertMember(db: Database, m: { id: string; phone: string; name: string | null; code: string; at: string; userId: string | null }): void {
  stmt(db, 'INSERT INTO member (id, phone, name, code, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)').run(m.id, m.phone, m.name, m.code, m.at, m.userId);
}

export function findMember(db: Database, id: string): MemberWithBalance | undefined {
  return stmt(db, `${WITH_BALANCE} WHERE m.id = ?`).get(id) as MemberWithBalance | undefined;
}

export function findMemberByPhone(db: Database, phone: string): MemberWithBalance | undefined {
  return stmt(db, `${WITH_BALANCE} WHERE m.phone = ?`).get(phone) as MemberWithBalance | undefined;
}

export function findMemberByCode(db: Database, code: string): MemberWithBalance | undefined {
  return stmt(db, `${WITH_BALANCE} WHERE m.code = ?`).get(code) as MemberWithBalance | undefined;
}

/**
 * Members whose phone ends with (or equals) `digits`, or whose name contains `text`; newest first. Anonymised
 * members are listed only when nothing is searched.
 */
export function searchMembers(db: Database, query: { digits: string | null; text: string | null; limit: number; offset: number }): MemberWithBalance[] {
  if (query.digits) {
    return stmt(db, `${WITH_BALANCE} WHERE m.phone LIKE '%' || ? ORDER BY m.created_at DESC, m.id DESC LIMIT ? OFFSET ?`).all(query.digits, query.limit, query.offset) as MemberWithBalance[];
  }
  if (query.text) {
    return stmt(db, `${WITH_BALANCE} WHERE instr(m.name, ?) > 0 ORDER BY m.created_at DESC, m.id DESC LIMIT ? OFFSET ?`).all(query.text, query.limit, query.offset) as MemberWithBalance[];
  }
  return stmt(db, `${WITH_BALANCE} ORDER BY m.created_at DESC, m.id DESC LIMIT ? OFFSET ?`).all(query.limit, query.offset) as MemberWithBalance[];
}

export function anonymiseMember(db: Database, id: string, at: string): boolean {
  return stmt(db, 'UPDATE member SET phone = NULL, name = NULL, anonymised_at = ? WHERE id = ? AND anonymised_at IS NULL').run(at, id).changes === 1;
}

export function insertPoints(
  db: Database,
  p: {
    id: string;
    memberId: string;
    reason: 'earn' | 'redeem';
    delta: number;
    amount: number;
    redeemedAs: 'tender' | 'discount' | null;
    saleId: string;
    businessDate: string;
    at: string;
    userId: string | null;
  },
): void {
  stmt(db, 'INSERT INTO member_points (id, member_id, reason, delta, amount, redeemed_as, sale_id, business_date, at, user_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
    p.id,
    p.memberId,
    p.reason,
    p.delta,
    p.amount,
    p.redeemedAs,
    p.saleId,
    p.businessDate,
    p.at,
    p.userId,
  );
}

/** A member's ledger, newest first, with the receipt number of the sale each row belongs to. */
export function memberLedger(db: Database, memberId: string, limit: number): PointsRow[] {
  return stmt(
    db,
    `SELECT p.*, s.receipt_no FROM member_points p JOIN sale s ON s.id = p.sale_id WHERE p.member_id = ? ORDER BY p.at DESC, p.rowid DESC LIMIT ?`,
  ).all(memberId, limit) as PointsRow[];
}

export function pointsOfSale(db: Database, saleId: string): PointsRow[] {
  return stmt(db, 'SELECT p.*, NULL AS receipt_no FROM member_points p WHERE p.sale_id = ? ORDER BY p.rowid').all(saleId) as PointsRow[];
}

/** A member's completed sales, newest first. */
export function memberSales(db: Database, memberId: string, limit: number): { id: string; receipt_no: number; closed_at: string; total: number }[] {
  return stmt(
    db,
    `SELECT s.id, s.receipt_no, s.closed_at, s.total FROM sale s WHERE s.member_id = ? AND s.status = 'completed' ORDER BY s.closed_at DESC LIMIT ?`,
  ).all(memberId, limit) as { id: string; receipt_no: number; closed_at: string; total: number }[];
}

/** The points of this terminal's sales over facts in (from, to], by kind: the X/Z report's members section. */
export function pointsInWindow(
  db: Database,
  w: { terminalId: string; from: string | null; to: string },
): { reason: PointsReason; redeemed_as: 'tender' | 'discount' | null; count: number; points: number; amount: number; uncollected: number }[] {
  return stmt(
    db,
    `SELECT p.reason, p.redeemed_as, count(*) AS count, sum(p.delta) AS points, sum(p.amount) AS amount, sum(p.uncollected) AS uncollected
       FROM member_points p JOIN sale s ON s.id = p.sale_id
      WHERE s.terminal_id = ? AND (? IS NULL OR p.at > ?) AND p.at <= ? GROUP BY p.reason, p.redeemed_as`,
  ).all(w.terminalId, w.from, w.from, w.to) as { reason: PointsReason; redeemed_as: 'tender' | 'discount' | null; count: number; points: number; amount: number; uncollected: number }[];
}

/** Records the member on the sale; the caller holds the completion transaction. */
export function setSaleMember(db: Database, saleId: string, memberId: string): void {
  stmt(db, 'UPDATE sale SET member_id = ? WHERE id = ?').run(memberId, saleId);
}

/** The member a completed sale was sold to. */
export function memberOfSale(db: Database, saleId: string): MemberRow | undefined {
  return stmt(db, 'SELECT m.* FROM member m JOIN sale s ON s.member_id = m.id WHERE s.id = ?').get(saleId) as MemberRow | undefined;
}

/** A member's balance once this sale's own rows were written (later rows not counted). */
export function balanceAfterSale(db: Database, memberId: string, saleId: string): number {
  return stmt(
    db,
    `SELECT coalesce(sum(delta), 0) FROM member_points WHERE member_id = ?
       AND rowid <= coalesce((SELECT max(rowid) FROM member_points WHERE sale_id = ? AND reason IN ('earn', 'redeem')),
                             (SELECT max(rowid) FROM member_points WHERE member_id = ? AND at <= (SELECT closed_at FROM sale WHERE id = ?)), 0)`,
  )
    .pluck()
    .get(memberId, saleId, memberId, saleId) as number;
}

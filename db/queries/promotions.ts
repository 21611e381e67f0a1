/** Promotions, member prices and what completed sales got from them (migration 0023). */
import type { Database } from 'better-sqlite3';
import type { AppliedPromotion, PromotionKind } from '../../src-common/promotions';
import { stmt } from '../statements';
import type { Window } from './reports';

export interface PromotionRow {
  id: string;
  name: string;
  kind: string;
  rule: string;
  active: number;
  start_date: string | null;
  end_date: string | null;
  created_at: string;
  updated_at: string;
  updated_by: string | null;
}

export function listPromotions(db: Database): PromotionRow[] {
  return stmt(db, 'SELECT * FROM promotion ORDER BY created_at DESC, id DESC').all() as PromotionRow[];
}

export function findPromotion(db: Database, id: string): PromotionRow | undefined {
  return stmt(db, 'SELECT * FROM promotion WHERE id = ?').get(id) as PromotionRow | undefined;
}

export function insertPromotion(db: Database, row: PromotionRow): void {
  stmt(
    db,
    `INSERT INTO promotion (id, name, kind, rule, active, start_date, end_date, created_at, updated_at, updated_by)
     VALUES (@id, @name, @kind, @rule, @active, @start_date, @end_date, @created_at, @updated_at, @updated_by)`,
  ).run(row);
}

export function updatePromotion(db: Database, row: Omit<PromotionRow, 'created_at'>): number {
  return stmt(
    db,
    `UPDATE promotion SET name = @name, kind = @kind, rule = @rule, active = @active, start_date = @start_date, end_date = @end_date,
       updated_at = @updated_at, updated_by = @updated_by WHERE id = @id`,
  ).run(row).changes;
}

export interface MemberPriceRow {
  productId: string;
  sku: string;
  name: string;
  price: number;
  memberPrice: number;
}

export function memberPrices(db: Database): MemberPriceRow[] {
  return stmt(db, 'SELECT id AS productId, sku, name, price, member_price AS memberPrice FROM product WHERE member_price IS NOT NULL ORDER BY sku').all() as MemberPriceRow[];
}

export function setMemberPrice(db: Database, productId: string, memberPrice: number | null, at: string): number {
  return stmt(db, 'UPDATE product SET member_price = ?, updated_at = ? WHERE id = ?').run(memberPrice, at, productId).changes;
}

export interface SaleLinePromotionRow {
  lineNo: number;
  promotionId: string;
  name: string;
  kind: PromotionKind;
  saving: number;
}

/** Written in the sale's closing transaction, after its lines. */
export function insertSaleLinePromotions(db: Database, saleId: string, lines: readonly { lineNo: number; applied: readonly AppliedPromotion[] }[]): void {
  const insert = stmt(db, 'INSERT INTO sale_line_promotion (sale_id, line_no, promotion_id, name, kind, saving) VALUES (?, ?, ?, ?, ?, ?)');
  for (const line of lines) for (const p of line.applied) if (p.saving > 0) insert.run(saleId, line.lineNo, p.promotionId, p.name, p.kind, p.saving);
}

export function saleLinePromotions(db: Database, saleId: string): SaleLinePromotionRow[] {
  return stmt(
    db,
    'SELECT line_no AS lineNo, promotion_id AS promotionId, name, kind, saving FROM sale_line_promotion WHERE sale_id = ? ORDER BY line_no, kind, promotion_id',
  ).all(saleId) as SaleLinePromotionRow[];
}

export interface PromotionTotalRow {
  promotionId: string;
  name: string;
  kind: PromotionKind;
  /** Sales that had it. */
  sales: number;
  saving: number;
}

/** The window's completed sales' promotion savings by promotion (its name as the latest sale recorded it). */
export function promotionTotals(db: Database, w: Window): PromotionTotalRow[] {
  return stmt(
    db,
    `SELECT p.promotion_id AS promotionId, max(p.name) AS name, p.kind, count(DISTINCT s.id) AS sales, sum(p.saving) AS saving
       FROM sale s JOIN sale_line_promotion p ON p.sale_id = s.id
      WHERE s.terminal_id = ? AND s.closed_at > ? AND s.closed_at <= ? AND s.status = 'completed'
      GROUP BY p.promotion_id, p.kind ORDER BY saving DESC, p.promotion_id`,
  ).all(w.terminalId, w.from ?? '', w.to) as PromotionTotalRow[];
}

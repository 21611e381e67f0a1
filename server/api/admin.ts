/**
 * The owner's admin API under /v1/admin (a bearer admin token until the back-office issue brings accounts):
 * stores, enrolment codes, terminals, the store's catalog, users, settings and stock, and daily totals.
 * Every catalog change raises the store's version in its transaction; a delete leaves a deletion marker.
 */
import type { PoolClient } from 'pg';
import { ulid } from 'ulid';
import { z } from 'zod';
import { maskPhone } from '../../src-common/mask';
import { PulledCategory, PulledProduct, PulledPromotion } from '../../src-common/sync-protocol';
import { inTransaction, type Db } from '../database';
import { ApiError, notFound, parse } from '../http';
import { hashPinForTill } from '../pin-hash';
import { applyStockMovements, bumpStoreVersion } from './projections';
import { createEnrolmentCode } from './terminals';

const Id = z.string().regex(/^[0-9A-Za-z:_-]{1,64}$/);
export const CreateStoreRequest = z.object({ name: z.string().trim().min(1).max(100) });
export const ProductRequest = PulledProduct.omit({ id: true }).extend({
  nameEn: PulledProduct.shape.nameEn.default(null),
  categoryId: PulledProduct.shape.categoryId.default(null),
  plu: PulledProduct.shape.plu.default(null),
  active: z.boolean().default(true),
  barcodes: PulledProduct.shape.barcodes.default([]),
  memberPrice: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable().default(null),
});
/** A promotion as the till's editor writes it (src-common/calls/promotions.ts), priced by the same engine on every till. */
export const PromotionRequest = PulledPromotion.omit({ id: true })
  .extend({ active: z.boolean().default(true), startDate: PulledPromotion.shape.startDate.default(null), endDate: PulledPromotion.shape.endDate.default(null) })
  .strict()
  .refine((p) => p.startDate === null || p.endDate === null || p.startDate <= p.endDate, { message: 'The end date is before the start date', path: ['endDate'] });
export const PriceRequest = z.object({ price: PulledProduct.shape.price });
export const CategoryRequest = PulledCategory.omit({ id: true }).extend({ sort: z.number().int().default(0) });
export const UserRequest = z.object({
  name: z.string().min(1).max(40),
  role: z.enum(['cashier', 'owner', 'technician']),
  pin: z.string().regex(/^\d{4,8}$/),
  active: z.boolean().default(true),
});
/** Store settings the tills take (keys of the till's Settings): small JSON values only. */
export const SettingsRequest = z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_.]{0,63}$/), z.json()).refine((s) => Object.keys(s).length <= 100);
export const StockRequest = z.union([
  z.object({ productId: Id, deltaMilli: z.number().int().refine((n) => n !== 0), reason: z.enum(['receiving', 'adjustment', 'transfer']), ref: z.string().max(64).nullable().default(null) }),
  z.object({ productId: Id, countedMilli: z.number().int().min(0), reason: z.literal('count'), ref: z.string().max(64).nullable().default(null) }),
]);
const DateQuery = z.object({ date: z.string().regex(/^\d{4}-\d\d-\d\d$/) });

async function storeExists(db: Db, storeId: string): Promise<void> {
  const { rowCount } = await db.query('SELECT 1 FROM store WHERE store_id = $1', [storeId]);
  if (!rowCount) throw notFound('Store');
}

export async function createStore(db: Db, body: unknown) {
  const { name } = parse(CreateStoreRequest, body);
  const storeId = ulid();
  await db.query('INSERT INTO store (store_id, name) VALUES ($1, $2)', [storeId, name]);
  return { storeId, name, version: 0 };
}

export async function listStores(db: Db) {
  const { rows } = await db.query(
    `SELECT s.store_id AS "storeId", s.name, s.version,
            (SELECT count(*)::int FROM terminal t WHERE t.store_id = s.store_id AND t.revoked_at IS NULL) AS terminals
       FROM store s ORDER BY s.created_at, s.store_id`,
  );
  return { stores: rows };
}

export async function newEnrolmentCode(db: Db, storeId: string) {
  await storeExists(db, storeId);
  return createEnrolmentCode(db, storeId);
}

export async function listTerminals(db: Db, storeId: string) {
  await storeExists(db, storeId);
  const { rows } = await db.query(
    `SELECT t.terminal_id AS "terminalId", t.name, t.app_version AS "appVersion", t.enrolled_at AS "enrolledAt", t.revoked_at AS "revokedAt",
            t.last_contact_at AS "lastContactAt", t.last_upload_at AS "lastUploadAt",
            s.stream, coalesce(s.acked_seq, 0) AS "ackedSeq",
            extract(epoch FROM now() - t.last_upload_at)::float8 AS "secondsSinceUpload",
            -- As the till's last upload said (null: it never said): seqs it holds that the server does not, and for how
            -- long the oldest of them has waited.
            CASE WHEN t.waiting_stream = s.stream THEN t.highest_seq END AS "highestSeq",
            CASE WHEN t.waiting_stream = s.stream THEN greatest(t.highest_seq - s.acked_seq, 0)::int END AS "factsWaiting",
            CASE WHEN t.waiting_stream = s.stream THEN
              CASE WHEN t.highest_seq > s.acked_seq THEN extract(epoch FROM now() - t.oldest_waiting_since)::float8 ELSE 0 END
            END AS "lagSeconds",
            t.waiting_reported_at AS "waitingReportedAt"
       FROM terminal t
       LEFT JOIN LATERAL (SELECT stream, acked_seq FROM fact_stream f WHERE f.store_id = t.store_id AND f.terminal_id = t.terminal_id
                          ORDER BY f.updated_at DESC LIMIT 1) s ON true
      WHERE t.store_id = $1 ORDER BY t.enrolled_at, t.terminal_id`,
    [storeId],
  );
  return { terminals: rows };
}

export async function revokeTerminal(db: Db, storeId: string, terminalId: string) {
  // least() skips a NULL, so the first revocation's time stays (Citus refuses now() in coalesce() in an update).
  const { rowCount } = await db.query(
    `UPDATE terminal SET revoked_at = least(revoked_at, now()) WHERE store_id = $1 AND terminal_id = $2`,
    [storeId, terminalId],
  );
  if (!rowCount) throw notFound('Terminal');
  return { storeId, terminalId, revoked: true };
}

/** Runs a catalog change under the store's next version (the store row locked until commit). */
async function versioned<T>(db: Db, storeId: string, change: (tx: PoolClient, version: number) => Promise<T>): Promise<T & { version: number }> {
  return inTransaction(db, async (tx) => {
    const { rowCount } = await tx.query('SELECT 1 FROM store WHERE store_id = $1 FOR UPDATE', [storeId]);
    if (!rowCount) throw notFound('Store');
    const version = await bumpStoreVersion(tx, storeId);
    return { ...(await change(tx, version)), version };
  });
}

export async function putProduct(db: Db, storeId: string, productId: string, body: unknown) {
  const p = parse(ProductRequest, body);
  parse(Id, productId, 'product id');
  return versioned(db, storeId, async (tx, version) => {
    await tx.query(
      `INSERT INTO product (store_id, product_id, sku, name, name_en, price, tax_rate_bp, unit, category_id, plu, active, barcodes, member_price, deleted, version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, false, $14)
       ON CONFLICT (store_id, product_id) DO UPDATE SET sku = EXCLUDED.sku, name = EXCLUDED.name, name_en = EXCLUDED.name_en,
         price = EXCLUDED.price, tax_rate_bp = EXCLUDED.tax_rate_bp, unit = EXCLUDED.unit, category_id = EXCLUDED.category_id,
         plu = EXCLUDED.plu, active = EXCLUDED.active, barcodes = EXCLUDED.barcodes, member_price = EXCLUDED.member_price,
         deleted = false, version = EXCLUDED.version`,
      [storeId, productId, p.sku, p.name, p.nameEn, p.price, p.taxRateBp, p.unit, p.categoryId, p.plu, p.active, p.barcodes, p.memberPrice, version],
    );
    return { productId };
  });
}

export async function putPrice(db: Db, storeId: string, productId: string, body: unknown) {
  const { price } = parse(PriceRequest, body);
  return versioned(db, storeId, async (tx, version) => {
    const { rowCount } = await tx.query(
      `UPDATE product SET price = $3, version = $4 WHERE store_id = $1 AND product_id = $2 AND NOT deleted`,
      [storeId, productId, price, version],
    );
    if (!rowCount) throw notFound('Product');
    return { productId, price };
  });
}

const ENTITY_TABLES = {
  products: ['product', 'product_id'],
  categories: ['category', 'category_id'],
  users: ['app_user', 'user_id'],
  promotions: ['promotion', 'promotion_id'],
} as const;
export type EntityPath = keyof typeof ENTITY_TABLES;

/** A delete keeps the row as its deletion marker, with the version tills learn it from. */
export async function deleteEntity(db: Db, storeId: string, entity: EntityPath, id: string) {
  const [table, key] = ENTITY_TABLES[entity];
  return versioned(db, storeId, async (tx, version) => {
    const { rowCount } = await tx.query(`UPDATE ${table} SET deleted = true, version = $3 WHERE store_id = $1 AND ${key} = $2 AND NOT deleted`, [storeId, id, version]);
    if (!rowCount) throw notFound(entity);
    return { id, deleted: true };
  });
}

export async function putCategory(db: Db, storeId: string, categoryId: string, body: unknown) {
  const c = parse(CategoryRequest, body);
  parse(Id, categoryId, 'category id');
  return versioned(db, storeId, async (tx, version) => {
    await tx.query(
      `INSERT INTO category (store_id, category_id, name, sort, deleted, version) VALUES ($1, $2, $3, $4, false, $5)
       ON CONFLICT (store_id, category_id) DO UPDATE SET name = EXCLUDED.name, sort = EXCLUDED.sort, deleted = false, version = EXCLUDED.version`,
      [storeId, categoryId, c.name, c.sort, version],
    );
    return { categoryId };
  });
}

export async function putUser(db: Db, storeId: string, userId: string, body: unknown) {
  const u = parse(UserRequest, body);
  parse(Id, userId, 'user id');
  const pinHash = await hashPinForTill(u.pin);
  return versioned(db, storeId, async (tx, version) => {
    await tx.query(
      `INSERT INTO app_user (store_id, user_id, name, role, pin_hash, active, deleted, version) VALUES ($1, $2, $3, $4, $5, $6, false, $7)
       ON CONFLICT (store_id, user_id) DO UPDATE SET name = EXCLUDED.name, role = EXCLUDED.role, pin_hash = EXCLUDED.pin_hash,
         active = EXCLUDED.active, deleted = false, version = EXCLUDED.version`,
      [storeId, userId, u.name, u.role, pinHash, u.active, version],
    );
    return { userId };
  });
}

/** A promotion of the store, made or replaced whole; tills price with it from their next pull. */
export async function putPromotion(db: Db, storeId: string, promotionId: string, body: unknown) {
  const p = parse(PromotionRequest, body);
  parse(Id, promotionId, 'promotion id');
  const productIds = p.rule.kind === 'bundle' ? p.rule.items.map((i) => i.productId) : p.rule.kind === 'spend_save' ? [] : [p.rule.productId];
  const categoryId = p.rule.kind === 'spend_save' ? p.rule.categoryId : null;
  return versioned(db, storeId, async (tx, version) => {
    // A rule naming goods the store does not sell would never apply: refused, so the owner sees the typo.
    const known = await tx.query<{ product_id: string }>('SELECT product_id FROM product WHERE store_id = $1 AND product_id = ANY($2::text[]) AND NOT deleted', [storeId, productIds]);
    const missing = productIds.filter((id) => !known.rows.some((r) => r.product_id === id));
    if (missing.length > 0) throw new ApiError('bad_request', `No such product in this store: ${missing.join(', ')}`, { productIds: missing });
    if (categoryId !== null && !(await tx.query('SELECT 1 FROM category WHERE store_id = $1 AND category_id = $2 AND NOT deleted', [storeId, categoryId])).rowCount) {
      throw new ApiError('bad_request', `No such category in this store: ${categoryId}`, { categoryId });
    }
    await tx.query(
      `INSERT INTO promotion (store_id, promotion_id, name, kind, rule, active, start_date, end_date, deleted, version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, false, $9)
       ON CONFLICT (store_id, promotion_id) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, rule = EXCLUDED.rule, active = EXCLUDED.active,
         start_date = EXCLUDED.start_date, end_date = EXCLUDED.end_date, deleted = false, version = EXCLUDED.version`,
      [storeId, promotionId, p.name, p.rule.kind, JSON.stringify(p.rule), p.active, p.startDate, p.endDate, version],
    );
    return { promotionId };
  });
}

/**
 * The store's members as one person per phone (members two tills made with the same phone while apart are one:
 * the first made is listed, the others' points added to it). Phones masked: the admin API never needs them whole.
 */
export async function listMembers(db: Db, storeId: string) {
  await storeExists(db, storeId);
  const { rows } = await db.query<{ memberId: string; phone: string | null; name: string | null; createdAt: string; anonymised: boolean; mergedIds: string[]; points: number }>(
    `SELECT m.member_id AS "memberId", m.phone, m.name, m.created_at AS "createdAt", m.anonymised_at IS NOT NULL AS anonymised,
            coalesce((SELECT array_agg(x.member_id ORDER BY x.member_id) FROM member x WHERE x.store_id = m.store_id AND x.merged_into = m.member_id), '{}') AS "mergedIds",
            coalesce((SELECT sum(t.points) FROM member_points_total t WHERE t.store_id = m.store_id
                        AND (t.member_id = m.member_id OR t.member_id IN (SELECT x.member_id FROM member x WHERE x.store_id = m.store_id AND x.merged_into = m.member_id))), 0)::bigint AS points
       FROM member m WHERE m.store_id = $1 AND m.merged_into IS NULL ORDER BY m.created_at, m.member_id`,
    [storeId],
  );
  return { members: rows.map(({ phone, ...m }) => ({ ...m, maskedPhone: phone === null ? null : maskPhone(phone) })) };
}

export async function putSettings(db: Db, storeId: string, body: unknown) {
  const settings = parse(SettingsRequest, body);
  return versioned(db, storeId, async (tx, version) => {
    const keys = Object.keys(settings);
    await tx.query(
      `INSERT INTO store_setting (store_id, key, value, version) SELECT $1, t.key, t.value, $2 FROM unnest($3::text[], $4::jsonb[]) AS t(key, value)
       ON CONFLICT (store_id, key) DO UPDATE SET value = EXCLUDED.value, version = EXCLUDED.version`,
      [storeId, version, keys, keys.map((k) => JSON.stringify(settings[k]))],
    );
    return { keys };
  });
}

/** Receiving, adjustments and counts made at the server; a count becomes the delta to the counted level. */
export async function addStockMovement(db: Db, storeId: string, body: unknown) {
  const m = parse(StockRequest, body);
  return inTransaction(db, async (tx) => {
    const { rowCount } = await tx.query('SELECT 1 FROM store WHERE store_id = $1 FOR UPDATE', [storeId]);
    if (!rowCount) throw notFound('Store');
    let delta: number;
    if ('countedMilli' in m) {
      const level = await tx.query<{ stock_milli: number }>('SELECT stock_milli FROM stock_level WHERE store_id = $1 AND product_id = $2', [storeId, m.productId]);
      delta = m.countedMilli - (level.rows[0]?.stock_milli ?? 0);
    } else delta = m.deltaMilli;
    const movementId = ulid();
    if (delta !== 0) {
      await tx.query(
        `INSERT INTO stock_movement (store_id, movement_id, product_id, delta_milli, reason, ref, at, terminal_id) VALUES ($1, $2, $3, $4, $5, $6, now(), NULL)`,
        [storeId, movementId, m.productId, delta, m.reason, m.ref],
      );
      await applyStockMovements(tx, storeId, [{ product_id: m.productId, delta_milli: delta }]);
    }
    const level = await tx.query<{ stock_milli: number }>('SELECT stock_milli FROM stock_level WHERE store_id = $1 AND product_id = $2', [storeId, m.productId]);
    return { movementId: delta === 0 ? null : movementId, deltaMilli: delta, stockMilli: level.rows[0]?.stock_milli ?? 0 };
  });
}

interface TillTotals {
  terminalId: string;
  salesCount: number;
  gross: number;
  discounts: number;
  sales: number;
  rounding: number;
  tax: number;
  refundCount: number;
  refunds: number;
  net: number;
  tenders: Record<string, { amount: number; refunds: number; net: number }>;
}

/**
 * Totals of a business date per till and for the store, as sums over the stored facts: net = sales +
 * rounding − refunds (the till's Z report rule, src-main/services/reports.ts); tenders net of their refunds.
 */
export async function dailyTotals(db: Db, storeId: string, query: unknown) {
  const { date } = parse(DateQuery, query, 'query');
  await storeExists(db, storeId);
  const args = [storeId, date];
  const [sales, refunds, tenders, tenderRefunds, zReports] = await Promise.all([
    db.query(
      `SELECT terminal_id, count(*)::int AS n, sum(subtotal) AS gross, sum(discount_total) AS discounts, sum(total) AS sales,
              sum(rounding) AS rounding, sum(tax_total) AS tax
         FROM sale WHERE store_id = $1 AND business_date = $2 AND voided_at IS NULL GROUP BY terminal_id`,
      args,
    ),
    db.query(`SELECT terminal_id, count(*)::int AS n, sum(amount) AS amount FROM refund WHERE store_id = $1 AND business_date = $2 GROUP BY terminal_id`, args),
    db.query(`SELECT terminal_id, kind, sum(amount) AS amount FROM sale_tender WHERE store_id = $1 AND business_date = $2 AND NOT voided GROUP BY terminal_id, kind`, args),
    db.query(`SELECT terminal_id, tender_kind AS kind, sum(amount) AS amount FROM refund WHERE store_id = $1 AND business_date = $2 GROUP BY terminal_id, tender_kind`, args),
    db.query(
      `SELECT terminal_id AS "terminalId", z_no AS "zNo", sales_count AS "salesCount", gross, discounts, refunds, net, tax
         FROM z_report WHERE store_id = $1 AND business_date = $2 ORDER BY terminal_id, z_no`,
      args,
    ),
  ]);
  const tills = new Map<string, TillTotals>();
  const till = (id: string): TillTotals => {
    let t = tills.get(id);
    if (!t) {
      t = { terminalId: id, salesCount: 0, gross: 0, discounts: 0, sales: 0, rounding: 0, tax: 0, refundCount: 0, refunds: 0, net: 0, tenders: {} };
      tills.set(id, t);
    }
    return t;
  };
  const tender = (t: TillTotals, kind: string) => (t.tenders[kind] ??= { amount: 0, refunds: 0, net: 0 });
  for (const r of sales.rows) Object.assign(till(r.terminal_id), { salesCount: r.n, gross: r.gross, discounts: r.discounts, sales: r.sales, rounding: r.rounding, tax: r.tax });
  for (const r of refunds.rows) Object.assign(till(r.terminal_id), { refundCount: r.n, refunds: r.amount });
  for (const r of tenders.rows) tender(till(r.terminal_id), r.kind).amount += r.amount;
  for (const r of tenderRefunds.rows) tender(till(r.terminal_id), r.kind).refunds += r.amount;

  const store: Omit<TillTotals, 'terminalId'> = { salesCount: 0, gross: 0, discounts: 0, sales: 0, rounding: 0, tax: 0, refundCount: 0, refunds: 0, net: 0, tenders: {} };
  const perTill = [...tills.values()].sort((a, b) => a.terminalId.localeCompare(b.terminalId));
  for (const t of perTill) {
    t.net = t.sales + t.rounding - t.refunds;
    for (const key of ['salesCount', 'gross', 'discounts', 'sales', 'rounding', 'tax', 'refundCount', 'refunds', 'net'] as const) store[key] += t[key];
    for (const [kind, v] of Object.entries(t.tenders)) {
      v.net = v.amount - v.refunds;
      const s = (store.tenders[kind] ??= { amount: 0, refunds: 0, net: 0 });
      s.amount += v.amount;
      s.refunds += v.refunds;
      s.net += v.net;
    }
  }
  return { storeId, businessDate: date, store, tills: perTill, zReports: zReports.rows };
}

export function entityPath(value: string): EntityPath {
  if (value in ENTITY_TABLES) return value as EntityPath;
  throw new ApiError('bad_request', `Unknown entity ${value}`, undefined, 404);
}

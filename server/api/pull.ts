/**
 * Down: GET /v1/pull?since=N. Everything of the store whose version is above N, deleted rows as deletion
 * markers, read in one snapshot. Paged: a page ends at a version boundary (every row of its last version is
 * in it), `more` says another follows; the till applies each page in one transaction and pulls again.
 */
import type pg from 'pg';
import { z } from 'zod';
import type { PullReply } from '../../src-common/sync-protocol';
import { inTransaction, type Db } from '../database';
import { parse } from '../http';
import type { TerminalIdentity } from './terminals';

export const PULL_PAGE_ROWS = 2000;

const PullQuery = z.object({ since: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER) });

const VERSIONED = ['product', 'category', 'app_user', 'store_setting', 'stock_level', 'promotion', 'member', 'member_points_total'] as const;

/** The last version a page of about `pageRows` rows after `since` may reach: null when the rest fits. */
async function pageEnd(tx: pg.ClientBase, storeId: string, since: number, pageRows: number): Promise<number | null> {
  const union = VERSIONED.map((t) => `SELECT version FROM ${t} WHERE store_id = $1 AND version > $2`).join(' UNION ALL ');
  const { rows } = await tx.query<{ version: number }>(`SELECT version FROM (${union}) v ORDER BY version OFFSET $3 LIMIT 1`, [storeId, since, pageRows]);
  // rows[0] is the first row that does not fit: the page stops just before its version.
  if (!rows[0]) return null;
  return rows[0].version - 1;
}

export async function pull(db: Db, who: TerminalIdentity, query: unknown, pageRows = PULL_PAGE_ROWS): Promise<PullReply> {
  const { since } = parse(PullQuery, query, 'query');
  return inTransaction(
    db,
    async (tx) => {
      const store = (await tx.query<{ name: string; version: number }>(`SELECT name, version FROM store WHERE store_id = $1`, [who.storeId])).rows[0]!;
      let upTo = store.version;
      const end = await pageEnd(tx, who.storeId, since, pageRows);
      // One version bigger than a page (a big stock batch) still goes whole: a page never splits a version.
      if (end !== null) upTo = Math.max(end, (await firstVersionAfter(tx, who.storeId, since)) ?? end);
      const range = [who.storeId, since, upTo];
      const between = 'store_id = $1 AND version > $2 AND version <= $3';

      const products = await tx.query(
        `SELECT product_id AS id, sku, name, name_en AS "nameEn", price, tax_rate_bp AS "taxRateBp", unit, category_id AS "categoryId",
                plu, active, barcodes, member_price AS "memberPrice", deleted FROM product WHERE ${between} ORDER BY version, product_id`,
        range,
      );
      const categories = await tx.query(`SELECT category_id AS id, name, sort, deleted FROM category WHERE ${between} ORDER BY version, category_id`, range);
      const users = await tx.query(
        `SELECT user_id AS id, name, role, pin_hash AS "pinHash", active, deleted FROM app_user WHERE ${between} ORDER BY version, user_id`,
        range,
      );
      const settings = await tx.query<{ key: string; value: unknown }>(`SELECT key, value FROM store_setting WHERE ${between} ORDER BY version, key`, range);
      const stock = await tx.query<{ productId: string; stockMilli: number }>(
        `SELECT product_id AS "productId", stock_milli AS "stockMilli" FROM stock_level WHERE ${between} ORDER BY version, product_id`,
        range,
      );

      const promotions = await tx.query<NonNullable<PullReply['promotions']>[number] & { deleted: boolean }>(
        `SELECT promotion_id AS id, name, active, start_date AS "startDate", end_date AS "endDate", rule, deleted
           FROM promotion WHERE ${between} ORDER BY version, promotion_id`,
        range,
      );
      const members = await tx.query(
        `SELECT member_id AS id, phone, name, code, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt",
                anonymised_at IS NOT NULL AS anonymised
           FROM member WHERE ${between} ORDER BY version, member_id`,
        range,
      );
      // A till's own points are in its own ledger: only the other tills' sums go down.
      const memberPoints = await tx.query(
        `SELECT member_id AS "memberId", terminal_id AS "terminalId", points FROM member_points_total
          WHERE ${between} AND terminal_id <> $4 ORDER BY version, member_id, terminal_id`,
        [...range, who.terminalId],
      );

      const deleted: PullReply['deleted'] = [];
      const live = <T extends { id: string; deleted: boolean }>(rows: T[], entity: PullReply['deleted'][number]['entity']) =>
        rows.flatMap(({ deleted: gone, ...row }) => {
          if (gone) {
            if (since > 0) deleted.push({ entity, id: row.id });
            return [];
          }
          return [row];
        });
      return {
        version: upTo,
        more: upTo < store.version,
        storeName: store.name,
        products: live(products.rows as (PullReply['products'][number] & { deleted: boolean })[], 'product'),
        categories: live(categories.rows as (PullReply['categories'][number] & { deleted: boolean })[], 'category'),
        users: live(users.rows as (PullReply['users'][number] & { deleted: boolean })[], 'user'),
        settings: Object.fromEntries(settings.rows.map((s) => [s.key, s.value])),
        stock: stock.rows,
        deleted,
        promotions: promotions.rows.filter((p) => !p.deleted).map(({ deleted: _gone, ...p }) => p),
        deletedPromotions: since > 0 ? promotions.rows.filter((p) => p.deleted).map((p) => p.id) : [],
        members: members.rows as NonNullable<PullReply['members']>,
        memberPoints: memberPoints.rows as NonNullable<PullReply['memberPoints']>,
      };
    },
    { snapshot: true },
  );
}

async function firstVersionAfter(tx: pg.ClientBase, storeId: string, since: number): Promise<number | null> {
  const union = VERSIONED.map((t) => `SELECT min(version) AS version FROM ${t} WHERE store_id = $1 AND version > $2`).join(' UNION ALL ');
  const { rows } = await tx.query<{ version: number | null }>(`SELECT min(version) AS version FROM (${union}) v`, [storeId, since]);
  return rows[0]?.version ?? null;
}

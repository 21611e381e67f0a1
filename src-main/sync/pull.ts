/**
 * Applies one page of the store's data (a `PullReply`) to the till in one transaction: categories, products with
 * their barcodes, users with their PIN hashes, the settings the server owns, stock levels and deletions, then the
 * version. A page that fails anywhere leaves the till on its previous version, whole.
 */
import type { Database } from 'better-sqlite3';
import { E_RECEIPT_BASE_URL_SETTING, EReceiptBaseUrl } from '../../src-common/e-receipt';
import { Settings } from '../../src-common/schemas';
import type { PullReply } from '../../src-common/sync-protocol';
import { writeSettingValue } from '../../db/queries/settings';
import { stmt } from '../../db/statements';
import { pinyinInitials } from '../services/catalog-search';
import { setPulledVersion } from './link';

/** The settings the store server decides for every till of the store; the till's own editor refuses them while enrolled. */
export const SERVER_OWNED_SETTINGS = ['storeName', 'storeAddress', 'taxId', 'currency', 'cashRounding', 'receiptHeader', 'receiptFooter', 'taxRates', 'timeZone', 'businessDayTurnsAtHour'] as const;
export type ServerOwnedSetting = (typeof SERVER_OWNED_SETTINGS)[number];

export interface AppliedPull {
  version: number;
  products: number;
  users: number;
  settings: string[];
  /** Settings the server sent that the till cannot use (it keeps its own for those). */
  refusedSettings: string[];
  stock: number;
  deleted: number;
  /** Promotions written or deleted (the store's, issue 16). */
  promotions: number;
  /** Members and other tills' points written. */
  members: number;
}

export function applyPull(db: Database, reply: PullReply, at: string): AppliedPull {
  const { take: settings, refused } = ownedSettingsOf(reply.settings);
  return db.transaction((): AppliedPull => {
    for (const c of reply.categories) {
      // A till-made category with the same name gives way (names are unique on the till).
      stmt(db, "UPDATE category SET name = name || ' · ' || substr(id, -4) WHERE name = ? AND id <> ?").run(c.name, c.id);
      stmt(db, 'INSERT INTO category (id, name, sort) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name, sort = excluded.sort').run(c.id, c.name, c.sort);
    }
    for (const p of reply.products) {
      // A till-made product holding this SKU or PLU gives it up and retires: the store's catalog wins.
      stmt(db, "UPDATE product SET sku = 'local:' || id, active = 0, updated_at = ? WHERE sku = ? AND id <> ?").run(at, p.sku, p.id);
      if (p.plu) stmt(db, 'UPDATE product SET plu = NULL, updated_at = ? WHERE plu = ? AND id <> ?').run(at, p.plu, p.id);
      stmt(
        db,
        `INSERT INTO product (id, sku, name, name_en, price, tax_rate_bp, unit, stock_milli, category_id, active, pinyin_initials, plu, created_at, updated_at)
         VALUES (@id, @sku, @name, @name_en, @price, @tax_rate_bp, @unit, 0, @category_id, @active, @pinyin_initials, @plu, @at, @at)
         ON CONFLICT (id) DO UPDATE SET sku = excluded.sku, name = excluded.name, name_en = excluded.name_en, price = excluded.price,
           tax_rate_bp = excluded.tax_rate_bp, unit = excluded.unit, category_id = excluded.category_id, active = excluded.active,
           pinyin_initials = excluded.pinyin_initials, plu = excluded.plu, updated_at = excluded.updated_at`,
      ).run({
        id: p.id,
        sku: p.sku,
        name: p.name,
        name_en: p.nameEn,
        price: p.price,
        tax_rate_bp: p.taxRateBp,
        unit: p.unit,
        category_id: p.categoryId,
        active: p.active ? 1 : 0,
        pinyin_initials: pinyinInitials(p.name),
        plu: p.plu,
        at,
      });
      // An older server sends no member price: the till keeps its own.
      if (p.memberPrice !== undefined) stmt(db, 'UPDATE product SET member_price = ? WHERE id = ?').run(p.memberPrice, p.id);
      stmt(db, 'DELETE FROM product_barcode WHERE product_id = ?').run(p.id);
      p.barcodes.forEach((barcode, position) => {
        stmt(db, 'INSERT INTO product_barcode (barcode, product_id, position) VALUES (?, ?, ?) ON CONFLICT (barcode) DO UPDATE SET product_id = excluded.product_id, position = excluded.position').run(
          barcode,
          p.id,
          position,
        );
      });
    }
    for (const u of reply.users) {
      stmt(
        db,
        `INSERT INTO user (id, name, role, pin_hash, must_change_pin, active, created_at) VALUES (@id, @name, @role, @pin_hash, 0, @active, @at)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, role = excluded.role, active = excluded.active,
           must_change_pin = CASE WHEN pin_hash = excluded.pin_hash THEN must_change_pin ELSE 0 END, pin_hash = excluded.pin_hash`,
      ).run({ id: u.id, name: u.name, role: u.role, pin_hash: u.pinHash, active: u.active ? 1 : 0, at });
    }
    for (const [key, value] of settings) writeSettingValue(db, key, value, at);
    for (const s of reply.stock) {
      // The store's level counts the movements the server has; this till's movements not yet acknowledged are added.
      stmt(
        db,
        `UPDATE product SET stock_milli = ? + coalesce((SELECT sum(m.delta_milli) FROM stock_movement m
           JOIN sync_fact f ON f.kind = 'stock_movement' AND f.ref_id = m.id AND f.acked = 0 WHERE m.product_id = product.id), 0) WHERE id = ?`,
      ).run(s.stockMilli, s.productId);
    }
    let deleted = 0;
    for (const d of reply.deleted) {
      // Sales name products and users, so they retire rather than go.
      if (d.entity === 'product') deleted += stmt(db, 'UPDATE product SET active = 0, updated_at = ? WHERE id = ?').run(at, d.id).changes;
      else if (d.entity === 'user') deleted += stmt(db, 'UPDATE user SET active = 0 WHERE id = ?').run(d.id).changes;
      else {
        stmt(db, 'UPDATE product SET category_id = NULL, updated_at = ? WHERE category_id = ?').run(at, d.id);
        deleted += stmt(db, 'DELETE FROM category WHERE id = ?').run(d.id).changes;
      }
    }
    const promotions = applyPromotions(db, reply, at);
    const members = applyMembers(db, reply, at);
    // The server's public URL for e-receipts comes on every page when it has one; none: the server's own address.
    stmt(db, 'UPDATE sync_link SET e_receipt_base_url = ?').run(eReceiptBase(reply.settings));
    setPulledVersion(db, reply.version);
    return {
      version: reply.version,
      products: reply.products.length,
      users: reply.users.length,
      settings: settings.map(([k]) => k),
      refusedSettings: refused,
      stock: reply.stock.length,
      deleted,
      promotions,
      members,
    };
  })();
}

function eReceiptBase(settings: Record<string, unknown>): string | null {
  const parsed = EReceiptBaseUrl.safeParse(settings[E_RECEIPT_BASE_URL_SETTING]);
  return parsed.success ? parsed.data : null;
}

/**
 * The store's promotions. A server that sends them owns them: the till's own stop applying (kept, inactive, for the
 * sales that had them), and a deleted one goes (sales keep their own copy of what they got).
 */
function applyPromotions(db: Database, reply: PullReply, at: string): number {
  if (reply.promotions === undefined) return 0;
  stmt(db, "UPDATE promotion SET active = 0, updated_at = ? WHERE origin = 'till' AND active = 1").run(at);
  for (const p of reply.promotions) {
    stmt(
      db,
      `INSERT INTO promotion (id, name, kind, rule, active, start_date, end_date, created_at, updated_at, updated_by, origin)
       VALUES (@id, @name, @kind, @rule, @active, @start_date, @end_date, @at, @at, NULL, 'store')
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind, rule = excluded.rule, active = excluded.active,
         start_date = excluded.start_date, end_date = excluded.end_date, updated_at = excluded.updated_at, updated_by = NULL, origin = 'store'`,
    ).run({ id: p.id, name: p.name, kind: p.rule.kind, rule: JSON.stringify(p.rule), active: p.active ? 1 : 0, start_date: p.startDate, end_date: p.endDate, at });
  }
  let deleted = 0;
  for (const id of reply.deletedPromotions ?? []) deleted += stmt(db, "DELETE FROM promotion WHERE id = ? AND origin = 'store'").run(id).changes;
  return reply.promotions.length + deleted;
}

/**
 * Members made at the store's other tills, and the other tills' points. One phone is one person: a member whose phone
 * a member here holds already becomes an alias of that one (the server merges them the same way). A member
 * anonymised anywhere is anonymised here.
 */
function applyMembers(db: Database, reply: PullReply, at: string): number {
  const anonymise = (id: string) => stmt(db, 'UPDATE member SET phone = NULL, name = NULL, anonymised_at = ? WHERE id = ? AND anonymised_at IS NULL').run(at, id);
  for (const m of reply.members ?? []) {
    const local = (stmt(db, 'SELECT id FROM member WHERE id = ?').pluck().get(m.id) as string | undefined)
      ?? (stmt(db, 'SELECT member_id FROM member_alias WHERE id = ?').pluck().get(m.id) as string | undefined);
    if (local !== undefined) {
      if (m.anonymised) anonymise(local);
      continue;
    }
    const holder = m.phone === null || m.anonymised ? undefined : (stmt(db, 'SELECT id FROM member WHERE phone = ?').pluck().get(m.phone) as string | undefined);
    if (holder !== undefined) {
      stmt(db, 'INSERT INTO member_alias (id, member_id) VALUES (?, ?)').run(m.id, holder);
      continue;
    }
    stmt(db, "INSERT INTO member (id, phone, name, code, created_at, created_by, anonymised_at, origin) VALUES (?, ?, ?, ?, ?, NULL, ?, 'store')").run(
      m.id,
      m.anonymised ? null : m.phone,
      m.anonymised ? null : m.name,
      m.code,
      m.createdAt,
      m.anonymised ? at : null,
    );
  }
  for (const p of reply.memberPoints ?? []) {
    stmt(db, 'INSERT INTO member_remote_points (member_id, terminal_id, points) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET points = excluded.points').run(p.memberId, p.terminalId, p.points);
  }
  return (reply.members?.length ?? 0) + (reply.memberPoints?.length ?? 0);
}

/**
 * The server's settings the till takes, each checked against the till's own schema. A value the till cannot use
 * keeps the till's own and is reported (`refused`), so one bad setting does not hold back prices and staff.
 */
function ownedSettingsOf(values: Record<string, unknown>): { take: [ServerOwnedSetting, unknown][]; refused: string[] } {
  const take: [ServerOwnedSetting, unknown][] = [];
  const refused: string[] = [];
  for (const key of SERVER_OWNED_SETTINGS) {
    if (!Object.hasOwn(values, key)) continue;
    const parsed = Settings.shape[key].safeParse(values[key]);
    if (parsed.success) take.push([key, parsed.data]);
    else refused.push(key);
  }
  return { take, refused };
}

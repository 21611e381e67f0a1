import { describe, expect, it } from 'vitest';
import type { PullReply } from '../../src-common/sync-protocol';
import { atVersion } from '../../db/migrations/testing';
import { latestSchemaVersion } from '../../db/migrations';
import { eReceiptBaseOf } from './link';
import { applyPull } from './pull';

const AT = '2026-12-05T01:00:00.000Z';

function enrolled() {
  const db = atVersion(latestSchemaVersion);
  db.prepare(
    "INSERT INTO sync_link (singleton, server_url, cert_pem, fingerprint, store_id, store_name, terminal_id, sealed_credential, enrolled_at, stream_id, pulled_version) VALUES (1, 'https://s:1', 'pem', 'AA:BB', 'S', '店', 'T', 'v1.x', ?, 'ST', 3)",
  ).run(AT);
  return db;
}

const page = (fields: Partial<PullReply>): PullReply => ({
  version: 4,
  more: false,
  storeName: '店',
  products: [],
  categories: [],
  users: [],
  settings: {},
  stock: [],
  deleted: [],
  ...fields,
});
const product = (id: string, fields: Partial<PullReply['products'][number]> = {}): PullReply['products'][number] => ({
  id,
  sku: id,
  name: '乌龙茶',
  nameEn: null,
  price: 650,
  taxRateBp: 1300,
  unit: 'each',
  categoryId: null,
  plu: null,
  active: true,
  barcodes: [],
  ...fields,
});

describe('applyPull', () => {
  it('keeps the server’s public URL for e-receipts while its pulls carry one, and goes back to the server’s address when they stop', () => {
    const db = enrolled();
    expect(eReceiptBaseOf(db)).toBe('https://s:1');
    applyPull(db, page({ settings: { eReceiptBaseUrl: 'https://receipts.example.cn/jz/' } }), AT);
    expect(eReceiptBaseOf(db)).toBe('https://receipts.example.cn/jz');
    // Not a URL a phone may be sent to (plain http): the server's own address rather than it.
    applyPull(db, page({ version: 5, settings: { eReceiptBaseUrl: 'http://receipts.example.cn' } }), AT);
    expect(eReceiptBaseOf(db)).toBe('https://s:1');
    applyPull(db, page({ version: 6, settings: { eReceiptBaseUrl: 'https://receipts.example.cn' } }), AT);
    applyPull(db, page({ version: 7 }), AT);
    expect(eReceiptBaseOf(db)).toBe('https://s:1');
    db.prepare('DELETE FROM sync_link').run();
    expect(eReceiptBaseOf(db)).toBeNull();
  });

  it('applies a whole page and its version in one go: products with barcodes, users, settings, stock, deletions', () => {
    const db = enrolled();
    applyPull(db, page({ categories: [{ id: 'C1', name: '饮料', sort: 1 }], products: [product('P1', { categoryId: 'C1', barcodes: ['6901234567892'] }), product('P2')] }), AT);
    db.prepare("INSERT INTO stock_movement (id, product_id, delta_milli, reason, ref, at) VALUES ('M1', 'P1', -1000, 'sale', NULL, ?)").run(AT); // not yet acknowledged
    db.prepare("UPDATE product SET stock_milli = stock_milli - 1000 WHERE id = 'P1'").run();
    const applied = applyPull(
      db,
      page({
        version: 5,
        users: [{ id: 'U9', name: '店员', role: 'cashier', pinHash: 'scrypt$x', active: true }],
        settings: { receiptFooter: ['谢谢'], kioskMode: true },
        stock: [{ productId: 'P1', stockMilli: 10_000 }],
        deleted: [{ entity: 'product', id: 'P2' }, { entity: 'category', id: 'C1' }],
      }),
      AT,
    );
    expect(applied).toMatchObject({ version: 5, users: 1, settings: ['receiptFooter'], deleted: 2 });
    expect(db.prepare('SELECT id, category_id, active, stock_milli FROM product ORDER BY id').all()).toEqual([
      { id: 'P1', category_id: null, active: 1, stock_milli: 9_000 },
      { id: 'P2', category_id: null, active: 0, stock_milli: 0 },
    ]);
    expect(db.prepare('SELECT barcode, product_id FROM product_barcode').all()).toEqual([{ barcode: '6901234567892', product_id: 'P1' }]);
    expect(db.prepare("SELECT value FROM setting WHERE key = 'receiptFooter'").pluck().get()).toBe('["谢谢"]');
    // kioskMode is the till's own: not taken from the server.
    expect(db.prepare("SELECT count(*) FROM setting WHERE key = 'kioskMode'").pluck().get()).toBe(0);
    expect(db.prepare('SELECT pulled_version FROM sync_link').pluck().get()).toBe(5);
  });

  it('a page that fails anywhere leaves the previous version whole', () => {
    const db = enrolled();
    applyPull(db, page({ products: [product('P1')] }), AT);
    const before = db.prepare('SELECT * FROM product').all();
    // The second product names a category the till does not have: the foreign key refuses it.
    expect(() => applyPull(db, page({ version: 5, products: [product('P1', { price: 1 }), product('P2', { categoryId: 'NOPE' })] }), AT)).toThrow(/FOREIGN KEY/);
    expect(db.prepare('SELECT * FROM product').all()).toEqual(before);
    expect(db.prepare('SELECT pulled_version FROM sync_link').pluck().get()).toBe(4);
  });

  it('a till-made product holding the store’s SKU gives it up and retires', () => {
    const db = enrolled();
    db.prepare("INSERT INTO product (id, sku, name, price, tax_rate_bp, unit, pinyin_initials, created_at, updated_at) VALUES ('LOCAL', 'TEA', '茶', 100, 0, 'each', 'c', ?, ?)").run(AT, AT);
    applyPull(db, page({ products: [product('SERVER', { sku: 'TEA' })] }), AT);
    expect(db.prepare('SELECT id, sku, active FROM product ORDER BY id').all()).toEqual([
      { id: 'LOCAL', sku: 'local:LOCAL', active: 0 },
      { id: 'SERVER', sku: 'TEA', active: 1 },
    ]);
  });
});

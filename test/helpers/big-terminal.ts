/**
 * A terminal's data directory holding a copy of a generated big database (bench/sales-fixture.ts), with PINs for
 * its cashier (1111) and a technician (9999) — the generated users have none — and two products with barcodes
 * for a scanner (the generated catalog has none).
 *
 * The copy is on disk before it is returned: left in the page cache, its ~1.2 GB would be written back by the kernel's
 * flusher threads 30 s later (vm.dirty_expire_centisecs), in the middle of what a caller measures, a load no till
 * starting on its own database has.
 */
import { copyFile, open } from 'node:fs/promises';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { gtinCheckDigit } from '../../src-common/barcode';
import { hashPin } from '../../src-main/pin';
import { tempDir } from './host';

export const BIG_CASHIER = { userId: 'BENCHUSER-C1', pin: '1111' };
export const BIG_TECHNICIAN = { userId: 'BIG-TECH', pin: '9999' };

/** An EAN-13 from its first twelve digits. */
export const ean13 = (body12: string): string => body12 + String(gtinCheckDigit(body12));
export const BIG_BARCODES = [ean13('690000000001'), ean13('690000000002')] as const;

export async function bigTerminalDir(fixturePath: string): Promise<string> {
  const dataDir = tempDir('pos-big-');
  const path = join(dataDir, 'pos.sqlite');
  await copyFile(fixturePath, path);
  const db = new Sqlite(path);
  try {
    const now = new Date().toISOString();
    db.prepare('UPDATE user SET pin_hash = ? WHERE id = ?').run(await hashPin(BIG_CASHIER.pin), BIG_CASHIER.userId);
    db.prepare("INSERT INTO user (id, name, role, pin_hash, created_at) VALUES (?, '技术员', 'technician', ?, ?)").run(BIG_TECHNICIAN.userId, await hashPin(BIG_TECHNICIAN.pin), now);
    const product = db.prepare("INSERT INTO product (id, sku, name, price, tax_rate_bp, unit, pinyin_initials, created_at, updated_at) VALUES (?, ?, ?, ?, 1300, 'each', 'yl', ?, ?)");
    const barcode = db.prepare('INSERT INTO product_barcode (barcode, product_id) VALUES (?, ?)');
    // The generator numbers its receipts without the counter a terminal takes them from.
    db.prepare('INSERT INTO receipt_counter (terminal_id, last_no) SELECT terminal_id, max(receipt_no) FROM sale WHERE receipt_no IS NOT NULL GROUP BY terminal_id ON CONFLICT (terminal_id) DO UPDATE SET last_no = max(last_no, excluded.last_no)').run();
    BIG_BARCODES.forEach((code, i) => {
      product.run(`BIG-${i}`, `BIG-${i}`, `压力测试 ${i}`, 100 * (i + 1), now, now);
      barcode.run(code, `BIG-${i}`);
    });
  } finally {
    db.close();
  }
  const file = await open(path, 'r+');
  try {
    await file.sync();
  } finally {
    await file.close();
  }
  return dataDir;
}

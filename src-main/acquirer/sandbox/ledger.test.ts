import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../db/migrate';
import { findOrder, ledgerReader, openLedger, SANDBOX_MIGRATIONS } from './ledger';

const file = () => join(mkdtempSync(join(tmpdir(), 'sandbox-ledger-')), 'ledger.sqlite');

function insertOrder(db: Sqlite.Database, sn: string, clientSn: string): void {
  db.prepare(
    `INSERT INTO upay_order (sn, terminal_sn, client_sn, kind, payway, sub_payway, amount, status, subject, operator, trade_no, payer_uid, created_at, finished_at)
     VALUES (?, 'T1', ?, 'pay', '3', '1', 500, 'PAID', 's', 'o', 'SBX1', 'u', '2026-12-01T02:00:00.000Z', '2026-12-01T02:00:00.000Z')`,
  ).run(sn, clientSn);
}

describe('sandbox ledger', () => {
  it('upgrades a ledger of the first version in place: its orders keep their data and gain the spec fields', () => {
    const path = file();
    const old = new Sqlite(path);
    migrate(old, SANDBOX_MIGRATIONS.slice(0, 1));
    old.prepare(`INSERT INTO terminal (sn, device_id, name, activation_code, key, activated_at, key_rotated_at) VALUES ('T1', 'd', 'n', 'c', 'k', 'x', 'x')`).run();
    insertOrder(old, '7895000000000001', 'old-order');
    old.prepare(`INSERT INTO refund (order_sn, refund_request_no, amount, operator, finished_at) VALUES ('7895000000000001', 'R1', 100, 'o', 'x')`).run();
    old.close();

    const db = openLedger(path);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(SANDBOX_MIGRATIONS.length);
      expect(findOrder(db, 'T1', { clientSn: 'old-order' })).toMatchObject({ amount: 500, reflect: null, merchant_discount: 0, last_client_tsn: null });
      const ledger = ledgerReader(db, () => new Date());
      expect(ledger.order('old-order')).toMatchObject({ status: 'PAID', merchantDiscount: 0 });
      // A refund from before client_tsn existed reads as its refund_request_no (what a new one defaults to).
      expect(ledger.refunds('old-order')).toEqual([{ refundRequestNo: 'R1', clientTsn: 'R1', amount: 100, finishedAt: 'x' }]);
    } finally {
      db.close();
    }
  });

  it('finds an order by sn first and, when no order has that sn, by client_sn', () => {
    const db = openLedger(file());
    try {
      db.prepare(`INSERT INTO terminal (sn, device_id, name, activation_code, key, activated_at, key_rotated_at) VALUES ('T1', 'd', 'n', 'c', 'k', 'x', 'x')`).run();
      insertOrder(db, '7895000000000001', 'a');
      insertOrder(db, '7895000000000002', 'b');
      expect(findOrder(db, 'T1', { sn: '7895000000000001', clientSn: 'b' })?.client_sn).toBe('a');
      expect(findOrder(db, 'T1', { sn: '7895999999999999', clientSn: 'b' })?.client_sn).toBe('b');
      expect(findOrder(db, 'T1', { sn: '7895999999999999' })).toBeUndefined();
      expect(findOrder(db, 'T2', { clientSn: 'a' })).toBeUndefined();
    } finally {
      db.close();
    }
  });

  it('gives an activation code 7 days by default', () => {
    const db = openLedger(file());
    try {
      const now = new Date('2026-12-04T12:00:00.000Z');
      ledgerReader(db, () => now).addActivationCode('C-1', 3);
      expect(db.prepare('SELECT uses_left, expires_at FROM activation_code WHERE code = ?').get('C-1')).toEqual({ uses_left: 3, expires_at: '2026-12-11T12:00:00.000Z' });
    } finally {
      db.close();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { migrations } from '../migrations';
import { atVersion, queryPlan } from './testing';

const T0 = '2026-12-01T02:00:00.000Z';

describe('0031_e_receipt', () => {
  it('keeps a sale’s token once, only as 22 base64url characters, and finds a sale by it through its index', () => {
    const db = atVersion(30);
    db.prepare("INSERT INTO user (id, name, role, pin_hash, created_at) VALUES ('U1', '店长', 'owner', 'h', ?)").run(T0);
    db.prepare("INSERT INTO sale (id, terminal_id, status, currency, opened_at, opened_by) VALUES ('S1', 'T', 'open', 'CNY', ?, 'U1')").run(T0);
    migrate(db, migrations.slice(0, 31));
    expect(db.prepare('SELECT receipt_token FROM sale').pluck().get()).toBeNull();
    db.prepare("INSERT INTO sale (id, terminal_id, status, currency, opened_at, opened_by, surface) VALUES ('S2', 'T', 'open', 'CNY', ?, 'U1', 'kiosk')").run(T0);
    const token = 'AbCdEfGhIjKlMnOpQrSt_-';
    db.prepare("UPDATE sale SET receipt_token = ? WHERE id = 'S1'").run(token);
    expect(() => db.prepare("UPDATE sale SET receipt_token = ? WHERE id = 'S2'").run(token)).toThrow(/UNIQUE/);
    expect(() => db.prepare("UPDATE sale SET receipt_token = 'short' WHERE id = 'S2'").run()).toThrow(/CHECK/);
    expect(() => db.prepare("UPDATE sale SET receipt_token = '<script>alert(1)</script>xxx' WHERE id = 'S2'").run()).toThrow(/CHECK/);
    expect(queryPlan(db, `SELECT id FROM sale WHERE receipt_token = '${token}'`)).toContain('sale_by_receipt_token');
    expect(db.prepare('SELECT e_receipt_base_url FROM sync_link').all()).toEqual([]);
  });
});

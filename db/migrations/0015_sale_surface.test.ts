import { describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { migrations } from '../migrations';
import { atVersion, queryPlan } from './testing';

describe('0015_sale_surface', () => {
  it('gives existing sales a surface: an open sale with no user was the kiosk’s, everything else the till’s', () => {
    const db = atVersion(14);
    db.prepare("INSERT INTO user (id, name, role, pin_hash, created_at) VALUES ('U1', '收银员', 'cashier', 'x', 'now')").run();
    const insert = db.prepare("INSERT INTO sale (id, terminal_id, status, currency, opened_at, opened_by, receipt_no) VALUES (?, 'T', ?, 'CNY', ?, ?, ?)");
    insert.run('TILL', 'open', '2026-12-01T10:00:00Z', 'U1', null);
    insert.run('KIOSK', 'open', '2026-12-01T10:01:00Z', null, null);
    insert.run('DONE', 'completed', '2026-12-01T09:00:00Z', null, 1);
    insert.run('PARKED', 'suspended', '2026-12-01T08:00:00Z', 'U1', null);
    migrate(db, migrations.slice(0, 15));
    const surfaces = Object.fromEntries((db.prepare('SELECT id, surface, status FROM sale').all() as { id: string; surface: string; status: string }[]).map((r) => [r.id, `${r.surface}/${r.status}`]));
    expect(surfaces).toEqual({ TILL: 'till/open', KIOSK: 'kiosk/open', DONE: 'till/completed', PARKED: 'till/suspended' });
  });

  it('parks all but the newest of several open sales of one surface, with the fact recorded', () => {
    const db = atVersion(14);
    db.prepare("INSERT INTO user (id, name, role, pin_hash, created_at) VALUES ('U1', '收银员', 'cashier', 'x', 'now')").run();
    const insert = db.prepare("INSERT INTO sale (id, terminal_id, status, currency, opened_at, opened_by) VALUES (?, 'T', 'open', 'CNY', ?, 'U1')");
    insert.run('OLD', '2026-12-01T10:00:00Z');
    insert.run('NEW', '2026-12-01T11:00:00Z');
    migrate(db, migrations.slice(0, 15));
    expect(db.prepare('SELECT id, status FROM sale ORDER BY id').all()).toEqual([
      { id: 'NEW', status: 'open' },
      { id: 'OLD', status: 'suspended' },
    ]);
    expect(db.prepare("SELECT sale_id FROM sale_event WHERE type = 'suspended'").pluck().all()).toEqual(['OLD']);
  });

  it('allows one open sale per surface of a terminal, and finds it by index', () => {
    const db = atVersion(15);
    const insert = db.prepare("INSERT INTO sale (id, terminal_id, status, currency, opened_at, surface) VALUES (?, 'T', ?, 'CNY', 'now', ?)");
    insert.run('T1', 'open', 'till');
    insert.run('K1', 'open', 'kiosk');
    insert.run('T2', 'suspended', 'till');
    expect(() => insert.run('T3', 'open', 'till')).toThrow(/UNIQUE constraint/);
    expect(() => insert.run('K2', 'open', 'kiosk')).toThrow(/UNIQUE constraint/);
    expect(() => insert.run('X1', 'open', 'web')).toThrow(/CHECK constraint/);
    expect(queryPlan(db, "SELECT * FROM sale WHERE status = 'open' AND terminal_id = 'T' AND surface = 'kiosk'")).toMatch(/USING INDEX sale_open_per_surface/);
  });
});

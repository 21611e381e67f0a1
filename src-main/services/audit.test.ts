import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../db/migrate';
import { migrations } from '../../db/migrations';
import { createAuditService } from './audit';

function setup() {
  const db = new Sqlite(':memory:');
  migrate(db, migrations);
  let t = Date.parse('2026-11-22T08:00:00Z');
  const audit = createAuditService({ db, clock: { now: () => new Date((t += 1000)) } });
  const owner = { role: 'owner' as const, userId: 'U1' };
  audit.record({ actor: owner, action: 'settings.update', subject: 'storeName', details: { from: '甲', to: '乙' } });
  audit.record({ actor: null, action: 'terminal.start' });
  audit.record({ actor: owner, action: 'drawer.noSale', details: { reason: '换零钱' } });
  return { db, audit };
}

/** What a person with the sqlite3 shell would do: drop the guard, then edit. */
function handEdit(db: Sqlite.Database, sql: string) {
  db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
  db.exec(sql);
}

describe('audit log', () => {
  it('records who did what, newest first, and verifies an untouched chain', () => {
    const { audit } = setup();
    const rows = audit.list();
    expect(rows.map((r) => r.action)).toEqual(['drawer.noSale', 'terminal.start', 'settings.update']);
    expect(rows[2]).toMatchObject({ seq: 1, actorId: 'U1', actorRole: 'owner', subject: 'storeName', details: { from: '甲', to: '乙' } });
    expect(audit.list({ action: 'terminal.start' })).toHaveLength(1);
    expect(audit.verify()).toMatchObject({ ok: true, rows: 3 });
  });

  it('names the first row edited by hand', () => {
    const { db, audit } = setup();
    handEdit(db, `UPDATE audit_log SET details = '{"reason":"ok"}' WHERE seq = 3`);
    expect(audit.verify()).toEqual({ ok: false, rows: 3, firstBadSeq: 3, reason: 'hash_mismatch' });
  });

  it('finds a row recomputed by hand through the next row, and a deleted row', () => {
    const { db, audit } = setup();
    handEdit(db, "UPDATE audit_log SET hash = 'f00' WHERE seq = 2");
    expect(audit.verify()).toMatchObject({ ok: false, firstBadSeq: 2 });

    const second = setup();
    handEdit(second.db, 'DELETE FROM audit_log WHERE seq = 2');
    expect(second.audit.verify()).toMatchObject({ ok: false, firstBadSeq: 2, reason: 'missing_rows' });
  });

  it('rolls back with the transaction it joined', () => {
    const { db, audit } = setup();
    expect(() =>
      db.transaction(() => {
        audit.record({ actor: null, action: 'x' });
        throw new Error('the change failed');
      })(),
    ).toThrow('the change failed');
    expect(audit.list()).toHaveLength(3);
    expect(audit.verify().ok).toBe(true);
  });
});

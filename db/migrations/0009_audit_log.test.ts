import { describe, expect, it } from 'vitest';
import { atVersion, queryPlan } from './testing';

describe('0009_audit_log', () => {
  it('refuses updates and deletes of audit rows', () => {
    const db = atVersion(9);
    db.prepare("INSERT INTO audit_log (seq, at, action, prev_hash, hash) VALUES (1, 'now', 'settings.update', 'p', 'h')").run();
    expect(() => db.prepare("UPDATE audit_log SET action = 'x'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    expect(db.prepare('SELECT action FROM audit_log').pluck().get()).toBe('settings.update');
  });

  it('lists one action without a scan', () => {
    const db = atVersion(9);
    expect(queryPlan(db, "SELECT * FROM audit_log WHERE action = 'x' ORDER BY seq DESC")).toMatch(/USING INDEX audit_log_by_action/);
  });
});

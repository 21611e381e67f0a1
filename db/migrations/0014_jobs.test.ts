import { describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { migrations } from '../migrations';
import { atVersion, queryPlan } from './testing';

const NOW = '2026-12-04T10:00:00.000Z';

describe('0014_jobs', () => {
  it('carries every pending outbox job over with its subject, attempts, last error and due time, then drops the outbox', () => {
    // Outbox rows without their payments and refunds: only the carrying over is under test.
    const db = atVersion(13, { foreignKeys: false });
    db.pragma('foreign_keys = OFF');
    const job = db.prepare(
      'INSERT INTO outbox (id, kind, payment_id, refund_id, business_date, due_at, attempts, last_error, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    job.run('J1', 'query', 'PAY1', null, null, 1_000, 2, 'timeout', NOW);
    job.run('J2', 'cancel', 'PAY2', null, null, 2_000, 0, null, NOW);
    job.run('J3', 'refund', 'PAY1', 'REF1', null, 3_000, 4, 'in progress', NOW);
    job.run('J4', 'statement', null, null, '2026-12-03', 500, 1, 'ECONNREFUSED', NOW);
    migrate(db, migrations.slice(0, 14));

    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'outbox'").all()).toEqual([]);
    expect(db.prepare('SELECT id, kind, subject, payload, status, run_at, attempts, last_error, created_at FROM job ORDER BY seq').all()).toEqual([
      { id: 'J4', kind: 'statement.download', subject: 'statement:2026-12-03', payload: '{"date":"2026-12-03"}', status: 'queued', run_at: 500, attempts: 1, last_error: 'ECONNREFUSED', created_at: NOW },
      { id: 'J1', kind: 'payment.query', subject: 'payment:PAY1', payload: '{"paymentId":"PAY1"}', status: 'queued', run_at: 1_000, attempts: 2, last_error: 'timeout', created_at: NOW },
      { id: 'J2', kind: 'payment.cancel', subject: 'payment:PAY2', payload: '{"paymentId":"PAY2"}', status: 'queued', run_at: 2_000, attempts: 0, last_error: null, created_at: NOW },
      { id: 'J3', kind: 'refund.send', subject: 'refund:REF1', payload: '{"refundId":"REF1"}', status: 'queued', run_at: 3_000, attempts: 4, last_error: 'in progress', created_at: NOW },
    ]);
  });

  it('holds a lease exactly while running, valid JSON payloads, and an append-only attempt history', () => {
    const db = atVersion(14);
    const insert = db.prepare(
      "INSERT INTO job (id, kind, subject, payload, status, run_at, lease_owner, lease_until, created_at, updated_at) VALUES (?, 'k', 's', ?, ?, 0, ?, ?, 'now', 'now')",
    );
    insert.run('A', '{}', 'queued', null, null);
    insert.run('B', '{}', 'running', 'runner-1', 10);
    expect(() => insert.run('C', '{}', 'running', null, null)).toThrow(/CHECK constraint/);
    expect(() => insert.run('D', '{}', 'queued', 'runner-1', 10)).toThrow(/CHECK constraint/);
    expect(() => insert.run('E', 'not json', 'queued', null, null)).toThrow(/CHECK constraint/);
    expect(() => insert.run('F', '{}', 'paused', null, null)).toThrow(/CHECK constraint/);
    expect(() => insert.run('A', '{}', 'queued', null, null)).toThrow(/UNIQUE constraint/);

    const attempt = db.prepare("INSERT INTO job_attempt (job_id, attempt, started_at, ended_at, outcome, error) VALUES (?, 1, 'now', 'now', ?, NULL)");
    attempt.run('A', 'retry');
    expect(() => attempt.run('nobody', 'done')).toThrow(/FOREIGN KEY/);
    expect(() => attempt.run('B', 'maybe')).toThrow(/CHECK constraint/);
    expect(() => db.prepare("UPDATE job_attempt SET outcome = 'done'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM job_attempt').run()).toThrow(/append-only/);
  });

  it('finds the next due jobs, the head of a subject and the next wake-up through indexes', () => {
    const db = atVersion(14);
    expect(queryPlan(db, "SELECT id FROM job j WHERE j.kind = 'k' AND j.status IN ('queued', 'running') AND j.run_at <= 5 ORDER BY j.run_at, j.seq LIMIT 4")).toMatch(
      /USING INDEX job_open_by_kind_due \(kind=\? AND run_at<\?\)/,
    );
    expect(queryPlan(db, "SELECT 1 FROM job o WHERE o.subject = 's' AND o.status IN ('queued', 'running') AND o.seq < 9")).toMatch(
      /USING (COVERING )?INDEX job_open_by_subject \(subject=\? AND seq<\?\)/,
    );
    expect(queryPlan(db, "SELECT min(run_at) FROM job WHERE status = 'queued' AND run_at > 5")).toMatch(/USING COVERING INDEX job_queued_by_due/);
    expect(queryPlan(db, "SELECT min(lease_until) FROM job WHERE status = 'running' AND lease_until > 5")).toMatch(/USING COVERING INDEX job_running_by_lease/);
    for (const sql of [
      "SELECT id FROM job j WHERE j.kind = 'k' AND j.status IN ('queued', 'running') AND j.run_at <= 5 ORDER BY j.run_at, j.seq LIMIT 4",
      "SELECT min(run_at) FROM job WHERE status = 'queued' AND run_at > 5",
    ]) {
      expect(queryPlan(db, sql)).not.toMatch(/TEMP B-TREE|SCAN job(?! USING)/);
    }
  });
});

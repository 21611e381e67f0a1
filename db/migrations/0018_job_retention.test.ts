import { describe, expect, it } from 'vitest';
import { atVersion, queryPlan } from './testing';

describe('0018_job_retention', () => {
  it('lets the attempts of a finished job go, keeps those of an unfinished one append-only, and finds old jobs by index', () => {
    const db = atVersion(18);
    const at = '2026-01-01T00:00:00.000Z';
    for (const [id, status] of [['open', 'queued'], ['closed', 'done']] as const) {
      db.prepare(`INSERT INTO job (id, kind, subject, payload, status, run_at, created_at, updated_at, finished_at) VALUES (?, 'k', ?, '{}', ?, 0, ?, ?, ?)`).run(
        id, `s:${id}`, status, at, at, status === 'done' ? at : null,
      );
      db.prepare(`INSERT INTO job_attempt (job_id, attempt, started_at, ended_at, outcome) VALUES (?, 1, ?, ?, 'retry')`).run(id, at, at);
    }
    expect(() => db.prepare("DELETE FROM job_attempt WHERE job_id = 'open'").run()).toThrow(/append-only/);
    expect(db.prepare("DELETE FROM job_attempt WHERE job_id = 'closed'").run().changes).toBe(1);
    expect(queryPlan(db, "SELECT id FROM job WHERE status IN ('done', 'failed', 'dead') AND finished_at < '' ORDER BY finished_at LIMIT 200")).toContain(
      'job_finished_by_time',
    );
  });
});

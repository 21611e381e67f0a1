import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { appendJobAttempt, insertJob } from '../../db/queries/jobs';
import { openDatabase } from '../../db/open';
import { startJobRetention } from './retention';

const NOW = Date.parse('2026-12-04T10:00:00Z');
const DAY = 86_400_000;
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function db() {
  const dir = mkdtempSync(join(tmpdir(), 'pos-retention-'));
  dirs.push(dir);
  return openDatabase(join(dir, 'pos.sqlite'));
}

/** A job of `status` that finished (or was queued, when open) `daysAgo` days before NOW, with two attempts. */
function job(d: ReturnType<typeof db>, id: string, status: 'queued' | 'done' | 'failed' | 'dead', daysAgo: number) {
  const at = new Date(NOW - daysAgo * DAY).toISOString();
  insertJob(d, { id, kind: 'payment.query', subject: `payment:${id}`, payload: {}, runAt: NOW, deadlineAt: null, at });
  for (const attempt of [1, 2]) appendJobAttempt(d, { job_id: id, attempt, started_at: at, ended_at: at, outcome: 'retry', error: 'timeout' });
  if (status !== 'queued') d.prepare('UPDATE job SET status = ?, finished_at = ?, updated_at = ? WHERE id = ?').run(status, at, at, id);
}

describe('job retention', () => {
  it('removes the jobs finished more than 90 days ago with their attempts, in batches, and keeps recent and open ones', async () => {
    const d = db();
    d.transaction(() => {
      for (let i = 0; i < 450; i++) job(d, `old-${i}`, i % 3 === 0 ? 'dead' : 'done', 91 + (i % 30));
      job(d, 'recent', 'done', 89);
      job(d, 'failed-recent', 'failed', 10);
      job(d, 'open-old', 'queued', 400);
    })();
    const retention = startJobRetention({ db: d, clock: { now: () => new Date(NOW) }, log: pino({ level: 'silent' }), batch: 100 });
    expect(await retention.prune()).toBe(450);
    retention.stop();
    expect(d.prepare('SELECT id FROM job ORDER BY id').pluck().all()).toEqual(['failed-recent', 'open-old', 'recent']);
    expect(d.prepare('SELECT count(*) FROM job_attempt').pluck().get()).toBe(6);
    expect(d.pragma('foreign_key_check')).toEqual([]);
    d.close();
  });

  it('still refuses to delete the attempts of an unfinished job', () => {
    const d = db();
    job(d, 'open', 'queued', 1);
    expect(() => d.prepare("DELETE FROM job_attempt WHERE job_id = 'open'").run()).toThrow(/append-only/);
    expect(() => d.prepare("UPDATE job_attempt SET error = 'x' WHERE job_id = 'open'").run()).toThrow(/append-only/);
    d.close();
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';

/** The baseline every durable figure is divided by: one-row autocommits in WAL with synchronous=FULL. */
export function rawDurableCommits(count = 3000, synchronous: 'FULL' | 'NORMAL' = 'FULL') {
  const dir = mkdtempSync(join(tmpdir(), 'pos-bench-'));
  const db = new Sqlite(join(dir, 'raw.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL) STRICT');
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  for (let i = 0; i < 100; i++) insert.run('warm-up');
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) insert.run(`row ${i}`);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return { commitsPerSecond: Math.round(count / seconds), microsecondsEach: Number(((seconds / count) * 1e6).toFixed(1)), count };
}

/**
 * The WAL stays bounded: a PASSIVE checkpoint copies the WAL's pages into the database but never shrinks the file,
 * so after a burst of writes the WAL kept its size (4.1 MB on a 4 MiB disk in the December review) and held the
 * room a sale needs. The SQL worker truncates it once it passes its bound. Real SQLite file, the built worker.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPos, type TestPos } from '../helpers/pos';

describe('the WAL after a burst of writes', () => {
  let t: TestPos;
  beforeAll(async () => {
    t = await startTestPos({ storage: { walBoundMegabytes: 4 } });
  });
  afterAll(() => t?.close());

  it('is truncated by the SQL worker once it passes its bound', async () => {
    const walPath = join(t.dataDir, 'pos.sqlite-wal');
    const db = new Sqlite(join(t.dataDir, 'pos.sqlite'));
    try {
      db.pragma('busy_timeout = 5000');
      // 8 MB in one transaction (a big import's worth): the WAL file grows past it.
      db.exec('CREATE TABLE wal_burst (blob BLOB NOT NULL)');
      const insert = db.prepare('INSERT INTO wal_burst (blob) VALUES (randomblob(65536))');
      db.transaction(() => {
        for (let i = 0; i < 128; i++) insert.run();
      })();
      db.exec('DELETE FROM wal_burst');
    } finally {
      db.close();
    }
    expect(statSync(walPath).size).toBeGreaterThan(8 * 1024 * 1024);
    // The worker checks every 5 s.
    const until = Date.now() + 20_000;
    while (statSync(walPath).size > 4 * 1024 * 1024) {
      if (Date.now() > until) throw new Error(`the WAL is still ${statSync(walPath).size} bytes`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }, 30_000);
});

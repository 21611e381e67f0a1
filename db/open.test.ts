import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './open';

/** The core's connection and a second one writing beside it (as the SQL worker's import does). */
function twoConnections(immediateTransactions: boolean) {
  const path = join(mkdtempSync(join(tmpdir(), 'pos-open-')), 'pos.sqlite');
  const core = openDatabase(path, { immediateTransactions, migrations: [] });
  core.exec('CREATE TABLE item (n INTEGER)');
  const other = new Sqlite(path);
  other.pragma('busy_timeout = 0');
  return { core, other };
}

describe("the core's transactions beside a second writer", () => {
  it('a deferred transaction that reads, then writes after the other connection committed, fails at once (SQLITE_BUSY_SNAPSHOT)', () => {
    const { core, other } = twoConnections(false);
    const readThenWrite = core.transaction(() => {
      core.prepare('SELECT count(*) FROM item').get();
      other.prepare('INSERT INTO item VALUES (1)').run();
      core.prepare('INSERT INTO item VALUES (2)').run();
    });
    expect(readThenWrite).toThrow(expect.objectContaining({ code: 'SQLITE_BUSY_SNAPSHOT' }));
  });

  it('begun IMMEDIATE, it holds the write lock from the start: the other connection waits instead', () => {
    const { core, other } = twoConnections(true);
    const outcome: string[] = [];
    core.transaction(() => {
      core.prepare('SELECT count(*) FROM item').get();
      try {
        other.prepare('INSERT INTO item VALUES (1)').run();
      } catch (error) {
        outcome.push((error as { code: string }).code);
      }
      core.prepare('INSERT INTO item VALUES (2)').run();
    })();
    expect(outcome).toEqual(['SQLITE_BUSY']);
    expect(core.prepare('SELECT n FROM item').pluck().all()).toEqual([2]);
    // Read-only work may still ask for a deferred transaction.
    expect(core.transaction(() => core.prepare('SELECT count(*) AS c FROM item').get()).deferred()).toEqual({ c: 1 });
  });
});

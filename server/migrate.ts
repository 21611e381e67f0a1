import type pg from 'pg';
import type { Migration } from './migrations';

export class DatabaseFromNewerVersionError extends Error {
  constructor(readonly found: number, readonly known: number) {
    super(`The database is at schema version ${found}, newer than this server knows (${known}): refusing to touch it; run a newer server.`);
  }
}

/** Serialises servers migrating the same database at once (any 64-bit number, the same in every server). */
const MIGRATION_LOCK = 0x6a69657a68616e67n;

/**
 * Applies pending migrations, each in its own transaction with its row in schema_version (the one table not
 * distributed by store: on Citus, a reference table). A database from a newer version is refused untouched.
 */
export async function migrate(client: pg.ClientBase, list: readonly Migration[]): Promise<number[]> {
  await client.query('CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
  const applied: number[] = [];
  for (;;) {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK.toString()]);
      const { rows } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_version');
      const current = rows[0]?.version ?? 0;
      if (current > list.length) throw new DatabaseFromNewerVersionError(current, list.length);
      const next = list[current];
      if (!next) {
        await client.query('COMMIT');
        return applied;
      }
      await client.query(next.sql);
      await client.query('INSERT INTO schema_version (version, name) VALUES ($1, $2)', [next.version, next.name]);
      await client.query('COMMIT');
      applied.push(next.version);
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  }
}

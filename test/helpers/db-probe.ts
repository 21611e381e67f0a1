/**
 * What the SIGKILL tests read between a host's death and its restart: a terminal's or a ledger's SQLite file, each
 * query on a connection of its own (the host may be gone mid-write), and a wait until a probe finds something.
 */
import Sqlite from 'better-sqlite3';

export function readDb<T>(path: string, sql: string, ...params: unknown[]): T[] {
  const db = new Sqlite(path, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/** The probe's first value other than undefined; throws after `timeoutMs`. */
export async function waitFor<T>(probe: () => T | undefined, what: string, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

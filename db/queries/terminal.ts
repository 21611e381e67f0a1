import type { Database } from 'better-sqlite3';
import { stmt } from '../statements';

export interface TerminalRow {
  terminal_id: string;
  created_at: string;
}

/** Creates the terminal's identity on first start; later starts keep the one already there. */
export function ensureTerminal(db: Database, terminalId: string, now: string): TerminalRow {
  stmt(db, 'INSERT INTO terminal (singleton, terminal_id, created_at) VALUES (1, ?, ?) ON CONFLICT DO NOTHING').run(
    terminalId,
    now,
  );
  return readTerminal(db);
}

export function readTerminal(db: Database): TerminalRow {
  const row = stmt(db, 'SELECT terminal_id, created_at FROM terminal WHERE singleton = 1').get() as TerminalRow | undefined;
  if (!row) throw new Error('terminal row missing: ensureTerminal was not called');
  return row;
}

export function recordStart(db: Database, startedAt: string, appVersion: string): void {
  stmt(db, 'INSERT INTO terminal_start (started_at, app_version) VALUES (?, ?)').run(startedAt, appVersion);
}

export function startSummary(db: Database): { count: number; last: string | null } {
  const row = stmt(db, 'SELECT count(*) AS count, max(started_at) AS last FROM terminal_start').get() as {
    count: number;
    last: string | null;
  };
  return row;
}

import type { Database } from 'better-sqlite3';
import { stmt } from '../statements';

/** This terminal's enrolment at the acquirer (one row): its number and its sealed key, and the key's rotation. */
export interface AcquirerTerminalRow {
  /** Which acquirer the enrolment belongs to (its address, or a fixed name for the embedded sandbox). */
  base_url: string;
  terminal_sn: string;
  sealed_key: string;
  /** The acquirer's (Beijing) day the key was fetched on: it expires when that day ends. */
  key_date: string;
  activated_at: string;
  /** When the key was last fetched (activation or checkin). */
  checked_in_at: string | null;
}

export function readAcquirerTerminal(db: Database): AcquirerTerminalRow | undefined {
  return stmt(db, 'SELECT base_url, terminal_sn, sealed_key, key_date, activated_at, checked_in_at FROM acquirer_terminal WHERE singleton = 1').get() as AcquirerTerminalRow | undefined;
}

/** A new enrolment (activation) replaces whatever enrolment there was. */
export function writeEnrolment(db: Database, row: { base_url: string; terminal_sn: string; sealed_key: string; key_date: string; at: string }): void {
  stmt(
    db,
    `INSERT INTO acquirer_terminal (singleton, base_url, terminal_sn, sealed_key, key_date, activated_at, checked_in_at) VALUES (1, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (singleton) DO UPDATE SET base_url = excluded.base_url, terminal_sn = excluded.terminal_sn, sealed_key = excluded.sealed_key,
       key_date = excluded.key_date, activated_at = excluded.activated_at, checked_in_at = excluded.checked_in_at`,
  ).run(row.base_url, row.terminal_sn, row.sealed_key, row.key_date, row.at, row.at);
}

/** A checkin's new key, for the enrolment it was made with (a re-enrolment meanwhile wins). */
export function writeRotatedKey(db: Database, row: { terminal_sn: string; sealed_key: string; key_date: string; at: string }): boolean {
  return (
    stmt(db, 'UPDATE acquirer_terminal SET sealed_key = ?, key_date = ?, checked_in_at = ? WHERE singleton = 1 AND terminal_sn = ?').run(row.sealed_key, row.key_date, row.at, row.terminal_sn)
      .changes === 1
  );
}

/** The till's link to its store server (the one sync_link row) and the counts the status shows. */
import type { Database } from 'better-sqlite3';
import { stmt } from '../../db/statements';

export interface SyncLinkRow {
  server_url: string;
  cert_pem: string;
  fingerprint: string;
  trust: 'pin' | 'ca';
  store_id: string;
  store_name: string;
  terminal_id: string;
  sealed_credential: string;
  enrolled_at: string;
  stream_id: string;
  stream_base: number;
  pulled_version: number;
  last_contact_at: string | null;
  last_upload_at: string | null;
  last_pull_at: string | null;
  last_error: string | null;
  alert: string | null;
  /** The store server's public URL for e-receipts, from its pull (0030); null: server_url. */
  e_receipt_base_url: string | null;
}

export function readLink(db: Database): SyncLinkRow | null {
  return (stmt(db, 'SELECT * FROM sync_link WHERE singleton = 1').get() as SyncLinkRow | undefined) ?? null;
}

export function writeLink(db: Database, link: Omit<SyncLinkRow, 'last_contact_at' | 'last_upload_at' | 'last_pull_at' | 'last_error' | 'alert' | 'e_receipt_base_url'>): void {
  stmt(
    db,
    `INSERT INTO sync_link (singleton, server_url, cert_pem, fingerprint, trust, store_id, store_name, terminal_id, sealed_credential, enrolled_at, stream_id, stream_base, pulled_version)
     VALUES (1, @server_url, @cert_pem, @fingerprint, @trust, @store_id, @store_name, @terminal_id, @sealed_credential, @enrolled_at, @stream_id, @stream_base, @pulled_version)`,
  ).run(link);
}

/** Where this till's e-receipts open: the server's public URL, else its own address; null when the till has no server. */
export function eReceiptBaseOf(db: Database): string | null {
  const link = readLink(db);
  return link ? (link.e_receipt_base_url ?? link.server_url) : null;
}

export function deleteLink(db: Database): void {
  stmt(db, 'DELETE FROM sync_link').run();
}

export function noteContact(db: Database, fields: { at: string; upload?: boolean; pull?: boolean; error: string | null }): void {
  stmt(
    db,
    `UPDATE sync_link SET last_contact_at = CASE WHEN @contacted THEN @at ELSE last_contact_at END,
       last_upload_at = CASE WHEN @upload THEN @at ELSE last_upload_at END,
       last_pull_at = CASE WHEN @pull THEN @at ELSE last_pull_at END, last_error = @error`,
  ).run({ at: fields.at, contacted: fields.error === null ? 1 : 0, upload: fields.upload ? 1 : 0, pull: fields.pull ? 1 : 0, error: fields.error });
}

export function setAlert(db: Database, alert: string | null): void {
  stmt(db, 'UPDATE sync_link SET alert = ?').run(alert);
}

export function startStream(db: Database, streamId: string, base: number): void {
  stmt(db, 'UPDATE sync_link SET stream_id = ?, stream_base = ?').run(streamId, base);
}

export function setPulledVersion(db: Database, version: number): void {
  stmt(db, 'UPDATE sync_link SET pulled_version = ?').run(version);
}

/** Marks acknowledged every fact up to `throughSeq` (local numbering). */
export function ackThrough(db: Database, throughSeq: number): number {
  return stmt(db, 'UPDATE sync_fact SET acked = 1 WHERE acked = 0 AND seq <= ?').run(throughSeq).changes;
}

/** Reopens every fact after `seq` (local numbering) the server turned out not to hold. */
export function unackAfter(db: Database, seq: number): number {
  return stmt(db, 'UPDATE sync_fact SET acked = 0 WHERE acked = 1 AND seq > ?').run(seq).changes;
}

/**
 * Facts waiting and acknowledged. Not a scan of sync_fact (1.7 million rows on a big till, on the core's loop at
 * every status): seqs run 1..max without a hole once the history is numbered, so acknowledged = max − waiting −
 * the history still to number; waiting counts the partial index of unacknowledged facts.
 */
export function factCounts(db: Database): { waiting: number; acked: number; lastSeq: number; oldestWaitingAt: string | null } {
  const row = stmt(
    db,
    `SELECT (SELECT count(*) FROM sync_fact WHERE acked = 0) AS waiting, (SELECT coalesce(max(seq), 0) FROM sync_fact) AS lastSeq,
       (SELECT coalesce(sum(total - done), 0) FROM sync_backfill) AS unnumbered,
       (SELECT recorded_at FROM sync_fact WHERE acked = 0 ORDER BY seq LIMIT 1) AS oldestWaitingAt`,
  ).get() as { waiting: number; lastSeq: number; unnumbered: number; oldestWaitingAt: string | null };
  return { waiting: row.waiting, acked: Math.max(0, row.lastSeq - row.waiting - row.unnumbered), lastSeq: row.lastSeq, oldestWaitingAt: row.oldestWaitingAt };
}

export const highestSeq = (db: Database): number => stmt(db, 'SELECT coalesce(max(seq), 0) FROM sync_fact').pluck().get() as number;

/**
 * Where a new stream starts: just below the first fact still waiting (or after the last fact when none waits). While
 * the history is being numbered (0023), its first unnumbered fact is waiting too.
 */
export function streamBaseNow(db: Database): number {
  const unnumbered = stmt(db, 'SELECT base + done + 1 FROM sync_backfill WHERE done < total').pluck().get() as number | undefined;
  const waiting = stmt(db, 'SELECT min(seq) FROM sync_fact WHERE acked = 0').pluck().get() as number | null;
  const first = unnumbered === undefined ? waiting : waiting === null ? unnumbered : Math.min(unnumbered, waiting);
  if (first !== null) return first - 1;
  return (stmt(db, 'SELECT coalesce(max(seq), 0) FROM sync_fact').pluck().get() as number) ?? 0;
}

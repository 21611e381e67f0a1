/**
 * The append-only audit log with a hash chain: every row's hash covers its content and the previous row's
 * hash, so a row edited or deleted by hand is found by `verify()` (the first row whose chain breaks).
 * `record` joins the caller's transaction when there is one, so an audited change and its audit row land
 * together or not at all.
 */
import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { Caller } from '../../src-common/roles';
import { insertAuditRow, iterateAuditRows, lastAuditRow, listAuditRows, type AuditRow } from '../../db/queries/audit';
import type { Clock } from '../clock';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEntry {
  /** Who: a signed-in caller, or null for the terminal itself (recovery jobs, start-up). */
  readonly actor: Caller | null;
  /** What, as `area.verb` (e.g. `settings.update`, `drawer.noSale`). */
  readonly action: string;
  /** The thing it was done to (a user id, a device id, a date). */
  readonly subject?: string | null;
  /** What changed. Never a PIN, key or payment code: callers pass masked values. */
  readonly details?: Record<string, unknown>;
}

export interface AuditView {
  seq: number;
  at: string;
  actorId: string | null;
  actorRole: string | null;
  action: string;
  subject: string | null;
  details: Record<string, unknown>;
}

export type AuditVerification =
  | { ok: true; rows: number; lastHash: string }
  | { ok: false; rows: number; firstBadSeq: number; reason: 'hash_mismatch' | 'chain_broken' | 'missing_rows' };

export interface AuditService {
  record(entry: AuditEntry): AuditView;
  list(filter?: { action?: string; beforeSeq?: number; limit?: number }): AuditView[];
  verify(): AuditVerification;
}

export function auditHash(prevHash: string, row: Omit<AuditRow, 'hash' | 'prev_hash'>): string {
  const content = JSON.stringify([row.seq, row.at, row.actor_id, row.actor_role, row.action, row.subject, row.details]);
  return createHash('sha256').update(prevHash).update('\n').update(content).digest('hex');
}

const view = (r: AuditRow): AuditView => ({
  seq: r.seq,
  at: r.at,
  actorId: r.actor_id,
  actorRole: r.actor_role,
  action: r.action,
  subject: r.subject,
  details: JSON.parse(r.details) as Record<string, unknown>,
});

export function createAuditService(deps: { db: Database; clock: Clock }): AuditService {
  const { db, clock } = deps;

  const append = db.transaction((entry: AuditEntry): AuditRow => {
    const last = lastAuditRow(db);
    const prevHash = last?.hash ?? GENESIS_HASH;
    const content = {
      seq: (last?.seq ?? 0) + 1,
      at: clock.now().toISOString(),
      actor_id: entry.actor?.userId ?? null,
      actor_role: entry.actor?.role ?? null,
      action: entry.action,
      subject: entry.subject ?? null,
      details: JSON.stringify(entry.details ?? {}),
    };
    const row: AuditRow = { ...content, prev_hash: prevHash, hash: auditHash(prevHash, content) };
    insertAuditRow(db, row);
    return row;
  });

  return {
    record: (entry) => view(append(entry)),
    list: (filter = {}) => listAuditRows(db, { ...filter, limit: filter.limit ?? 200 }).map(view),
    verify: () => verifyAuditChain(db),
  };
}

/**
 * Walks the whole chain (every audit row, oldest first): long on a till that has run for years, so the core asks
 * the SQL worker to run it (`audit.verify` in src-main/worker/operations.ts).
 */
export function verifyAuditChain(db: Database): AuditVerification {
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let rows = 0;
  for (const row of iterateAuditRows(db)) {
    rows += 1;
    if (row.seq !== expectedSeq) return { ok: false, rows, firstBadSeq: expectedSeq, reason: 'missing_rows' };
    if (row.prev_hash !== prevHash) return { ok: false, rows, firstBadSeq: row.seq, reason: 'chain_broken' };
    if (auditHash(prevHash, row) !== row.hash) return { ok: false, rows, firstBadSeq: row.seq, reason: 'hash_mismatch' };
    prevHash = row.hash;
    expectedSeq += 1;
  }
  return { ok: true, rows, lastHash: prevHash };
}

/**
 * Members made at this till before migration 0030 have no `member` fact (the kind did not exist when they were made):
 * they get one at the start, in the order they were made. Idempotent (one fact per member); a handful of rows.
 */
import type { Database } from 'better-sqlite3';
import { stmt } from '../../db/statements';

export function numberEarlierMembers(db: Database): number {
  return stmt(
    db,
    `INSERT OR IGNORE INTO sync_fact (kind, ref_id, recorded_at)
     SELECT 'member', m.id, m.created_at FROM member m
      WHERE m.origin = 'till' AND NOT EXISTS (SELECT 1 FROM sync_fact f WHERE f.kind = 'member' AND f.ref_id = m.id AND f.variant = '')
      ORDER BY m.created_at, m.id`,
  ).run().changes;
}

/**
 * What each till has applied of its store's data, so the back office can say which tills have a change: a till
 * pulls `since` the version it has applied whole, so that is what its pull tells the server.
 */
import { z } from 'zod';
import type { Db } from '../database';
import type { TerminalIdentity } from './terminals';

const Since = z.object({ since: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER) });

/** Records the `since` of a till's pull (a malformed one is left to pull() to refuse). */
export async function recordPulledVersion(db: Db, who: TerminalIdentity, query: unknown): Promise<void> {
  const parsed = Since.safeParse(query);
  if (!parsed.success) return;
  // A restored till may go back: the value is what it has now, not the highest it ever had.
  // Written when the version moved, or a minute after the last write (pulled_at says the till still pulls): a till
  // pulling every few seconds with nothing new does not write a row each time.
  await db.query(
    `UPDATE terminal SET pulled_version = $3, pulled_at = now()
      WHERE store_id = $1 AND terminal_id = $2 AND (pulled_version IS DISTINCT FROM $3 OR pulled_at IS NULL OR pulled_at < now() - interval '60 seconds')`,
    [who.storeId, who.terminalId, parsed.data.since],
  );
}

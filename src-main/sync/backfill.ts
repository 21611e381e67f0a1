/**
 * Numbers the facts a till wrote before store sync existed (migration 0023 counted them and reserved their seqs
 * below every newer fact). Runs in the SQL worker: one read of the history in its order on a connection of its
 * own (the sort of ~1.7 million rows takes seconds, off the core's loop), and short write transactions on the
 * worker's gated connection, a batch each, so a sale never waits more than one batch.
 */
import type { Database } from 'better-sqlite3';
import { stmt } from '../../db/statements';

export interface HistoryNumbering {
  base: number;
  total: number;
  done: number;
  finishedAt: string | null;
}

export function historyNumbering(db: Database): HistoryNumbering {
  const row = stmt(db, 'SELECT base, total, done, finished_at AS finishedAt FROM sync_backfill WHERE singleton = 1').get() as HistoryNumbering | undefined;
  return row ?? { base: 0, total: 0, done: 0, finishedAt: null };
}

export const historyPending = (db: Database): boolean => {
  const n = historyNumbering(db);
  return n.done < n.total;
};

export class HistoryCountMismatch extends Error {}

export interface NumberHistoryOptions {
  /** A connection of its own to the same file, for the one long read (better-sqlite3 runs one statement at a time). */
  reader: Database;
  now: () => string;
  batchRows?: number;
  /** Between batches: a turn for the loop (cancellation), a pause so the core's writes go first. */
  between?: (done: number, total: number) => Promise<void>;
}

export const HISTORY_BATCH_ROWS = 1_000;

/** Numbers what is left of the history; returns how many it numbered in this run. Resumes where a stopped run left off. */
export async function numberHistory(db: Database, options: NumberHistoryOptions): Promise<number> {
  const start = historyNumbering(db);
  if (start.done >= start.total) return 0;
  const batchRows = options.batchRows ?? HISTORY_BATCH_ROWS;
  const insert = stmt(db, 'INSERT INTO sync_fact (seq, kind, ref_id, variant, recorded_at) VALUES (?, ?, ?, ?, ?)');
  const advance = stmt(db, 'UPDATE sync_backfill SET done = ?, finished_at = CASE WHEN ? = total THEN ? END');
  const write = db.transaction((rows: unknown[][]) => {
    const { base, total, done } = historyNumbering(db);
    if (done + rows.length > total) throw new HistoryCountMismatch(`the history holds more facts than the ${total} counted at the upgrade`);
    rows.forEach((r, i) => insert.run(base + done + i + 1, r[0], r[1], r[2], r[3]));
    advance.run(done + rows.length, done + rows.length, options.now());
    return done + rows.length;
  });
  // The rows numbered by an earlier run have their facts now: the view leaves them out, and what is left keeps its order.
  const history = options.reader.prepare('SELECT kind, ref_id, variant, recorded_at FROM sync_history ORDER BY recorded_at, tiebreak, ref_id').raw();
  let numbered = 0;
  let batch: unknown[][] = [];
  const flush = async () => {
    const done = write(batch);
    numbered += batch.length;
    batch = [];
    await options.between?.(done, start.total);
  };
  for (const row of history.iterate() as IterableIterator<unknown[]>) {
    batch.push(row);
    if (batch.length >= batchRows) await flush();
  }
  if (batch.length) await flush();
  const end = historyNumbering(db);
  if (end.done < end.total) throw new HistoryCountMismatch(`the history holds ${end.done} facts, ${end.total} were counted at the upgrade`);
  return numbered;
}

/**
 * The one-time step of migration 0013: recompute the stored business dates (sales, refunds) written by the
 * old rule (the machine's midnight) as the services now write them (src-main/services/business-date.ts,
 * openBusinessDate): the rule's date of the moment, or the day after the last Z taken before it when that
 * Z already closed the rule's date (a Z taken before the turn): a fact after a Z belongs to the next Z's
 * date, never back into a closed day.
 *
 * It runs beside the terminal's work, not before it, in the SQL worker (operation 'businessDates.recompute'):
 * set-based SQL in short transactions, each sized to about `batchMs` of writing (the core waits for the write
 * lock while one runs: a fixed 500 sales took 10–60 ms when most of them moved, 1 ms when none did), with a
 * turn of the worker's loop and a pause between them. The rule's days become a small table of turn instants made once in TypeScript (SQLite knows no
 * time zones), so no JavaScript runs per row. Only facts closed up to the moment it starts are touched:
 * the ones closed meanwhile are dated by openBusinessDate already. The day tender totals (read by the
 * wallet-mix chart) move with their sales in the same transactions. The `one_time_step` row is marked
 * done at the end, so a crash or a close leaves it due and the next start redoes it (it is idempotent:
 * it reads only the stored instants and the Z reports, which it never changes).
 */
import type { Database } from 'better-sqlite3';
import { addDays, businessDateOf, businessDayStart, parseDate, type BusinessDayRule } from '../src-common/business-day';

export const RECOMPUTE_BUSINESS_DATES = 'recompute_business_dates';

export interface RecomputeResult {
  sales: number;
  refunds: number;
}

export interface RecomputeOptions {
  /** Rows of sale or refund (by rowid) in the first transaction. */
  batchRows?: number;
  /** When given, each next transaction's rows are halved or doubled to take about this long (ms). */
  batchMs?: number;
  /** Told after each batch: rows of sales and refunds done, and of the whole. */
  progress?: (done: number, total: number) => void;
  /** Awaited between transactions: lets the terminal serve scans, timers and calls. */
  betweenBatches?: () => Promise<void>;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The rule's business date of an instant column: the last turn at or before it. */
const ruleDate = (instant: string) => `(SELECT date FROM temp.business_day_turn WHERE start_at <= ${instant} ORDER BY start_at DESC LIMIT 1)`;
/** The day after the last Z of the terminal taken before the instant ('' when none). */
const afterLastZ = (terminal: string, instant: string) =>
  `coalesce((SELECT date(z.business_date, '+1 day') FROM z_report z WHERE z.terminal_id = ${terminal} AND z.to_at < ${instant} ORDER BY z.to_at DESC LIMIT 1), '')`;
const dateOfFact = (terminal: string, instant: string) => `max(${ruleDate(instant)}, ${afterLastZ(terminal, instant)})`;

/** Whether the step is still to run (the core asks before it hands the step to the SQL worker). */
export function businessDatesDue(db: Database): boolean {
  const hasStepTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'one_time_step'").get() !== undefined;
  return hasStepTable && db.prepare('SELECT 1 FROM one_time_step WHERE name = ? AND done_at IS NULL').get(RECOMPUTE_BUSINESS_DATES) !== undefined;
}

/** Runs the step when it is due; null when it already ran (or the database predates migration 0013), or the database was closed meanwhile. */
export async function recomputeBusinessDatesOnce(db: Database, rule: BusinessDayRule, at: Date, options: RecomputeOptions = {}): Promise<RecomputeResult | null> {
  if (!businessDatesDue(db)) return null;
  const betweenBatches = options.betweenBatches ?? nextTurn;
  const size = batchSizer(options.batchRows ?? 500, options.batchMs);
  const cutoff = at.toISOString();
  try {
    if (!(await makeTurnTable(db, rule, cutoff, betweenBatches))) return null;
    const result: RecomputeResult = { sales: 0, refunds: 0 };
    const moveSales = salesMover(db, cutoff);
    const lastSale = (db.prepare('SELECT coalesce(max(rowid), 0) FROM sale').pluck().get() as number) ?? 0;
    const lastRefund = (db.prepare('SELECT coalesce(max(rowid), 0) FROM refund').pluck().get() as number) ?? 0;
    for (let low = 0; low < lastSale; ) {
      if (!db.open) return null;
      const high = low + size.rows();
      result.sales += size.timed(() => moveSales(low, high));
      low = high;
      options.progress?.(Math.min(low, lastSale), lastSale + lastRefund);
      await betweenBatches();
    }
    const moveRefunds = db.prepare(
      `UPDATE refund SET business_date = d.new_date
         FROM (SELECT r.id, ${dateOfFact('s.terminal_id', 'r.finished_at')} AS new_date
                 FROM refund r JOIN sale s ON s.id = r.sale_id
                WHERE r.rowid > ? AND r.rowid <= ? AND r.status = 'refunded' AND r.finished_at IS NOT NULL AND r.finished_at <= ?) AS d
        WHERE refund.id = d.id AND refund.business_date IS NOT d.new_date`,
    );
    for (let low = 0; low < lastRefund; ) {
      if (!db.open) return null;
      const high = low + size.rows();
      result.refunds += size.timed(() => moveRefunds.run(low, high, cutoff).changes);
      low = high;
      options.progress?.(lastSale + Math.min(low, lastRefund), lastSale + lastRefund);
      await betweenBatches();
    }
    if (!db.open) return null;
    return db
      .transaction(() => {
        db.prepare('UPDATE one_time_step SET done_at = ? WHERE name = ? AND done_at IS NULL').run(cutoff, RECOMPUTE_BUSINESS_DATES);
        return result;
      })
      .immediate();
  } finally {
    if (db.open) db.exec('DROP TABLE IF EXISTS temp.business_day_turn; DROP TABLE IF EXISTS temp.business_date_move;');
  }
}

/** Rows per batch: fixed, or halved after a batch longer than `batchMs` and doubled after one under a third of it. */
function batchSizer(initial: number, batchMs: number | undefined) {
  const MIN_ROWS = 16;
  const MAX_ROWS = 4_000;
  let rows = initial;
  return {
    rows: () => rows,
    timed<T>(batch: () => T): T {
      const started = performance.now();
      const result = batch();
      if (batchMs !== undefined) {
        const took = performance.now() - started;
        if (took > batchMs) rows = Math.max(MIN_ROWS, rows >> 1);
        else if (took < batchMs / 3) rows = Math.min(MAX_ROWS, rows * 2);
      }
      return result;
    },
  };
}

/**
 * temp.business_day_turn: each business date a fact up to the cutoff can have, with the instant it starts
 * under the rule. The span is read from the old stored dates by index (min/max, no scan of the sales): a
 * fact's new date is within a day of its old one (another zone's midnight), and never after the cutoff's
 * date or the day after the last Z. False when the database was closed meanwhile.
 */
async function makeTurnTable(db: Database, rule: BusinessDayRule, cutoff: string, betweenBatches: () => Promise<void>): Promise<boolean> {
  db.exec('DROP TABLE IF EXISTS temp.business_day_turn; CREATE TEMP TABLE business_day_turn (start_at TEXT PRIMARY KEY, date TEXT NOT NULL) WITHOUT ROWID');
  const oldest = [
    db.prepare('SELECT min(business_date) FROM sale').pluck().get() as string | null,
    db.prepare('SELECT min(business_date) FROM refund').pluck().get() as string | null,
  ].filter((d): d is string => d !== null && parseDate(d) !== null);
  if (oldest.length === 0) return true;
  const lastZ = db.prepare('SELECT max(business_date) FROM z_report').pluck().get() as string | null;
  const newest = [businessDateOf(new Date(cutoff), rule), ...(lastZ ? [addDays(lastZ, 1)] : [])].sort().at(-1)!;
  const last = addDays(newest, 2);
  let date = addDays(oldest.sort()[0]!, -3);
  const insert = db.prepare('INSERT INTO temp.business_day_turn (start_at, date) VALUES (?, ?)');
  while (date <= last) {
    db.transaction(() => {
      for (let i = 0; i < 10 && date <= last; i++, date = addDays(date, 1)) insert.run(businessDayStart(date, rule).toISOString(), date);
    })();
    await betweenBatches();
    if (!db.open) return false;
  }
  return true;
}

/** Re-dates the closed sales of a rowid range (low, high] closed up to the cutoff, moving their day tender totals with them; the count moved. */
function salesMover(db: Database, cutoff: string): (low: number, high: number) => number {
  db.exec('DROP TABLE IF EXISTS temp.business_date_move; CREATE TEMP TABLE business_date_move (sale_id TEXT PRIMARY KEY, old_date TEXT, new_date TEXT NOT NULL, completed INTEGER NOT NULL)');
  const clear = db.prepare('DELETE FROM temp.business_date_move');
  const collect = db.prepare(
    `INSERT INTO temp.business_date_move (sale_id, old_date, new_date, completed)
       SELECT id, old_date, new_date, completed FROM (
         SELECT s.id, s.business_date AS old_date, ${dateOfFact('s.terminal_id', 's.closed_at')} AS new_date, s.status = 'completed' AS completed
           FROM sale s WHERE s.rowid > ? AND s.rowid <= ? AND s.status IN ('completed', 'voided') AND s.closed_at IS NOT NULL AND s.closed_at <= ?)
        WHERE old_date IS NOT new_date`,
  );
  const tendersOut = db.prepare(
    `UPDATE daily_tender_total SET count = daily_tender_total.count - d.moved_count, amount = daily_tender_total.amount - d.moved_amount
       FROM (SELECT m.old_date, t.kind, count(*) AS moved_count, sum(t.amount) AS moved_amount
               FROM temp.business_date_move m CROSS JOIN sale_tender t ON t.sale_id = m.sale_id WHERE m.completed GROUP BY m.old_date, t.kind) AS d
      WHERE daily_tender_total.business_date = d.old_date AND daily_tender_total.kind = d.kind`,
  );
  const emptied = db.prepare('DELETE FROM daily_tender_total WHERE count = 0 AND amount = 0 AND business_date IN (SELECT old_date FROM temp.business_date_move)');
  const tendersIn = db.prepare(
    `INSERT INTO daily_tender_total (business_date, kind, count, amount)
       SELECT m.new_date, t.kind, count(*), sum(t.amount) FROM temp.business_date_move m CROSS JOIN sale_tender t ON t.sale_id = m.sale_id
        WHERE m.completed GROUP BY m.new_date, t.kind
     ON CONFLICT (business_date, kind) DO UPDATE SET count = count + excluded.count, amount = amount + excluded.amount`,
  );
  // By the primary key of the few moved sales (an UPDATE … FROM would scan the whole sale table per batch).
  const redate = db.prepare(
    'UPDATE sale SET business_date = (SELECT m.new_date FROM temp.business_date_move m WHERE m.sale_id = sale.id) WHERE id IN (SELECT sale_id FROM temp.business_date_move)',
  );
  const move = db.transaction((low: number, high: number) => {
    clear.run();
    const moved = collect.run(low, high, cutoff).changes;
    if (moved === 0) return 0;
    tendersOut.run();
    emptied.run();
    tendersIn.run();
    redate.run();
    return moved;
  });
  return (low, high) => move.immediate(low, high);
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../../db/migrate';
import { migrations } from '../../db/migrations';
import { HistoryCountMismatch, historyNumbering, historyPending, numberHistory } from './backfill';
import { streamBaseNow } from './link';

const HISTORY_SALES = 600;
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const at = (minute: number) => new Date(Date.UTC(2026, 11, 1, 2, 0, 0) + minute * 60_000).toISOString();

function open(path: string) {
  const db = new Sqlite(path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  return db;
}

function completeSale(db: Sqlite.Database, id: string, minute: number, receiptNo: number) {
  db.transaction(() => {
    db.prepare("INSERT INTO sale (id, terminal_id, status, currency, opened_at, opened_by) VALUES (?, 'T', 'open', 'CNY', ?, 'U1')").run(id, at(minute));
    db.prepare("UPDATE sale SET status = 'completed', closed_at = ?, receipt_no = ?, business_date = '2026-12-01' WHERE id = ?").run(at(minute), receiptNo, id);
    db.prepare("INSERT INTO stock_movement (id, product_id, delta_milli, reason, ref, at) VALUES (?, 'P1', -1000, 'sale', ?, ?)").run(`M-${id}`, id, at(minute));
  })();
}

/** A till at schema 21 with a day of history (sales written out of time order), upgraded to the current schema. */
function upgradedTill() {
  const dir = mkdtempSync(join(tmpdir(), 'jiezhang-backfill-'));
  dirs.push(dir);
  const path = join(dir, 'pos.sqlite');
  const db = open(path);
  migrate(db, migrations.slice(0, 21));
  db.prepare("INSERT INTO user (id, name, role, pin_hash, created_at) VALUES ('U1', '店长', 'owner', 'h', ?)").run(at(0));
  db.prepare("INSERT INTO product (id, sku, name, price, tax_rate_bp, unit, pinyin_initials, created_at, updated_at) VALUES ('P1', 'S1', '水', 200, 1300, 'each', 's', ?, ?)").run(at(0), at(0));
  db.prepare("INSERT INTO shift (id, terminal_id, opened_at, opened_by, float_amount) VALUES ('SH1', 'T', ?, 'U1', 10000)").run(at(0));
  for (let i = 0; i < HISTORY_SALES; i++) completeSale(db, `H${String(i).padStart(4, '0')}`, 1 + ((i * 7) % HISTORY_SALES), i + 1);
  migrate(db, migrations);
  return { path, core: db, worker: open(path), reader: open(path) };
}

const allFacts = (db: Sqlite.Database) => db.prepare('SELECT seq, kind, ref_id, recorded_at FROM sync_fact ORDER BY seq').all() as { seq: number; kind: string; ref_id: string; recorded_at: string }[];

describe('numbering the history after an upgrade', () => {
  it('numbers every old fact once, before every fact written meanwhile, with no hole', async () => {
    const { core, worker, reader } = upgradedTill();
    const historyFacts = 1 + 2 * HISTORY_SALES;
    expect(historyNumbering(core)).toMatchObject({ base: 0, total: historyFacts, done: 0 });
    // Enrolled during the numbering: the new stream starts before the history.
    expect(streamBaseNow(core)).toBe(0);

    let newSales = 0;
    const numbered = await numberHistory(worker, {
      reader,
      now: () => at(2000),
      batchRows: 50,
      // The core sells between the worker's batches.
      between: async () => completeSale(core, `N${newSales}`, 5000 + newSales, 10_000 + newSales++),
    });

    expect(numbered).toBe(historyFacts);
    expect(historyPending(core)).toBe(false);
    const facts = allFacts(core);
    expect(newSales).toBeGreaterThan(20);
    expect(facts).toHaveLength(historyFacts + 2 * newSales);
    expect(facts.map((f) => f.seq)).toEqual(facts.map((_, i) => i + 1));
    expect(new Set(facts.map((f) => `${f.kind}:${f.ref_id}`)).size).toBe(facts.length);
    const history = facts.slice(0, historyFacts);
    expect(history.every((f) => f.ref_id === 'SH1' || f.ref_id.includes('H'))).toBe(true);
    expect(facts.slice(historyFacts).every((f) => f.ref_id.includes('N'))).toBe(true);
    // The history in the order of its time, whatever order it was written in.
    expect(history.map((f) => f.recorded_at)).toEqual([...history.map((f) => f.recorded_at)].sort());
  });

  it('goes on where a stopped run left off, and numbers nothing twice', async () => {
    const { core, worker, reader } = upgradedTill();
    let batches = 0;
    await expect(
      numberHistory(worker, {
        reader,
        now: () => at(2000),
        batchRows: 100,
        between: async () => {
          if (++batches === 3) throw new Error('the till was closed');
        },
      }),
    ).rejects.toThrow('closed');
    expect(historyNumbering(core).done).toBe(300);
    completeSale(core, 'N0', 5000, 10_000);
    expect(await numberHistory(worker, { reader, now: () => at(2000) })).toBe(1 + 2 * HISTORY_SALES - 300);
    const facts = allFacts(core);
    expect(facts.map((f) => f.seq)).toEqual(facts.map((_, i) => i + 1));
    expect(facts.slice(-2).map((f) => f.ref_id)).toEqual(['N0', 'M-N0']);
    expect(await numberHistory(worker, { reader, now: () => at(2000) })).toBe(0);
  });

  it('stops rather than leave a hole when the history is not what was counted', async () => {
    const { core, worker, reader } = upgradedTill();
    core.prepare('UPDATE sync_backfill SET total = total + 1').run();
    await expect(numberHistory(worker, { reader, now: () => at(2000) })).rejects.toThrow(HistoryCountMismatch);
    expect(historyPending(core)).toBe(true);
  });
});

/**
 * Migration 0013's one-time recompute of the stored business dates, at the first start of a terminal whose
 * database predates it (version 12, dates by the old midnight rule): the start does not wait for it, the
 * terminal answers calls while it runs, and at the end every old sale carries the rule's date and the
 * step is recorded done.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate } from '../../db/migrate';
import { migrations } from '../../db/migrations';
import { businessDateOf } from '../../src-common/business-day';
import { newSession } from '../../src-common/roles';
import { startTestPos, type TestPos } from '../helpers/pos';
import { tempDir } from '../helpers/host';

const OLD_SALES = 100_000;
const SHANGHAI = { timeZone: 'Asia/Shanghai', turnsAtHour: 4 };

describe('the business-date recompute at the first start after the upgrade', () => {
  let t: TestPos | undefined;
  afterAll(() => t?.close());

  it('runs beside the terminal: calls are answered while it is due, then every old sale has the rule’s date', async () => {
    const dataDir = tempDir('pos-recompute-');
    mkdirSync(dataDir, { recursive: true });
    const old = new Sqlite(join(dataDir, 'pos.sqlite'));
    old.pragma('journal_mode = WAL');
    migrate(old, migrations.slice(0, 12));
    // One sale a minute from 1 August 2026 (before the terminal's clock), dated as the old rule did (the calendar date in Shanghai).
    old.exec(`
      WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${OLD_SALES - 1}),
        s(i, at) AS (SELECT i, strftime('%Y-%m-%dT%H:%M:%fZ', '2026-08-01T00:00:00Z', '+' || i || ' minutes') FROM n)
      INSERT INTO sale (id, terminal_id, status, currency, opened_at, closed_at, receipt_no, business_date, subtotal, discount_total, total, rounding, tax_total, change_given)
        SELECT 'OLD' || i, 'OLD-TERMINAL', 'completed', 'CNY', at, at, i + 1, date(at, '+8 hours'), 100, 0, 100, 0, 0, 0 FROM s;
    `);
    old.close();

    t = await startTestPos({ timeZone: 'Asia/Shanghai' }, dataDir, { clock: { now: () => new Date('2026-12-01T00:00:00Z') }, openShift: false });
    const due = () => t!.query<{ done_at: string | null }>("SELECT done_at FROM one_time_step WHERE name = 'recompute_business_dates'")[0]!.done_at === null;
    let answeredWhileDue = 0;
    const deadline = Date.now() + 120_000;
    while (due()) {
      expect(Date.now()).toBeLessThan(deadline);
      const users = await t.ok(newSession(), 'auth.users', {});
      expect(users.length).toBeGreaterThan(0);
      answeredWhileDue += 1;
      // A call answered in microtasks only would starve the step's batches (they wait for the event loop's next turn).
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(answeredWhileDue).toBeGreaterThan(0);

    // Every old sale by the rule (04:00 in Shanghai), checked one in a thousand against businessDateOf.
    const sample = t.query<{ closed_at: string; business_date: string }>("SELECT closed_at, business_date FROM sale WHERE id LIKE 'OLD%' AND receipt_no % 1000 = 7");
    expect(sample.length).toBe(OLD_SALES / 1000);
    for (const s of sample) expect(s.business_date).toBe(businessDateOf(new Date(s.closed_at), SHANGHAI));
    const wrong = t.query<{ n: number }>("SELECT count(*) AS n FROM sale WHERE id LIKE 'OLD%' AND business_date <> date(closed_at, '+8 hours', '-4 hours')")[0]!.n;
    expect(wrong).toBe(0);
  }, 180_000);
});

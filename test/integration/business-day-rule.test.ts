/**
 * The one business-day rule through the whole terminal (in process, real SQLite, the dispatcher): a store
 * in Europe/Berlin across the spring-forward night, then the technician changing the turn hour. The
 * terminal's clock is moved by the test; the machine's own zone plays no part.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../src-common/roles';
import { startTestPos, type TestPos } from '../helpers/pos';

describe('the business day of a store in Europe/Berlin, across daylight saving and a change of the turn hour', () => {
  let t: TestPos;
  let now = new Date('2026-03-28T20:00:00Z');
  let cashier: Session;
  let owner: Session;
  let technician: Session;
  let productId: string;

  beforeAll(async () => {
    t = await startTestPos({ timeZone: 'Europe/Berlin' }, undefined, { clock: { now: () => now } });
    cashier = await t.signedIn('cashier');
    owner = await t.signedIn('owner');
    technician = await t.signedIn('technician');
    productId = t.query<{ id: string }>("SELECT id FROM product WHERE unit = 'each' AND active = 1 AND price > 0 ORDER BY sku LIMIT 1")[0]!.id;
  });
  afterAll(() => t?.close());

  /** One cash sale at `at`; its receipt number and stored business date. */
  async function saleAt(at: string) {
    now = new Date(at);
    const cart = await t.ok(cashier, 'sale.addProduct', { productId, quantityMilli: 1000 });
    const done = await t.ok(cashier, 'sale.complete', { tenders: [{ kind: 'cash', amount: cart.cashDue }] });
    return t.query<{ business_date: string }>('SELECT business_date FROM sale WHERE id = ?', done.saleId)[0]!.business_date;
  }
  const zAt = async (at: string) => {
    now = new Date(at);
    return t.call(owner, 'report.takeZ', {});
  };

  it('turns at 04:00 on the wall clock on the 23-hour spring-forward night, in the stored dates, the Z, the X and the exports', async () => {
    expect(await saleAt('2026-03-28T21:00:00Z')).toBe('2026-03-28'); // 22:00 CET
    expect(await saleAt('2026-03-29T01:30:00Z')).toBe('2026-03-28'); // 03:30 CEST (02:00–03:00 did not exist): still the 28th
    const z1 = await zAt('2026-03-29T01:45:00Z');
    expect(z1).toMatchObject({ ok: true, value: { zNo: 1, businessDate: '2026-03-28', counts: expect.objectContaining({ sales: 2 }) } });
    expect(await saleAt('2026-03-29T02:00:00Z')).toBe('2026-03-29'); // 04:00 CEST: the 29th begins
    expect(await t.ok(owner, 'report.x', {})).toMatchObject({ businessDate: '2026-03-29', counts: expect.objectContaining({ sales: 1 }) });

    const exported = async (from: string, to = from) => (await t.ok(owner, 'export.create', { kind: 'sales', from, to })).rows;
    expect(await exported('2026-03-28')).toBe(2);
    expect(await exported('2026-03-29')).toBe(1);
    const history = await t.ok(owner, 'history.search', { from: '2026-03-28', to: '2026-03-28' });
    expect(history.rows.map((r) => r.businessDate)).toEqual(['2026-03-28', '2026-03-28']);
  });

  it('the technician changes the turn hour to 06:00: it applies from the next Z, the Z reports already taken keep their dates and numbers', async () => {
    const z2 = await zAt('2026-03-29T20:00:00Z'); // 22:00 CEST on the 29th
    expect(z2).toMatchObject({ ok: true, value: { zNo: 2, businessDate: '2026-03-29' } });

    now = new Date('2026-03-30T02:30:00Z'); // 04:30 CEST on the 30th
    expect(await t.call(owner, 'admin.updateSettings', { businessDayTurnsAtHour: 6 })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await t.call(technician, 'admin.updateSettings', { businessDayTurnsAtHour: 24 })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(await t.call(technician, 'admin.updateSettings', { timeZone: 'Europe/Atlantis' })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(await t.ok(technician, 'admin.updateSettings', { businessDayTurnsAtHour: 6 })).toMatchObject({ changed: ['businessDayTurnsAtHour'], settings: { businessDayTurnsAtHour: 6, timeZone: 'Europe/Berlin' } });

    // 05:00 is before the new turn, so by the hour alone it is the 29th, which Z 2 closed: it is the next Z's, the 30th.
    expect(await saleAt('2026-03-30T03:00:00Z')).toBe('2026-03-30');
    expect(await zAt('2026-03-30T03:30:00Z')).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'day_closed' } } });
    expect(await t.ok(owner, 'report.x', {})).toMatchObject({ businessDate: '2026-03-30', counts: expect.objectContaining({ sales: 1 }) });
    // 05:30 on the 31st is still the 30th under the new hour.
    expect(await saleAt('2026-03-31T03:30:00Z')).toBe('2026-03-30');
    const z3 = await zAt('2026-03-31T03:45:00Z');
    expect(z3).toMatchObject({ ok: true, value: { zNo: 3, businessDate: '2026-03-30', counts: expect.objectContaining({ sales: 2 }) } });

    const zs = await t.ok(owner, 'report.listZ', {});
    expect(zs.map((z) => [z.zNo, z.businessDate, z.salesCount])).toEqual([
      [3, '2026-03-30', 2],
      [2, '2026-03-29', 1],
      [1, '2026-03-28', 2],
    ]);
    expect(t.query('SELECT z_no, business_date FROM z_report ORDER BY z_no')).toEqual([
      { z_no: 1, business_date: '2026-03-28' },
      { z_no: 2, business_date: '2026-03-29' },
      { z_no: 3, business_date: '2026-03-30' },
    ]);
  });

  it('ran migration 0013’s recompute once, at the first start', () => {
    expect(t.query<{ done_at: string | null }>("SELECT done_at FROM one_time_step WHERE name = 'recompute_business_dates'")[0]!.done_at).toBe('2026-03-28T20:00:00.000Z');
  });
});

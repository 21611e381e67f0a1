import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../src-common/roles';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import { startTestPos, type TestPos } from '../helpers/pos';

describe("the acquirer's daily statement, downloaded through the job runner", () => {
  let t: TestPos;
  let owner: Session;

  beforeAll(async () => {
    t = await startTestPos({ acquirer: { sandboxSpeed: 0.02 } });
    owner = await t.signedIn('owner');
  });
  afterAll(() => t?.close());

  it('lists exactly the wallet payments of the day, to the fen', async () => {
    const barcode = (await t.ok(owner, 'catalog.search', { query: 'kkkl' }))[0]!.barcodes[0]!;
    for (const suffix of ['0000', '0000', '3000']) {
      await t.ok(owner, 'sale.scan', { code: barcode });
      await t.ok(owner, 'payment.payByCode', { code: sandboxPaymentCode('wechat', suffix) });
    }
    await t.ok(owner, 'sale.void', { reason: 'declined payment left the sale open' });

    // The statement's date is the acquirer's (Beijing) day; the test machine's day may differ only around midnight.
    const date = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    await t.ok(owner, 'statement.download', { date });
    let statement = await t.ok(owner, 'statement.get', { date });
    for (let i = 0; i < 200 && statement.status !== 'downloaded'; i++) {
      await new Promise((r) => setTimeout(r, 20));
      statement = await t.ok(owner, 'statement.get', { date });
    }
    expect(statement.status).toBe('downloaded');

    const paid = t.query<{ client_sn: string; amount: number }>("SELECT client_sn, amount FROM payment WHERE status = 'paid' ORDER BY created_at");
    expect(paid).toHaveLength(2);
    expect(statement.rows.map((r) => ({ client_sn: r.clientSn, amount: r.amount, type: r.type }))).toEqual(paid.map((p) => ({ ...p, type: 'pay' })));

    // The technician sees the download among the runner's jobs, with its one attempt.
    const technician = await t.signedIn('technician');
    const jobs = await t.ok(technician, 'diagnostics.jobs', {});
    expect(jobs.jobs.find((j) => j.subject === `statement:${date}`)).toMatchObject({
      kind: 'statement.download',
      status: 'done',
      attempts: 1,
      history: [{ attempt: 1, outcome: 'done', error: null }],
    });
    expect(jobs.totalOpen).toBe(jobs.open.reduce((sum, k) => sum + k.count, 0));
    expect(await t.call(owner, 'diagnostics.jobs', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('is for managers only', async () => {
    const cashier = await t.signedIn('cashier');
    expect(await t.call(cashier, 'statement.download', { date: '2026-11-22' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});

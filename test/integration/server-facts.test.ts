import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BATCH_BYTES, UploadReply, type Fact } from '../../src-common/sync-protocol';
import { refundFact, saleFact, sales, stockFact } from '../../server/testing/facts';
import { startTestServer, type TestServer } from '../../server/testing/server';
import { storeWithTills } from '../../server/testing/stores';

describe('store server: facts up, exactly once (real PostgreSQL)', () => {
  let t: TestServer;
  let storeA: string;
  let storeB: string;
  let tillA: string;
  let tillA2: string;
  let tillB: string;
  beforeAll(async () => {
    t = await startTestServer();
    const a = await storeWithTills(t, '一号店', ['A1', 'A2']);
    const b = await storeWithTills(t, '二号店', ['B1']);
    [storeA, storeB] = [a.storeId, b.storeId];
    [tillA, tillA2, tillB] = [a.tills[0]!.credential, a.tills[1]!.credential, b.tills[0]!.credential];
  });
  afterAll(() => t.stop());

  const upload = (credential: string, stream: string, facts: Fact[]) => t.as(credential).call('POST', '/v1/facts', { body: { stream, facts } });
  const factCount = async (storeId: string) => Number((await t.sql<{ n: string }>('SELECT count(*) AS n FROM fact WHERE store_id = $1', [storeId]))[0]!.n);

  it('stores a batch with both clocks and its projections, and acknowledges the highest seq', async () => {
    const stream = ulid();
    const sale = saleFact(1, { lines: [{ productId: 'P1', price: 1250, qty: 2 }, { productId: 'P2', price: 300 }], tender: 'wechat', at: '2026-12-03T10:00:00.000Z' });
    const reply = await upload(tillA, stream, [sale, refundFact(2, sale, 300), stockFact(3, 'P1', -2000)]);
    expect(reply.status).toBe(200);
    expect(UploadReply.parse(reply.body)).toEqual({ stream, ackedSeq: 3 });

    const [stored] = await t.sql<{ terminal_id: string; seq: number; kind: string; recorded_at: Date; received_at: Date; business_date: string }>(
      'SELECT terminal_id, seq, kind, recorded_at, received_at, business_date FROM fact WHERE store_id = $1 AND fact_id = $2',
      [storeA, sale.id],
    );
    expect(stored).toMatchObject({ terminal_id: 'A1', seq: 1, kind: 'sale', business_date: '2026-12-04' });
    // The till's clock is kept as sent (a day behind here); the server's own clock beside it.
    expect(stored!.recorded_at.toISOString()).toBe('2026-12-03T10:00:00.000Z');
    expect(Date.now() - stored!.received_at.getTime()).toBeLessThan(60_000);
    expect(await t.sql('SELECT total, terminal_id FROM sale WHERE store_id = $1 AND sale_id = $2', [storeA, sale.payload.saleId])).toEqual([{ total: 2800, terminal_id: 'A1' }]);
    expect(await t.sql('SELECT line_no, quantity_milli, net FROM sale_line WHERE store_id = $1 ORDER BY line_no', [storeA])).toEqual([
      { line_no: 1, quantity_milli: 2000, net: 2500 },
      { line_no: 2, quantity_milli: 1000, net: 300 },
    ]);
    expect(await t.sql('SELECT kind, amount FROM sale_tender WHERE store_id = $1', [storeA])).toEqual([{ kind: 'wechat', amount: 2800 }]);
    expect(await t.sql('SELECT amount, tender_kind FROM refund WHERE store_id = $1', [storeA])).toEqual([{ amount: 300, tender_kind: 'wechat' }]);
    expect(await t.sql('SELECT product_id, stock_milli FROM stock_level WHERE store_id = $1', [storeA])).toEqual([{ product_id: 'P1', stock_milli: -2000 }]);

    const state = await t.as(tillA).call('GET', `/v1/stream?stream=${stream}`);
    expect(state.body).toEqual({ stream, ackedSeq: 3 });
    expect((await t.as(tillA).call('GET', `/v1/stream?stream=${ulid()}`)).body.ackedSeq).toBe(0);
  });

  it('stores the same batch sent twice once, and its projections once', async () => {
    const stream = ulid();
    const batch = sales(1, 20, 500);
    const before = await factCount(storeA);
    expect((await upload(tillA2, stream, batch)).body.ackedSeq).toBe(20);
    expect((await upload(tillA2, stream, batch)).body.ackedSeq).toBe(20);
    expect(await factCount(storeA)).toBe(before + 20);
    const ids = batch.map((f) => f.id);
    expect(await t.sql('SELECT count(*)::int AS n, sum(total)::int AS total FROM sale WHERE store_id = $1 AND sale_id = ANY($2)', [storeA, ids])).toEqual([{ n: 20, total: 10_000 }]);
  });

  it('out of order: a batch beyond a gap stores nothing and answers the acked seq; in order, everything once', async () => {
    const stream = ulid();
    const first = sales(1, 10);
    const second = sales(11, 10);
    const before = await factCount(storeB);
    expect((await upload(tillB, stream, second)).body).toEqual({ stream, ackedSeq: 0 });
    expect(await factCount(storeB)).toBe(before);
    expect((await upload(tillB, stream, first)).body.ackedSeq).toBe(10);
    expect((await upload(tillB, stream, second)).body.ackedSeq).toBe(20);
    // an overlapping retry (seq 5..15) adds nothing
    expect((await upload(tillB, stream, [...first.slice(4), ...second.slice(0, 5)])).body.ackedSeq).toBe(20);
    expect(await factCount(storeB)).toBe(before + 20);
    const seqs = await t.sql<{ seq: number }>('SELECT seq FROM fact WHERE store_id = $1 AND stream = $2 ORDER BY seq', [storeB, stream]);
    expect(seqs.map((r) => r.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('answers stream_diverged when a seq it holds comes back with another fact (a till restored from a backup), and a new stream carries on without duplicates', async () => {
    const stream = ulid();
    const day = sales(1, 6);
    expect((await upload(tillA, stream, day)).body.ackedSeq).toBe(6);
    // Restored from yesterday's backup: the till knows seq 1..3 only, and sells anew from seq 4.
    const afterRestore = [...day.slice(0, 3), ...sales(4, 2)];
    const diverged = await upload(tillA, stream, afterRestore);
    expect(diverged.status).toBe(409);
    expect(diverged.body.error).toMatchObject({ code: 'stream_diverged', details: { seq: 4, ackedSeq: 6 } });
    // Its new stream resends what it has: the three facts already held are not stored twice.
    const fresh = ulid();
    const renumbered = afterRestore.map((f, i) => ({ ...f, seq: i + 1 }));
    const before = await factCount(storeA);
    expect((await upload(tillA, fresh, renumbered)).body.ackedSeq).toBe(5);
    expect(await factCount(storeA)).toBe(before + 2);
    // Nothing the server held is lost: facts 4..6 of the old stream stay.
    expect(await t.sql('SELECT count(*)::int AS n FROM fact WHERE store_id = $1 AND fact_id = ANY($2)', [storeA, day.map((f) => f.id)])).toEqual([{ n: 6 }]);
  });

  it('refuses a batch with a gap inside, unordered seqs or a malformed fact: clear error, nothing stored', async () => {
    const stream = ulid();
    const before = await factCount(storeA);
    const gap = await upload(tillA, stream, [saleFact(1), saleFact(3)]);
    expect(gap.status).toBe(400);
    expect(gap.body.error.message).toMatch(/consecutive/);
    const bad = saleFact(2);
    (bad.payload as { total: unknown }).total = 12.5;
    const malformed = await upload(tillA, stream, [saleFact(1), bad]);
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toMatchObject({ code: 'bad_request', details: [expect.objectContaining({ path: 'facts.1.payload.total' })] });
    const notJson = await t.as(tillA).call('POST', '/v1/facts', { raw: '{"stream": "x", "facts": [' });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.message).toMatch(/not valid JSON/);
    expect(await factCount(storeA)).toBe(before);
  });

  it('refuses a sale fact that is not its sale, a tender id another sale holds, a line twice: clear error, nothing of the batch stored', async () => {
    const stream = ulid();
    const first = saleFact(1, { lines: [{ productId: 'P1', price: 700 }], tender: 'wechat' });
    expect((await upload(tillA, stream, [first])).body.ackedSeq).toBe(1);
    const before = await factCount(storeA);
    const tenders = async () => Number((await t.sql<{ n: string }>('SELECT count(*) AS n FROM sale_tender WHERE store_id = $1', [storeA]))[0]!.n);
    const tendersBefore = await tenders();

    const renamed = { ...saleFact(3), id: ulid() };
    const notItsSale = await upload(tillA, stream, [saleFact(2), renamed]);
    expect(notItsSale.status).toBe(400);
    expect(notItsSale.body.error).toMatchObject({ code: 'bad_request', details: { seq: 3 } });
    expect(notItsSale.body.error.message).toMatch(/sale fact's id must be its sale's id/);

    // A later sale in the batch reuses the stored sale's tender id: the whole batch is refused, its first sale too.
    const reused = saleFact(3, { lines: [{ productId: 'P2', price: 900 }] });
    reused.payload.tenders[0]!.tenderId = first.payload.tenders[0]!.tenderId;
    const clash = await upload(tillA, stream, [saleFact(2), reused]);
    expect(clash.status).toBe(400);
    expect(clash.body.error).toMatchObject({ code: 'bad_request', details: { constraint: 'sale_tender_pkey' } });
    expect(clash.body.error.message).toMatch(/clashes with one already stored/);

    const twice = saleFact(2, { lines: [{ productId: 'P1', price: 100 }, { productId: 'P2', price: 200 }] });
    twice.payload.lines[1]!.lineNo = 1;
    const lineTwice = await upload(tillA, stream, [twice]);
    expect(lineTwice.status).toBe(400);
    expect(lineTwice.body.error).toMatchObject({ details: { constraint: 'sale_line_pkey' } });

    expect(await factCount(storeA)).toBe(before);
    expect(await tenders()).toBe(tendersBefore);
    expect((await t.as(tillA).call('GET', `/v1/stream?stream=${stream}`)).body.ackedSeq).toBe(1);
    // The same batch made right is stored.
    expect((await upload(tillA, stream, [saleFact(2), saleFact(3)])).body.ackedSeq).toBe(3);
  });

  it('refuses an oversized batch with 413 before reading it all, nothing stored', async () => {
    const before = await factCount(storeA);
    const huge = JSON.stringify({ stream: ulid(), facts: sales(1, 10) }).padEnd(MAX_BATCH_BYTES + 10, ' ');
    const reply = await t.as(tillA).call('POST', '/v1/facts', { raw: huge });
    expect(reply.status).toBe(413);
    expect(reply.body.error.code).toBe('payload_too_large');
    const tooMany = await upload(tillA, ulid(), sales(1, 501, 1));
    expect(tooMany.status).toBe(400);
    expect(await factCount(storeA)).toBe(before);
  });

  it('hostile payloads: a store id in the body, SQL in text, prototype keys: the store comes from the credential only', async () => {
    const stream = ulid();
    const sale = saleFact(1);
    sale.payload.lines[0]!.name = "'); DELETE FROM fact; --";
    const body = { stream, storeId: storeB, facts: [{ ...sale, storeId: storeB, payload: { ...sale.payload, storeId: storeB } }] };
    const raw = JSON.stringify(body).replace('"storeId"', '"__proto__":{"storeId":"x"},"constructor":{"prototype":{}},"storeId"');
    const beforeB = await factCount(storeB);
    const reply = await t.as(tillA).call('POST', '/v1/facts', { raw });
    expect(reply.status).toBe(200);
    expect(await factCount(storeB)).toBe(beforeB);
    expect(await t.sql('SELECT store_id, terminal_id FROM fact WHERE fact_id = $1', [sale.id])).toEqual([{ store_id: storeA, terminal_id: 'A1' }]);
    expect(await t.sql('SELECT name FROM sale_line WHERE store_id = $1 AND sale_id = $2', [storeA, sale.payload.saleId])).toEqual([{ name: "'); DELETE FROM fact; --" }]);
    // another terminal's stream cannot be written, even in the same store
    const other = await upload(tillA2, stream, sales(2, 1));
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('forbidden');
  });

  it('refuses facts without a credential or with a made-up one', async () => {
    expect((await t.as(null).call('POST', '/v1/facts', { body: { stream: ulid(), facts: sales(1, 1) } })).status).toBe(401);
    expect((await t.as('x'.repeat(43)).call('POST', '/v1/facts', { body: { stream: ulid(), facts: sales(1, 1) } })).status).toBe(401);
  });

  it('voids: a voided cart leaves the totals alone; a void after its sale (a restored till) takes the sale out, and so does one before it', async () => {
    const c = await storeWithTills(t, '三号店', ['C1']);
    const till = c.tills[0]!.credential;
    const date = '2026-11-20';
    const voidOf = (seq: number, saleId: string): Fact => ({
      seq, id: `void:${saleId}`, kind: 'sale_void', recordedAt: '2026-11-20T12:00:00.000Z',
      payload: { saleId, reason: '顾客不要了', voidedBy: 'U1', at: '2026-11-20T12:00:00.000Z' },
    });
    const totals = async () => (await t.admin.call('GET', `/v1/admin/stores/${c.storeId}/totals?date=${date}`)).body as { store: { salesCount: number; sales: number; tenders: Record<string, { net: number }> } };
    const [kept, voidedLater, voidedFirst] = [1, 2, 3].map((i) => saleFact(i, { businessDate: date, lines: [{ productId: 'P1', price: 1000 * i }], tender: i === 2 ? 'wechat' : 'cash' }));

    const stream = ulid();
    // seq 1: a cart voided while open (never completed: no sale fact); 2, 3: two sales
    expect((await upload(till, stream, [voidOf(1, ulid()), { ...kept!, seq: 2 }, { ...voidedLater!, seq: 3 }])).body.ackedSeq).toBe(3);
    expect((await totals()).store).toMatchObject({ salesCount: 2, sales: 3000, tenders: { cash: { net: 1000 }, wechat: { net: 2000 } } });

    // The till restored from a backup taken while sale 2 was open voids it on a new stream: the sale leaves the totals.
    const restored = ulid();
    expect((await upload(till, restored, [voidOf(1, voidedLater!.payload.saleId)])).body.ackedSeq).toBe(1);
    const after = (await totals()).store;
    expect(after).toMatchObject({ salesCount: 1, sales: 1000, tenders: { cash: { net: 1000 } } });
    expect(after.tenders.wechat).toBeUndefined();

    // The other order: the void is stored first, the sale it voids comes later (in the same batch or after).
    expect((await upload(till, restored, [voidOf(2, voidedFirst!.payload.saleId)])).body.ackedSeq).toBe(2);
    expect((await upload(till, restored, [{ ...voidedFirst!, seq: 3 }])).body.ackedSeq).toBe(3);
    expect((await totals()).store).toMatchObject({ salesCount: 1, sales: 1000 });
    // Sent again: stored once, still out of the totals.
    expect((await upload(till, restored, [voidOf(2, voidedFirst!.payload.saleId), { ...voidedFirst!, seq: 3 }])).body.ackedSeq).toBe(3);
    expect(await t.sql('SELECT count(*)::int AS n FROM sale_void WHERE store_id = $1', [c.storeId])).toEqual([{ n: 3 }]);
    expect(await t.sql('SELECT sale_id FROM sale WHERE store_id = $1 AND voided_at IS NOT NULL ORDER BY sale_id', [c.storeId])).toEqual(
      [voidedLater!.payload.saleId, voidedFirst!.payload.saleId].sort().map((sale_id) => ({ sale_id })),
    );
  });

  it('lists what waits on each till as its last upload said: facts waiting and the lag of the oldest, on the server’s clock', async () => {
    const d = await storeWithTills(t, '四号店', ['D1', 'D2']);
    const [d1, d2] = d.tills.map((x) => x.credential);
    const stream = ulid();
    const terminals = async () =>
      Object.fromEntries(((await t.admin.call('GET', `/v1/admin/stores/${d.storeId}/terminals`)).body.terminals as { terminalId: string }[]).map((x) => [x.terminalId, x])) as unknown as Record<
        string,
        { factsWaiting: number | null; lagSeconds: number | null; highestSeq: number | null; ackedSeq: number; lastContactAt: string | null }
      >;
    // D1 holds 10 facts; the first it sends waited 90 s on its own clock (whatever that clock says the time is).
    const batch = sales(1, 5).map((f) => ({ ...f, recordedAt: '2020-01-01T00:00:00.000Z' }));
    expect((await t.as(d1!).call('POST', '/v1/facts', { body: { stream, facts: batch, waiting: { highestSeq: 10, oldestAgeMs: 90_000 } } })).body.ackedSeq).toBe(5);
    // D2 is an older till: it says nothing of what waits.
    expect((await t.as(d2!).call('POST', '/v1/facts', { body: { stream: ulid(), facts: sales(1, 1) } })).status).toBe(200);
    let listed = await terminals();
    expect(listed.D1).toMatchObject({ ackedSeq: 5, highestSeq: 10, factsWaiting: 5 });
    expect(listed.D1!.lagSeconds).toBeGreaterThanOrEqual(90);
    expect(listed.D1!.lagSeconds).toBeLessThan(150);
    expect(listed.D2).toMatchObject({ ackedSeq: 1, highestSeq: null, factsWaiting: null, lagSeconds: null });
    expect(listed.D2!.lastContactAt).not.toBeNull();

    expect((await t.as(d1!).call('POST', '/v1/facts', { body: { stream, facts: sales(6, 5), waiting: { highestSeq: 10, oldestAgeMs: 1_000 } } })).body.ackedSeq).toBe(10);
    listed = await terminals();
    expect(listed.D1).toMatchObject({ ackedSeq: 10, highestSeq: 10, factsWaiting: 0, lagSeconds: 0 });
  });
});

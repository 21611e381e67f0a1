import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PullReply } from '../../src-common/sync-protocol';
import { refundFact, saleFact, stockFact } from '../../server/testing/facts';
import { startTestServer, type TestServer } from '../../server/testing/server';
import { storeWithTills } from '../../server/testing/stores';

const product = (sku: string, price: number) => ({ sku, name: `商品${sku}`, nameEn: null, price, taxRateBp: 1300, unit: 'each', categoryId: 'C1', plu: null, active: true, barcodes: ['6901234567892'] });

describe('store server: the store’s data down, versioned (real PostgreSQL)', () => {
  let t: TestServer;
  let storeA: string;
  let storeB: string;
  let a1: string;
  let a2: string;
  let b1: string;
  beforeAll(async () => {
    t = await startTestServer(undefined, { pullPageRows: 5 });
    const a = await storeWithTills(t, '一号店', ['A1', 'A2']);
    const b = await storeWithTills(t, '二号店', ['B1']);
    [storeA, storeB] = [a.storeId, b.storeId];
    [a1, a2, b1] = [a.tills[0]!.credential, a.tills[1]!.credential, b.tills[0]!.credential];
  });
  afterAll(() => t.stop());

  const pullAll = async (credential: string, since: number) => {
    const pages: PullReply[] = [];
    let version = since;
    for (;;) {
      const reply = await t.as(credential).call('GET', `/v1/pull?since=${version}`);
      expect(reply.status).toBe(200);
      const page = PullReply.parse(reply.body);
      pages.push(page);
      version = page.version;
      if (!page.more) return { pages, version };
    }
  };

  it('sends a store’s catalog, users and settings to its tills only, and a price change to every till of that store only', async () => {
    const admin = (method: string, path: string, body?: unknown) => t.admin.call(method, `/v1/admin/stores/${storeA}${path}`, { body });
    expect((await admin('PUT', '/categories/C1', { name: '饮料', sort: 1 })).status).toBe(200);
    expect((await admin('PUT', '/products/P1', product('1001', 350))).status).toBe(200);
    expect((await admin('PUT', '/products/P2', product('1002', 500))).status).toBe(200);
    expect((await admin('PUT', '/settings', { receiptHeader: '一号店 欢迎光临', receiptFooter: '谢谢' })).status).toBe(200);

    const first = await pullAll(a1, 0);
    const all = first.pages.flatMap((p) => p.products);
    expect(all.map((p) => [p.id, p.price])).toEqual([['P1', 350], ['P2', 500]]);
    expect(first.pages.flatMap((p) => p.categories)).toEqual([{ id: 'C1', name: '饮料', sort: 1 }]);
    expect(Object.assign({}, ...first.pages.map((p) => p.settings))).toEqual({ receiptHeader: '一号店 欢迎光临', receiptFooter: '谢谢' });
    expect(first.pages[0]!.storeName).toBe('一号店');
    expect((await pullAll(b1, 0)).pages.flatMap((p) => p.products)).toEqual([]);

    // a price change: both tills of store A see it in their next pull, store B sees nothing
    const b1Version = (await pullAll(b1, 0)).version;
    expect((await admin('PUT', '/products/P1/price', { price: 380 })).status).toBe(200);
    for (const till of [a1, a2]) {
      const next = await pullAll(till, first.version);
      expect(next.pages.flatMap((p) => p.products).map((p) => [p.id, p.price])).toEqual([['P1', 380]]);
    }
    const b = await pullAll(b1, b1Version);
    expect(b.pages.flatMap((p) => p.products)).toEqual([]);
    expect(b.version).toBe(b1Version);
    // store A's product cannot be priced through store B
    expect((await t.admin.call('PUT', `/v1/admin/stores/${storeB}/products/P1/price`, { body: { price: 1 } })).status).toBe(404);
  });

  it('writes deletion markers, sent to tills that had the row', async () => {
    const before = (await pullAll(a1, 0)).version;
    expect((await t.admin.call('DELETE', `/v1/admin/stores/${storeA}/products/P2`)).status).toBe(200);
    const next = await pullAll(a1, before);
    expect(next.pages.flatMap((p) => p.deleted)).toEqual([{ entity: 'product', id: 'P2' }]);
    expect(next.pages.flatMap((p) => p.products)).toEqual([]);
    // a new till (since=0) just does not get the deleted product
    expect((await pullAll(a2, 0)).pages.flatMap((p) => p.products).map((p) => p.id)).toEqual(['P1']);
  });

  it('pages a large change at version boundaries: every row once, in order, `more` until the last page', async () => {
    const { storeId, tills } = await storeWithTills(t, '三号店', ['C1']);
    for (let i = 1; i <= 12; i += 1) await t.admin.call('PUT', `/v1/admin/stores/${storeId}/products/Q${i}`, { body: product(String(2000 + i), i * 100) });
    const { pages, version } = await pullAll(tills[0]!.credential, 0);
    expect(pages.length).toBe(3);
    expect(pages.slice(0, -1).every((p) => p.more)).toBe(true);
    expect(pages.at(-1)!.more).toBe(false);
    expect(pages.flatMap((p) => p.products.map((x) => x.id))).toEqual(Array.from({ length: 12 }, (_, i) => `Q${i + 1}`));
    expect(version).toBe(12);
    // one version bigger than a page (a stock batch of 8 products) still comes whole
    const stream = ulid();
    const moves = Array.from({ length: 8 }, (_, i) => stockFact(i + 1, `Q${i + 1}`, -1000));
    expect((await t.as(tills[0]!.credential).call('POST', '/v1/facts', { body: { stream, facts: moves } })).body.ackedSeq).toBe(8);
    const after = await pullAll(tills[0]!.credential, version);
    expect(after.pages).toHaveLength(1);
    expect(after.pages[0]!.stock).toHaveLength(8);
  });

  it('sums stock over every till and the server’s receiving and counts; each till sees the store’s level after its next pull', async () => {
    const start = (await pullAll(a2, 0)).version;
    await t.as(a1).call('POST', '/v1/facts', { body: { stream: ulid(), facts: [stockFact(1, 'P1', -2000), stockFact(2, 'P1', -1000)] } });
    await t.as(a2).call('POST', '/v1/facts', { body: { stream: ulid(), facts: [stockFact(1, 'P1', -500)] } });
    const received = await t.admin.call('POST', `/v1/admin/stores/${storeA}/stock-movements`, { body: { productId: 'P1', deltaMilli: 24_000, reason: 'receiving', ref: 'PO-7' } });
    expect(received.status).toBe(201);
    expect(received.body.stockMilli).toBe(20_500);
    let next = await pullAll(a2, start);
    expect(next.pages.flatMap((p) => p.stock)).toEqual([{ productId: 'P1', stockMilli: 20_500 }]);
    const counted = await t.admin.call('POST', `/v1/admin/stores/${storeA}/stock-movements`, { body: { productId: 'P1', countedMilli: 19_000, reason: 'count' } });
    expect(counted.body).toMatchObject({ deltaMilli: -1500, stockMilli: 19_000 });
    next = await pullAll(a1, next.version);
    expect(next.pages.flatMap((p) => p.stock)).toEqual([{ productId: 'P1', stockMilli: 19_000 }]);
    expect((await pullAll(b1, 0)).pages.flatMap((p) => p.stock)).toEqual([]);
  });

  it('refuses a bad since and an admin body that breaks the contract', async () => {
    const bad = await t.as(a1).call('GET', '/v1/pull?since=-1');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('bad_request');
    const price = await t.admin.call('PUT', `/v1/admin/stores/${storeA}/products/P1/price`, { body: { price: 3.5 } });
    expect(price.status).toBe(400);
    expect((await pullAll(a1, 0)).pages.flatMap((p) => p.products).find((p) => p.id === 'P1')!.price).toBe(380);
  });
});

describe('store server: daily totals from the facts (real PostgreSQL)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.stop());

  it('gives per-till and per-store totals of a business date to the fen: net = sales + rounding − refunds, by tender', async () => {
    const { storeId, tills } = await storeWithTills(t, '一号店', ['T1', 'T2']);
    const other = await storeWithTills(t, '二号店', ['X1']);
    const s1 = saleFact(1, { lines: [{ productId: 'P1', price: 1999, qty: 3 }], tender: 'cash', rounding: -7 });
    const s2 = saleFact(2, { lines: [{ productId: 'P2', price: 1250 }], tender: 'alipay' });
    const s3 = saleFact(1, { lines: [{ productId: 'P1', price: 888 }], tender: 'wechat' });
    const tomorrow = saleFact(3, { lines: [{ productId: 'P1', price: 100 }], businessDate: '2026-12-05' });
    await t.as(tills[0]!.credential).call('POST', '/v1/facts', { body: { stream: ulid(), facts: [s1, s2, tomorrow, refundFact(4, s2, 250)] } });
    await t.as(tills[1]!.credential).call('POST', '/v1/facts', { body: { stream: ulid(), facts: [s3] } });
    await t.as(other.tills[0]!.credential).call('POST', '/v1/facts', { body: { stream: ulid(), facts: [saleFact(1, { lines: [{ productId: 'P1', price: 99_999 }] })] } });

    const reply = await t.admin.call('GET', `/v1/admin/stores/${storeId}/totals?date=2026-12-04`);
    expect(reply.status).toBe(200);
    const { store, tills: perTill } = reply.body;
    expect(perTill.map((x: { terminalId: string; salesCount: number; net: number }) => [x.terminalId, x.salesCount, x.net])).toEqual([
      ['T1', 2, 5997 - 7 + 1250 - 250],
      ['T2', 1, 888],
    ]);
    expect(store).toMatchObject({ salesCount: 3, sales: 5997 + 1250 + 888, rounding: -7, refundCount: 1, refunds: 250, net: 5990 + 1000 + 888 });
    expect(store.tenders).toEqual({
      cash: { amount: 5990, refunds: 0, net: 5990 },
      alipay: { amount: 1250, refunds: 250, net: 1000 },
      wechat: { amount: 888, refunds: 0, net: 888 },
    });
    expect((await t.admin.call('GET', `/v1/admin/stores/${storeId}/totals?date=2026-12-05`)).body.store.net).toBe(100);
    expect((await t.admin.call('GET', `/v1/admin/stores/${storeId}/totals?date=yesterday`)).status).toBe(400);
  });
});

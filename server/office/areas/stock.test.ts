/**
 * The back office's stock on real PostgreSQL through the real HTTPS server: receiving with unit costs, a till's
 * sales and its own costed receipt arriving as facts, counts posting exactly the differences, transfers between
 * two stores, low-stock lines, the value at cost to the fen, versions the tills pull, and who may do what.
 */
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fact } from '../../../src-common/sync-protocol';
import { stockFact } from '../../testing/facts';
import { createOfficeAccount, officeClient, type OfficeClient } from '../../testing/office';
import { startTestServer, type TestServer } from '../../testing/server';
import { storeWithTills } from '../../testing/stores';

const PASSWORD = 'correct horse battery';

describe('back office: stock', () => {
  let t: TestServer;
  let owner: OfficeClient;
  let A: string;
  let B: string;
  let tillA: string;
  let seq = 0;

  const product = (storeId: string, id: string, name: string, unit: 'each' | 'kg' = 'each') =>
    t.admin.call('PUT', `/v1/admin/stores/${storeId}/products/${id}`, { body: { sku: id, name, price: 500, taxRateBp: 1300, unit } });
  const version = async (storeId: string) => (await t.sql<{ version: number }>('SELECT version FROM store WHERE store_id = $1', [storeId]))[0]!.version;
  const items = async (client: OfficeClient, storeId: string, query = '') => {
    const reply = await client.call('GET', `/stores/${storeId}/stock${query}`);
    expect(reply.status).toBe(200);
    return reply.body as { totals: { valueAtCost: number; low: number; products: number; negative: number; uncosted: number }; items: { productId: string; stockMilli: number; avgCost: number | null; valueAtCost: number; low: boolean; thresholdMilli: number }[] };
  };
  const item = async (storeId: string, productId: string) => (await items(owner, storeId)).items.find((i) => i.productId === productId)!;
  const upload = (facts: Fact[]) => t.as(tillA).call('POST', '/v1/facts', { body: { stream: 'S-A1', facts } });

  beforeAll(async () => {
    t = await startTestServer();
    const anon = officeClient(t);
    expect((await anon.call('POST', '/setup', { body: { adminToken: t.server.adminToken, login: 'boss', name: '王老板', password: PASSWORD } })).status).toBe(201);
    owner = officeClient(t);
    await owner.signIn('boss', PASSWORD);
    const a = await storeWithTills(t, '一号店', ['A1']);
    A = a.storeId;
    tillA = a.tills[0]!.credential;
    B = (await storeWithTills(t, '二号店', [])).storeId;
    for (const storeId of [A, B]) {
      expect((await product(storeId, 'COLA', '可口可乐 330ml')).status).toBe(200);
      expect((await product(storeId, 'APPLE', '红富士苹果', 'kg')).status).toBe(200);
      expect((await product(storeId, 'TEA', '乌龙茶')).status).toBe(200);
    }
    await createOfficeAccount(t.server.databaseUrl, { login: 'manager.a', name: '李店长', password: 'manager password', grants: [{ storeId: A, role: 'manager' }] });
    await createOfficeAccount(t.server.databaseUrl, { login: 'books', name: '会计', password: 'accountant password', grants: [{ storeId: '*', role: 'accountant' }] });
  });
  afterAll(() => t?.stop());

  it('receives goods at their unit costs: levels, line costs and the total to the fen, a new store version', async () => {
    const before = await version(A);
    const reply = await owner.call('POST', `/stores/${A}/stock/receipts`, {
      body: { supplier: '太古可口可乐', note: '周一到货', lines: [{ productId: 'COLA', quantityMilli: 24_000, unitCost: 185 }, { productId: 'APPLE', quantityMilli: 1_234, unitCost: 1999 }] },
    });
    expect(reply.status).toBe(201);
    // 24 × ¥1.85 = ¥44.40; 1.234 kg × ¥19.99 = ¥24.66766 → ¥24.67; together ¥69.07.
    expect(reply.body).toMatchObject({
      totalCost: 6907,
      lines: [
        { productId: 'COLA', quantityMilli: 24_000, unitCost: 185, lineCost: 4440, stockMilli: 24_000, avgCost: 185 },
        { productId: 'APPLE', quantityMilli: 1_234, unitCost: 1999, lineCost: 2467, stockMilli: 1_234, avgCost: 1999 },
      ],
    });
    expect(await version(A)).toBeGreaterThan(before);
    const moved = await t.sql(`SELECT product_id, delta_milli, reason, ref, unit_cost, terminal_id FROM stock_movement WHERE store_id = $1 ORDER BY product_id`, [A]);
    expect(moved).toEqual([
      { product_id: 'APPLE', delta_milli: 1234, reason: 'receiving', ref: reply.body.receiptId, unit_cost: 1999, terminal_id: null },
      { product_id: 'COLA', delta_milli: 24000, reason: 'receiving', ref: reply.body.receiptId, unit_cost: 185, terminal_id: null },
    ]);
    // A till pulls the new levels.
    const pulled = await t.as(tillA).call('GET', '/v1/pull?since=0');
    expect(pulled.body.stock).toEqual(expect.arrayContaining([{ productId: 'COLA', stockMilli: 24_000 }, { productId: 'APPLE', stockMilli: 1_234 }]));
    const stock = await items(owner, A);
    expect(stock.totals).toMatchObject({ products: 3, valueAtCost: 6907, negative: 0, uncosted: 0 });
  });

  it('averages a second receipt at another cost over what is left after the till’s sales (moving average)', async () => {
    expect((await upload([stockFact(++seq, 'COLA', -4_000)])).body.ackedSeq).toBe(seq);
    expect((await item(A, 'COLA')).stockMilli).toBe(20_000);
    const reply = await owner.call('POST', `/stores/${A}/stock/receipts`, { body: { supplier: '太古可口可乐', lines: [{ productId: 'COLA', quantityMilli: 12_000, unitCost: 199 }] } });
    expect(reply.status).toBe(201);
    // (20 × 185 + 12 × 199) / 32 = 190.25 → 190 fen.
    expect(reply.body.lines[0]).toMatchObject({ stockMilli: 32_000, avgCost: 190 });
    const cola = await item(A, 'COLA');
    expect(cola).toMatchObject({ stockMilli: 32_000, avgCost: 190, valueAtCost: 6080 });
    expect((await items(owner, A)).totals.valueAtCost).toBe(6080 + 2467);
  });

  it('takes a till’s receipt with its unit cost into the average; an older till’s without a cost leaves it', async () => {
    const movementId = ulid();
    const at = '2026-12-05T09:00:00.000Z';
    const costed: Fact = { seq: ++seq, id: movementId, kind: 'stock_movement', recordedAt: at, payload: { movementId, productId: 'TEA', deltaMilli: 10_000, reason: 'receive', ref: 'R-TILL', at, unitCost: 250 } };
    const uncosted = stockFact(++seq, 'TEA', 10_000);
    expect((await upload([costed, uncosted])).body.ackedSeq).toBe(seq);
    expect(await item(A, 'TEA')).toMatchObject({ stockMilli: 20_000, avgCost: 250, valueAtCost: 5000 });
    expect(await t.sql(`SELECT unit_cost FROM stock_movement WHERE store_id = $1 AND product_id = 'TEA' ORDER BY unit_cost NULLS LAST`, [A])).toEqual([{ unit_cost: 250 }, { unit_cost: null }]);
  });

  it('posts a count as exactly the differences from the level at posting, valued at the average cost', async () => {
    const before = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM stock_movement WHERE store_id = $1`, [A]);
    const reply = await owner.call('POST', `/stores/${A}/stock/counts`, {
      body: { note: '月末盘点', lines: [{ productId: 'COLA', countedMilli: 30_000 }, { productId: 'APPLE', countedMilli: 1_234 }, { productId: 'TEA', countedMilli: 20_500 }] },
    });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({
      posted: 2,
      lines: [
        { productId: 'COLA', expectedMilli: 32_000, countedMilli: 30_000, deltaMilli: -2_000, stockMilli: 30_000 },
        { productId: 'APPLE', expectedMilli: 1_234, countedMilli: 1_234, deltaMilli: 0, stockMilli: 1_234 },
        { productId: 'TEA', expectedMilli: 20_000, countedMilli: 20_500, deltaMilli: 500, stockMilli: 20_500 },
      ],
    });
    const posted = await t.sql(`SELECT product_id, delta_milli, reason FROM stock_movement WHERE store_id = $1 AND ref = $2 ORDER BY product_id`, [A, reply.body.countId]);
    expect(posted).toEqual([{ product_id: 'COLA', delta_milli: -2000, reason: 'count' }, { product_id: 'TEA', delta_milli: 500, reason: 'count' }]);
    expect((await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM stock_movement WHERE store_id = $1`, [A]))[0]!.n).toBe(before[0]!.n + 2);
    // −2 × ¥1.90 + 0.5 × ¥2.50 = −¥3.80 + ¥1.25 = −¥2.55
    const docs = await owner.call('GET', `/stores/${A}/stock/documents`);
    expect(docs.body.documents[0]).toMatchObject({ kind: 'count', id: reply.body.countId, value: -255, lines: 3, by: '王老板', note: '月末盘点' });
    expect((await item(A, 'COLA')).valueAtCost).toBe(5700);
  });

  it('moves stock from A to B in one transfer (two documents, one id) at A’s average cost, raising both versions', async () => {
    const [va, vb] = [await version(A), await version(B)];
    const reply = await owner.call('POST', `/stores/${A}/stock/transfers`, { body: { toStoreId: B, note: '二号店缺货', lines: [{ productId: 'COLA', quantityMilli: 6_000 }] } });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ fromStoreId: A, toStoreId: B, lines: [{ productId: 'COLA', quantityMilli: 6_000, unitCost: 190, fromStockMilli: 24_000, toStockMilli: 6_000 }] });
    expect(await version(A)).toBeGreaterThan(va);
    expect(await version(B)).toBeGreaterThan(vb);
    expect(await t.sql(`SELECT store_id, direction, other_store_id FROM stock_transfer WHERE transfer_id = $1 ORDER BY direction DESC`, [reply.body.transferId])).toEqual([
      { store_id: A, direction: 'out', other_store_id: B },
      { store_id: B, direction: 'in', other_store_id: A },
    ]);
    expect(await item(A, 'COLA')).toMatchObject({ stockMilli: 24_000, valueAtCost: 4560 });
    expect(await item(B, 'COLA')).toMatchObject({ stockMilli: 6_000, avgCost: 190, valueAtCost: 1140 });
    const docsB = await owner.call('GET', `/stores/${B}/stock/documents`);
    expect(docsB.body.documents[0]).toMatchObject({ kind: 'transfer_in', id: reply.body.transferId, party: '一号店', value: 1140 });
  });

  it('runs transfers both ways at once without a deadlock, and keeps the chain’s total', async () => {
    const total = async () => (await t.sql<{ n: number }>(`SELECT sum(stock_milli)::bigint AS n FROM stock_level WHERE product_id = 'COLA' AND store_id = ANY($1)`, [[A, B]]))[0]!.n;
    const before = await total();
    const [a, b] = [(await item(A, 'COLA')).stockMilli, (await item(B, 'COLA')).stockMilli];
    const replies = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        i % 2 === 0
          ? owner.call('POST', `/stores/${A}/stock/transfers`, { body: { toStoreId: B, lines: [{ productId: 'COLA', quantityMilli: 1_000 }] } })
          : owner.call('POST', `/stores/${B}/stock/transfers`, { body: { toStoreId: A, lines: [{ productId: 'COLA', quantityMilli: 1_000 }] } }),
      ),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(12).fill(201));
    expect(await total()).toBe(before);
    expect([(await item(A, 'COLA')).stockMilli, (await item(B, 'COLA')).stockMilli]).toEqual([a, b]);
  });

  it('runs chain-wide catalog changes beside transfers both ways without a deadlock: every store taken in one order', async () => {
    const total = async () => (await t.sql<{ n: number }>(`SELECT sum(stock_milli)::bigint AS n FROM stock_level WHERE product_id = 'COLA' AND store_id = ANY($1)`, [[A, B]]))[0]!.n;
    const before = await total();
    const names = Array.from({ length: 4 }, (_, i) => `调拨同时的分类${i}`);
    const replies = await Promise.all([
      ...names.map((name, i) => owner.call('POST', '/catalog/categories', { body: { name, sort: 10 + i } })),
      ...Array.from({ length: 8 }, (_, i) =>
        owner.call('POST', `/stores/${i % 2 === 0 ? A : B}/stock/transfers`, { body: { toStoreId: i % 2 === 0 ? B : A, lines: [{ productId: 'COLA', quantityMilli: 1_000 }] } }),
      ),
    ]);
    expect(replies.map((r) => r.status)).toEqual(Array(12).fill(201));
    expect(await total()).toBe(before);
    const categories = await t.sql<{ store_id: string; n: number }>(`SELECT store_id, count(*)::int AS n FROM category WHERE name = ANY($1) GROUP BY store_id ORDER BY store_id`, [names]);
    expect(categories).toEqual([A, B].sort().map((store_id) => ({ store_id, n: 4 })));
  });

  it('refuses a transfer of more than the sending store holds, to itself, or of a product the other store lacks, and changes nothing', async () => {
    const moved = async () => (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM stock_movement`))[0]!.n;
    const before = await moved();
    const transfers = await t.sql(`SELECT count(*)::int AS n FROM stock_transfer`);
    const tooMuch = await owner.call('POST', `/stores/${A}/stock/transfers`, { body: { toStoreId: B, lines: [{ productId: 'COLA', quantityMilli: 24_001 }] } });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body.error.details).toMatchObject({ reason: 'not_enough_stock', lines: [{ productId: 'COLA', quantityMilli: 24_001, stockMilli: 24_000 }] });
    expect((await owner.call('POST', `/stores/${A}/stock/transfers`, { body: { toStoreId: A, lines: [{ productId: 'COLA', quantityMilli: 1_000 }] } })).body.error.details.reason).toBe('same_store');
    await product(B, 'ONLY-A', '只在一号店').then(() => t.admin.call('DELETE', `/v1/admin/stores/${B}/products/ONLY-A`));
    await product(A, 'ONLY-A', '只在一号店');
    const lacking = await owner.call('POST', `/stores/${A}/stock/transfers`, { body: { toStoreId: B, lines: [{ productId: 'ONLY-A', quantityMilli: 1_000 }] } });
    expect(lacking.status).toBe(400);
    expect(lacking.body.error.details).toMatchObject({ reason: 'unknown_product', storeId: B, productIds: ['ONLY-A'] });
    await t.admin.call('DELETE', `/v1/admin/stores/${A}/products/ONLY-A`);
    expect(await moved()).toBe(before);
    expect(await t.sql(`SELECT count(*)::int AS n FROM stock_transfer`)).toEqual(transfers);
  });

  it('refuses bad documents with a clear error and changes nothing', async () => {
    const moved = async () => (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM stock_movement`))[0]!.n;
    const before = await moved();
    const receipts = await t.sql(`SELECT count(*)::int AS n FROM stock_receipt`);
    const twice = await owner.call('POST', `/stores/${A}/stock/receipts`, { body: { supplier: 'X', lines: [{ productId: 'COLA', quantityMilli: 1000, unitCost: 1 }, { productId: 'COLA', quantityMilli: 1000, unitCost: 2 }] } });
    expect(twice.status).toBe(400);
    expect(twice.body.error.message).toMatch(/twice/);
    const unknown = await owner.call('POST', `/stores/${A}/stock/receipts`, { body: { supplier: 'X', lines: [{ productId: 'COLA', quantityMilli: 1000, unitCost: 1 }, { productId: 'NOPE', quantityMilli: 1000, unitCost: 1 }] } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details).toMatchObject({ reason: 'unknown_product', productIds: ['NOPE'] });
    for (const bad of [
      { supplier: '', lines: [{ productId: 'COLA', quantityMilli: 1000, unitCost: 1 }] },
      { supplier: 'X', lines: [{ productId: 'COLA', quantityMilli: 0, unitCost: 1 }] },
      { supplier: 'X', lines: [{ productId: 'COLA', quantityMilli: 1000, unitCost: -1 }] },
      { supplier: 'X', lines: [{ productId: 'COLA', quantityMilli: 1.5, unitCost: 1 }] },
      { supplier: 'X', lines: [] },
    ]) {
      expect((await owner.call('POST', `/stores/${A}/stock/receipts`, { body: bad })).status).toBe(400);
    }
    expect((await owner.call('POST', `/stores/${A}/stock/counts`, { body: { lines: [{ productId: 'COLA', countedMilli: -1 }] } })).status).toBe(400);
    expect((await owner.call('GET', `/stores/NO-SUCH-STORE/stock`)).status).toBe(404);
    expect((await owner.call('GET', `/stores/NO-SUCH-STORE/stock/documents`)).status).toBe(404);
    expect((await owner.call('POST', `/stores/NO-SUCH-STORE/stock/counts`, { body: { lines: [{ productId: 'COLA', countedMilli: 1 }] } })).status).toBe(404);
    expect(await moved()).toBe(before);
    expect(await t.sql(`SELECT count(*)::int AS n FROM stock_receipt`)).toEqual(receipts);
  });

  it('lists low stock against each product’s own line or the store’s', async () => {
    // The store's line is the till's default, 10 units: APPLE (1.234 kg) is low, COLA (24) and TEA (20.5) are not.
    let stock = await items(owner, A);
    expect(stock.items.filter((i) => i.low).map((i) => i.productId)).toEqual(['APPLE']);
    expect((await owner.call('PUT', `/stores/${A}/stock/COLA/threshold`, { body: { lowStockMilli: 24_000 } })).status).toBe(200);
    expect((await owner.call('PUT', `/stores/${A}/stock/APPLE/threshold`, { body: { lowStockMilli: 1_000 } })).status).toBe(200);
    stock = await items(owner, A, '?low=1');
    expect(stock.items.map((i) => [i.productId, i.thresholdMilli])).toEqual([['COLA', 24_000]]);
    expect(stock.totals.low).toBe(1);
    await t.admin.call('PUT', `/v1/admin/stores/${A}/settings`, { body: { lowStockThreshold: 25 } });
    expect((await owner.call('PUT', `/stores/${A}/stock/COLA/threshold`, { body: { lowStockMilli: null } })).status).toBe(200);
    stock = await items(owner, A, '?low=1');
    expect(stock.items.map((i) => [i.productId, i.thresholdMilli])).toEqual([['COLA', 25_000], ['TEA', 25_000]]);
    expect((await owner.call('PUT', `/stores/${A}/stock/NOPE/threshold`, { body: { lowStockMilli: 5 } })).status).toBe(400);
  });

  it('lets a manager of A work A’s stock but not B’s — not even a transfer out of A into B — and an accountant only read', async () => {
    const manager = officeClient(t);
    expect((await manager.signIn('manager.a', 'manager password')).status).toBe(200);
    const moved = async () => (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM stock_movement`))[0]!.n;
    expect((await manager.call('GET', `/stores/${B}/stock`)).status).toBe(403);
    expect((await manager.call('GET', `/stores/${B}/stock/documents`)).status).toBe(403);
    expect((await manager.call('GET', `/stock?stores=${B}`)).status).toBe(403);
    expect((await manager.call('GET', '/stock')).body.stores.map((s: { storeId: string }) => s.storeId)).toEqual([A]);
    const before = await moved();
    expect((await manager.call('POST', `/stores/${B}/stock/receipts`, { body: { supplier: 'X', lines: [{ productId: 'COLA', quantityMilli: 1000, unitCost: 1 }] } })).status).toBe(403);
    expect((await manager.call('POST', `/stores/${B}/stock/counts`, { body: { lines: [{ productId: 'COLA', countedMilli: 0 }] } })).status).toBe(403);
    expect((await manager.call('POST', `/stores/${A}/stock/transfers`, { body: { toStoreId: B, lines: [{ productId: 'COLA', quantityMilli: 1000 }] } })).status).toBe(403);
    expect((await manager.call('POST', `/stores/${B}/stock/transfers`, { body: { toStoreId: A, lines: [{ productId: 'COLA', quantityMilli: 1000 }] } })).status).toBe(403);
    expect((await manager.call('PUT', `/stores/${B}/stock/COLA/threshold`, { body: { lowStockMilli: 1 } })).status).toBe(403);
    expect(await moved()).toBe(before);
    const own = await manager.call('POST', `/stores/${A}/stock/receipts`, { body: { supplier: '本地批发', lines: [{ productId: 'TEA', quantityMilli: 4_500, unitCost: 250 }] } });
    expect(own.status).toBe(201);
    expect(await moved()).toBe(before + 1);

    const accountant = officeClient(t);
    await accountant.signIn('books', 'accountant password');
    const summary = await accountant.call('GET', '/stock');
    expect(summary.body.stores.map((s: { name: string; valueAtCost: number }) => [s.name, s.valueAtCost])).toEqual([
      ['一号店', 4560 + 2467 + 6250], // COLA 24 × 190, APPLE 1.234 kg × 1999, TEA 25 × 250
      ['二号店', 1140],
    ]);
    expect((await accountant.call('POST', `/stores/${A}/stock/counts`, { body: { lines: [{ productId: 'COLA', countedMilli: 0 }] } })).status).toBe(403);
    expect(await moved()).toBe(before + 1);
  });
});

/**
 * The back office's catalog and prices on real PostgreSQL through the real HTTPS server: the owner's chain product
 * reaching every store's pull, a store's own price that the chain edit leaves alone, which tills have a change
 * (from their pulls), hostile input refused with nothing changed, store scoping (manager of A, accountant), and
 * the CSV/XLSX import's preview and apply.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PullReply, type EnrolReply } from '../../../src-common/sync-protocol';
import { CatalogImportReply, CatalogList } from '../../../src-common/office/catalog';
import { startTestServer, type TestServer } from '../../testing/server';
import { createOfficeAccount, officeClient, type OfficeClient } from '../../testing/office';
import { storeWithTills } from '../../testing/stores';

const COLA = {
  sku: 'COLA-330',
  name: '可口可乐 330ml',
  nameEn: 'Coca-Cola 330ml',
  price: 350,
  taxRateBp: 1300,
  unit: 'each',
  barcodes: ['6901234567892'],
} as const;

describe('back office: catalog and prices', () => {
  let t: TestServer;
  let owner: OfficeClient;
  let managerA: OfficeClient;
  let accountant: OfficeClient;
  let storeA: string;
  let storeB: string;
  let tillsA: EnrolReply[];
  let tillsB: EnrolReply[];
  let colaId: string;

  const pull = async (till: EnrolReply, since: number) => {
    const reply = await t.as(till.credential).call('GET', `/v1/pull?since=${since}`);
    expect(reply.status).toBe(200);
    return PullReply.parse(reply.body);
  };
  const list = async (client: OfficeClient, query = '') => {
    const reply = await client.call('GET', `/catalog${query}`);
    expect(reply.status).toBe(200);
    return CatalogList.parse(reply.body);
  };
  const productRows = () => t.sql(`SELECT store_id, product_id, sku, name, price, override_price, chain_price, active, version FROM product ORDER BY store_id, product_id`);
  const storeVersions = () => t.sql(`SELECT store_id, version FROM store ORDER BY store_id`);

  beforeAll(async () => {
    t = await startTestServer();
    ({ storeId: storeA, tills: tillsA } = await storeWithTills(t, '一号店', ['A1', 'A2']));
    ({ storeId: storeB, tills: tillsB } = await storeWithTills(t, '二号店', ['B1']));
    await createOfficeAccount(t.server.databaseUrl, { login: 'boss', name: '王老板', password: 'correct horse battery', grants: [{ storeId: '*', role: 'owner' }] });
    await createOfficeAccount(t.server.databaseUrl, { login: 'li.a', name: '李店长', password: 'correct horse battery', grants: [{ storeId: storeA, role: 'manager' }] });
    await createOfficeAccount(t.server.databaseUrl, { login: 'zhang', name: '张会计', password: 'correct horse battery', grants: [{ storeId: '*', role: 'accountant' }] });
    owner = officeClient(t);
    managerA = officeClient(t);
    accountant = officeClient(t);
    expect((await owner.signIn('boss', 'correct horse battery')).status).toBe(200);
    expect((await managerA.signIn('li.a', 'correct horse battery')).status).toBe(200);
    expect((await accountant.signIn('zhang', 'correct horse battery')).status).toBe(200);
  });
  afterAll(() => t?.stop());

  it('writes the owner’s product to every store, each store’s version raised, and every till pulls it at the chain price', async () => {
    const category = await owner.call('POST', '/catalog/categories', { body: { name: '饮料', sort: 1 } });
    expect(category.status).toBe(201);
    const before = await storeVersions();
    const created = await owner.call('POST', '/catalog/products', { body: { ...COLA, categoryId: category.body.categoryId } });
    expect(created.status).toBe(201);
    colaId = created.body.productId;
    const after = await storeVersions();
    expect(after.map((s) => Number(s.version))).toEqual(before.map((s) => Number(s.version) + 1));

    for (const till of [...tillsA, ...tillsB]) {
      const reply = await pull(till, 0);
      expect(reply.categories.map((c) => c.name)).toEqual(['饮料']);
      // toMatchObject: the pulled row may carry fields other areas own (a member price), each element checked field by field.
      expect(reply.products).toMatchObject([
        { id: colaId, sku: 'COLA-330', name: '可口可乐 330ml', nameEn: 'Coca-Cola 330ml', price: 350, taxRateBp: 1300, unit: 'each', categoryId: category.body.categoryId, plu: null, active: true, barcodes: ['6901234567892'] },
      ]);
    }
  });

  it('gives store A its own price that only A’s tills pull, and the chain’s next edit keeps it', async () => {
    const [a1, , b1] = [...tillsA, ...tillsB];
    const versionA = (await pull(a1!, 0)).version;
    const versionB = (await pull(b1!, 0)).version;
    const override = await managerA.call('PUT', `/catalog/stores/${storeA}/products/${colaId}/price`, { body: { price: 299 } });
    expect(override.status).toBe(200);
    expect(override.body).toMatchObject({ price: 299, overridePrice: 299 });
    expect((await pull(a1!, versionA)).products.map((p) => p.price)).toEqual([299]);
    expect((await pull(b1!, versionB)).products).toEqual([]);

    // The owner raises the chain price: B follows, A keeps its own.
    const raised = await owner.call('PUT', `/catalog/products/${colaId}`, { body: { ...COLA, price: 380 } });
    expect(raised.status).toBe(200);
    expect((await pull(a1!, versionA)).products.map((p) => p.price)).toEqual([299]);
    expect((await pull(b1!, versionB)).products.map((p) => p.price)).toEqual([380]);
    const view = await list(owner);
    expect(view.products[0]).toMatchObject({ sku: 'COLA-330', chainPrice: 380 });
    expect(view.products[0]!.stores.map((s) => [s.storeId, s.price, s.overridePrice])).toEqual([
      [storeA, 299, 299],
      [storeB, 380, null],
    ]);

    // Back to the chain's price.
    const cleared = await owner.call('PUT', `/catalog/stores/${storeA}/products/${colaId}/price`, { body: { price: null } });
    expect(cleared.body).toMatchObject({ price: 380, overridePrice: null });
    expect((await pull(a1!, versionA)).products.map((p) => p.price)).toEqual([380]);
  });

  it('says which tills have the latest change: a till has it once it pulls since a version at or past it', async () => {
    const [a1, a2] = tillsA as [EnrolReply, EnrolReply];
    const b1 = tillsB[0]!;
    await managerA.call('PUT', `/catalog/stores/${storeA}/products/${colaId}/price`, { body: { price: 333 } });
    const latestA = Number((await t.sql(`SELECT version FROM store WHERE store_id = $1`, [storeA]))[0]!.version);
    const latestB = Number((await t.sql(`SELECT version FROM store WHERE store_id = $1`, [storeB]))[0]!.version);
    // A1 applies the latest and pulls again (which tells the server), A2 is a version behind, B1 has B's latest.
    await pull(a1, latestA);
    await pull(a2, latestA - 1);
    await pull(b1, latestB);
    const view = await list(owner);
    expect(view.products[0]!.tillsHaving.sort()).toEqual(['A1', 'B1']);
    expect(view.tills.map((x) => [x.terminalId, x.pulledVersion])).toEqual([
      ['A1', latestA],
      ['A2', latestA - 1],
      ['B1', latestB],
    ]);
    await pull(a2, latestA);
    expect((await list(owner)).products[0]!.tillsHaving.sort()).toEqual(['A1', 'A2', 'B1']);
  });

  it('refuses hostile names and bad prices with a clear 400 and changes nothing', async () => {
    const rows = await productRows();
    const versions = await storeVersions();
    const NEW = { ...COLA, sku: 'NEW-1', barcodes: [] as string[] };
    const bad: [unknown, RegExp][] = [
      [{ ...NEW, name: 'bad\u0000name' }, /name: contains a control character/],
      [{ ...NEW, name: '   ' }, /name/],
      [{ ...NEW, price: -1 }, /price/],
      [{ ...NEW, price: 3.5 }, /price/],
      [{ ...NEW, price: '3.50' }, /price/],
      [{ ...NEW, barcodes: ['6901234567893'] }, /barcode 6901234567893 has a wrong check digit/],
      [{ ...NEW, barcodes: ['2001234567893'] }, /in-store range the scales print/],
      [{ ...NEW, taxRateBp: 10001 }, /taxRateBp/],
      [{ ...NEW, unit: 'kg', plu: '12' }, /plu/],
      [{ ...NEW, categoryId: 'NO-SUCH' }, /Category NO-SUCH does not exist/],
      // Taken by the cola: its SKU and its barcode.
      [{ ...COLA, barcodes: [] }, /SKU COLA-330 already belongs to another product/],
      [{ ...NEW, barcodes: COLA.barcodes }, /Barcode 6901234567892 already belongs to SKU COLA-330/],
    ];
    for (const [body, message] of bad) {
      const reply = await owner.call('POST', '/catalog/products', { body });
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.body.error.message).toMatch(message);
    }
    for (const price of [-1, 1.5, '299', 100_000_000]) {
      const reply = await managerA.call('PUT', `/catalog/stores/${storeA}/products/${colaId}/price`, { body: { price } });
      expect(reply.status, String(price)).toBe(400);
    }
    expect(await productRows()).toEqual(rows);
    expect(await storeVersions()).toEqual(versions);
  });

  it('keeps a name with markup as plain text', async () => {
    const created = await owner.call('POST', '/catalog/products', {
      body: { sku: 'X-<b>', name: '<img src=x onerror=alert(1)>', price: 100, taxRateBp: 0, unit: 'each' },
    });
    expect(created.status).toBe(201);
    const view = await list(owner, `?q=${encodeURIComponent('<img')}`);
    expect(view.products.map((p) => p.name)).toEqual(['<img src=x onerror=alert(1)>']);
  });

  it('lets the manager of A change only A, the accountant nothing, and only the owner the chain', async () => {
    const rows = await productRows();
    const refused: [OfficeClient, string, string, unknown][] = [
      [managerA, 'PUT', `/catalog/stores/${storeB}/products/${colaId}/price`, { price: 1 }],
      [managerA, 'PUT', `/catalog/stores/${storeB}/products/${colaId}/active`, { active: false }],
      [managerA, 'PUT', `/catalog/products/${colaId}`, { ...COLA, price: 1 }],
      [managerA, 'POST', '/catalog/products', { ...COLA, sku: 'M-1', barcodes: [] }],
      [managerA, 'POST', '/catalog/categories', { name: '零食' }],
      [managerA, 'POST', '/catalog/import', { format: 'csv', fileBase64: Buffer.from('sku,name,price,tax_rate\nM-2,x,1,0\n').toString('base64'), apply: true }],
      [accountant, 'PUT', `/catalog/stores/${storeA}/products/${colaId}/price`, { price: 1 }],
      [accountant, 'PUT', `/catalog/stores/${storeA}/products/${colaId}/active`, { active: false }],
      [accountant, 'PUT', `/catalog/products/${colaId}`, { ...COLA, price: 1 }],
    ];
    for (const [client, method, path, body] of refused) {
      const reply = await client.call(method, path, { body });
      expect(reply.status, `${method} ${path}`).toBe(403);
    }
    expect((await managerA.call('GET', `/catalog?store=${storeB}`)).status).toBe(403);
    // Without a store the manager sees her store only: the product's rows of A, and A's tills.
    const mine = await list(managerA);
    expect(mine.stores.map((s) => s.storeId)).toEqual([storeA]);
    expect(mine.products[0]!.stores.map((s) => s.storeId)).toEqual([storeA]);
    expect(mine.tills.map((x) => x.terminalId)).toEqual(['A1', 'A2']);
    expect((await list(accountant)).products.length).toBeGreaterThan(0);
    expect(await productRows()).toEqual(rows);

    // What the manager may do: switch the product off in A (B keeps selling it).
    const off = await managerA.call('PUT', `/catalog/stores/${storeA}/products/${colaId}/active`, { body: { active: false } });
    expect(off.status).toBe(200);
    const [a1] = tillsA;
    const b1 = tillsB[0]!;
    expect((await pull(a1!, 0)).products.find((p) => p.id === colaId)!.active).toBe(false);
    expect((await pull(b1, 0)).products.find((p) => p.id === colaId)!.active).toBe(true);
    // The owner's chain edit leaves A's switch off.
    expect((await owner.call('PUT', `/catalog/products/${colaId}`, { body: { ...COLA, price: 390 } })).status).toBe(200);
    expect((await pull(a1!, 0)).products.find((p) => p.id === colaId)!.active).toBe(false);
    await managerA.call('PUT', `/catalog/stores/${storeA}/products/${colaId}/active`, { body: { active: true } });
  });

  it('previews a CSV import with per-row errors, writing nothing, then applies the good rows to every store in one go', async () => {
    const csv = [
      'sku,barcodes,name,name_en,price,tax_rate,unit,category,active,plu,stock',
      'COLA-330,6901234567892,可口可乐 330ml,Coca-Cola 330ml,3.95,13%,each,饮料,1,,5',
      'APPLE-KG,,红富士苹果,Fuji apple,12.80,9%,kg,水果,1,12,not counted',
      'BAD-PRICE,,坏价格,,3.999,13%,each,,1,,',
      'DUP-CODE,6901234567892,撞码,,1.00,13%,each,,1,,',
      'TEA-500,6901234567908,绿茶 500ml,,4.50,13%,个,饮料,1,,',
      'TEA-500,,又一个绿茶,,4.50,13%,each,,1,,',
    ].join('\n');
    const body = { format: 'csv', fileBase64: Buffer.from(`\uFEFF${csv}`).toString('base64') };
    const rows = await productRows();
    const versions = await storeVersions();
    const preview = await owner.call('POST', '/catalog/import', { body: { ...body, apply: false } });
    expect(preview.status).toBe(200);
    const p = CatalogImportReply.parse(preview.body);
    expect(p).toMatchObject({ applied: false, inserted: 2, updated: 1, unchanged: 0, ignoredColumns: ['stock'] });
    expect(p.rows.map((r) => [r.line, r.sku, r.action, r.price])).toEqual([
      [2, 'COLA-330', 'update', 395],
      [3, 'APPLE-KG', 'insert', 1280],
      [6, 'TEA-500', 'insert', 450],
    ]);
    expect(p.skipped.map((s) => [s.line, s.code])).toEqual([
      [4, 'bad_price'],
      [5, 'duplicate_barcode'],
      [7, 'duplicate_sku'],
    ]);
    expect(p.skipped[1]!.message).toMatch(/already belongs to sku COLA-330/);
    expect(await productRows()).toEqual(rows);
    expect(await storeVersions()).toEqual(versions);

    const applied = await owner.call('POST', '/catalog/import', { body: { ...body, apply: true } });
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({ applied: true, inserted: 2, updated: 1 });
    expect((await storeVersions()).map((s) => Number(s.version))).toEqual(versions.map((s) => Number(s.version) + 1));
    const b1 = tillsB[0]!;
    const pulled = await pull(b1, 0);
    const bySku = new Map(pulled.products.map((x) => [x.sku, x]));
    expect(bySku.get('COLA-330')!.price).toBe(395);
    expect(bySku.get('APPLE-KG')).toMatchObject({ price: 1280, unit: 'kg', plu: '00012', taxRateBp: 900 });
    expect(bySku.get('TEA-500')).toMatchObject({ price: 450, barcodes: ['6901234567908'] });
    expect(pulled.categories.map((c) => c.name).sort()).toEqual(['水果', '饮料']);
  });

  it('reads XLSX like CSV (numbers as Excel shows them) and refuses a file that is not a workbook', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('商品');
    sheet.addRow(['sku', 'barcodes', 'name', 'price', 'tax_rate', 'unit']);
    sheet.addRow(['WATER-550', 6901234567915, '矿泉水 550ml', 1.5, '13%', 'each']);
    sheet.addRow(['', '', '', '', '', '']);
    sheet.addRow(['WATER-BAD', 6901234567916, '坏条码', 2, '13%', 'each']);
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
    const reply = await owner.call('POST', '/catalog/import', { body: { format: 'xlsx', fileBase64: bytes.toString('base64'), apply: true } });
    expect(reply.status).toBe(200);
    expect(reply.body.rows.map((r: { sku: string; price: number }) => [r.sku, r.price])).toEqual([['WATER-550', 150]]);
    expect(reply.body.skipped.map((s: { line: number; code: string }) => [s.line, s.code])).toEqual([[4, 'bad_barcode']]);
    expect((await list(owner, '?q=6901234567915')).products.map((x) => [x.sku, x.chainPrice, x.barcodes])).toEqual([['WATER-550', 150, ['6901234567915']]]);

    const versions = await storeVersions();
    const junk = await owner.call('POST', '/catalog/import', { body: { format: 'xlsx', fileBase64: Buffer.from('not a zip').toString('base64'), apply: true } });
    expect(junk.status).toBe(400);
    expect(junk.body.error.message).toMatch(/cannot be read as an Excel workbook/);
    const wrongColumns = await owner.call('POST', '/catalog/import', { body: { format: 'csv', fileBase64: Buffer.from('sku,colour\nX,red\n').toString('base64'), apply: true } });
    expect(wrongColumns.status).toBe(400);
    expect(wrongColumns.body.error.details.reason).toBe('unknown_columns');
    expect(await storeVersions()).toEqual(versions);
  });
  it('fills a store added after the catalog from the chain, at the chain’s prices, and only for the owner', async () => {
    const storeC = (await owner.call('POST', '/stores', { body: { name: '三号店' } })).body.storeId as string;
    const chainCount = (await list(owner)).products.length;
    const before = await list(owner, `?store=${storeC}`);
    expect(before.products).toEqual([]);
    expect(before.stores).toMatchObject([{ storeId: storeC, missing: chainCount }]);
    expect((await managerA.call('POST', `/catalog/stores/${storeC}/fill-from-chain`)).status).toBe(403);

    const filled = await owner.call('POST', `/catalog/stores/${storeC}/fill-from-chain`);
    expect(filled.status).toBe(200);
    expect(filled.body).toMatchObject({ storeId: storeC, products: chainCount, categories: 2 });
    const after = await list(owner, `?store=${storeC}`);
    expect(after.stores[0]!.missing).toBe(0);
    const cola = after.products.find((p) => p.sku === 'COLA-330')!;
    // A's own price stays A's: C sells at the chain's.
    expect(cola.stores).toMatchObject([{ storeId: storeC, price: cola.chainPrice, overridePrice: null, active: true }]);
    // Again: nothing left to fill.
    expect((await owner.call('POST', `/catalog/stores/${storeC}/fill-from-chain`)).body).toMatchObject({ products: 0, categories: 0 });
  });
});

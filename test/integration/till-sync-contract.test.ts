/**
 * The till's side of store sync against a small HTTPS server that follows the contract (src-common/sync-protocol.ts)
 * with a certificate made by openssl: enrolment with the fingerprint pinned, facts up exactly once and in order
 * through outages, lost replies, a swapped certificate and a revoked credential; the store's data down, a pull cut
 * off halfway, and the till's own editors refusing what the server owns. The whole terminal runs in this process
 * on a real SQLite file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { SyncStatus } from '../../src-common/calls/sync';
import { SaleFact } from '../../src-common/sync-protocol';
import type { Session } from '../../src-common/roles';
import { fetchServerCertificate, pinnedRequest } from '../../src-main/sync/pinned-https';
import { startTestPos, type TestPos } from '../helpers/pos';
import { makeCertificate, makeSignedCertificate, startContractServer, type ContractServer } from '../helpers/sync-contract-server';

const STORE_A = 'store-a';

async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function sellCash(t: TestPos, cashier: Session, productIds: string[]): Promise<string> {
  for (const productId of productIds) await t.ok(cashier, 'sale.addProduct', { productId, quantityMilli: 1000 });
  const cart = (await t.ok(cashier, 'sale.current', {}))!;
  return (await t.ok(cashier, 'sale.complete', { tenders: [{ kind: 'cash', amount: cart.cashDue }] })).saleId;
}

/** Asks for a sync now and waits until nothing waits (or the status says otherwise). */
async function synced(t: TestPos, session: Session, done: (s: SyncStatus) => boolean = (s) => s.factsWaiting === 0 && s.state === 'online'): Promise<SyncStatus> {
  await t.ok(session, 'sync.now', {});
  return until('the sync', async () => {
    const s = await t.ok(session, 'sync.status', {});
    return done(s) ? s : undefined;
  });
}

function storedOnce(server: ContractServer) {
  const ids = server.facts.map((f) => f.fact.id);
  expect(new Set(ids).size).toBe(ids.length);
}

describe('till sync against the contract: enrolment with a pinned certificate', () => {
  let server: ContractServer;
  let t: TestPos;
  let technician: Session;
  let cashier: Session;

  beforeAll(async () => {
    server = await startContractServer();
    server.addStore(STORE_A, '一号店');
    t = await startTestPos({}, undefined, { openShift: false });
    technician = await t.signedIn('technician');
    cashier = await t.signedIn('cashier');
  });
  afterAll(async () => {
    await t?.close();
    await server?.close();
  });

  it('shows the fingerprint openssl printed for the server’s certificate, and refuses an address that is not https', async () => {
    expect(await t.ok(technician, 'sync.inspect', { serverUrl: `${server.url}/` })).toEqual({ serverUrl: server.url, fingerprint: server.fingerprint });
    expect(await t.call(technician, 'sync.inspect', { serverUrl: server.url.replace('https', 'http') })).toMatchObject({ ok: false, error: { code: 'validation_failed', details: { reason: 'not_https_url' } } });
    expect(await t.call(cashier, 'sync.inspect', { serverUrl: server.url })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('refuses to enrol when the confirmed fingerprint is not the presented one, or the code is wrong; nothing is kept', async () => {
    const other = makeCertificate();
    const wrong = await t.call(technician, 'sync.enrol', { serverUrl: server.url, code: server.enrolmentCode(STORE_A), fingerprint: other.fingerprint });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'fingerprint_mismatch' } } });
    const badCode = await t.call(technician, 'sync.enrol', { serverUrl: server.url, code: 'ZZZZ-ZZZZ', fingerprint: server.fingerprint });
    expect(badCode).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'enrolment_code_invalid' } } });
    expect(await t.ok(cashier, 'sync.status', {})).toMatchObject({ state: 'not_enrolled', serverUrl: null });
  });

  it('a pinned connection to a server presenting another certificate is refused before anything is sent, even one the pinned key signed', async () => {
    const pinnedCertificate = makeCertificate();
    const impostors = [await startContractServer(), await startContractServer({ certificate: makeSignedCertificate(pinnedCertificate, 'impostor.test') })];
    try {
      for (const impostor of impostors) {
        const pinned = { pem: pinnedCertificate.cert, fingerprint: pinnedCertificate.fingerprint };
        await expect(pinnedRequest({ url: impostor.url, certificate: pinned }, 'GET', '/v1/pull?since=0')).rejects.toMatchObject({ reason: 'certificate_mismatch' });
        expect(impostor.requests).toEqual([]);
      }
      // The certificate read without trust is the one the server holds.
      expect((await fetchServerCertificate(server.url)).fingerprint).toBe(server.fingerprint);
    } finally {
      await Promise.all(impostors.map((i) => i.close()));
    }
  });

  it('enrols with the code and the confirmed fingerprint; the credential is kept sealed, never in clear', async () => {
    const code = server.enrolmentCode(STORE_A);
    const status = await t.ok(technician, 'sync.enrol', { serverUrl: server.url, code, fingerprint: server.fingerprint });
    expect(status).toMatchObject({ serverUrl: server.url, fingerprint: server.fingerprint, storeId: STORE_A, storeName: '一号店' });
    const [link] = t.query<{ sealed_credential: string }>('SELECT sealed_credential FROM sync_link');
    expect(link!.sealed_credential).toMatch(/^v1\./);
    // The one-time code is spent.
    expect(await t.call(technician, 'sync.enrol', { serverUrl: server.url, code, fingerprint: server.fingerprint })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    await synced(t, technician);
    const log = readFileSync(t.pos.logFile, 'utf8');
    const credentialUsed = server.requests.length > 0;
    expect(credentialUsed).toBe(true);
    expect(log).not.toMatch(/Bearer/);
  });
});

describe('till sync against the contract: facts up exactly once, in order, whatever happens on the way', () => {
  let server: ContractServer;
  let t: TestPos;
  let technician: Session;
  let cashier: Session;
  let owner: Session;
  let products: { id: string; price: number }[];

  beforeAll(async () => {
    server = await startContractServer();
    server.addStore(STORE_A, '一号店');
    t = await startTestPos({}, undefined, { openShift: false });
    technician = await t.signedIn('technician');
    cashier = await t.signedIn('cashier');
    owner = await t.signedIn('owner');
    products = t.query<{ id: string; price: number }>("SELECT id, price FROM product WHERE unit = 'each' AND active = 1 AND price >= 100 ORDER BY sku LIMIT 3");
    await t.ok(technician, 'sync.inspect', { serverUrl: server.url });
    await t.ok(technician, 'sync.enrol', { serverUrl: server.url, code: server.enrolmentCode(STORE_A), fingerprint: server.fingerprint });
  });
  afterAll(async () => {
    await t?.close();
    await server?.close();
  });

  const tillFacts = () => t.query<{ seq: number; kind: string; ref_id: string; acked: number }>('SELECT seq, kind, ref_id, acked FROM sync_fact ORDER BY seq');

  it('uploads the till’s history and its sales: every fact once, in seq order, each sale as the till recorded it', async () => {
    await t.ok(owner, 'shift.open', { float: 10_000 });
    const saleIds = [await sellCash(t, cashier, [products[0]!.id]), await sellCash(t, cashier, [products[1]!.id, products[2]!.id])];
    const status = await synced(t, technician);
    const local = tillFacts();
    expect(status.factsWaiting).toBe(0);
    expect(local.every((f) => f.acked === 1)).toBe(true);
    expect(server.facts).toHaveLength(local.length);
    storedOnce(server);
    expect(server.facts.map((f) => f.fact.seq)).toEqual(local.map((f) => f.seq));
    for (const saleId of saleIds) {
      const stored = server.facts.find((f) => f.fact.kind === 'sale' && f.fact.id === saleId)!;
      const payload = SaleFact.parse(stored.fact.payload);
      const [row] = t.query<{ total: number; receipt_no: number }>('SELECT total, receipt_no FROM sale WHERE id = ?', saleId);
      expect(payload).toMatchObject({ saleId, total: row!.total, receiptNo: row!.receipt_no });
      expect(payload.tenders.reduce((sum, tender) => sum + tender.amount, 0)).toBe(row!.total);
      expect(payload.shiftId).not.toBeNull();
    }
    expect(server.facts.map((f) => f.fact.kind)).toEqual(expect.arrayContaining(['shift_open', 'sale', 'stock_movement', 'audit']));
  });

  it('keeps selling while the server is down, and every fact lands once, in order, when it is back', async () => {
    server.mode = 'down';
    const before = server.facts.length;
    const offline = [await sellCash(t, cashier, [products[0]!.id]), await sellCash(t, cashier, [products[1]!.id])];
    const down = await synced(t, technician, (s) => s.state === 'offline');
    expect(down.factsWaiting).toBeGreaterThanOrEqual(2);
    expect(down.lastError).toMatch(/^(unreachable|timeout)/);
    expect(server.facts.length).toBe(before);

    server.mode = 'ok';
    await synced(t, technician);
    storedOnce(server);
    expect(server.facts.filter((f) => f.fact.kind === 'sale').map((f) => f.fact.id)).toEqual(expect.arrayContaining(offline));
    const seqs = server.facts.map((f) => f.fact.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(seqs.at(-1)).toBe(tillFacts().at(-1)!.seq);
  });

  it('a batch stored but whose reply was lost is sent again and stored once', async () => {
    server.mode = 'lose_replies';
    const saleId = await sellCash(t, cashier, [products[2]!.id]);
    await t.ok(technician, 'sync.now', {});
    await until('a lost reply', () => server.requests.some((r) => r.status === 0));
    expect((await t.ok(technician, 'sync.status', {})).factsWaiting).toBeGreaterThan(0);
    server.mode = 'ok';
    await synced(t, technician);
    storedOnce(server);
    expect(server.facts.filter((f) => f.fact.id === saleId)).toHaveLength(1);
  });

  it('brings the store’s prices and settings down; the till’s editors of them refuse while enrolled', async () => {
    const product = t.query<{ id: string; sku: string; name: string; tax_rate_bp: number }>('SELECT id, sku, name, tax_rate_bp FROM product WHERE id = ?', products[0]!.id)[0]!;
    server.setProduct(STORE_A, { id: product.id, sku: product.sku, name: product.name, nameEn: null, price: 1234, taxRateBp: product.tax_rate_bp, unit: 'each', categoryId: null, plu: null, active: true, barcodes: [] });
    server.setSettings(STORE_A, { receiptFooter: ['由门店服务器下发'] });
    const status = await synced(t, technician, (s) => s.pulledVersion >= 3 && s.state === 'online');
    expect(status.pulledVersion).toBe(3);
    expect(t.query('SELECT price FROM product WHERE id = ?', product.id)).toEqual([{ price: 1234 }]);
    expect((await t.ok(cashier, 'settings.get', {})).receiptFooter).toEqual(['由门店服务器下发']);
    const cart = await t.ok(cashier, 'sale.addProduct', { productId: product.id, quantityMilli: 1000 });
    expect(cart.total).toBe(1234);
    await t.ok(cashier, 'sale.void', { reason: '试价' });

    const managed = { ok: false, error: { code: 'forbidden', details: { reason: 'managed_by_store_server' } } };
    expect(await t.call(owner, 'catalog.importCsv', { csv: 'sku,name,price\nX1,新品,1.00\n' })).toMatchObject(managed);
    expect(await t.call(owner, 'admin.updateSettings', { storeName: '改名' })).toMatchObject(managed);
    expect(await t.call(owner, 'users.create', { name: '新人', role: 'cashier', pin: '482916' })).toMatchObject(managed);
    // The owner's product editor (issue 16): the catalog is the server's.
    expect(await t.call(owner, 'catalog.setActive', { productId: product.id, active: false })).toMatchObject(managed);
    expect(await t.call(owner, 'catalog.addCategory', { name: '新分类' })).toMatchObject(managed);
    expect(await t.call(owner, 'catalog.previewCsv', { csv: 'sku,name,price\nX1,新品,1.00\n' })).toMatchObject(managed);
    expect(t.query('SELECT active FROM product WHERE id = ?', product.id)).toEqual([{ active: 1 }]);
    // Promotions and member prices are the server's too (issue 16): refused in the core, whatever the UI shows.
    const rule = { kind: 'spend_save' as const, threshold: 10000, saving: 1000, repeating: false, categoryId: null };
    expect(await t.call(owner, 'promotions.save', { name: '本店满减', active: true, startDate: null, endDate: null, rule })).toMatchObject(managed);
    expect(await t.call(owner, 'promotions.end', { id: 'PROMO1' })).toMatchObject(managed);
    expect(await t.call(owner, 'promotions.setMemberPrice', { productId: product.id, memberPrice: 100 })).toMatchObject(managed);
    expect(t.query('SELECT count(*) AS n FROM promotion')).toEqual([{ n: 0 }]);
    expect(t.query('SELECT member_price FROM product WHERE id = ?', product.id)).toEqual([{ member_price: null }]);
    // What the server does not own stays the till's.
    expect(await t.call(technician, 'admin.updateSettings', { kioskMode: false })).toMatchObject({ ok: true });
  });

  it('a pull cut off halfway leaves the previous version whole', async () => {
    const product = t.query<{ id: string; sku: string; name: string; tax_rate_bp: number }>('SELECT id, sku, name, tax_rate_bp FROM product WHERE id = ?', products[1]!.id)[0]!;
    const oldPrice = products[1]!.price;
    server.mode = 'cut_pulls';
    server.setProduct(STORE_A, { id: product.id, sku: product.sku, name: product.name, nameEn: null, price: 999, taxRateBp: product.tax_rate_bp, unit: 'each', categoryId: null, plu: null, active: true, barcodes: [] });
    await t.ok(technician, 'sync.now', {});
    await until('a cut pull', () => server.requests.some((r) => r.path.startsWith('/v1/pull') && r.status === 0));
    await until('the failed pull recorded', async () => (await t.ok(technician, 'sync.status', {})).lastError !== null);
    expect(t.query('SELECT price FROM product WHERE id = ?', product.id)).toEqual([{ price: oldPrice }]);
    expect((await t.ok(technician, 'sync.status', {})).pulledVersion).toBe(3);

    server.mode = 'ok';
    const status = await synced(t, technician, (s) => s.pulledVersion === 4 && s.state === 'online');
    expect(status.lastError).toBeNull();
    expect(t.query('SELECT price FROM product WHERE id = ?', product.id)).toEqual([{ price: 999 }]);
  });

  it('shows the upload and pull runs with their attempts', async () => {
    const runs = await t.ok(technician, 'sync.history', {});
    expect(runs.some((r) => r.kind === 'sync.upload' && r.status === 'done')).toBe(true);
    expect(runs.some((r) => r.kind === 'sync.pull' && r.history.some((a) => a.outcome === 'retry'))).toBe(true);
  });

  it('a server that lost facts it had acknowledged gets them again from the till, which never dropped them', async () => {
    server.forgetFacts();
    await sellCash(t, cashier, [products[1]!.id]);
    await synced(t, technician);
    expect(server.facts.map((f) => f.fact.seq)).toEqual(tillFacts().map((f) => f.seq));
    storedOnce(server);
  });

  it('a store setting the till cannot use keeps the till’s own and raises an alert; prices still come down', async () => {
    server.setSettings(STORE_A, { receiptHeader: '不是数组' });
    const product = t.query<{ id: string; sku: string; name: string; tax_rate_bp: number }>('SELECT id, sku, name, tax_rate_bp FROM product WHERE id = ?', products[2]!.id)[0]!;
    server.setProduct(STORE_A, { id: product.id, sku: product.sku, name: product.name, nameEn: null, price: 777, taxRateBp: product.tax_rate_bp, unit: 'each', categoryId: null, plu: null, active: true, barcodes: [] });
    const status = await synced(t, technician, (s) => s.alert !== null && s.state === 'online');
    expect(status.alert).toMatch(/^setting_invalid: .*receiptHeader/);
    expect(t.query('SELECT price FROM product WHERE id = ?', product.id)).toEqual([{ price: 777 }]);
    expect((await t.ok(cashier, 'settings.get', {})).receiptHeader).toEqual(expect.any(Array));
    server.setSettings(STORE_A, { receiptHeader: ['欢迎光临'] });
    const healed = await synced(t, technician, (s) => s.alert === null && s.state === 'online');
    expect(healed.alert).toBeNull();
    expect((await t.ok(cashier, 'settings.get', {})).receiptHeader).toEqual(['欢迎光临']);
  });

  it('a revoked credential is refused: facts wait on the till, the state says so', async () => {
    server.revokeAll(STORE_A);
    await sellCash(t, cashier, [products[0]!.id]);
    const refused = await synced(t, technician, (s) => s.state === 'refused');
    expect(refused.lastError).toMatch(/^unauthorized/);
    expect(refused.factsWaiting).toBeGreaterThan(0);
  });

  it('un-enrolled, the till edits its own catalog again and keeps every fact not yet acknowledged', async () => {
    const waiting = (await t.ok(technician, 'sync.status', {})).factsWaiting;
    expect(await t.ok(technician, 'sync.unenrol', {})).toMatchObject({ state: 'not_enrolled', factsWaiting: waiting + 1 });
    expect(await t.call(owner, 'admin.updateSettings', { storeName: '自己的店' })).toMatchObject({ ok: true });
  });
});

describe('till sync against the contract: a server that presents another certificate after enrolment', () => {
  it('is refused before anything is sent, and the facts wait until the pinned certificate is back', async () => {
    const server = await startContractServer();
    server.addStore(STORE_A, '一号店');
    const t = await startTestPos();
    try {
      const technician = await t.signedIn('technician');
      const cashier = await t.signedIn('cashier');
      await t.ok(technician, 'sync.inspect', { serverUrl: server.url });
      await t.ok(technician, 'sync.enrol', { serverUrl: server.url, code: server.enrolmentCode(STORE_A), fingerprint: server.fingerprint });
      await synced(t, technician);
      // A run asked for while another was going is queued behind it: let the till fall quiet before counting.
      await until('no sync run queued or running', () =>
        t.query<{ n: number }>("SELECT count(*) AS n FROM job WHERE kind IN ('sync.upload', 'sync.pull') AND status IN ('queued', 'running')")[0]!.n === 0,
      );
      const stored = server.facts.length;
      const requests = server.requests.length;

      server.presentCertificate(makeCertificate());
      const [productId] = t.query<{ id: string }>("SELECT id FROM product WHERE unit = 'each' AND active = 1 AND price > 0 LIMIT 1").map((p) => p.id);
      const saleId = await sellCash(t, cashier, [productId!]);
      const refused = await synced(t, technician, (s) => s.state === 'refused');
      expect(refused.lastError).toMatch(/^certificate_mismatch/);
      expect(refused.factsWaiting).toBeGreaterThan(0);
      expect(server.requests.length).toBe(requests);
      expect(server.facts.length).toBe(stored);

      server.presentCertificate(null);
      await synced(t, technician);
      expect(server.facts.filter((f) => f.fact.id === saleId)).toHaveLength(1);
      storedOnce(server);
    } finally {
      await t.close();
      await server.close();
    }
  });
});

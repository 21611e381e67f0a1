/**
 * A till restored from an older copy of its database (its sequence goes back), and a till whose clock is a day
 * off, against the contract server: nothing is lost or stored twice, and seq alone orders the facts.
 */
import { cpSync, rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../src-common/calls/sync';
import type { Session } from '../../src-common/roles';
import type { Clock } from '../../src-main/clock';
import { tempDir } from '../helpers/host';
import { startTestPos, type TestPos } from '../helpers/pos';
import { startContractServer, type ContractServer } from '../helpers/sync-contract-server';

const STORE = 'store-r';
const DAY_MS = 86_400_000;

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function synced(t: TestPos, session: Session): Promise<SyncStatus> {
  await t.ok(session, 'sync.now', {});
  // Generous: on a loaded machine the upload after the server's outage waits out its backoff first.
  return until(
    'the sync',
    async () => {
      const s = await t.ok(session, 'sync.status', {});
      return s.factsWaiting === 0 && s.state === 'online' ? s : undefined;
    },
    60_000,
  );
}

async function sell(t: TestPos, cashier: Session): Promise<string> {
  const [product] = t.query<{ id: string }>("SELECT id FROM product WHERE unit = 'each' AND active = 1 AND price > 0 ORDER BY sku LIMIT 1");
  await t.ok(cashier, 'sale.addProduct', { productId: product!.id, quantityMilli: 1000 });
  const cart = (await t.ok(cashier, 'sale.current', {}))!;
  return (await t.ok(cashier, 'sale.complete', { tenders: [{ kind: 'cash', amount: cart.cashDue }] })).saleId;
}

const saleIdsOn = (server: ContractServer) => server.facts.filter((f) => f.fact.kind === 'sale').map((f) => f.fact.id);
const storedOnce = (server: ContractServer) => expect(new Set(server.facts.map((f) => f.fact.id)).size).toBe(server.facts.length);

// A test's time bound covers its syncs' own waits (up to 60 s each, see synced): when the till's uploads fail
// while the server is down for longer (two test files at a time on a busy machine), its backoff grows past the
// project's 30 s before the next upload.
describe('a till restored from an older copy of its database', { timeout: 180_000 }, () => {
  let server: ContractServer | undefined;
  let t: TestPos | undefined;
  afterEach(async () => {
    await t?.close();
    await server?.close();
  });

  async function open(dataDir?: string) {
    t = await startTestPos({}, dataDir);
    return { t, technician: await t.signedIn('technician'), cashier: await t.signedIn('cashier') };
  }

  it('that sold again before it synced: the server says the stream diverged; a new stream resends every waiting fact, none lost, none twice', async () => {
    server = await startContractServer();
    server.addStore(STORE, '恢复店');
    let till = await open();
    const dataDir = till.t.dataDir;
    await till.t.ok(till.technician, 'sync.inspect', { serverUrl: server.url });
    await till.t.ok(till.technician, 'sync.enrol', { serverUrl: server.url, code: server.enrolmentCode(STORE), fingerprint: server.fingerprint });
    const before = [await sell(till.t, till.cashier), await sell(till.t, till.cashier)];
    const firstStream = (await synced(till.t, till.technician)).streamId;
    await till.t.close();
    const backup = tempDir('pos-backup-');
    cpSync(dataDir, backup, { recursive: true });

    till = await open(dataDir);
    const lostLocally = [await sell(till.t, till.cashier), await sell(till.t, till.cashier), await sell(till.t, till.cashier)];
    await synced(till.t, till.technician);
    await till.t.close();

    rmSync(dataDir, { recursive: true, force: true });
    cpSync(backup, dataDir, { recursive: true });
    till = await open(dataDir);
    const after = [await sell(till.t, till.cashier), await sell(till.t, till.cashier)];
    const status = await synced(till.t, till.technician);

    expect(status.streamId).not.toBe(firstStream);
    expect(status.alert).toBeNull();
    expect(saleIdsOn(server).sort()).toEqual([...before, ...lostLocally, ...after].sort());
    storedOnce(server);
    // The restored till's own facts are all on the server.
    const local = till.t.query<{ n: number }>('SELECT count(*) AS n FROM sync_fact WHERE acked = 0');
    expect(local).toEqual([{ n: 0 }]);
    expect(server.requests.some((r) => r.status === 409)).toBe(true);
  });

  it('whose waiting facts the server already holds: it acknowledges beyond what was sent; a new stream resends them, stored once', async () => {
    server = await startContractServer();
    server.addStore(STORE, '恢复店');
    let till = await open();
    const dataDir = till.t.dataDir;
    await till.t.ok(till.technician, 'sync.inspect', { serverUrl: server.url });
    await till.t.ok(till.technician, 'sync.enrol', { serverUrl: server.url, code: server.enrolmentCode(STORE), fingerprint: server.fingerprint });
    await synced(till.t, till.technician);
    server.mode = 'down';
    const waiting = [await sell(till.t, till.cashier), await sell(till.t, till.cashier)];
    await till.t.close();
    const backup = tempDir('pos-backup-');
    cpSync(dataDir, backup, { recursive: true });

    server.mode = 'ok';
    till = await open(dataDir);
    const later = await sell(till.t, till.cashier);
    const streamBefore = (await synced(till.t, till.technician)).streamId;
    await till.t.close();

    rmSync(dataDir, { recursive: true, force: true });
    cpSync(backup, dataDir, { recursive: true });
    till = await open(dataDir);
    const status = await synced(till.t, till.technician);
    expect(status.streamId).not.toBe(streamBefore);
    expect(saleIdsOn(server).sort()).toEqual([...waiting, later].sort());
    storedOnce(server);
  });
});

describe('a till whose clock is a day off', () => {
  it('its facts keep their order by seq, each with the clock it was written by', async () => {
    const server = await startContractServer();
    server.addStore(STORE, '时钟店');
    let offset = DAY_MS;
    const clock: Clock = { now: () => new Date(Date.now() + offset) };
    const t = await startTestPos({}, undefined, { clock });
    try {
      const technician = await t.signedIn('technician');
      const cashier = await t.signedIn('cashier');
      await t.ok(technician, 'sync.inspect', { serverUrl: server.url });
      await t.ok(technician, 'sync.enrol', { serverUrl: server.url, code: server.enrolmentCode(STORE), fingerprint: server.fingerprint });
      const ahead = await sell(t, cashier);
      offset = 0; // the clock is put right
      const right = await sell(t, cashier);
      await synced(t, technician);
      const sales = server.facts.filter((f) => f.fact.kind === 'sale');
      expect(sales.map((f) => f.fact.id)).toEqual([ahead, right]);
      expect(sales[0]!.fact.seq).toBeLessThan(sales[1]!.fact.seq);
      expect(Date.parse(sales[0]!.fact.recordedAt) - Date.parse(sales[1]!.fact.recordedAt)).toBeGreaterThan(DAY_MS / 2);
      storedOnce(server);
    } finally {
      await t.close();
      await server.close();
    }
  });
});

/**
 * Issue 14's day, end to end: the real store server (`npm run server`'s build, on the embedded PostgreSQL it
 * starts in its own data directory) and three built headless hosts in two stores. Each till is enrolled by its
 * technician (fingerprint compared, one-time code), sells cash and wallet sales (through the sandbox acquirer),
 * one till is cut off from the server for part of the day, a price change made on the server reaches the tills of
 * that store only, and at the end of the day the server's totals per till and per store equal each till's own Z
 * report to the fen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallOutput } from '../../src-common/contract';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import { queryTerminalDb, startHostProcess, tempDir, type ApiSocket, type HostProcess } from '../helpers/host';
import { startServerProcess, type ServerProcess } from '../helpers/server-process';
import { ok, signedIn, startRelay, synced, until } from '../helpers/till-sync';

interface Till {
  name: string;
  host: HostProcess;
  terminalId: string;
  technician: ApiSocket;
  cashier: ApiSocket;
  owner: ApiSocket;
}

describe('the store server and three tills of two stores through one day', () => {
  let server: ServerProcess;
  let relay: Awaited<ReturnType<typeof startRelay>>;
  let fingerprint: string;
  const stores: Record<'A' | 'B', string> = { A: '', B: '' };
  const tills: Record<'A1' | 'A2' | 'B1', Till> = {} as never;
  const OOLONG = { A: 'SYNC-OOLONG-A', B: 'SYNC-OOLONG-B' };

  beforeAll(async () => {
    server = await startServerProcess(tempDir('store-server-'));
    relay = await startRelay(server.url);
    fingerprint = (await server.admin.call('GET', '/v1/admin/server')).body.fingerprint as string;
    for (const [key, name] of [['A', '一号店'], ['B', '二号店']] as const) {
      const created = await server.admin.call('POST', '/v1/admin/stores', { body: { name } });
      expect(created.status).toBe(201);
      stores[key] = created.body.storeId as string;
    }
    for (const name of ['A1', 'A2', 'B1'] as const) {
      const host = await startHostProcess({ config: {} });
      const technician = await signedIn(host, 'technician');
      const terminalId = (await ok(technician, 'terminal.status', {})).terminalId;
      tills[name] = { name, host, terminalId, technician, cashier: await signedIn(host, 'cashier'), owner: await signedIn(host, 'owner') };
    }
  }, 120_000);

  afterAll(async () => {
    for (const till of Object.values(tills)) {
      for (const api of [till.technician, till.cashier, till.owner]) api.close();
      await till.host.stop();
    }
    await relay?.close();
    if (server) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  }, 60_000);

  it('each technician compares the fingerprint the server printed and enrols the till with a one-time code', async () => {
    for (const [name, storeKey, url] of [['A1', 'A', server.url], ['A2', 'A', relay.url], ['B1', 'B', server.url]] as const) {
      const till = tills[name];
      const seen = await ok(till.technician, 'sync.inspect', { serverUrl: url });
      expect(seen.fingerprint).toBe(fingerprint);
      const code = (await server.admin.call('POST', `/v1/admin/stores/${stores[storeKey]}/enrolment-codes`)).body.code as string;
      const status = await ok(till.technician, 'sync.enrol', { serverUrl: url, code, fingerprint: seen.fingerprint });
      expect(status).toMatchObject({ storeId: stores[storeKey], fingerprint });
      await synced(till);
    }
    const terminals = (await server.admin.call('GET', `/v1/admin/stores/${stores.A}/terminals`)).body.terminals as { terminalId: string; ackedSeq: number }[];
    expect(terminals.map((t) => t.terminalId).sort()).toEqual([tills.A1.terminalId, tills.A2.terminalId].sort());
  });

  async function putProduct(storeKey: 'A' | 'B', sku: string, price: number): Promise<void> {
    const reply = await server.admin.call('PUT', `/v1/admin/stores/${stores[storeKey]}/products/${sku}`, {
      body: { sku, name: '门店乌龙茶', price, taxRateBp: 1300, unit: 'each' },
    });
    expect(reply.status).toBe(200);
  }
  const priceOn = (till: Till, productId: string) => queryTerminalDb<{ price: number }>(till.host.ready, 'SELECT price FROM product WHERE id = ?', productId)[0]?.price;

  it('brings each store’s catalog to its own tills only', async () => {
    await putProduct('A', OOLONG.A, 650);
    await putProduct('B', OOLONG.B, 500);
    for (const till of Object.values(tills)) await synced(till, (s) => s.state === 'online' && s.pulledVersion > 0);
    // A till may have pulled an earlier version (its stock) just before: wait for the price itself, then compare.
    for (const till of [tills.A1, tills.A2]) await until(`the price on ${till.name}`, async () => (priceOn(till, OOLONG.A) === 650 ? true : undefined));
    await until('the price on B1', async () => (priceOn(tills.B1, OOLONG.B) === 500 ? true : undefined));
    expect([priceOn(tills.A1, OOLONG.A), priceOn(tills.A2, OOLONG.A), priceOn(tills.B1, OOLONG.A)]).toEqual([650, 650, undefined]);
    expect([priceOn(tills.A1, OOLONG.B), priceOn(tills.B1, OOLONG.B)]).toEqual([undefined, 500]);
  });

  async function sell(till: Till, productId: string, pay: 'cash' | 'wechat' | 'alipay'): Promise<number> {
    await ok(till.cashier, 'sale.addProduct', { productId, quantityMilli: 2000 });
    const cart = (await ok(till.cashier, 'sale.current', {}))!;
    if (pay === 'cash') await ok(till.cashier, 'sale.complete', { tenders: [{ kind: 'cash', amount: cart.cashDue }] });
    else expect((await ok(till.cashier, 'payment.payByCode', { code: sandboxPaymentCode(pay, '0000') })).status).toBe('paid');
    return cart.total;
  }

  it('sells cash and wallet on every till; a till cut off from the server keeps selling on the prices it has', async () => {
    expect(await sell(tills.A1, OOLONG.A, 'cash')).toBe(1300);
    await sell(tills.A1, OOLONG.A, 'wechat');
    await sell(tills.A2, OOLONG.A, 'cash');
    await sell(tills.B1, OOLONG.B, 'alipay');
    await sell(tills.B1, OOLONG.B, 'cash');

    relay.offline = true;
    const offline = await synced(tills.A2, (s) => s.state === 'offline');
    expect(offline.lastError).toMatch(/^(unreachable|timeout)/);
    await putProduct('A', OOLONG.A, 720);
    await synced(tills.A1, (s) => s.state === 'online' && s.factsWaiting === 0);
    await until('the new price on A1', async () => (priceOn(tills.A1, OOLONG.A) === 720 ? true : undefined));
    // Offline: the last version it had.
    expect(await sell(tills.A2, OOLONG.A, 'cash')).toBe(1300);
    expect(await sell(tills.A2, OOLONG.A, 'cash')).toBe(1300);
    expect((await ok(tills.A2.technician, 'sync.status', {})).factsWaiting).toBeGreaterThan(0);
    expect(priceOn(tills.B1, OOLONG.A)).toBeUndefined();

    relay.offline = false;
    await synced(tills.A2);
    // Its facts went up first; the pull that brings the new price may come a moment after (as on A1 above).
    await until('the new price on A2', async () => (priceOn(tills.A2, OOLONG.A) === 720 ? true : undefined));
    expect(await sell(tills.A2, OOLONG.A, 'alipay')).toBe(1440);
    expect(await sell(tills.A1, OOLONG.A, 'cash')).toBe(1440);
  });

  it('at the end of the day the server’s totals per till and per store equal each till’s Z report to the fen', async () => {
    const z: Record<string, CallOutput<'report.takeZ'>> = {};
    for (const till of Object.values(tills)) {
      z[till.name] = await ok(till.owner, 'report.takeZ', {});
      const status = await synced(till);
      // Every fact the till wrote is acknowledged, in one stream numbered from 1.
      const [facts] = queryTerminalDb<{ n: number }>(till.host.ready, 'SELECT count(*) AS n FROM sync_fact');
      expect(status.factsAcked).toBe(facts!.n);
    }
    for (const [storeKey, names] of [['A', ['A1', 'A2']], ['B', ['B1']]] as const) {
      const dates = new Set(names.map((n) => z[n]!.businessDate));
      expect(dates.size).toBe(1);
      const [date] = [...dates];
      const totals = (await server.admin.call('GET', `/v1/admin/stores/${stores[storeKey]}/totals?date=${date}`)).body as {
        store: Record<string, number | string>;
        tills: ({ terminalId: string } & Record<string, number | string>)[];
        zReports: { terminalId: string; net: number | string }[];
      };
      const figures = ['gross', 'discounts', 'sales', 'rounding', 'refunds', 'net', 'tax'] as const;
      expect(totals.tills.map((t) => t.terminalId).sort()).toEqual(names.map((n) => tills[n].terminalId).sort());
      for (const name of names) {
        const mine = totals.tills.find((t) => t.terminalId === tills[name].terminalId)!;
        const report = z[name]!;
        expect(report.counts.sales).toBeGreaterThanOrEqual(name === 'A2' ? 4 : 2);
        expect(report.tenders.map((t) => t.kind)).toEqual(expect.arrayContaining(['cash', name === 'A1' ? 'wechat' : 'alipay']));
        expect(Object.fromEntries(figures.map((f) => [f, Number(mine[f])]))).toEqual(Object.fromEntries(figures.map((f) => [f, report[f]])));
        expect(Number(mine.salesCount)).toBe(report.counts.sales);
        for (const tender of report.tenders) expect(Number((mine.tenders as unknown as Record<string, { net: number }>)[tender.kind]!.net)).toBe(tender.net);
        expect(Number(totals.zReports.find((r) => r.terminalId === tills[name].terminalId)!.net)).toBe(report.net);
      }
      for (const f of figures) expect(Number(totals.store[f])).toBe(names.reduce((sum, n) => sum + z[n]![f], 0));
    }
  });
});

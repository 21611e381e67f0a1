/**
 * Issue 16 across the tills of one store, end to end: the real store server (its build, on the embedded PostgreSQL it
 * starts) and two built headless hosts enrolled in the same store. A promotion made on the server prices a sale on
 * till A2; a member made on till A1 earns there, is found by phone on A2 and redeems there; each till and the server
 * show the same balance, to the point.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryTerminalDb, startHostProcess, tempDir, type ApiSocket, type HostProcess } from '../helpers/host';
import { startServerProcess, type ServerProcess } from '../helpers/server-process';
import { ok, signedIn, startRelay, synced, until } from '../helpers/till-sync';

interface Till {
  name: string;
  host: HostProcess;
  technician: ApiSocket;
  cashier: ApiSocket;
}

const PHONE = '13912345678';
const TEA = 'RETAIL-TEA';

describe('promotions and members across two tills of one store (real server, two hosts)', () => {
  let server: ServerProcess;
  let storeId: string;
  let relay: Awaited<ReturnType<typeof startRelay>>;
  const tills: Record<'A1' | 'A2', Till> = {} as never;

  beforeAll(async () => {
    server = await startServerProcess(tempDir('store-server-'));
    const fingerprint = (await server.admin.call('GET', '/v1/admin/server')).body.fingerprint as string;
    storeId = (await server.admin.call('POST', '/v1/admin/stores', { body: { name: '一号店' } })).body.storeId as string;
    // A2 reaches the server through a relay that can be cut.
    relay = await startRelay(server.url);
    for (const name of ['A1', 'A2'] as const) {
      const url = name === 'A2' ? relay.url : server.url;
      const host = await startHostProcess({ config: {} });
      const till: Till = { name, host, technician: await signedIn(host, 'technician'), cashier: await signedIn(host, 'cashier') };
      const code = (await server.admin.call('POST', `/v1/admin/stores/${storeId}/enrolment-codes`)).body.code as string;
      await ok(till.technician, 'sync.inspect', { serverUrl: url });
      await ok(till.technician, 'sync.enrol', { serverUrl: url, code, fingerprint });
      tills[name] = till;
    }
    const admin = (path: string, body: unknown) => server.admin.call('PUT', `/v1/admin/stores/${storeId}${path}`, { body });
    expect((await admin(`/products/${TEA}`, { sku: TEA, name: '门店乌龙茶', price: 2000, taxRateBp: 1300, unit: 'each' })).status).toBe(200);
    expect((await admin('/promotions/PROMO-30-5', { name: '满30减5', rule: { kind: 'spend_save', threshold: 3000, saving: 500, repeating: false, categoryId: null } })).status).toBe(200);
    for (const till of Object.values(tills)) {
      await synced(till);
      await until(`the store’s promotion on ${till.name}`, async () => (queryTerminalDb(till.host.ready, "SELECT 1 FROM promotion WHERE id = 'PROMO-30-5' AND origin = 'store'").length ? true : undefined));
    }
  }, 120_000);

  afterAll(async () => {
    for (const till of Object.values(tills)) {
      till.technician.close();
      till.cashier.close();
      await till.host.stop();
    }
    await relay?.close();
    if (server) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  }, 60_000);

  const balanceOn = async (till: Till, phone = PHONE) => (await ok(till.cashier, 'member.find', { phone }))?.balance;
  async function sellToMember(till: Till, memberId: string, quantityMilli: number): Promise<number> {
    await ok(till.cashier, 'sale.setMember', { memberId });
    await ok(till.cashier, 'sale.addProduct', { productId: TEA, quantityMilli });
    const cart = (await ok(till.cashier, 'sale.current', {}))!;
    await ok(till.cashier, 'sale.complete', { tenders: [{ kind: 'cash', amount: cart.cashDue }] });
    return cart.total;
  }

  it('prices a sale on till A2 with the promotion made on the server, to the fen', async () => {
    await ok(tills.A2.cashier, 'sale.addProduct', { productId: TEA, quantityMilli: 2000 });
    const cart = (await ok(tills.A2.cashier, 'sale.current', {}))!;
    expect(cart.spendSave).toMatchObject({ promotionId: 'PROMO-30-5', name: '满30减5', saving: 500 });
    expect(cart.total).toBe(3500);
    await ok(tills.A2.cashier, 'sale.complete', { tenders: [{ kind: 'cash', amount: cart.cashDue }] });
    expect(queryTerminalDb(tills.A2.host.ready, "SELECT s.total, p.saving FROM sale s JOIN sale_line_promotion p ON p.sale_id = s.id WHERE s.status = 'completed' AND p.promotion_id = 'PROMO-30-5'")).toEqual([
      { total: 3500, saving: 500 },
    ]);
  });

  it('a member made on A1 earns there, is found on A2, redeems there; both tills and the server agree to the point', async () => {
    const made = await ok(tills.A1.cashier, 'member.create', { phone: PHONE, name: '王芳' });
    await ok(tills.A1.cashier, 'sale.setMember', { memberId: made.memberId });
    await ok(tills.A1.cashier, 'sale.addProduct', { productId: TEA, quantityMilli: 6000 });
    const first = (await ok(tills.A1.cashier, 'sale.current', {}))!;
    expect(first.total).toBe(11_500); // 6 × 20.00 − 5.00
    await ok(tills.A1.cashier, 'sale.complete', { tenders: [{ kind: 'cash', amount: first.cashDue }] });
    expect(await balanceOn(tills.A1)).toBe(115); // 1 point per whole yuan paid

    await synced(tills.A1);
    await synced(tills.A2);
    const found = await until('the member on A2', async () => ((await balanceOn(tills.A2)) === 115 ? (await ok(tills.A2.cashier, 'member.find', { phone: PHONE }))! : undefined));
    expect(found).toMatchObject({ memberId: made.memberId, maskedPhone: '139****5678', name: '王芳' });

    await ok(tills.A2.cashier, 'sale.setMember', { memberId: found.memberId });
    await ok(tills.A2.cashier, 'sale.addProduct', { productId: TEA, quantityMilli: 2000 });
    const redeemed = await ok(tills.A2.cashier, 'sale.redeemPoints', { points: 100 });
    expect(redeemed.points).toMatchObject({ points: 100, amount: 100 });
    await ok(tills.A2.cashier, 'sale.complete', { tenders: [{ kind: 'cash', amount: redeemed.cashDue }] });
    const ledgerA2 = queryTerminalDb<{ reason: string; delta: number }>(tills.A2.host.ready, 'SELECT reason, delta FROM member_points WHERE member_id = ? ORDER BY reason', made.memberId);
    const earnedOnA2 = ledgerA2.find((e) => e.reason === 'earn')!.delta;
    expect(ledgerA2).toEqual([
      { reason: 'earn', delta: earnedOnA2 },
      { reason: 'redeem', delta: -100 },
    ]);
    expect(earnedOnA2).toBe(Math.floor((3500 - 100) / 100)); // what was paid after the points, in whole yuan
    const expected = 115 - 100 + earnedOnA2;
    expect(await balanceOn(tills.A2)).toBe(expected);

    await synced(tills.A2);
    await synced(tills.A1);
    await until('the balance on A1', async () => ((await balanceOn(tills.A1)) === expected ? true : undefined));
    const listed = (await server.admin.call('GET', `/v1/admin/stores/${storeId}/members`)).body.members as { memberId: string; points: number; maskedPhone: string }[];
    expect(listed).toEqual([expect.objectContaining({ memberId: made.memberId, points: expected, maskedPhone: '139****5678' })]);
    // A redemption beyond what the store holds is refused on either till.
    await ok(tills.A1.cashier, 'sale.setMember', { memberId: made.memberId });
    await ok(tills.A1.cashier, 'sale.addProduct', { productId: TEA, quantityMilli: 10_000 });
    expect(await tills.A1.cashier.call('sale.redeemPoints', { points: expected + 100 })).toMatchObject({ ok: false });
    await ok(tills.A1.cashier, 'sale.void', { reason: '测试' });
  });

  it('one phone made a member on both tills while A2 was cut off is one person: each till keeps its own, the points add up on both and on the server', async () => {
    const phone = '13700000001';
    relay.offline = true;
    await synced(tills.A2, (s) => s.state === 'offline');
    const onA1 = await ok(tills.A1.cashier, 'member.create', { phone, name: null });
    expect(await sellToMember(tills.A1, onA1.memberId, 3000)).toBe(5500); // 55 points
    const onA2 = await ok(tills.A2.cashier, 'member.create', { phone, name: '李雷' });
    expect(await sellToMember(tills.A2, onA2.memberId, 2000)).toBe(3500); // 35 points
    expect(onA2.memberId).not.toBe(onA1.memberId);
    expect([await balanceOn(tills.A1, phone), await balanceOn(tills.A2, phone)]).toEqual([55, 35]);

    relay.offline = false;
    await synced(tills.A2);
    await synced(tills.A1);
    await synced(tills.A2);
    await until('the summed balance on both tills', async () => ((await balanceOn(tills.A1, phone)) === 90 && (await balanceOn(tills.A2, phone)) === 90 ? true : undefined));
    // Each till still finds its own member for that phone and attaches it.
    expect((await ok(tills.A1.cashier, 'member.find', { phone }))!.memberId).toBe(onA1.memberId);
    expect((await ok(tills.A2.cashier, 'member.find', { phone }))!.memberId).toBe(onA2.memberId);
    const listed = (await server.admin.call('GET', `/v1/admin/stores/${storeId}/members`)).body.members as { memberId: string; points: number; mergedIds: string[] }[];
    const person = listed.find((m) => m.memberId === onA1.memberId || m.memberId === onA2.memberId)!;
    expect(person.points).toBe(90);
    expect([person.memberId, ...person.mergedIds].sort()).toEqual([onA1.memberId, onA2.memberId].sort());
    expect(listed.filter((m) => [onA1.memberId, onA2.memberId].includes(m.memberId))).toHaveLength(1);

  });
});

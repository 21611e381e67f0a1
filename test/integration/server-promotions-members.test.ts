import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PullReply, type Fact } from '../../src-common/sync-protocol';
import { anonymisedFact, memberFact, pointsFact } from '../../server/testing/facts';
import { startTestServer, type TestServer } from '../../server/testing/server';
import { storeWithTills } from '../../server/testing/stores';

const nthItem = { kind: 'nth_item', productId: 'P1', nth: 2, discount: { kind: 'percent_off', basisPoints: 5000 } };

describe('store server: promotions and members of a store (real PostgreSQL)', () => {
  let t: TestServer;
  let storeA: string;
  let storeB: string;
  let a1: string;
  let a2: string;
  let b1: string;
  beforeAll(async () => {
    t = await startTestServer();
    const a = await storeWithTills(t, '一号店', ['A1', 'A2']);
    const b = await storeWithTills(t, '二号店', ['B1']);
    [storeA, storeB] = [a.storeId, b.storeId];
    [a1, a2, b1] = [a.tills[0]!.credential, a.tills[1]!.credential, b.tills[0]!.credential];
  });
  afterAll(() => t.stop());

  const pull = async (credential: string, since: number) => {
    const reply = await t.as(credential).call('GET', `/v1/pull?since=${since}`);
    expect(reply.status).toBe(200);
    return PullReply.parse(reply.body);
  };
  const admin = (method: string, path: string, body?: unknown) => t.admin.call(method, path, { body });
  const streams = new Map<string, { stream: string; seq: number }>();
  const upload = async (credential: string, make: ((seq: number) => Fact)[]) => {
    const s = streams.get(credential) ?? { stream: ulid(), seq: 0 };
    streams.set(credential, s);
    const facts = make.map((f) => f(++s.seq));
    const reply = await t.as(credential).call('POST', '/v1/facts', { body: { stream: s.stream, facts } });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body.ackedSeq).toBe(s.seq);
    return { stream: s.stream, facts };
  };

  it('sends a promotion made through the admin API to the store’s tills, a change and a deletion after it; member prices with the product', async () => {
    const before = (await pull(a1, 0)).version;
    expect((await admin('PUT', `/v1/admin/stores/${storeA}/products/P1`, { sku: '1001', name: '乌龙茶', price: 650, taxRateBp: 1300, unit: 'each', memberPrice: 590 })).status).toBe(200);
    const put = await admin('PUT', `/v1/admin/stores/${storeA}/promotions/PR1`, { name: '第二件半价', rule: nthItem, startDate: '2026-12-01' });
    expect(put.status).toBe(200);
    const first = await pull(a1, before);
    expect(first.promotions).toEqual([{ id: 'PR1', name: '第二件半价', active: true, startDate: '2026-12-01', endDate: null, rule: nthItem }]);
    expect(first.products.map((p) => [p.id, p.price, p.memberPrice])).toEqual([['P1', 650, 590]]);
    expect((await pull(b1, 0)).promotions).toEqual([]);

    expect((await admin('PUT', `/v1/admin/stores/${storeA}/promotions/PR1`, { name: '第二件半价', active: false, rule: nthItem })).status).toBe(200);
    const changed = await pull(a2, first.version);
    expect(changed.promotions?.map((p) => [p.id, p.active, p.startDate])).toEqual([['PR1', false, null]]);
    expect((await admin('DELETE', `/v1/admin/stores/${storeA}/promotions/PR1`)).status).toBe(200);
    const gone = await pull(a1, changed.version);
    expect(gone.promotions).toEqual([]);
    expect(gone.deletedPromotions).toEqual(['PR1']);
    // a till new to the store never hears of it
    expect((await pull(a2, 0)).promotions).toEqual([]);
  });

  it('refuses a bad promotion with a clear error and changes nothing', async () => {
    const version = (await pull(a1, 0)).version;
    const bad = [
      { name: '坏', rule: { kind: 'spend_save', threshold: 0, saving: 100, repeating: false, categoryId: null } },
      { name: '坏', rule: { kind: 'member_price', productId: 'P1', price: 1 } },
      { name: '', rule: nthItem },
      { name: '倒序', rule: nthItem, startDate: '2026-12-31', endDate: '2026-12-01' },
      { name: '无此商品', rule: { ...nthItem, productId: 'P404' } },
      { name: '无此品类', rule: { kind: 'spend_save', threshold: 10000, saving: 100, repeating: false, categoryId: 'C404' } },
    ];
    for (const body of bad) {
      const reply = await admin('PUT', `/v1/admin/stores/${storeA}/promotions/PR9`, body);
      expect(reply.status).toBe(400);
      expect(reply.body.error.code).toBe('bad_request');
    }
    // store B has no product P1: store A's goods cannot be promoted there
    expect((await admin('PUT', `/v1/admin/stores/${storeB}/promotions/PR9`, { name: 'x', rule: nthItem })).body.error.details).toEqual({ productIds: ['P1'] });
    expect((await admin('DELETE', `/v1/admin/stores/${storeA}/promotions/NOPE`)).status).toBe(404);
    expect((await pull(a1, 0)).version).toBe(version);
  });

  it('brings a member made at one till to the others with the other tills’ points only; one phone made twice is one person, ledgers summed', async () => {
    const since = (await pull(a2, 0)).version;
    // A1 and A2 each made a member for 13900000001 while apart; A1's first.
    await upload(a2, [(s) => memberFact(s, 'MEMBER-A2', '13900000001', '2026-12-04T09:00:00.000Z', '王芳'), (s) => pointsFact(s, 'MEMBER-A2', 40)]);
    const sentByA1 = await upload(a1, [(s) => memberFact(s, 'MEMBER-A1', '13900000001', '2026-12-04T08:00:00.000Z'), (s) => pointsFact(s, 'MEMBER-A1', 100), (s) => pointsFact(s, 'MEMBER-A1', -30)]);
    await upload(a2, [(s) => pointsFact(s, 'MEMBER-A1', 5)]);

    const atA2 = await pull(a2, since);
    expect(atA2.members?.map((m) => [m.id, m.phone, m.anonymised]).sort()).toEqual([['MEMBER-A1', '13900000001', false], ['MEMBER-A2', '13900000001', false]]);
    // A2 gets A1's sums only (its own are in its own ledger).
    expect(atA2.memberPoints).toEqual([{ memberId: 'MEMBER-A1', terminalId: 'A1', points: 70 }]);
    const atA1 = await pull(a1, since);
    expect(atA1.memberPoints?.sort((x, y) => x.memberId.localeCompare(y.memberId))).toEqual([
      { memberId: 'MEMBER-A1', terminalId: 'A2', points: 5 },
      { memberId: 'MEMBER-A2', terminalId: 'A2', points: 40 },
    ]);
    // store B sees none of it
    expect((await pull(b1, 0)).members).toEqual([]);

    const listed = await admin('GET', `/v1/admin/stores/${storeA}/members`);
    expect(listed.status).toBe(200);
    expect(listed.body.members).toEqual([
      { memberId: 'MEMBER-A1', maskedPhone: '139****0001', name: null, createdAt: expect.any(String), anonymised: false, mergedIds: ['MEMBER-A2'], points: 115 },
    ]);
    // A re-sent batch (a retry) counts nothing twice.
    const again = await t.as(a1).call('POST', '/v1/facts', { body: sentByA1 });
    expect(again.status).toBe(200);
    expect((await admin('GET', `/v1/admin/stores/${storeA}/members`)).body.members[0].points).toBe(115);
  });

  it('anonymises every member of that phone when one till anonymises it, and sends that down', async () => {
    const since = (await pull(a1, 0)).version;
    await upload(a2, [(s) => anonymisedFact(s, 'MEMBER-A2')]);
    const rows = await t.sql<{ member_id: string; phone: string | null; name: string | null }>(`SELECT member_id, phone, name FROM member WHERE store_id = $1 ORDER BY member_id`, [storeA]);
    expect(rows).toEqual([
      { member_id: 'MEMBER-A1', phone: null, name: null },
      { member_id: 'MEMBER-A2', phone: null, name: null },
    ]);
    const down = await pull(a1, since);
    expect(down.members?.map((m) => [m.id, m.phone, m.name, m.anonymised]).sort()).toEqual([['MEMBER-A1', null, null, true], ['MEMBER-A2', null, null, true]]);
  });
});

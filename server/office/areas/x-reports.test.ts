/**
 * X reports as received: a till's printed X goes up as an `x_report` fact, is stored once (a resent batch or the same
 * fact on a restored stream adds nothing), and the back office lists it with its figures to the fen and its document
 * as the till printed it; a store manager of another store gets 403, a malformed X fact refuses its batch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fact } from '../../../src-common/sync-protocol';
import { XReportDetail, XReportList } from '../../../src-common/office/dashboard';
import { createOfficeAccount, officeClient, type OfficeClient } from '../../testing/office';
import { startTestServer, type TestServer } from '../../testing/server';
import { storeWithTills } from '../../testing/stores';

const D = '2026-12-04';
const PASSWORD = 'correct horse battery';

function xFact(seq: number, xId: string, takenAt: string, x: { salesCount: number; net: number; refunds: number; tax: number }): Fact {
  return {
    seq,
    id: `x:${xId}`,
    kind: 'x_report',
    recordedAt: takenAt,
    payload: {
      xId,
      businessDate: D,
      fromAt: null,
      takenAt,
      takenBy: 'U1',
      currency: 'CNY',
      salesCount: x.salesCount,
      gross: x.net + x.refunds + 150,
      discounts: 150,
      refunds: x.refunds,
      net: x.net,
      tax: x.tax,
      report: { kind: 'x', printed: 'as the till printed it', net: x.net },
    },
  };
}

describe('back office: X reports as received', () => {
  let t: TestServer;
  let owner: OfficeClient;
  let A: string;
  let B: string;
  let credentialA1: string;
  const upload = (credential: string, facts: Fact[]) => t.as(credential).call('POST', '/v1/facts', { body: { stream: `stream-${credential.slice(0, 8).replace(/[^0-9A-Za-z]/g, 'x')}`, facts } });

  beforeAll(async () => {
    t = await startTestServer();
    const a = await storeWithTills(t, '一号店', ['TILL-A1']);
    const b = await storeWithTills(t, '二号店', ['TILL-B1']);
    A = a.storeId;
    B = b.storeId;
    credentialA1 = a.tills[0]!.credential;
    const first = [xFact(1, 'X-A1-1', '2026-12-04T06:00:00.000Z', { salesCount: 2, net: 4550, refunds: 0, tax: 523 }), xFact(2, 'X-A1-2', '2026-12-04T09:30:00.000Z', { salesCount: 5, net: 10_210, refunds: 300, tax: 1174 })];
    expect((await upload(credentialA1, first)).status).toBe(200);
    // The same batch again (its reply was lost): stored once.
    expect((await upload(credentialA1, first)).body.ackedSeq).toBe(2);
    expect((await upload(b.tills[0]!.credential, [xFact(1, 'X-B1-1', '2026-12-04T07:00:00.000Z', { salesCount: 1, net: 700, refunds: 0, tax: 81 })])).status).toBe(200);
    await officeClient(t).call('POST', '/setup', { body: { adminToken: t.server.adminToken, login: 'boss', name: '王老板', password: PASSWORD } });
    owner = officeClient(t);
    expect((await owner.signIn('boss', PASSWORD)).status).toBe(200);
    await createOfficeAccount(t.server.databaseUrl, { login: 'manager-b', name: '李店长', password: PASSWORD, grants: [{ storeId: B, role: 'manager' }] });
  }, 120_000);
  afterAll(() => t?.stop());

  it('lists each till’s X reports newest first with their figures to the fen, and opens one as printed', async () => {
    const all = XReportList.parse((await owner.call('GET', `/reports/x?from=${D}&to=${D}`)).body);
    expect(all.reports.map((x) => [x.storeId, x.xId, x.salesCount, x.net, x.refunds, x.tax])).toEqual([
      [A, 'X-A1-2', 5, 10_210, 300, 1174],
      [B, 'X-B1-1', 1, 700, 0, 81],
      [A, 'X-A1-1', 2, 4550, 0, 523],
    ]);
    expect(all.reports[0]).toMatchObject({ terminalId: 'TILL-A1', businessDate: D, takenAt: '2026-12-04T09:30:00.000Z', gross: 10_660, discounts: 150, currency: 'CNY' });
    const onlyA = XReportList.parse((await owner.call('GET', `/reports/x?from=${D}&to=${D}&store=${A}`)).body);
    expect(onlyA.reports.map((x) => x.xId)).toEqual(['X-A1-2', 'X-A1-1']);
    expect(XReportList.parse((await owner.call('GET', `/reports/x?from=2026-12-05&to=2026-12-05`)).body).reports).toEqual([]);
    const detail = XReportDetail.parse((await owner.call('GET', `/reports/x/${A}/X-A1-2`)).body);
    expect(detail.report).toEqual({ kind: 'x', printed: 'as the till printed it', net: 10_210 });
    expect((await owner.call('GET', `/reports/x/${A}/X-NONE`)).status).toBe(404);
  });

  it('shows a store manager her store’s X reports only', async () => {
    const manager = officeClient(t);
    expect((await manager.signIn('manager-b', PASSWORD)).status).toBe(200);
    expect(XReportList.parse((await manager.call('GET', `/reports/x?from=${D}&to=${D}`)).body).reports.map((x) => x.xId)).toEqual(['X-B1-1']);
    expect((await manager.call('GET', `/reports/x?from=${D}&to=${D}&store=${A}`)).status).toBe(403);
    expect((await manager.call('GET', `/reports/x/${A}/X-A1-1`)).status).toBe(403);
  });

  it('refuses a batch with a malformed X report and stores nothing of it', async () => {
    const bad = xFact(3, 'X-A1-3', '2026-12-04T11:00:00.000Z', { salesCount: 1, net: 100, refunds: 0, tax: 0 });
    (bad.payload as Record<string, unknown>).net = 1.5;
    const reply = await upload(credentialA1, [bad]);
    expect(reply.status).toBe(400);
    const list = XReportList.parse((await owner.call('GET', `/reports/x?from=${D}&to=${D}&store=${A}`)).body);
    expect(list.reports.map((x) => x.xId)).toEqual(['X-A1-2', 'X-A1-1']);
  });
});

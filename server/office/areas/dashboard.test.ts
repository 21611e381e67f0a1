/**
 * The dashboard and reports API on real PostgreSQL through the real HTTPS server: facts uploaded by three enrolled
 * tills (two stores), figures asserted to the fen (net, refunds, rounding, tenders, hours beside last week, top
 * sellers, voided sales left out), day reports equal to the sum of the tills' Z reports, exports (CSV with BOM, XLSX)
 * parsed back, and scoping: a store manager of A gets 403 on B; an accountant reads.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fact } from '../../../src-common/sync-protocol';
import { refundFact, saleFact } from '../../testing/facts';
import { createOfficeAccount, officeClient, type OfficeClient } from '../../testing/office';
import { startTestServer, type TestServer } from '../../testing/server';
import { storeWithTills } from '../../testing/stores';
import { Dashboard, DayReports, ExportState, ZReportList } from '../../../src-common/office/dashboard';

const D = '2026-12-04';
const LAST_WEEK = '2026-11-27';
const PASSWORD = 'correct horse battery';

function zFact(seq: number, zNo: number, z: { salesCount: number; net: number; refunds: number }): Fact {
  return {
    seq, id: `z:${zNo}:${seq}`, kind: 'z_report', recordedAt: '2026-12-04T15:00:00.000Z',
    payload: { zNo, businessDate: D, fromAt: null, toAt: '2026-12-04T15:00:00.000Z', currency: 'CNY', salesCount: z.salesCount, gross: z.net + z.refunds, discounts: 0, refunds: z.refunds, net: z.net, tax: 0, report: { zNo, printed: 'as the till printed it' } },
  };
}

describe('back office: dashboard and reports', () => {
  let t: TestServer;
  let owner: OfficeClient;
  let A: string;
  let B: string;
  let uploadAsA1: (facts: Fact[]) => Promise<void>;
  const ids = { A1: 'TILL-A1', A2: 'TILL-A2', B1: 'TILL-B1' };

  beforeAll(async () => {
    t = await startTestServer();
    const a = await storeWithTills(t, '一号店', [ids.A1, ids.A2]);
    const b = await storeWithTills(t, '二号店', [ids.B1]);
    A = a.storeId;
    B = b.storeId;
    const upload = async (credential: string, facts: Fact[]) => {
      const reply = await t.as(credential).call('POST', '/v1/facts', { body: { stream: `stream-${credential.slice(0, 12).replace(/[^0-9A-Za-z]/g, 'x')}`, facts } });
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      expect(reply.body.ackedSeq).toBe(facts.at(-1)!.seq);
    };
    uploadAsA1 = (facts) => upload(a.tills[0]!.credential, facts);
    // A1: 12.50 cash, 33.00 WeChat (5.00 refunded), 10.10 cash rounded down 0.10.
    const s2 = saleFact(2, { lines: [{ productId: 'P2', price: 3300 }], tender: 'wechat', at: '2026-12-04T03:30:00.000Z' });
    await upload(a.tills[0]!.credential, [
      saleFact(1, { lines: [{ productId: 'P1', price: 1250 }], at: '2026-12-04T02:15:00.000Z' }),
      s2,
      saleFact(3, { lines: [{ productId: 'P1', price: 1010 }], rounding: -10, at: '2026-12-04T03:45:00.000Z' }),
      refundFact(4, s2, 500),
      zFact(5, 1, { salesCount: 3, net: 5050, refunds: 500 }),
    ]);
    // A2: 20.00 Alipay, and an 8.00 cash sale that a restored timeline voided.
    const voided = saleFact(2, { lines: [{ productId: 'P9', price: 800 }], at: '2026-12-04T04:10:00.000Z' });
    await upload(a.tills[1]!.credential, [
      saleFact(1, { lines: [{ productId: 'P3', price: 2000 }], tender: 'alipay', at: '2026-12-04T04:00:00.000Z' }),
      voided,
      { seq: 3, id: `void:${voided.payload.saleId}`, kind: 'sale_void', recordedAt: '2026-12-04T04:11:00.000Z', payload: { saleId: voided.payload.saleId, reason: 'restored', voidedBy: null, at: '2026-12-04T04:11:00.000Z' } },
      zFact(4, 1, { salesCount: 1, net: 2000, refunds: 0 }),
    ]);
    // B1: 7.00 cash today, 4.50 a week ago, and a shift closed 3.00 short.
    await upload(b.tills[0]!.credential, [
      saleFact(1, { lines: [{ productId: 'P4', price: 700 }], at: '2026-12-04T02:59:00.000Z' }),
      saleFact(2, { lines: [{ productId: 'P4', price: 450 }], businessDate: LAST_WEEK, at: '2026-11-27T03:00:00.000Z' }),
      {
        seq: 3, id: 'shift:1:close', kind: 'shift_close', recordedAt: '2026-12-04T10:00:00.000Z',
        payload: { shiftId: 'SH1', openedAt: '2026-12-04T01:00:00.000Z', openedBy: 'U1', floatAmount: 10000, closedAt: '2026-12-04T10:00:00.000Z', closedBy: 'U1', expectedCash: 10700, countedCash: 10400, overShort: -300 },
      },
      zFact(4, 1, { salesCount: 1, net: 700, refunds: 0 }),
    ]);
    await t.sql(`INSERT INTO product (store_id, product_id, sku, name, price, tax_rate_bp, unit, version) VALUES ($1, 'P1', 'P1', '苹果', 500, 1300, 'each', 1), ($1, 'P2', 'P2', '香蕉', 300, 1300, 'each', 1)`, [A]);
    await t.sql(`INSERT INTO stock_level (store_id, product_id, stock_milli, version) VALUES ($1, 'P1', -2000, 1), ($1, 'P2', 40000, 1)`, [A]);
    // A2 last uploaded two hours ago.
    await t.sql(`UPDATE terminal SET last_upload_at = now() - interval '2 hours' WHERE store_id = $1 AND terminal_id = $2`, [A, ids.A2]);

    await officeClient(t).call('POST', '/setup', { body: { adminToken: t.server.adminToken, login: 'boss', name: '王老板', password: PASSWORD } });
    owner = officeClient(t);
    expect((await owner.signIn('boss', PASSWORD)).status).toBe(200);
    await createOfficeAccount(t.server.databaseUrl, { login: 'manager-a', name: '李店长', password: PASSWORD, grants: [{ storeId: A, role: 'manager' }] });
    await createOfficeAccount(t.server.databaseUrl, { login: 'books', name: '张会计', password: PASSWORD, grants: [{ storeId: '*', role: 'accountant' }] });
  });
  afterAll(() => t?.stop());

  const dashboard = async (client: OfficeClient, query: string) => {
    const reply = await client.call('GET', `/dashboard?${query}`);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return Dashboard.parse(reply.body);
  };

  it('sums the chain, each store and each till to the fen, voided sales left out, refunds and rounding in', async () => {
    const d = await dashboard(owner, `from=${D}&to=${D}&tz=Asia/Shanghai`);
    expect(d.chain).toMatchObject({ salesCount: 5, sales: 5560 + 2000 + 700, rounding: -10, refundCount: 1, refunds: 500, net: 7750, averageTicket: Math.round(8250 / 5) });
    expect(d.chain.tenders).toEqual([
      { kind: 'cash', amount: 1250 + 1000 + 700, refunds: 0, net: 2950 },
      { kind: 'wechat', amount: 3300, refunds: 500, net: 2800 },
      { kind: 'alipay', amount: 2000, refunds: 0, net: 2000 },
    ]);
    const [a, b] = d.stores;
    expect(a).toMatchObject({ storeId: A, name: '一号店', totals: { salesCount: 4, net: 7050, averageTicket: 1888 } });
    expect(a!.tills.map((x) => [x.name, x.totals.salesCount, x.totals.net])).toEqual([
      [`收银台 ${ids.A1}`, 3, 5050],
      [`收银台 ${ids.A2}`, 1, 2000],
    ]);
    expect(b).toMatchObject({ storeId: B, totals: { salesCount: 1, net: 700 } });
  });

  it('gives sales by the viewer’s hour beside the same weekday last week, and top sellers', async () => {
    const d = await dashboard(owner, `from=${D}&to=${D}&tz=Asia/Shanghai`);
    expect(d.compareFrom).toBe(LAST_WEEK);
    const hour = (h: number) => d.hours[h]!;
    expect(hour(10)).toEqual({ hour: 10, salesCount: 2, amount: 1950, compareCount: 0, compareAmount: 0 });
    expect(hour(11)).toEqual({ hour: 11, salesCount: 2, amount: 4300, compareCount: 1, compareAmount: 450 });
    expect(hour(12)).toEqual({ hour: 12, salesCount: 1, amount: 2000, compareCount: 0, compareAmount: 0 });
    expect(d.hours.reduce((s, h) => s + h.amount, 0)).toBe(d.chain.sales + d.chain.rounding);
    expect(d.topSellers.map((p) => [p.productId, p.quantityMilli, p.net])).toEqual([
      ['P2', 1000, 3300],
      ['P1', 2000, 2260],
      ['P3', 1000, 2000],
      ['P4', 1000, 700],
    ]);
    const utc = await dashboard(owner, `from=${D}&to=${D}&tz=UTC`);
    expect(utc.hours[2]!.amount).toBe(1950);
  });

  it('lists the lowest stock, the tills that have not synced, the cash short and no reconciliation it does not have', async () => {
    const d = await dashboard(owner, `from=${D}&to=${D}&tz=Asia/Shanghai`);
    expect(d.lowStock.map((s) => [s.name, s.stockMilli])).toEqual([
      ['苹果', -2000],
      ['香蕉', 40000],
    ]);
    const a2 = d.tills.find((x) => x.terminalId === ids.A2)!;
    expect(a2.stale).toBe(true);
    expect(a2.secondsSinceUpload).toBeGreaterThanOrEqual(7200);
    expect(d.tills.filter((x) => x.stale).map((x) => x.terminalId)).toEqual([ids.A2]);
    expect(d.differences.reconciliationOnServer).toBe(false);
    expect(d.differences.cashOverShort).toEqual([
      expect.objectContaining({ storeId: B, terminalId: ids.B1, shiftId: 'SH1', expectedCash: 10700, countedCash: 10400, overShort: -300, businessDate: D }),
    ]);
    expect(d.differences.zAgainstFacts).toEqual([]);
  });

  it('builds day reports from the facts equal to the sum of the tills’ Z reports, to the fen', async () => {
    const reply = await owner.call('GET', `/reports/days?from=${LAST_WEEK}&to=${D}`);
    expect(reply.status).toBe(200);
    const { days } = DayReports.parse(reply.body);
    expect(days.map((x) => x.businessDate)).toEqual([D, LAST_WEEK]);
    const today = days[0]!;
    expect(today.chain.net).toBe(7750);
    expect(today.chainZ).toMatchObject({ count: 3, net: 7750, salesCount: 5 });
    for (const s of today.stores) {
      expect(s.z!.net).toBe(s.totals.net);
      expect(s.tills.reduce((n, x) => n + x.z!.net, 0)).toBe(s.totals.net);
      for (const till of s.tills) expect(till.z!.net).toBe(till.totals.net);
    }
    expect(days[1]!.chain.net).toBe(450);
    expect(days[1]!.chainZ).toBeNull();

    const zs = ZReportList.parse((await owner.call('GET', `/reports/z?from=${D}&to=${D}`)).body).reports;
    expect(zs.map((z) => [z.terminalName, z.zNo, z.net])).toEqual([
      [`收银台 ${ids.A1}`, 1, 5050],
      [`收银台 ${ids.A2}`, 1, 2000],
      [`收银台 ${ids.B1}`, 1, 700],
    ]);
    const detail = await owner.call('GET', `/reports/z/${A}/${ids.A1}/1`);
    expect(detail.body.report).toEqual({ zNo: 1, printed: 'as the till printed it' });
  });

  it('shows a Z that the facts on the server do not add up to', async () => {
    const late = saleFact(6, { lines: [{ productId: 'P1', price: 100 }], at: '2026-12-04T05:00:00.000Z' });
    // A1 sold one more after its Z (same business date): the server now holds 1.00 more than A1's Z says.
    await uploadAsA1([late]);
    try {
      const d = await dashboard(owner, `from=${D}&to=${D}&store=${A}&tz=Asia/Shanghai`);
      expect(d.differences.zAgainstFacts).toEqual([{ storeId: A, terminalId: ids.A1, businessDate: D, zNet: 5050, factsNet: 5150, difference: 100 }]);
    } finally {
      // Voided (a restored timeline), it leaves every total: the tests below see the day as before.
      await uploadAsA1([{ seq: 7, id: `void:${late.payload.saleId}`, kind: 'sale_void', recordedAt: '2026-12-04T05:01:00.000Z', payload: { saleId: late.payload.saleId, reason: 'restored', voidedBy: null, at: '2026-12-04T05:01:00.000Z' } }]);
    }
    const after = await dashboard(owner, `from=${D}&to=${D}&store=${A}&tz=Asia/Shanghai`);
    expect(after.differences.zAgainstFacts).toEqual([]);
    expect(after.chain.net).toBe(7050);
  });

  it('refuses bad ranges and time zones with a clear 400, changing nothing', async () => {
    for (const q of [`from=${D}&to=2026-12-01`, `from=2026-01-01&to=${D}`, `from=2026-02-30&to=2026-03-01`, `from=${D}&to=${D}&tz=Mars/Base`, `from=yesterday&to=${D}`]) {
      const reply = await owner.call('GET', `/dashboard?${q}`);
      expect(reply.status, q).toBe(400);
      expect(reply.body.error.message.length).toBeGreaterThan(10);
    }
    expect((await owner.call('GET', `/reports/days?from=2025-01-01&to=${D}`)).status).toBe(400);
  });

  it('scopes a store manager to her store (403 on B) and lets an accountant read every store', async () => {
    const manager = officeClient(t);
    expect((await manager.signIn('manager-a', PASSWORD)).status).toBe(200);
    const mine = await dashboard(manager, `from=${D}&to=${D}`);
    expect(mine.stores.map((s) => s.storeId)).toEqual([A]);
    expect(mine.chain.net).toBe(7050);
    expect(mine.tills.every((x) => x.storeId === A)).toBe(true);
    expect(mine.topSellers.map((p) => p.productId)).not.toContain('P4');
    for (const path of [`/dashboard?from=${D}&to=${D}&store=${B}`, `/reports/days?from=${D}&to=${D}&store=${B}`, `/reports/z?from=${D}&to=${D}&store=${B}`, `/reports/z/${B}/${ids.B1}/1`]) {
      expect((await manager.call('GET', path)).status, path).toBe(403);
    }
    expect((await manager.call('POST', '/reports/exports', { body: { from: D, to: D, store: B, format: 'csv', content: 'days' } })).status).toBe(403);

    const accountant = officeClient(t);
    expect((await accountant.signIn('books', PASSWORD)).status).toBe(200);
    expect((await dashboard(accountant, `from=${D}&to=${D}`)).chain.net).toBe(7750);
    expect((await dashboard(accountant, `from=${D}&to=${D}&store=${B}`)).chain.net).toBe(700);
  });

  const runExport = async (client: OfficeClient, body: Record<string, unknown>) => {
    const started = await client.call('POST', '/reports/exports', { body });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    let state = ExportState.parse(started.body);
    const deadline = Date.now() + 20_000;
    while (state.state === 'running' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      state = ExportState.parse((await client.call('GET', `/reports/exports/${state.exportId}`)).body);
    }
    expect(state.state).toBe('done');
    expect(state.done).toBe(state.total);
    const file = await fetchFile(client, `/reports/exports/${state.exportId}/file`);
    return { state, file };
  };

  const fetchFile = async (client: OfficeClient, path: string): Promise<{ status: number; bytes: Buffer; headers: Record<string, unknown> }> => {
    const { request } = await import('node:https');
    return new Promise((done, fail) => {
      const req = request(new URL(`/v1/office${path}`, t.server.url), { ca: t.server.tls.cert, agent: false, headers: { cookie: client.cookie! } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done({ status: res.statusCode ?? 0, bytes: Buffer.concat(chunks), headers: res.headers }));
      });
      req.on('error', fail);
      req.end();
    });
  };

  it('exports the day reports as CSV (BOM, yuan) and XLSX equal to the reports, to the fen', async () => {
    const days = DayReports.parse((await owner.call('GET', `/reports/days?from=${D}&to=${D}`)).body).days;
    const csv = await runExport(owner, { from: D, to: D, format: 'csv', content: 'days' });
    expect(csv.file.status).toBe(200);
    expect(String(csv.file.headers['content-type'])).toMatch(/text\/csv/);
    expect(csv.file.bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const rows = parseCsv(csv.file.bytes.toString('utf8').slice(1), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(1 + 2 + 3);
    expect(csv.state.total).toBe(6);
    const chain = rows.find((r) => r['层级'] === '全部门店')!;
    expect(chain['净额']).toBe('77.50');
    expect(chain['微信净额']).toBe('28.00');
    expect(chain['抹零']).toBe('-0.10');
    expect(chain['Z报表净额']).toBe('77.50');
    const tillRows = rows.filter((r) => r['层级'] === '收银机');
    const toFen = (s: string) => Math.round(Number(s) * 100);
    expect(tillRows.reduce((n, r) => n + toFen(r['净额']!), 0)).toBe(days[0]!.chain.net);

    const xlsx = await runExport(owner, { from: D, to: D, format: 'xlsx', content: 'days', language: 'en' });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.file.bytes as unknown as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    const col = (name: string) => header.indexOf(name) + 1;
    const lines = Array.from({ length: sheet.rowCount - 1 }, (_, i) => sheet.getRow(i + 2));
    expect(lines).toHaveLength(6);
    const chainRow = lines.find((r) => r.getCell(col('Level')).value === 'All stores')!;
    expect(Math.round(Number(chainRow.getCell(col('Net')).value) * 100)).toBe(7750);
    expect(Math.round(Number(chainRow.getCell(col('Cash net')).value) * 100)).toBe(2950);
    expect(chainRow.getCell(col('Net')).numFmt).toBe('0.00');
    const storeB = lines.find((r) => r.getCell(col('Level')).value === 'Store' && r.getCell(col('Store')).value === '二号店')!;
    expect(Math.round(Number(storeB.getCell(col('Net')).value) * 100)).toBe(700);
  });

  it('exports every sale with its tenders, counted before the first row; the file is only its starter’s', async () => {
    const accountant = officeClient(t);
    await accountant.signIn('books', PASSWORD);
    const { state, file } = await runExport(accountant, { from: LAST_WEEK, to: D, format: 'csv', content: 'sales', tz: 'Asia/Shanghai' });
    expect(state.total).toBe(6);
    const rows = parseCsv(file.bytes.toString('utf8').slice(1), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(6);
    const total = rows.reduce((n, r) => n + Math.round(Number(r['应收']) * 100) + Math.round(Number(r['抹零']) * 100), 0);
    expect(total).toBe(8250 + 450);
    expect(rows.find((r) => r['微信'] === '33.00')!['结账时间']).toBe('2026-12-04 11:30:00');
    // Someone else's export is not found.
    expect((await owner.call('GET', `/reports/exports/${state.exportId}`)).status).toBe(404);
    expect((await fetchFile(owner, `/reports/exports/${state.exportId}/file`)).status).toBe(404);
    expect((await owner.call('POST', '/reports/exports', { body: { from: D, to: D, format: 'pdf', content: 'days' } })).status).toBe(400);
  });

  it('reports real progress on a long range and stops when cancelled, leaving no file', async () => {
    // 30 days of 1,000 sales each in store B, straight into the tables (as the bench does).
    await t.sql(
      `INSERT INTO sale (store_id, sale_id, terminal_id, receipt_no, business_date, opened_at, closed_at, currency, subtotal, discount_total, total, rounding, tax_total, change_given)
       SELECT $1, 'bulk' || i, $2, 1000 + i, date '2026-10-01' + (i % 30), now(), now(), 'CNY', 100, 0, 100, 0, 12, 0 FROM generate_series(1, 30000) i`,
      [B, ids.B1],
    );
    try {
      const started = await owner.call('POST', '/reports/exports', { body: { from: '2026-10-01', to: '2026-10-30', store: B, format: 'xlsx', content: 'sales' } });
      expect(started.status).toBe(202);
      const first = ExportState.parse(started.body);
      expect(first).toMatchObject({ state: 'running', total: 30000 });
      let state = first;
      for (let i = 0; i < 200 && state.done === 0; i++) {
        await new Promise((r) => setTimeout(r, 10));
        state = ExportState.parse((await owner.call('GET', `/reports/exports/${first.exportId}`)).body);
      }
      expect(state.done).toBeGreaterThan(0);
      expect(state.done).toBeLessThan(30000);
      const cancelled = await owner.call('DELETE', `/reports/exports/${first.exportId}`);
      expect(cancelled.status).toBe(200);
      for (let i = 0; i < 200 && state.state === 'running'; i++) {
        await new Promise((r) => setTimeout(r, 20));
        state = ExportState.parse((await owner.call('GET', `/reports/exports/${first.exportId}`)).body);
      }
      expect(state.state).toBe('cancelled');
      expect(state.done).toBeLessThan(30000);
      expect((await fetchFile(owner, `/reports/exports/${first.exportId}/file`)).status).toBe(409);
    } finally {
      await t.sql(`DELETE FROM sale WHERE store_id = $1 AND sale_id LIKE 'bulk%'`, [B]);
    }
  });
});

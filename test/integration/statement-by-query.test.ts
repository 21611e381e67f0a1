/**
 * Reconciliation by query, the live terminal's statement source: the Shouqianba API has no statement endpoint, so
 * a live terminal queries the acquirer about each of its wallet orders of the day. Checked against the sandbox
 * acquirer over real HTTP, whose own statement file (`/sandbox/statement`, which the real service does not have)
 * serves as the reference: for a day of paid, declined, refunded and voided payments both sources list the same
 * movements, to the fen. Then a refund made in the merchant app (not by the terminal) shows as the difference.
 */
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/open';
import { acquirerDateOf } from '../../src-common/business-day';
import type { Session } from '../../src-common/roles';
import type { StatementRowInput } from '../../db/queries/statements';
import type { TerminalCredentials } from '../../src-main/acquirer/port';
import { startSandboxAcquirer, type SandboxAcquirer } from '../../src-main/acquirer/sandbox/server';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import { createShouqianbaAdapter } from '../../src-main/acquirer/shouqianba';
import { systemClock } from '../../src-main/clock';
import { createJobRunner } from '../../src-main/jobs/runner';
import { createAuditService } from '../../src-main/services/audit';
import { createReconciliationService } from '../../src-main/services/reconciliation';
import { statementByQuery } from '../../src-main/services/statement-by-query';
import { createStatementsService } from '../../src-main/services/statements';
import { defaultBusinessDayRule } from '../../src-common/business-day';
import { tempDir } from '../helpers/host';
import { startTestPos, type TestPos } from '../helpers/pos';

const silent = pino({ level: 'silent' });
const TIMEOUTS = { payMs: 5000, queryMs: 5000, otherMs: 5000 };
const movement = (r: StatementRowInput) => `${r.type} ${r.clientSn} ${r.amount} ${r.refundRequestNo ?? '-'}`;

describe('reconciliation by query of each order (the live statement source), against the sandbox over HTTP', () => {
  let sandbox: SandboxAcquirer;
  let t: TestPos;
  let owner: Session;
  const date = acquirerDateOf(new Date());
  let creds: TerminalCredentials;
  let fileRows: StatementRowInput[] = [];
  const port = () => createShouqianbaAdapter({ baseUrl: sandbox.url, timeouts: TIMEOUTS, log: silent, vendorSn: '', vendorKey: '', appId: '' });

  beforeAll(async () => {
    sandbox = await startSandboxAcquirer({ dbPath: join(tempDir('stmt-query-'), 'sandbox.sqlite'), port: 0, log: silent, speed: { scale: 0.02 } });
    t = await startTestPos({ acquirer: { baseUrl: sandbox.url, timings: { pollIntervalMs: 40, pollDeadlineMs: 1500, cancelRetryMs: 40, maxCancelAttempts: 5 } } });
    owner = await t.signedIn('owner');

    const products = t.query<{ id: string }>("SELECT id FROM product WHERE unit = 'each' AND active = 1 AND price >= 100 ORDER BY sku LIMIT 2");
    const sell = async (code: string, quantityMilli = 1000) => {
      await t.ok(owner, 'sale.addProduct', { productId: products[0]!.id, quantityMilli });
      const cart = (await t.ok(owner, 'sale.current', {}))!;
      return { saleId: cart.saleId, payment: await t.ok(owner, 'payment.payByCode', { code }) };
    };
    expect((await sell(sandboxPaymentCode('wechat', '0000'))).payment.status).toBe('paid');
    const refunded = await sell(sandboxPaymentCode('alipay', '0000'), 3000);
    expect(await t.ok(owner, 'refund.request', { saleId: refunded.saleId, lines: [{ lineNo: 1, quantityMilli: 1000 }], reason: '顾客退货' })).toMatchObject({ status: 'refunded' });
    const voided = await sell(sandboxPaymentCode('wechat', '0000'), 2000);
    expect(await t.ok(owner, 'refund.voidSale', { saleId: voided.saleId, reason: '整单作废' })).toMatchObject({ status: 'refunded' });
    expect((await sell(sandboxPaymentCode('wechat', '3000'))).payment.status).toBe('failed');
    await t.ok(owner, 'sale.void', { reason: 'declined' });

    // The reference: the sandbox's own statement file, downloaded the way sandbox mode does.
    await t.ok(owner, 'statement.download', { date });
    let statement = await t.ok(owner, 'statement.get', { date });
    for (let i = 0; i < 300 && statement.status !== 'downloaded'; i++) {
      await new Promise((r) => setTimeout(r, 20));
      statement = await t.ok(owner, 'statement.get', { date });
    }
    expect(statement).toMatchObject({ status: 'downloaded', source: 'statement_file' });
    fileRows = statement.rows;
    const terminalSn = t.query<{ terminal_sn: string }>('SELECT terminal_sn FROM acquirer_terminal')[0]!.terminal_sn;
    creds = { terminalSn, terminalKey: sandbox.ledger.terminal(terminalSn)!.key, keyDate: date };
    await t.close();
  });
  afterAll(async () => {
    await t?.close();
    await sandbox?.close();
  });

  it('lists the same movements as the acquirer’s statement file, to the fen', async () => {
    const db = openDatabase(join(t.dataDir, 'pos.sqlite'));
    try {
      const queried: string[] = [];
      const adapter = port();
      const rows = await statementByQuery(db, date, (clientSn) => {
        queried.push(clientSn);
        return adapter.query(creds, clientSn);
      });
      // Every wallet order of the day was asked about, the declined one too.
      expect(queried).toHaveLength(4);
      // Three pays, the refund, and the void's cancel.
      expect(fileRows.map((r) => r.type).sort()).toEqual(['cancel', 'pay', 'pay', 'pay', 'refund']);
      expect(rows.map(movement).sort()).toEqual(fileRows.map(movement).sort());
    } finally {
      db.close();
    }
  });

  it('reconciles on the job runner with the source named, and shows a merchant-app refund as the difference', async () => {
    const db = openDatabase(join(t.dataDir, 'pos.sqlite'));
    const jobs = createJobRunner({ db, clock: systemClock, log: silent });
    const statements = createStatementsService({ db, clock: systemClock, log: silent, acquirer: port(), credentials: async () => creds, retry: { firstMs: 20, maxMs: 100 }, jobs, source: 'order_query' });
    const reconciliation = createReconciliationService({ db, clock: systemClock, audit: createAuditService({ db, clock: systemClock }), terminalId: 'T', businessDay: defaultBusinessDayRule, statementSource: 'order_query' });
    jobs.start();
    const download = async () => {
      const before = statements.get(date).downloadedAt;
      statements.download(date);
      for (let i = 0; i < 300 && (statements.get(date).status !== 'downloaded' || statements.get(date).downloadedAt === before); i++) await new Promise((r) => setTimeout(r, 20));
      return reconciliation.day(date);
    };
    try {
      const day = await download();
      expect(day.statement).toMatchObject({ state: 'downloaded', source: 'order_query' });
      expect(day.summary).toMatchObject({ missingLocal: 0, missingStatement: 0, amountMismatch: 0, statusMismatch: 0, open: 0 });
      expect(day.totals.local).toEqual(day.totals.statement);

      // The owner refunds ¥1.23 of the first WeChat sale in the merchant app: the query shows a larger refunded total.
      const clientSn = (db.prepare("SELECT client_sn FROM payment WHERE status = 'paid' AND wallet = 'wechat' ORDER BY created_at LIMIT 1").get() as { client_sn: string }).client_sn;
      await new Promise((r) => setTimeout(r, 5));
      expect(await port().refund(creds, { clientSn, refundRequestNo: 'APP0001', amount: 123, operator: '商户App' })).toMatchObject({ kind: 'refunded' });
      const after = await download();
      expect(after.items.filter((i) => i.state !== 'matched')).toEqual([
        expect.objectContaining({ type: 'refund', state: 'missing_local', clientSn, refundRequestNo: null, difference: 123, local: null }),
      ]);
      expect(after.totals.statement.refunds - after.totals.local.refunds).toBe(123);
    } finally {
      await jobs.stop();
      db.close();
    }
  });
});

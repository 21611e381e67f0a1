/**
 * A terminal in live mode, whole (in process, real SQLite file), before and during its enrolment: it needs no
 * sandbox knowledge, sends no activation by itself (not at start, not for a payment), takes the vendor's identity
 * and the activation code from the technician's enrolment call only, keeps the code nowhere, and refuses a plain
 * http acquirer address. The "acquirer" is a TCP listener that counts connections (and answers nothing useful).
 */
import { createServer, type Server, type Socket } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../src-common/roles';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import { startTestPos, type TestPos } from '../helpers/pos';

const CODE = 'ACT-LIVE-7731';
const VENDOR = { vendorSn: '91800123', vendorKey: 'vendor-key-live-0123456789abcdef', appId: '2025000000009999' };

describe('a live terminal before and during enrolment', () => {
  let server: Server;
  let connections = 0;
  const sockets: Socket[] = [];
  let t: TestPos;
  let technician: Session;
  let cashier: Session;

  beforeAll(async () => {
    // Answers every connection with bytes that are neither TLS nor HTTP, then hangs up.
    server = createServer((socket) => {
      connections += 1;
      sockets.push(socket);
      socket.on('error', () => {});
      socket.end('garbage\r\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    t = await startTestPos({ acquirer: { mode: 'live', baseUrl: `https://127.0.0.1:${port}/`, timeouts: { payMs: 2000, queryMs: 2000, otherMs: 2000 } } });
    technician = await t.signedIn('technician');
    cashier = await t.signedIn('cashier');
  });
  afterAll(async () => {
    await t?.close();
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
  });

  it('starts without contacting the acquirer, and a wallet payment is refused before anything is sent', async () => {
    await new Promise((r) => setTimeout(r, 200));
    const product = t.query<{ id: string }>("SELECT id FROM product WHERE unit = 'each' AND active = 1 LIMIT 1")[0]!;
    await t.ok(cashier, 'sale.addProduct', { productId: product.id });
    const paid = await t.call(cashier, 'payment.payByCode', { code: sandboxPaymentCode('wechat', '0000') });
    expect(paid).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(JSON.stringify(paid)).toMatch(/not enrolled/);
    expect(connections).toBe(0);
    const view = await t.ok(technician, 'admin.settings', {});
    expect(view.acquirer).toMatchObject({ mode: 'live', embeddedSandbox: false, configuredMode: 'live' });
    expect(view.enrolment).toMatchObject({ enrolled: false, terminalSn: null, lastCheckinAt: null, nextCheckinAt: null });
  });

  it('needs the vendor’s identity from the technician in live mode', async () => {
    const result = await t.call(technician, 'admin.enrol', { activationCode: CODE });
    expect(result).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect((result as { error: { details: { path: string }[] } }).error.details.map((d) => d.path).sort()).toEqual(['appId', 'vendorKey', 'vendorSn']);
    expect(connections).toBe(0);
  });

  it('refuses a plain http address for a live acquirer, beside the field; the sandbox may have one', async () => {
    const refused = await t.call(technician, 'admin.setAcquirerEndpoint', { baseUrl: 'http://api.shouqianba.com' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'validation_failed', details: [{ path: 'baseUrl', message: 'https_required' }] } });
    expect(await t.call(technician, 'admin.setAcquirerEndpoint', { mode: 'live', baseUrl: null })).toMatchObject({ ok: false, error: { details: [{ path: 'baseUrl', message: 'required' }] } });
    expect(await t.ok(technician, 'admin.setAcquirerEndpoint', { mode: 'sandbox', baseUrl: 'http://127.0.0.1:8089' })).toMatchObject({
      configuredMode: 'sandbox',
      configuredBaseUrl: 'http://127.0.0.1:8089',
      restartNeeded: true,
    });
    expect(await t.ok(technician, 'admin.setAcquirerEndpoint', { mode: 'live', baseUrl: 'https://api.shouqianba.com' })).toMatchObject({ configuredMode: 'live', configuredBaseUrl: 'https://api.shouqianba.com' });
    const written = JSON.parse(readFileSync(join(t.dataDir, 'config.json'), 'utf8')) as { acquirer: Record<string, unknown> };
    expect(written.acquirer).toMatchObject({ mode: 'live', baseUrl: 'https://api.shouqianba.com' });
  });

  it('sends one activation attempt per enrolment call, says what happened, and keeps the code nowhere', async () => {
    const result = await t.call(technician, 'admin.enrol', { activationCode: CODE, ...VENDOR });
    expect(result.ok).toBe(false);
    const error = (result as { error: { code: string; message: string; details: { reason: string } } }).error;
    // No TLS came back, so no request went out: the code is unused. (A reply that came but cannot be read is
    // reported as "check the back office": src-main/services/enrolment.test.ts.)
    expect(error).toMatchObject({ code: 'unavailable', details: { reason: 'acquirer_unreachable' } });
    expect(error.message).toMatch(/nothing was sent/);
    await new Promise((r) => setTimeout(r, 300));
    expect(connections).toBe(1);
    expect((await t.ok(technician, 'admin.settings', {})).enrolment.enrolled).toBe(false);

    // Nowhere on disk: not in config.json, the database or the log.
    const db = new Sqlite(join(t.dataDir, 'pos.sqlite'), { readonly: true });
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name);
    const dump = tables.map((name) => JSON.stringify(db.prepare(`SELECT * FROM "${name}"`).all())).join('\n');
    db.close();
    const logs = readdirSync(t.dataDir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.log'))
      .map((f) => readFileSync(join(t.dataDir, f), 'utf8'))
      .join('\n');
    expect(logs.length).toBeGreaterThan(0);
    for (const text of [readFileSync(join(t.dataDir, 'config.json'), 'utf8'), dump, logs]) {
      expect(text).not.toContain(CODE);
      expect(text).not.toContain(VENDOR.vendorKey);
    }
  });
});

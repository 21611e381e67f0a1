/**
 * A pay request that reaches the acquirer after the till gave up on it (a slow network holding it past the
 * deadline) must not charge a customer the till told it failed: before a timed-out payment is shown failed, a
 * cancel for its client_sn is sent and confirmed, and the acquirer then refuses the late request.
 *
 * Real HTTP all the way: the till → a relay standing in for the slow network → the sandbox acquirer (its own
 * ledger). The relay holds each pay request for longer than the till's deadline, then delivers it anyway, as a
 * congested link does after the sender has stopped waiting.
 */
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../src-common/roles';
import type { PaymentView } from '../../src-common/schemas';
import { startSandboxAcquirer, type SandboxAcquirer } from '../../src-main/acquirer/sandbox/server';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import { tempDir } from '../helpers/host';
import { startTestPos, type TestPos } from '../helpers/pos';

const PAY_HELD_MS = 2500;
const DEADLINE_MS = 1200;

interface Delivered {
  path: string;
  clientSn: string;
  at: number;
  status: number;
  body: string;
}

/** An HTTP relay to the sandbox that delivers every pay request PAY_HELD_MS late, whether or not the sender still waits. */
async function startSlowNetwork(target: string) {
  const delivered: Delivered[] = [];
  const held: Promise<void>[] = [];
  const readBody = (req: IncomingMessage) =>
    new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks)));
      req.on('error', reject);
    });
  const forward = (req: IncomingMessage, body: Buffer) =>
    new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
      const out = request(`${target}${req.url}`, { method: req.method, headers: { ...req.headers, host: new URL(target).host } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      out.on('error', reject);
      out.end(body);
    });
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0]!;
    const work = (async () => {
      const body = await readBody(req);
      if (path === '/upay/v2/pay') await new Promise((r) => setTimeout(r, PAY_HELD_MS));
      const reply = await forward(req, body);
      let clientSn = '';
      try {
        clientSn = String((JSON.parse(body.toString('utf8')) as { client_sn?: string }).client_sn ?? '');
      } catch {
        // not JSON: not an order request
      }
      delivered.push({ path, clientSn, at: Date.now(), status: reply.status, body: reply.body.toString('utf8') });
      if (!res.destroyed && !res.writableEnded) {
        res.writeHead(reply.status, reply.headers);
        res.end(reply.body);
      }
    })().catch(() => {
      res.destroy();
    });
    if (path === '/upay/v2/pay') held.push(work);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    delivered,
    /** Resolves when every pay request held so far has reached the acquirer and been answered. */
    allHeldDelivered: () => Promise.all(held),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('a pay request that arrives after the till gave up on it', () => {
  let sandbox: SandboxAcquirer;
  let network: Awaited<ReturnType<typeof startSlowNetwork>>;
  let ledgerPath: string;
  let t: TestPos;
  let cashier: Session;
  let barcode: string;

  beforeAll(async () => {
    ledgerPath = join(tempDir('late-pay-acquirer-'), 'sandbox.sqlite');
    sandbox = await startSandboxAcquirer({ dbPath: ledgerPath, port: 0, log: pino({ level: 'silent' }), speed: { scale: 0.02 } });
    network = await startSlowNetwork(sandbox.url);
    t = await startTestPos({
      acquirer: {
        baseUrl: network.url,
        timeouts: { payMs: 400, queryMs: 1000, otherMs: 1000 },
        timings: { pollIntervalMs: 100, pollDeadlineMs: DEADLINE_MS, cancelRetryMs: 100, maxCancelAttempts: 20 },
      },
    });
    cashier = await t.signedIn('cashier');
    barcode = (await t.ok(cashier, 'catalog.search', { query: 'kkkl' }))[0]!.barcodes[0]!;
  });
  afterAll(async () => {
    await t?.close();
    await network?.close();
    await sandbox?.close();
  });

  function ledgerOf(clientSn: string) {
    const db = new Sqlite(ledgerPath, { readonly: true });
    try {
      return db.prepare('SELECT type, status, amount FROM txn WHERE client_sn = ? ORDER BY id').all(clientSn) as { type: string; status: string; amount: number }[];
    } finally {
      db.close();
    }
  }

  it('cancels the order before saying it failed, and the late request is refused: no money taken', async () => {
    await t.ok(cashier, 'sale.scan', { code: barcode });
    const cart = (await t.ok(cashier, 'sale.current', {}))!;
    const seen: { status: PaymentView['status']; at: number }[] = [];
    const unsubscribe = t.pos.events.subscribe((name, payload) => {
      if (name === 'payment.changed') seen.push({ status: (payload as PaymentView).status, at: Date.now() });
    });
    try {
      // A code the acquirer would pay at once: only the cancel stands between the late request and the customer's money.
      const first = await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode('wechat', '0000') });
      expect(first.status).toBe('unknown');
      const clientSn = t.query<{ client_sn: string }>('SELECT client_sn FROM payment WHERE id = ?', first.paymentId)[0]!.client_sn;

      const until = Date.now() + 10_000;
      while (!seen.some((s) => s.status === 'failed' || s.status === 'paid' || s.status === 'reversed' || s.status === 'needs_attention')) {
        if (Date.now() > until) throw new Error(`payment never final: ${JSON.stringify(seen)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      const failedAt = seen.find((s) => s.status === 'failed')?.at;
      expect(failedAt, `statuses: ${seen.map((s) => s.status).join(' → ')}`).toBeDefined();
      // The screen said 正在撤销… (cancelling) meanwhile, and "failed" came only after the acquirer confirmed the cancel.
      expect(seen.map((s) => s.status)).toContain('cancelling');
      const cancel = network.delivered.find((d) => d.path === '/upay/v2/cancel' && d.clientSn === clientSn);
      expect(cancel, 'no cancel was sent for the order').toBeDefined();
      expect(cancel!.at).toBeLessThanOrEqual(failedAt!);
      // The till told the cashier before the held request arrived: that is the case that matters.
      expect(network.delivered.some((d) => d.path === '/upay/v2/pay' && d.clientSn === clientSn && d.at <= failedAt!)).toBe(false);

      // The held request now reaches the acquirer: it is refused, and the acquirer's ledger holds no money from it.
      await network.allHeldDelivered();
      const late = network.delivered.find((d) => d.path === '/upay/v2/pay' && d.clientSn === clientSn)!;
      expect(late.body).not.toContain('PAY_SUCCESS');
      await new Promise((r) => setTimeout(r, 300));
      const moved = ledgerOf(clientSn).filter((r) => r.status === 'SUCCESS');
      const net = moved.reduce((sum, r) => sum + (r.type === 'pay' ? r.amount : -r.amount), 0);
      expect(net).toBe(0);

      // The till agrees: failed, no wallet tender; the cashier takes cash for the same sale.
      expect(t.query('SELECT status FROM payment WHERE id = ?', first.paymentId)).toEqual([{ status: 'failed' }]);
      const done = await t.ok(cashier, 'sale.complete', { tenders: [{ kind: 'cash', amount: cart.total }] });
      expect(done.saleId).toBe(cart.saleId);
      expect(t.query("SELECT kind FROM sale_tender WHERE sale_id = ? AND kind != 'cash'", cart.saleId)).toEqual([]);
    } finally {
      unsubscribe();
    }
  });
});

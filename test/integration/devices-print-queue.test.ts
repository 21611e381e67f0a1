import { afterAll, describe, expect, it } from 'vitest';
import { decodeEscPos } from '../../drivers/receipt/escpos-decode';
import type { Session } from '../../src-common/roles';
import { startTestPos, type TestPos } from '../helpers/pos';
import { createPtyPair, killAllSocat, openPeer, simulatePrinter, type Peer, type PtyPair } from '../helpers/pty';

/**
 * The durable print queue: receipts are written to SQLite before they are sent, wait while the printer is out
 * of paper or away, survive a restart of the terminal (same data dir), and print once the printer is back.
 * A cash sale's drawer kick is never stored with its receipt: a receipt printed after a restart opens nothing.
 */
describe('the durable print queue', () => {
  let t: TestPos | undefined;
  let pair: PtyPair;
  let peer: Peer | undefined;
  let sim: ReturnType<typeof simulatePrinter> | undefined;

  afterAll(async () => {
    sim?.stop();
    await t?.close();
    await peer?.close();
    await pair?.close();
    await killAllSocat();
  });

  const printerStatus = async (session: Session) => (await t!.ok(session, 'devices.status', {})).find((d) => d.role === 'printer');
  async function waitFor(condition: () => Promise<boolean>, what: string, timeoutMs = 10_000) {
    for (const deadline = Date.now() + timeoutMs; !(await condition()); ) {
      if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** How many times ESC p (1B 70, the drawer kick) occurs in the bytes. */
  const kicks = (bytes: Uint8Array) => bytes.reduce((n, b, i) => n + (b === 0x1b && bytes[i + 1] === 0x70 ? 1 : 0), 0);

  it('queues a sale’s receipt while the paper is out, keeps it over a restart with the printer unplugged, and prints it once back, without the drawer kick', async () => {
    pair = await createPtyPair();
    // The cash drawer hangs on the printer: a cash sale asks for a kick after its receipt.
    const devices = [{ id: 'printer', role: 'printer', transport: { kind: 'serial', path: pair.a, baudRate: 9600 }, statusPollMs: 100, drawer: {} }];
    t = await startTestPos({ devices });
    peer = await openPeer(pair.b);
    sim = simulatePrinter(peer);
    sim.setPaperOut(true);
    const technician = await t.signedIn('technician');
    await waitFor(async () => (await printerStatus(technician))?.detail === 'paper_out', 'the printer did not report paper out');

    // The sale completes at once although its receipt cannot print (a device fault never blocks a sale).
    const cashier = await t.signedIn('cashier');
    const [product] = await t.ok(cashier, 'catalog.search', { query: 'kkkl', limit: 1 });
    const cart = await t.ok(cashier, 'sale.scan', { code: product!.barcodes[0]! });
    const done = await t.ok(cashier, 'sale.complete', { tenders: [{ kind: 'cash', amount: cart.total }] });
    await t.ok(technician, 'devices.testPrint', {});
    await waitFor(async () => (await printerStatus(technician))?.queued === 2, 'two jobs were not queued');
    expect(t.query<{ kind: string; printed: number }>(
        "SELECT json_extract(payload, '$.document') AS kind, status = 'done' AS printed FROM job WHERE kind = 'print.receipt' ORDER BY seq",
      )).toEqual([
      { kind: 'receipt', printed: 0 },
      { kind: 'test', printed: 0 },
    ]);
    expect(decodeEscPos(peer.received).lines.map((l) => l.text).join('\n')).not.toContain(done.receiptNumber);
    // The stored receipt holds no kick: it lives only in this run's memory.
    expect(t.query<{ bytes: Buffer }>("SELECT b.bytes FROM print_bytes b JOIN job j ON j.id = b.job_id WHERE json_extract(j.payload, '$.document') = 'receipt'").map((r) => kicks(r.bytes))).toEqual([0]);
    expect(kicks(peer.received)).toBe(0);

    // Restart the terminal with the printer unplugged: the jobs are still queued.
    const dataDir = t.dataDir;
    await t.close();
    t = undefined;
    sim.stop();
    await peer.close();
    peer = undefined;
    await pair.unplug();
    t = await startTestPos({ devices }, dataDir);
    const technician2 = await t.signedIn('technician');
    const away = await printerStatus(technician2);
    expect(away).toMatchObject({ state: 'error', queued: 2 });

    // Plug it back in, with paper: each job prints exactly once.
    await pair.replug();
    peer = await openPeer(pair.b);
    sim = simulatePrinter(peer);
    await waitFor(async () => (await printerStatus(technician2))?.queued === 0, 'the queue did not drain', 15_000);
    const printed = decodeEscPos(await peer.readUntil((b) => decodeEscPos(b).commands.filter((c) => c.type === 'cut').length >= 2, 10_000));
    const text = printed.lines.map((l) => l.text).join('\n');
    expect(text).toContain(done.receiptNumber);
    expect(text).toContain('设备测试 Device test');
    expect(printed.commands.filter((c) => c.type === 'cut')).toHaveLength(2);
    // Printed after a restart: the cash sale's receipt comes out, the drawer stays shut.
    await new Promise((r) => setTimeout(r, 300));
    expect(printed.commands.filter((c) => c.type === 'drawerKick')).toEqual([]);
    expect(kicks(peer.received)).toBe(0);
    expect(t.query<{ n: number }>("SELECT count(*) AS n FROM job WHERE kind = 'print.receipt' AND status IN ('queued', 'running')")[0]!.n).toBe(0);
  });
});

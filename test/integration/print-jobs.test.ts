import { afterEach, describe, expect, it } from 'vitest';
import { decodeEscPos } from '../../drivers/receipt/escpos-decode';
import type { Session } from '../../src-common/roles';
import { openApiSocket, queryTerminalDb, startHostProcess, tempDir, type ApiSocket, type HostProcess } from '../helpers/host';
import { startTestPos, type TestPos } from '../helpers/pos';
import { createPtyPair, killAllSocat, openPeer, type Peer, type PtyPair } from '../helpers/pty';

/**
 * Printing as a kind of the one durable job runner (`print.receipt`): receipts wait (held, no attempt spent)
 * while the printer is unplugged and print once each, in order, when it is back; a job whose terminal is
 * killed mid-print prints again after the restart, without the drawer kick; the technician sees them among
 * the runner's jobs with their attempts.
 */
const XOFF = 0x13;
const XON = 0x11;

/** How many times ESC p (1B 70, the drawer kick) occurs in the bytes. */
const kicks = (bytes: Uint8Array) => bytes.reduce((n, b, i) => n + (b === 0x1b && bytes[i + 1] === 0x70 ? 1 : 0), 0);
const occurrences = (text: string, part: string) => text.split(part).length - 1;

async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000) {
  for (const deadline = Date.now() + timeoutMs; !(await condition()); ) {
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('print jobs on the durable job runner', () => {
  let t: TestPos | undefined;
  let host: HostProcess | undefined;
  const apis: ApiSocket[] = [];
  let pair: PtyPair | undefined;
  let peer: Peer | undefined;

  afterEach(async () => {
    apis.splice(0).forEach((a) => a.close());
    await host?.stop();
    host = undefined;
    await t?.close();
    t = undefined;
    await peer?.close();
    peer = undefined;
    await pair?.close();
    pair = undefined;
    await killAllSocat();
  });

  it('holds a receipt queued while the printer is unplugged and prints it once after the replug, in order with the next job', async () => {
    pair = await createPtyPair();
    const devices = [{ id: 'printer', role: 'printer', transport: { kind: 'serial', path: pair.a, baudRate: 9600 }, statusPollMs: 0, drawer: {} }];
    t = await startTestPos({ devices });
    const technician = await t.signedIn('technician');
    const printerStatus = async (session: Session) => (await t!.ok(session, 'devices.status', {})).find((d) => d.role === 'printer');
    peer = await openPeer(pair.b);
    await waitFor(async () => (await printerStatus(technician))?.state === 'idle', 'the printer did not open');

    await peer.close();
    peer = undefined;
    await pair.unplug();
    await waitFor(async () => (await printerStatus(technician))?.state === 'error', 'the unplug was not noticed');

    const cashier = await t.signedIn('cashier');
    const [product] = await t.ok(cashier, 'catalog.search', { query: 'kkkl', limit: 1 });
    const cart = await t.ok(cashier, 'sale.scan', { code: product!.barcodes[0]! });
    const sale = await t.ok(cashier, 'sale.complete', { tenders: [{ kind: 'cash', amount: cart.total }] });
    await t.ok(technician, 'devices.testPrint', {});
    await waitFor(async () => (await printerStatus(technician))?.queued === 2, 'two jobs were not queued');
    // Held, not failed: a while later neither job has been tried.
    await new Promise((r) => setTimeout(r, 500));
    expect(t.query("SELECT json_extract(payload, '$.document') AS document, subject, status, attempts FROM job WHERE kind = 'print.receipt' ORDER BY seq")).toEqual([
      { document: 'receipt', subject: 'print:printer', status: 'queued', attempts: 0 },
      { document: 'test', subject: 'print:printer', status: 'queued', attempts: 0 },
    ]);

    await pair.replug();
    peer = await openPeer(pair.b);
    await waitFor(async () => (await printerStatus(technician))?.queued === 0, 'the queue did not drain', 15_000);
    const printed = decodeEscPos(await peer.readUntil((b) => decodeEscPos(b).commands.filter((c) => c.type === 'cut').length >= 2, 10_000));
    await new Promise((r) => setTimeout(r, 300));
    const text = printed.lines.map((l) => l.text).join('\n');
    expect(occurrences(text, sale.receiptNumber)).toBe(1);
    expect(occurrences(text, '设备测试 Device test')).toBe(1);
    expect(text.indexOf(sale.receiptNumber)).toBeLessThan(text.indexOf('设备测试 Device test'));
    expect(printed.commands.filter((c) => c.type === 'cut')).toHaveLength(2);
    // Back within the sale's 30 s: the cash sale's drawer kick follows its receipt, once.
    expect(kicks(peer.received)).toBe(1);

    // The technician sees both among the runner's jobs, each printed at its first attempt.
    const jobs = (await t.ok(technician, 'diagnostics.jobs', {})).jobs.filter((j) => j.kind === 'print.receipt');
    expect(jobs).toHaveLength(2);
    for (const job of jobs) {
      expect(job).toMatchObject({ subject: 'print:printer', status: 'done', attempts: 1, lastError: null, history: [{ attempt: 1, outcome: 'done', error: null }] });
    }
  }, 60_000);

  it('prints a receipt whose terminal was killed mid-print again after the restart, without opening the drawer', async () => {
    pair = await createPtyPair();
    const dataDir = tempDir('pos-print-crash-');
    // XON/XOFF: the printer says "stop" and the terminal's bytes wait in its port, so the job is caught mid-print.
    const config = { devices: [{ id: 'printer', role: 'printer', transport: { kind: 'serial', path: pair.a, baudRate: 9600, xon: true }, statusPollMs: 0, drawer: {} }] };
    host = await startHostProcess({ dataDir, config });
    peer = await openPeer(pair.b);
    const technician = await signedIn(host, 'technician');
    apis.push(technician);
    await waitFor(async () => (await ok(technician.call('devices.status', {}))).find((d) => d.role === 'printer')?.state === 'idle', 'the printer did not open');
    await peer.write(Uint8Array.of(XOFF));
    await new Promise((r) => setTimeout(r, 100));

    const cashier = await signedIn(host, 'cashier');
    apis.push(cashier);
    const [product] = await ok(cashier.call('catalog.search', { query: 'kkkl', limit: 1 }));
    const cart = await ok(cashier.call('sale.scan', { code: product!.barcodes[0]! }));
    const sale = await ok(cashier.call('sale.complete', { tenders: [{ kind: 'cash', amount: cart.total }] }));
    const printJob = () => queryTerminalDb<{ id: string; status: string; attempts: number }>(host!.ready, "SELECT id, status, attempts FROM job WHERE kind = 'print.receipt'");
    await waitFor(() => printJob()[0]?.status === 'running', 'the receipt was not being printed');
    await new Promise((r) => setTimeout(r, 300));
    expect(peer.received).toHaveLength(0);

    host.process.kill('SIGKILL');
    await host.stop();
    apis.splice(0).forEach((a) => a.close());
    // Killed while printing: the job is still claimed by the dead run, and nothing reached the printer.
    expect(printJob()).toMatchObject([{ status: 'running', attempts: 1 }]);
    host = await startHostProcess({ dataDir });
    const technician2 = await signedIn(host, 'technician');
    apis.push(technician2);
    await waitFor(async () => (await ok(technician2.call('devices.status', {}))).find((d) => d.role === 'printer')?.state !== 'closed', 'the printer was not opened again');
    await peer.write(Uint8Array.of(XON));

    // Taken again once the killed run's lease runs out, and printed.
    await peer.readUntil((b) => decodeEscPos(b).commands.some((c) => c.type === 'cut'), 20_000);
    await waitFor(() => printJob()[0]?.status === 'done', 'the job was not finished', 10_000);
    await new Promise((r) => setTimeout(r, 300));
    const printed = decodeEscPos(peer.received);
    expect(printed.lines.map((l) => l.text).join('\n')).toContain(sale.receiptNumber);
    // At least once, and the drawer stays shut: the kick was never stored.
    expect(kicks(peer.received)).toBe(0);
    const job = (await ok(technician2.call('diagnostics.jobs', {}))).jobs.find((j) => j.id === printJob()[0]!.id);
    expect(job).toMatchObject({ kind: 'print.receipt', status: 'done', attempts: 2 });
    expect(job!.history.map((h) => [h.attempt, h.outcome])).toEqual([
      [1, 'lease_expired'],
      [2, 'done'],
    ]);
  }, 90_000);
});

async function signedIn(host: HostProcess, role: 'technician' | 'cashier'): Promise<ApiSocket> {
  const api = await openApiSocket(host.ready);
  const user = (await ok(api.call('auth.users', {}))).find((u) => u.role === role)!;
  await ok(api.call('auth.signIn', { userId: user.id, pin: { technician: '9999', cashier: '1111' }[role] }));
  return api;
}

async function ok<T>(promise: Promise<{ ok: true; value: T } | { ok: false; error: unknown }>): Promise<T> {
  const result = await promise;
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}

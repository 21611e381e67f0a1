// The device manager's drawer kick on the printer: sent live right after its receipt, never stored with the
// job, so a receipt that prints late or after a restart does not open the drawer. A fake TCP printer (a
// net.Server on 127.0.0.1) takes the bytes.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleReceipt30 } from '../receipt/sample';
import { DRAWER_KICK_PIN2, encodeReceiptEscPos } from '../receipt/escpos';
import { createDeviceManager, memoryPrintJobStore, withoutStoredKick, type DeviceManager, type PrintJobStore } from './manager';

interface FakePrinter {
  received(): Buffer;
  /** Connections the printer took so far, and how many of them are still open. */
  connections(): { total: number; open: number };
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function startPrinter(port: number): Promise<FakePrinter> {
  const sockets: Socket[] = [];
  const chunks: Buffer[] = [];
  let open = 0;
  const server: Server = createServer((socket) => {
    sockets.push(socket);
    open += 1;
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => (open -= 1));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    received: () => Buffer.concat(chunks),
    connections: () => ({ total: sockets.length, open }),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Where ESC p (1B 70) occurs in the bytes. */
const kicksIn = (bytes: Uint8Array): number => {
  let n = 0;
  for (let i = 0; i + 1 < bytes.length; i += 1) if (bytes[i] === 0x1b && bytes[i + 1] === 0x70) n += 1;
  return n;
};

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !condition(); await new Promise((r) => setTimeout(r, 10))) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
  }
}

/** Counts what the store is asked to keep. */
function recordingStore(): PrintJobStore & { added: Uint8Array[] } {
  const inner = memoryPrintJobStore();
  const added: Uint8Array[] = [];
  return {
    ...inner,
    added,
    add(kind, bytes) {
      added.push(bytes);
      return inner.add(kind, bytes);
    },
  };
}

describe('the drawer kick on the printer', () => {
  const managers: DeviceManager[] = [];
  const printers: FakePrinter[] = [];
  afterEach(async () => {
    for (const m of managers.splice(0)) await m.close();
    for (const p of printers.splice(0)) await p.stop();
  });

  const printerAt = (port: number) => [{ id: 'printer', role: 'printer' as const, transport: { kind: 'tcp' as const, host: '127.0.0.1', port }, statusPollMs: 0, drawer: {} }];
  const receiptBytes = encodeReceiptEscPos(sampleReceipt30(), { columns: 48, qr: true, cut: true, drawerKick: false });

  it('opens the drawer right after the receipt of a cash sale, and never stores the kick with the job', async () => {
    const port = await freePort();
    printers.push(await startPrinter(port));
    const store = recordingStore();
    const m = createDeviceManager(printerAt(port), { printJobs: store, retryOpenMs: 50 });
    managers.push(m);
    await m.printReceipt(sampleReceipt30(), { kickDrawer: true });
    await until(() => printers[0]!.received().length >= receiptBytes.length + DRAWER_KICK_PIN2.length);
    expect([...printers[0]!.received()]).toEqual([...receiptBytes, ...DRAWER_KICK_PIN2]);
    expect(store.added.map((b) => kicksIn(b))).toEqual([0]);
  });

  it('prints a receipt queued while the printer was away without the kick when it comes back after the window', async () => {
    const port = await freePort();
    let now = 1_000_000;
    const m = createDeviceManager(printerAt(port), { retryOpenMs: 50, drawerKickWindowMs: 30_000, now: () => now });
    managers.push(m);
    const printed = m.printReceipt(sampleReceipt30(), { kickDrawer: true });
    await new Promise((r) => setTimeout(r, 100));
    expect(m.queuedJobs()).toBe(1);
    now += 30_001; // the printer is plugged back in half a minute later: nobody stands at the drawer
    printers.push(await startPrinter(port));
    await printed;
    await new Promise((r) => setTimeout(r, 100));
    expect([...printers[0]!.received()]).toEqual([...receiptBytes]);
  });

  it('still kicks when the printer comes back within the window', async () => {
    const port = await freePort();
    let now = 1_000_000;
    const m = createDeviceManager(printerAt(port), { retryOpenMs: 50, drawerKickWindowMs: 30_000, now: () => now });
    managers.push(m);
    const printed = m.printReceipt(sampleReceipt30(), { kickDrawer: true });
    await new Promise((r) => setTimeout(r, 100));
    now += 10_000;
    printers.push(await startPrinter(port));
    await printed;
    await until(() => printers[0]!.received().length >= receiptBytes.length + DRAWER_KICK_PIN2.length);
    expect([...printers[0]!.received()]).toEqual([...receiptBytes, ...DRAWER_KICK_PIN2]);
  });

  it('prints a receipt left queued over a restart without opening the drawer', async () => {
    const port = await freePort();
    const store = memoryPrintJobStore(); // the same store over both runs, as SQLite is over a restart
    const first = createDeviceManager(printerAt(port), { printJobs: store, retryOpenMs: 50 });
    const lost = first.printReceipt(sampleReceipt30(), { kickDrawer: true }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 100));
    await first.close();
    expect(await lost).toBeInstanceOf(Error);
    expect(store.pending()).toHaveLength(1);

    printers.push(await startPrinter(port));
    const second = createDeviceManager(printerAt(port), { printJobs: store, retryOpenMs: 50 });
    managers.push(second);
    await until(() => second.queuedJobs() === 0);
    await new Promise((r) => setTimeout(r, 100));
    expect([...printers[0]!.received()]).toEqual([...receiptBytes]);
  });

  it('drops the kick a receipt stored by an older version ends with', async () => {
    const port = await freePort();
    const store = memoryPrintJobStore();
    store.add('receipt', new Uint8Array([...receiptBytes, ...DRAWER_KICK_PIN2]));
    printers.push(await startPrinter(port));
    const m = createDeviceManager(printerAt(port), { printJobs: store, retryOpenMs: 50 });
    managers.push(m);
    await until(() => m.queuedJobs() === 0);
    await new Promise((r) => setTimeout(r, 100));
    expect([...printers[0]!.received()]).toEqual([...receiptBytes]);
  });
});

describe('closing the device manager', () => {
  const printers: FakePrinter[] = [];
  afterEach(async () => {
    for (const p of printers.splice(0)) await p.stop();
  });

  const printerAt = (port: number, statusPollMs = 0) => [{ id: 'printer', role: 'printer' as const, transport: { kind: 'tcp' as const, host: '127.0.0.1', port }, statusPollMs }];

  it('close() during a configure() opens nothing: the new printer never sees a connection or a status poll', async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    const a = await startPrinter(portA);
    const b = await startPrinter(portB);
    printers.push(a, b);
    const m = createDeviceManager(printerAt(portA), { retryOpenMs: 50 });
    await until(() => m.statuses()[0]?.state === 'idle');
    // The old printer's port is closing (configure is awaiting it) when close() comes.
    const configured = m.configure(printerAt(portB, 20)).catch((e: unknown) => e);
    for (let i = 0; i < 5; i += 1) await Promise.resolve();
    await m.close();
    await configured;
    await new Promise((r) => setTimeout(r, 300));
    expect(b.connections()).toEqual({ total: 0, open: 0 });
    expect(b.received()).toHaveLength(0);
    expect(a.connections().open).toBe(0);
  });

  it('a removed printer that was never there is not opened later (its open retry is dropped)', async () => {
    const port = await freePort();
    const m = createDeviceManager(printerAt(port), { retryOpenMs: 30 });
    await new Promise((r) => setTimeout(r, 100)); // a few failed opens
    await m.configure([]);
    const p = await startPrinter(port);
    printers.push(p);
    await new Promise((r) => setTimeout(r, 200));
    expect(p.connections().total).toBe(0);
    await m.close();
  });
});

describe('a network scanner behind a held thread', () => {
  let manager: DeviceManager | null = null;
  let server: Server | null = null;
  afterEach(async () => {
    await manager?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    manager = null;
    server = null;
  });

  it('keeps a scan whole when the thread was held between its halves past the idle time', async () => {
    const port = await freePort();
    let peer: Socket | null = null;
    server = createServer((socket) => {
      peer = socket;
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', () => resolve()));
    manager = createDeviceManager([{ id: 'scanner', role: 'scanner', transport: { kind: 'tcp', host: '127.0.0.1', port }, suffix: 'CR', idleMs: 50 }], { retryOpenMs: 50 });
    const scans: string[] = [];
    const dropped: string[] = [];
    manager.onScan((scan) => scans.push(scan.data));
    manager.onScannerInput((input) => input.kind !== 'scan' && dropped.push(input.reason));
    await until(() => peer !== null);
    peer!.write('69012345');
    await until(() => false, 30).catch(() => undefined);
    // The rest is sent, then the thread is held past the idle time before it can read it: the idle check comes late.
    peer!.write('67892\r');
    const heldUntil = Date.now() + 150;
    while (Date.now() < heldUntil) {
      // a long collection, a busy CPU
    }
    await until(() => scans.length > 0 || dropped.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(scans).toEqual(['6901234567892']);
    expect(dropped).toEqual([]);
  });
});

describe('withoutStoredKick', () => {
  const cut = [0x1d, 0x56, 0x42, 0x00];
  it('drops one or two kicks after the cut, and nothing else', () => {
    expect([...withoutStoredKick(Uint8Array.from([0x41, ...cut, 0x1b, 0x70, 0x00, 0x19, 0xfa]))]).toEqual([0x41, ...cut]);
    expect([...withoutStoredKick(Uint8Array.from([0x41, ...cut, 0x1b, 0x70, 0x00, 0x19, 0xfa, 0x1b, 0x70, 0x01, 0x19, 0xfa]))]).toEqual([0x41, ...cut]);
    const noCut = Uint8Array.from([0x41, 0x42, 0x1b, 0x70, 0x00, 0x19, 0xfa]);
    expect(withoutStoredKick(noCut)).toBe(noCut);
    const plain = Uint8Array.from([0x41, ...cut]);
    expect(withoutStoredKick(plain)).toBe(plain);
  });
});

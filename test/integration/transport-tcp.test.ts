// The TCP transport (raw port-9100 printers) against a real net.Server on 127.0.0.1: bytes both ways,
// the server going away and coming back on the same port, bad options. (The connect timeout is in
// drivers/transport/tcp.test.ts: a black-hole address is not one here, syncookies answer a full backlog.)
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createTcpTransport } from '../../drivers/transport/tcp';
import { TransportError, type Transport, type TransportState } from '../../drivers/transport/transport';
import { FAST_RECONNECT, until, waitForState } from '../helpers/transport';

const FAST = FAST_RECONNECT;

interface FakePrinter {
  readonly port: number;
  readonly sockets: Socket[];
  received(): Buffer;
  /** Resolves with the next connection. */
  nextConnection(): Promise<Socket>;
  /** Closes the listener and every connection (the printer is switched off). */
  stop(): Promise<void>;
}

async function startPrinter(port = 0): Promise<FakePrinter> {
  const sockets: Socket[] = [];
  const chunks: Buffer[] = [];
  let waiting: ((s: Socket) => void)[] = [];
  const server: Server = createServer((socket) => {
    sockets.push(socket);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => undefined);
    const w = waiting;
    waiting = [];
    for (const resolve of w) resolve(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    sockets,
    received: () => Buffer.concat(chunks),
    nextConnection: () => new Promise<Socket>((resolve) => waiting.push(resolve)),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}



describe('tcp transport', () => {
  let transport: Transport | null = null;
  let printer: FakePrinter | null = null;
  afterEach(async () => {
    await transport?.close();
    transport = null;
    await printer?.stop();
    printer = null;
  });

  it('carries bytes both ways, binary-safe', async () => {
    printer = await startPrinter();
    transport = createTcpTransport({ host: '127.0.0.1', port: printer.port, reconnect: FAST });
    expect(transport.id).toBe(`tcp:127.0.0.1:${printer.port}`);
    const chunks: Uint8Array[] = [];
    transport.on('data', (c) => chunks.push(new Uint8Array(c)));
    const connected = printer.nextConnection();
    await transport.open();
    const socket = await connected;

    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const big = new Uint8Array(64 * 1024).map((_, i) => (i * 31) & 0xff);
    await transport.write(all);
    await transport.write(big);
    await until(() => printer!.received().length >= all.length + big.length);
    expect(printer.received().equals(Buffer.concat([all, big]))).toBe(true);

    // DLE EOT status answer from the printer.
    socket.write(Uint8Array.of(0x12, 0x00, 0xff, 0x1b));
    await until(() => Buffer.concat(chunks).length >= 4);
    expect([...Buffer.concat(chunks)]).toEqual([0x12, 0x00, 0xff, 0x1b]);
  });

  it('server gone → reconnecting (writes refused); server back on the same port → open again', async () => {
    printer = await startPrinter();
    const port = printer.port;
    transport = createTcpTransport({ host: '127.0.0.1', port, reconnect: FAST });
    const states: { state: TransportState; detail?: string }[] = [];
    transport.on('state', (state, detail) => states.push({ state, detail }));
    const first = printer.nextConnection();
    await transport.open();
    await first;

    await printer.stop();
    printer = null;
    await waitForState(transport, 'reconnecting');
    await expect(transport.write(Uint8Array.of(0x1b, 0x40))).rejects.toThrow(/reconnecting.*write refused/);
    await until(() => states.filter((s) => s.state === 'reconnecting').length >= 3);
    expect(states.at(-1)?.detail).toMatch(/cannot connect to 127\.0\.0\.1:\d+: .*ECONNREFUSED/);

    printer = await startPrinter(port);
    const second = printer.nextConnection();
    await waitForState(transport, 'open', 5_000);
    await second;
    await transport.write(Uint8Array.of(0x1d, 0x56, 0x00));
    await until(() => printer!.received().length >= 3);
    expect([...printer.received()]).toEqual([0x1d, 0x56, 0x00]);
    expect(states.filter((s) => s.state === 'open')).toHaveLength(2);
    // One connection per reopen: the loop is not duplicated.
    expect(printer.sockets).toHaveLength(1);
  });

  it('close() during reconnect stops the loop', async () => {
    printer = await startPrinter();
    const port = printer.port;
    transport = createTcpTransport({ host: '127.0.0.1', port, reconnect: FAST });
    await transport.open();
    await printer.stop();
    await waitForState(transport, 'reconnecting');
    await transport.close();
    printer = await startPrinter(port);
    await new Promise((r) => setTimeout(r, 500));
    expect(transport.state).toBe('closed');
    expect(printer.sockets).toHaveLength(0);
  });

  it('open() with nothing listening rejects clearly and the state is error', async () => {
    printer = await startPrinter();
    const port = printer.port;
    await printer.stop();
    printer = null;
    transport = createTcpTransport({ host: '127.0.0.1', port, reconnect: FAST });
    await expect(transport.open()).rejects.toThrow(/could not be opened: cannot connect to 127\.0\.0\.1:\d+: .*ECONNREFUSED/);
    expect(transport.state).toBe('error');
  });

  it('refuses bad options naming the field', () => {
    expect(() => createTcpTransport({ host: '127.0.0.1', port: 70000 })).toThrow(/^tcp transport options: port: /);
    expect(() => createTcpTransport({ host: '', port: 9100 })).toThrow(/host: must be a host name or IP address/);
    expect(() => createTcpTransport({ host: 'p', connectTimeoutMs: 5 })).toThrow(TransportError);
  });
});

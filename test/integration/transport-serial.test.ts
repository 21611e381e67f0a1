// The serial transport with the real serialport driver over socat pseudo-terminals: bytes both ways,
// unplug (socat killed) and replug, writes while away, close() during reconnect, bad options.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSerialTransport, parseSerialOptions } from '../../drivers/transport/serial';
import { TransportError, type Transport, type TransportState } from '../../drivers/transport/transport';
import { bytesEqual, createPtyPair, killAllSocat, openPeer, runInChild, type Peer, type PtyPair } from '../helpers/pty';
import { FAST_RECONNECT, until, waitForState } from '../helpers/transport';

const FAST = FAST_RECONNECT;


function collect(t: Transport): { bytes(): Uint8Array } {
  const chunks: Uint8Array[] = [];
  t.on('data', (chunk) => chunks.push(new Uint8Array(chunk)));
  return { bytes: () => new Uint8Array(Buffer.concat(chunks)) };
}


const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, i) => i);
const CONTROL = Uint8Array.from([0x00, 0x1b, 0x40, 0x10, 0x04, 0x01, 0xff, 0x00, 0x0a, 0x0d, 0x11, 0x13]);

describe('serial transport over a socat pty pair', () => {
  let pair: PtyPair;
  let peer: Peer | null = null;
  let transport: Transport | null = null;

  beforeEach(async () => {
    pair = await createPtyPair();
  });
  afterEach(async () => {
    await transport?.close();
    transport = null;
    await peer?.close();
    peer = null;
    await pair.close();
  });
  afterAll(async () => {
    await killAllSocat();
  });

  it('carries bytes both ways, binary-safe, and 64 KiB writes whole', async () => {
    transport = createSerialTransport({ path: pair.a, baudRate: 115200, reconnect: FAST });
    const states: TransportState[] = [];
    transport.on('state', (s) => states.push(s));
    await transport.open();
    expect(transport.state).toBe('open');
    expect(states).toEqual(['opening', 'open']);
    expect(transport.id).toBe(`serial:${pair.a}`);
    peer = await openPeer(pair.b, 115200);
    const fromPeer = collect(transport);

    // A → B: control bytes (NUL, ESC, DLE, XON/XOFF, 0xFF) and every byte value.
    await transport.write(CONTROL);
    await transport.write(ALL_BYTES);
    const expected = Buffer.concat([CONTROL, ALL_BYTES]);
    const gotB = await peer.readUntil((r) => r.length >= expected.length);
    expect(bytesEqual(gotB, expected)).toBe(true);

    // B → A.
    await peer.write(ALL_BYTES);
    await peer.write(CONTROL);
    await until(() => fromPeer.bytes().length >= expected.length);
    expect(bytesEqual(fromPeer.bytes(), Buffer.concat([ALL_BYTES, CONTROL]))).toBe(true);

    // 64 KiB in one write arrives whole and in order.
    peer.clear();
    const big = new Uint8Array(64 * 1024);
    for (let i = 0; i < big.length; i += 1) big[i] = (i * 7 + (i >> 8)) & 0xff;
    await transport.write(big);
    const gotBig = await peer.readUntil((r) => r.length >= big.length, 10_000);
    expect(gotBig.length).toBe(big.length);
    expect(bytesEqual(gotBig, big)).toBe(true);
  });

  it('goes to reconnecting on unplug, refuses writes, and reopens by itself on replug', async () => {
    transport = createSerialTransport({ path: pair.a, baudRate: 9600, reconnect: FAST });
    const states: { state: TransportState; detail?: string }[] = [];
    transport.on('state', (state, detail) => states.push({ state, detail }));
    const fromPeer = collect(transport);
    await transport.open();
    peer = await openPeer(pair.b);

    await pair.unplug();
    // Generous bounds: a loaded 2-core CI machine may take a while to notice (timings belong in the bench).
    await waitForState(transport, 'reconnecting', 10_000);
    const lost = states.find((s) => s.state === 'reconnecting');
    expect(lost?.detail).toMatch(/device lost/);

    // A write while away is refused at once, clearly (the caller queues it).
    const refused = transport.write(Uint8Array.of(0x1b, 0x40)).then(
      () => null,
      (error: unknown) => error,
    );
    const error = await refused;
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).reason).toBe('reconnecting');
    expect((error as Error).message).toMatch(/reconnecting.*write refused/);

    // Retries keep failing while unplugged (the link is gone), and say so.
    await until(() => states.filter((s) => s.state === 'reconnecting').length >= 3, 10_000);
    expect(states.filter((s) => s.state === 'reconnecting').at(-1)?.detail).toMatch(/attempt \d+ failed: cannot open/);

    await peer.close();
    peer = null;
    const replugAt = Date.now();
    await pair.replug();
    await waitForState(transport, 'open', 10_000);
    expect(Date.now() - replugAt).toBeLessThan(10_000);

    // The same transport object carries data again, both ways.
    peer = await openPeer(pair.b);
    await transport.write(Uint8Array.of(0x00, 0x1b, 0x10, 0xff));
    expect(bytesEqual(await peer.readUntil((r) => r.length >= 4), Uint8Array.of(0x00, 0x1b, 0x10, 0xff))).toBe(true);
    await peer.write(Uint8Array.of(0x10, 0x04, 0x01));
    await until(() => fromPeer.bytes().length >= 3);
    expect(bytesEqual(fromPeer.bytes(), Uint8Array.of(0x10, 0x04, 0x01))).toBe(true);

    // Exactly one open per reconnect: no duplicate loops.
    expect(states.filter((s) => s.state === 'open')).toHaveLength(2);
  });

  it('close() during reconnect stops the loop: it stays closed after replug', async () => {
    transport = createSerialTransport({ path: pair.a, baudRate: 9600, reconnect: FAST });
    const states: TransportState[] = [];
    transport.on('state', (s) => states.push(s));
    await transport.open();
    await pair.unplug();
    await waitForState(transport, 'reconnecting');
    await transport.close();
    expect(transport.state).toBe('closed');
    const after = states.length;

    await pair.replug();
    await new Promise((r) => setTimeout(r, 600));
    expect(transport.state).toBe('closed');
    expect(states.length).toBe(after);
    // The port is free: another opener can claim it (ours does not hold it).
    peer = await openPeer(pair.a);
    await expect(transport.write(Uint8Array.of(1))).rejects.toThrow(/closed/);
  });

  it('open() of a missing device rejects clearly and the state is error', async () => {
    transport = createSerialTransport({ path: `${pair.a}-missing`, baudRate: 9600, reconnect: FAST });
    await expect(transport.open()).rejects.toThrow(/could not be opened: cannot open .*a-missing/);
    expect(transport.state).toBe('error');
    await expect(transport.write(Uint8Array.of(1))).rejects.toThrow(/not open/);
  });

  it('a second transport cannot claim a port that is already open', async () => {
    transport = createSerialTransport({ path: pair.a, baudRate: 9600 });
    await transport.open();
    const second = createSerialTransport({ path: pair.a, baudRate: 9600 });
    await expect(second.open()).rejects.toThrow(/could not be opened/);
    await second.close();
  });
});

describe('serial transport options', () => {
  it.each([
    [{ path: '/dev/ttyUSB0', baudRate: 9601 }, /baudRate: must be one of 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200/],
    [{ path: '/dev/ttyUSB0', baudRate: 9600, parity: 'evn' }, /parity: must be one of none, even, odd, mark, space/],
    [{ path: '/dev/ttyUSB0', baudRate: 9600, dataBits: 5 }, /dataBits: must be 7 or 8/],
    [{ path: '/dev/ttyUSB0', baudRate: 9600, stopBits: 1.5 }, /stopBits: must be 1 or 2/],
    [{ path: '', baudRate: 9600 }, /path: must be a device path/],
    [{ path: '/dev/ttyUSB0', baudRate: 9600, parity: 'mark' }, /parity: mark parity is only supported on Windows/],
    [{ path: '/dev/ttyUSB0', baudRate: 9600, reconnect: { initialMs: 500, maxMs: 100 } }, /reconnect\.maxMs: maxMs must be at least initialMs/],
    [{ path: '/dev/ttyUSB0', baudrate: 9600 }, /baudRate: must be one of .*; \(root\): Unrecognized key: "baudrate"/],
  ])('refuses %j', (options, message) => {
    let thrown: unknown;
    try {
      createSerialTransport(options as never);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TransportError);
    expect((thrown as TransportError).reason).toBe('bad-options');
    expect((thrown as TransportError).code).toBe('validation_failed');
    expect((thrown as Error).message).toMatch(/^serial transport options: /);
    expect((thrown as Error).message).toMatch(message);
  });
});

describe('serial transport options on Windows', () => {
  it('accepts mark and space parity there', () => {
    expect(parseSerialOptions({ path: 'COM3', baudRate: 9600, parity: 'space' }, 'win32').parity).toBe('space');
  });
});

describe('serial transport in its own process', () => {
  it('close() during reconnect leaves no timer or handle behind: the process exits by itself', async () => {
    const run = await runInChild(
      `
      const { createPtyPair } = await load('test/helpers/pty.ts');
      const { createSerialTransport } = await load('drivers/transport/serial.ts');
      const pair = await createPtyPair();
      const t = createSerialTransport({ path: pair.a, baudRate: 9600, reconnect: { initialMs: 50, maxMs: 100 } });
      const states = [];
      t.on('state', (s) => states.push(s));
      await t.open();
      await pair.unplug();
      const deadline = Date.now() + 5000;
      while (states.filter((s) => s === 'reconnecting').length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await t.close();
      await pair.close();
      return { states: [...new Set(states)], final: t.state };
      `,
      { timeoutMs: 10_000 },
    );
    expect(run.stderr).toBe('');
    expect(run.timedOut).toBe(false);
    expect(run.code).toBe(0);
    expect(run.result).toEqual({ states: ['opening', 'open', 'reconnecting', 'closed'], final: 'closed' });
  });
});

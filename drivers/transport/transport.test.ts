// The reconnect core shared by every transport, with a scripted connect() and a fake clock.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TransportError, createReconnectingTransport, type Connection, type ConnectionEvents, type TransportState } from './transport';

interface Device {
  plugged: boolean;
  connects: number;
  live: { events: ConnectionEvents; closed: boolean; written: Uint8Array[] }[];
}

function fakeDevice(): { device: Device; connect: (events: ConnectionEvents) => Promise<Connection> } {
  const device: Device = { plugged: true, connects: 0, live: [] };
  const connect = async (events: ConnectionEvents): Promise<Connection> => {
    device.connects += 1;
    if (!device.plugged) throw new Error('no such device');
    const conn = { events, closed: false, written: [] as Uint8Array[] };
    device.live.push(conn);
    return {
      async write(bytes) {
        if (conn.closed) throw new Error('gone');
        conn.written.push(bytes);
      },
      async close() {
        conn.closed = true;
      },
    };
  };
  return { device, connect };
}

describe('reconnecting transport core', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('backs off exponentially up to maxMs, one loop only however often the loss is reported', async () => {
    const { device, connect } = fakeDevice();
    const t = createReconnectingTransport({ id: 'fake:1', connect, reconnect: { initialMs: 100, maxMs: 800 } });
    const states: TransportState[] = [];
    t.on('state', (s) => states.push(s));
    await t.open();
    expect(device.connects).toBe(1);

    device.plugged = false;
    const first = device.live[0]!;
    first.events.lost('unplugged');
    first.events.lost('unplugged again');
    first.events.lost('and again');
    expect(t.state).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(0);
    expect(first.closed).toBe(true);

    // Retries at +100, +200, +400, +800, +800 …
    const at: number[] = [];
    const start = Date.now();
    let seen = device.connects;
    for (let elapsed = 0; elapsed < 100 + 200 + 400 + 800 + 800; elapsed += 10) {
      await vi.advanceTimersByTimeAsync(10);
      if (device.connects !== seen) {
        seen = device.connects;
        at.push(Date.now() - start);
      }
    }
    expect(at).toEqual([100, 300, 700, 1500, 2300]);

    device.plugged = true;
    await vi.advanceTimersByTimeAsync(800);
    expect(t.state).toBe('open');
    expect(states.filter((s) => s === 'open')).toHaveLength(2);
    // After reopening, the backoff starts again from initialMs.
    device.live.at(-1)!.events.lost('unplugged');
    await vi.advanceTimersByTimeAsync(100);
    expect(t.state).toBe('open');
    await t.close();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('close() during reconnect clears the timer; open() again works', async () => {
    const { device, connect } = fakeDevice();
    const t = createReconnectingTransport({ id: 'fake:2', connect, reconnect: { initialMs: 50, maxMs: 50 } });
    await t.open();
    device.plugged = false;
    device.live[0]!.events.lost('unplugged');
    await vi.advanceTimersByTimeAsync(120);
    const waiting = t.open(); // an open() while reconnecting waits for the reopen …
    const outcome = waiting.then(
      () => 'opened',
      (e: unknown) => e,
    );
    await t.close();
    expect(await outcome).toBeInstanceOf(TransportError); // … or is refused by close().
    expect(vi.getTimerCount()).toBe(0);
    const connects = device.connects;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(device.connects).toBe(connects);

    device.plugged = true;
    await t.open();
    expect(t.state).toBe('open');
    await t.close();
  });

  it('an open() waiting during reconnect resolves when the device is back', async () => {
    const { device, connect } = fakeDevice();
    const t = createReconnectingTransport({ id: 'fake:3', connect, reconnect: { initialMs: 50, maxMs: 50 } });
    await t.open();
    device.plugged = false;
    device.live[0]!.events.lost('unplugged');
    let opened = false;
    void t.open().then(() => (opened = true));
    await vi.advanceTimersByTimeAsync(200);
    expect(opened).toBe(false);
    device.plugged = true;
    await vi.advanceTimersByTimeAsync(60);
    expect(opened).toBe(true);
    await t.close();
  });

  it('a connection lost before connect() resolved counts as a failed attempt', async () => {
    let calls = 0;
    const t = createReconnectingTransport({
      id: 'fake:4',
      reconnect: { initialMs: 10, maxMs: 10 },
      connect: async (events) => {
        calls += 1;
        if (calls === 1) events.lost('closed at once');
        return { write: async () => undefined, close: async () => undefined };
      },
    });
    await expect(t.open()).rejects.toThrow(/fake:4 could not be opened: closed at once/);
    expect(t.state).toBe('error');
    await t.open();
    expect(t.state).toBe('open');
    await t.close();
  });

  it('close() while opening: open() rejects, and what was opened is released', async () => {
    let finish: (() => void) | null = null;
    let released = false;
    const t = createReconnectingTransport({
      id: 'fake:5',
      reconnect: { initialMs: 10, maxMs: 10 },
      connect: () =>
        new Promise<Connection>((resolve) => {
          finish = () => resolve({ write: async () => undefined, close: async () => void (released = true) });
        }),
    });
    const opening = t.open();
    expect(t.state).toBe('opening');
    expect(t.open()).toBe(opening);
    const closing = t.close();
    finish!();
    await closing;
    await expect(opening).rejects.toThrow(/closed while opening/);
    expect(released).toBe(true);
    expect(t.state).toBe('closed');
  });

  it('a throwing listener does not break the transport; unsubscribe works', async () => {
    const { device, connect } = fakeDevice();
    const warnings: string[] = [];
    const log = { debug() {}, info() {}, warn: (_: object, m: string) => void warnings.push(m) };
    const t = createReconnectingTransport({ id: 'fake:6', connect, reconnect: { initialMs: 10, maxMs: 10 }, log });
    const got: number[] = [];
    t.on('data', () => {
      throw new Error('boom');
    });
    const off = t.on('data', (c) => got.push(c.length));
    await t.open();
    device.live[0]!.events.data(Uint8Array.of(1, 2));
    off();
    device.live[0]!.events.data(Uint8Array.of(1, 2, 3));
    expect(got).toEqual([2]);
    expect(warnings).toContain('a data listener threw');
    await t.close();
  });
});

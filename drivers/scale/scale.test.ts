import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Transport, TransportState } from '../transport/transport';
import { createScale } from './scale';
import { encodeToledoStatus, encodeToledoWeight } from './toledo8217';
import { encodeXk3190 } from './xk3190';

/** A transport the test drives: bytes in by hand, writes recorded. */
function fakeTransport() {
  const data = new Set<(chunk: Uint8Array) => void>();
  const states = new Set<(state: TransportState, detail?: string) => void>();
  const written: string[] = [];
  let state: TransportState = 'open';
  const transport: Transport = {
    id: 'fake',
    get state() {
      return state;
    },
    open: () => Promise.resolve(),
    write(bytes) {
      if (state !== 'open') return Promise.reject(new Error('not open'));
      written.push(String.fromCharCode(...bytes));
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
    on(event: 'data' | 'state', listener: never) {
      const set = (event === 'data' ? data : states) as Set<unknown>;
      set.add(listener);
      return () => set.delete(listener);
    },
  } as Transport;
  return {
    transport,
    written,
    feed: (bytes: Uint8Array) => data.forEach((l) => l(bytes)),
    setState(next: TransportState) {
      state = next;
      states.forEach((l) => l(next));
    },
  };
}

describe('a scale on a transport', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('XK3190: stable after N equal frames; zero only near zero; tare only above zero; net after tare', async () => {
    const f = fakeTransport();
    const scale = createScale(f.transport, { protocol: 'xk3190', capacityGrams: 5_000, stability: { samples: 3, windowMs: 1000, toleranceGrams: 0 }, now: () => Date.now() });
    const frames = (grams: number, n = 3) => {
      for (let i = 0; i < n; i++) {
        vi.advanceTimersByTime(50);
        f.feed(encodeXk3190(grams));
      }
    };
    frames(150, 2);
    expect(scale.reading()).toMatchObject({ grams: 150, stable: false, state: 'motion' });
    frames(150, 1);
    expect(scale.reading()).toMatchObject({ grams: 150, stable: true, state: 'ok' });
    // 150 g is more than 2 % of 5 kg: zeroing it away would hide goods
    await expect(scale.command('zero')).rejects.toMatchObject({ reason: 'out_of_range' });
    frames(60);
    await scale.command('zero');
    frames(60);
    expect(scale.reading()).toMatchObject({ grams: 0, stable: true });
    await expect(scale.command('tare')).rejects.toMatchObject({ reason: 'out_of_range' });
    frames(160); // a 100 g bowl
    await scale.command('tare');
    frames(672);
    expect(scale.reading()).toMatchObject({ grams: 512, tareGrams: 100, net: true, stable: true });
    frames(671, 1);
    await expect(scale.command('clearTare')).resolves.toBeUndefined();
    frames(5_200);
    expect(scale.reading()).toMatchObject({ grams: null, state: 'overload', stable: false });
    // silence: no frame for longer than the reply timeout
    vi.advanceTimersByTime(1_100);
    expect(scale.reading()).toMatchObject({ grams: null, state: 'no_reply' });
    scale.close();
  });

  it('Toledo 8217: polls W, reads weight and status replies, and names a scale that does not answer', async () => {
    const f = fakeTransport();
    const scale = createScale(f.transport, { protocol: 'toledo8217', pollMs: 100, replyTimeoutMs: 300, now: () => Date.now() });
    vi.advanceTimersByTime(30);
    expect(f.written).toEqual(['W']);
    f.feed(encodeToledoWeight(512));
    expect(scale.reading()).toMatchObject({ grams: 512, stable: true, state: 'ok' });
    vi.advanceTimersByTime(110);
    expect(f.written).toEqual(['W', 'W']);
    f.feed(encodeToledoStatus({ motion: true }));
    expect(scale.reading()).toMatchObject({ grams: null, stable: false, state: 'motion' });
    // a command takes the next slot and is settled by the status reply
    const tare = scale.command('tare');
    vi.advanceTimersByTime(20);
    expect(f.written.at(-1)).toBe('T');
    f.feed(encodeToledoStatus({ net: true }));
    await expect(tare).resolves.toBeUndefined();
    // no reply within 300 ms
    vi.advanceTimersByTime(110);
    expect(f.written.at(-1)).toBe('W');
    vi.advanceTimersByTime(400);
    expect(scale.reading().state).toBe('no_reply');
    f.setState('reconnecting');
    expect(scale.reading()).toMatchObject({ state: 'unplugged', grams: null });
    await expect(scale.command('zero')).rejects.toMatchObject({ reason: 'unplugged' });
    scale.close();
  });
});

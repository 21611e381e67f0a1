/**
 * Scale weight → cart line, beyond the wire: the till (createPos in this process) polls a Toledo 8217 scale on a
 * socat pty; this plays the scale, answering each poll (W) with a stable weight, a new one for each sample. Timed
 * from the pty write of the frame that carries the new weight until a line with that weight is in the cart
 * (the reading reaches main, the screen's scale.read sees it stable, sale.addWeighed takes it in main). The
 * screen's own poll interval and the cashier's click are left out: this is the software's part.
 * Baseline in the same run: the pty round trip alone (the same frame written on one end, read whole on the other).
 */
import { execSync } from 'node:child_process';
import { encodeToledoWeight } from '../drivers/scale/toledo8217';
import { parseConfig } from '../src-main/config';
import { createPos } from '../src-main/pos';
import { createPtyPair, killAllSocat, openPeer } from '../test/helpers/pty';
import { tempDir } from '../test/helpers/host';
import { signedInCashier } from './cashier';
import { percentile, summarize } from './stats';

const ms = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e6;

function figures(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { ...summarize(samples, 3), p50: Number(percentile(sorted, 50).toFixed(3)), p99: Number(percentile(sorted, 99).toFixed(3)) };
}

/** The same frame across a pty pair, written on one end and read whole on the other. */
async function ptyRoundTrip(count: number): Promise<number[]> {
  const pair = await createPtyPair();
  const [a, b] = await Promise.all([openPeer(pair.a), openPeer(pair.b)]);
  try {
    const samples: number[] = [];
    for (let i = 0; i < count + 10; i++) {
      const frame = encodeToledoWeight(500 + (i % 400));
      a.clear();
      const started = process.hrtime.bigint();
      await b.write(frame);
      await a.readUntil((got) => got.length >= frame.length);
      if (i >= 10) samples.push(ms(started));
    }
    return samples;
  } finally {
    await Promise.all([a.close(), b.close()]);
    await pair.close();
  }
}

export async function scaleWeightToCart(count = 100) {
  try {
    execSync('command -v socat', { stdio: 'ignore' });
  } catch {
    return { skipped: 'socat is not installed' };
  }
  const pair = await createPtyPair();
  const pos = await createPos({
    dataDir: tempDir('pos-bench-scale-'),
    config: parseConfig({
      log: { level: 'warn' },
      devices: [{ id: 'scale', role: 'scale', protocol: 'toledo8217', transport: { kind: 'serial', path: pair.a, baudRate: 9600, dataBits: 7, parity: 'even' }, pollMs: 50 }],
    }),
  });
  const peer = await openPeer(pair.b);
  let grams = 100;
  let seen = 0;
  let answering = true;
  /** The scale: every W is answered with the current stable weight. */
  const scale = (async () => {
    while (answering) {
      try {
        await peer.readUntil((b) => b.length > seen, 500);
      } catch {
        continue;
      }
      seen = peer.received.length;
      await peer.write(encodeToledoWeight(grams)).catch(() => undefined);
    }
  })();
  try {
    const { session, call } = await signedInCashier(pos);
    const product = (await call('catalog.search', { query: '苹果', limit: 8 })).find((p) => p.unit === 'kg');
    if (!product) throw new Error('no product sold by weight in the demo catalog');
    const samples: number[] = [];
    const toReading: number[] = [];
    for (let i = 0; i < count + 10; i++) {
      const next = 200 + i;
      // Wait for the till's next poll, then answer it with the new weight: that write starts the clock.
      const polled = peer.received.length;
      await peer.readUntil((b) => b.length > polled, 2_000);
      grams = next;
      seen = peer.received.length;
      const started = process.hrtime.bigint();
      await peer.write(encodeToledoWeight(next));
      for (;;) {
        const r = await pos.dispatch('scale.read', {}, session);
        const reading = r.ok ? (r.value as { reading: { grams: number | null; stable: boolean } | null }).reading : null;
        if (reading?.stable && reading.grams === next) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (i >= 10) toReading.push(ms(started));
      const added = await pos.dispatch('sale.addWeighed', { productId: product.id, weight: { source: 'scale' } }, session);
      if (!added.ok || (added.value as { lines: { quantityMilli: number }[] }).lines.at(-1)?.quantityMilli !== next) throw new Error(`the weighed line was not added: ${JSON.stringify(added)}`);
      if (i >= 10) samples.push(ms(started));
      if (i % 20 === 19) await pos.dispatch('sale.void', { reason: 'bench' }, session);
    }
    answering = false;
    await scale;
    const baseline = await ptyRoundTrip(count);
    const ours = figures(samples);
    const pty = figures(baseline);
    return {
      path: 'stable Toledo 8217 frame written on the scale’s pty → serialport, decoder, reading in main → scale.read stable → sale.addWeighed → line in the cart',
      samples: samples.length,
      weightToCartBeyondWireMs: ours,
      /** The first part: until scale.read shows the new weight stable (the rest is the durable cart line). */
      weightToStableReadingMs: figures(toReading),
      baselinePtyRoundTripMs: pty,
      beyondPtyP99Ms: Number((ours.p99 - pty.p99).toFixed(3)),
      note: 'pty transfers have no baud delay; at 9600 7E1 a 9-byte frame adds 9.4 ms of wire time; the screen’s 150 ms poll and the cashier’s click are not counted',
    };
  } finally {
    answering = false;
    await peer.close();
    await pos.close();
    await pair.close();
    await killAllSocat();
  }
}

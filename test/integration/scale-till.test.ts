/**
 * Weighed goods at the till, through the API with the whole terminal on a real SQLite file and a Toledo 8217
 * simulator on a socat pty: a kg product never goes in as 1 kg; the line takes the scale's stable net weight
 * (tare applied) or a typed weight, priced to the fen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../src-common/roles';
import type { Product } from '../../src-common/schemas';
import { createScaleSimulator, type ScaleSimulator } from '../../drivers/sim/scale';
import { startTestPos, type TestPos } from '../helpers/pos';
import { createPtyPair, killAllSocat, openPeer, type Peer, type PtyPair } from '../helpers/pty';

describe('weighed goods at the till', () => {
  let t: TestPos;
  let pair: PtyPair;
  let peer: Peer;
  let sim: ScaleSimulator;
  let cashier: Session;
  let technician: Session;
  let apples: Product;

  const scaleState = async () => (await t.ok(cashier, 'scale.read', {})).reading;
  async function until(predicate: (r: NonNullable<Awaited<ReturnType<typeof scaleState>>>) => boolean) {
    for (const deadline = Date.now() + 5_000; ; ) {
      const r = await scaleState();
      if (r && predicate(r)) return r;
      if (Date.now() > deadline) throw new Error(`scale not there within 5 s: ${JSON.stringify(r)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  beforeAll(async () => {
    pair = await createPtyPair();
    peer = await openPeer(pair.b);
    sim = createScaleSimulator(peer, { protocol: 'toledo8217' });
    t = await startTestPos({
      devices: [{ id: 'scale', role: 'scale', protocol: 'toledo8217', transport: { kind: 'serial', path: pair.a, baudRate: 9600, dataBits: 7, parity: 'even' }, pollMs: 50 }],
    });
    [cashier, technician] = await Promise.all([t.signedIn('cashier'), t.signedIn('technician')]);
    const id = t.query<{ id: string }>("SELECT id FROM product WHERE unit = 'kg' AND active = 1 AND price > 0 ORDER BY sku LIMIT 1")[0]!.id;
    const sku = t.query<{ sku: string }>('SELECT sku FROM product WHERE id = ?', id)[0]!.sku;
    apples = (await t.ok(cashier, 'catalog.search', { query: sku, limit: 1 }))[0]!;
    expect(apples.unit).toBe('kg');
  });
  afterAll(async () => {
    sim?.stop();
    await t?.close();
    await peer?.close();
    await pair?.close();
    await killAllSocat();
  });

  it('never adds a product sold by weight as 1 kg: picked or keyed by SKU, it asks for a weight', async () => {
    expect(await t.call(cashier, 'sale.addProduct', { productId: apples.id })).toMatchObject({ ok: false, error: { code: 'weight_required', details: { productId: apples.id } } });
    expect(await t.call(cashier, 'sale.addProduct', { productId: apples.id, quantityMilli: 1000 })).toMatchObject({ ok: false, error: { code: 'weight_required' } });
    expect(await t.call(cashier, 'sale.scan', { code: apples.sku })).toMatchObject({ ok: false, error: { code: 'weight_required' } });
    expect(await t.ok(cashier, 'sale.current', {})).toBeNull();
  });

  it('takes the scale’s stable net weight after a tare, never a moving one', async () => {
    sim.place(100); // the bag
    await until((r) => r.stable && r.grams === 100);
    await t.ok(cashier, 'scale.command', { command: 'tare' });
    await until((r) => r.stable && r.grams === 0 && r.net);
    sim.setWeight(640);
    sim.setMotion(true);
    await until((r) => r.state === 'motion');
    expect(await t.call(cashier, 'sale.addWeighed', { productId: apples.id, weight: { source: 'scale' } })).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'motion' } } });
    sim.place(612);
    await until((r) => r.stable && r.grams === 512);
    const cart = await t.ok(cashier, 'sale.addWeighed', { productId: apples.id, weight: { source: 'scale' } });
    const line = cart.lines.at(-1)!;
    // price per kg × 0.512 kg, rounded half-up to the fen
    expect(line).toMatchObject({ productId: apples.id, quantityMilli: 512, unit: 'kg', weighed: true, gross: Math.floor((apples.price * 512 + 500) / 1000) });
    expect(await t.call(cashier, 'sale.setQuantity', { lineId: line.lineId, quantityMilli: 1000 })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    await t.ok(cashier, 'scale.command', { command: 'clearTare' });
  });

  it('refuses an empty scale and a scale that says nothing', async () => {
    sim.place(0);
    await until((r) => r.stable && r.grams === 0);
    expect(await t.call(cashier, 'sale.addWeighed', { productId: apples.id, weight: { source: 'scale' } })).toMatchObject({ ok: false, error: { details: { reason: 'zero_weight' } } });
    sim.setMute(true);
    await until((r) => r.state === 'no_reply');
    expect(await t.call(cashier, 'sale.addWeighed', { productId: apples.id, weight: { source: 'scale' } })).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'no_reply' } } });
    expect(await t.call(cashier, 'scale.command', { command: 'zero' })).toMatchObject({ ok: false, error: { code: 'unavailable', details: { reason: 'no_reply' } } });
    sim.setMute(false);
  });

  it('takes a typed weight in grams (kg with 3 decimals), more than 0', async () => {
    const cart = await t.ok(cashier, 'sale.addWeighed', { productId: apples.id, weight: { source: 'typed', grams: 1250 } });
    expect(cart.lines.at(-1)).toMatchObject({ quantityMilli: 1250, gross: Math.floor((apples.price * 1250 + 500) / 1000) });
    for (const grams of [0, -5, 1.5, 1_000_000]) {
      expect(await t.call(cashier, 'sale.addWeighed', { productId: apples.id, weight: { source: 'typed', grams } })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    }
    const piece = t.query<{ id: string }>("SELECT id FROM product WHERE unit = 'each' AND active = 1 LIMIT 1")[0]!;
    expect(await t.call(cashier, 'sale.addWeighed', { productId: piece.id, weight: { source: 'typed', grams: 500 } })).toMatchObject({
      ok: false,
      error: { code: 'validation_failed', details: { reason: 'not_weighed' } },
    });
  });

  it('shows the technician the frames with their bytes, and not the cashier', async () => {
    sim.place(333);
    await until((r) => r.stable && r.grams === 333);
    const { entries } = await t.ok(technician, 'scale.monitor', { afterSeq: 0 });
    expect(entries.some((e) => e.kind === 'weight' && e.grams === 333 && !e.net && e.condition === 'ok' && e.hex === '02 30 30 2e 33 33 33 0d')).toBe(true);
    expect(await t.call(cashier, 'scale.monitor', { afterSeq: 0 })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('with no scale, weighing from the scale is refused and a typed weight still works', async () => {
    await t.ok(technician, 'devices.remove', { id: 'scale' });
    expect(await t.ok(cashier, 'scale.read', {})).toEqual({ configured: false, protocol: null, reading: null });
    expect(await t.call(cashier, 'sale.addWeighed', { productId: apples.id, weight: { source: 'scale' } })).toMatchObject({ ok: false, error: { code: 'unavailable', details: { reason: 'no_scale' } } });
    const cart = await t.ok(cashier, 'sale.addWeighed', { productId: apples.id, weight: { source: 'typed', grams: 512 } });
    expect(cart.lines.at(-1)).toMatchObject({ quantityMilli: 512 });
  });
});

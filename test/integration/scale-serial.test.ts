/**
 * Both scale protocols through the device manager and the real serialport driver, over socat ptys, with the
 * scale simulator on the other end: stable weight, motion, tare, zero, no reply, unplug and replug.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDeviceManager, type DeviceManager } from '../../drivers/devices/manager';
import type { ScaleReading } from '../../drivers/scale/scale';
import { createScaleSimulator, type ScaleSimulator } from '../../drivers/sim/scale';
import { createPtyPair, killAllSocat, openPeer, type Peer, type PtyPair } from '../helpers/pty';

afterAll(() => killAllSocat());

async function until(manager: DeviceManager, predicate: (r: ScaleReading) => boolean, timeoutMs = 5_000): Promise<ScaleReading> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = manager.scaleReading();
    if (r && predicate(r)) return r;
    if (Date.now() > deadline) throw new Error(`scale reading not reached within ${timeoutMs} ms; last: ${JSON.stringify(r)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

for (const protocol of ['toledo8217', 'xk3190'] as const) {
  describe(`a ${protocol} scale on a serial line`, () => {
    let pair: PtyPair;
    let peer: Peer;
    let sim: ScaleSimulator;
    let manager: DeviceManager;

    beforeEach(async () => {
      pair = await createPtyPair();
      peer = await openPeer(pair.b);
      sim = createScaleSimulator(peer, { protocol, intervalMs: 40 });
      manager = createDeviceManager(
        [
          {
            id: 'scale',
            role: 'scale',
            protocol,
            transport: protocol === 'toledo8217' ? { kind: 'serial', path: pair.a, baudRate: 9600, dataBits: 7, parity: 'even' } : { kind: 'serial', path: pair.a, baudRate: 9600 },
            pollMs: 50,
            replyTimeoutMs: 500,
            stableSamples: 3,
          },
        ],
        { retryOpenMs: 100 },
      );
    });
    afterEach(async () => {
      sim.stop();
      await manager.close();
      await peer.close();
      await pair.close();
    });

    it('reports a stable weight, and none while it moves', async () => {
      sim.setWeight(512);
      sim.setMotion(true);
      const moving = await until(manager, (r) => r.state === 'motion');
      expect(moving.stable).toBe(false);
      sim.setMotion(false);
      const stable = await until(manager, (r) => r.stable);
      expect(stable).toMatchObject({ grams: 512, state: 'ok', stable: true });
      expect(manager.statuses()[0]).toMatchObject({ role: 'scale', state: 'idle' });
    });

    it('tares a container and zeroes an empty platter', async () => {
      sim.place(3);
      await until(manager, (r) => r.stable && r.grams === 3);
      await manager.scaleCommand('zero');
      await until(manager, (r) => r.stable && r.grams === 0);
      sim.place(103); // a 100 g container
      await until(manager, (r) => r.stable && r.grams === 100);
      await manager.scaleCommand('tare');
      await until(manager, (r) => r.stable && r.grams === 0 && r.net);
      sim.place(615); // 512 g of goods in it
      expect(await until(manager, (r) => r.stable && r.grams === 512)).toMatchObject({ net: true, state: 'ok' });
      await manager.scaleCommand('clearTare');
      await until(manager, (r) => r.stable && r.grams === 612 && !r.net);
    });

    it('refuses to tare while the weight moves', async () => {
      sim.setWeight(200);
      sim.setMotion(true);
      await until(manager, (r) => r.state === 'motion');
      await expect(manager.scaleCommand('tare')).rejects.toMatchObject({ reason: 'motion' });
    });

    it('says when the scale is under zero or overloaded', async () => {
      sim.place(-40);
      await until(manager, (r) => r.state === 'under_zero');
      sim.place(31_000);
      expect(await until(manager, (r) => r.state === 'overload')).toMatchObject({ stable: false, grams: null });
    });

    it('says when the scale does not answer, and recovers', async () => {
      sim.place(250);
      await until(manager, (r) => r.stable && r.grams === 250);
      sim.setMute(true);
      await until(manager, (r) => r.state === 'no_reply');
      expect(manager.statuses()[0]).toMatchObject({ state: 'error', detail: 'no reply from the scale' });
      sim.setMute(false);
      await until(manager, (r) => r.stable && r.grams === 250);
      expect(manager.statuses()[0]).toMatchObject({ state: 'idle' });
    });

    it('is unplugged when the line goes away and weighs again when it is back', async () => {
      sim.place(700);
      await until(manager, (r) => r.stable && r.grams === 700);
      sim.stop();
      await peer.close();
      await pair.unplug();
      const away = await until(manager, (r) => r.state === 'unplugged');
      expect(away.grams).toBeNull();
      await expect(manager.scaleCommand('zero')).rejects.toMatchObject({ reason: 'unplugged' });
      await pair.replug();
      peer = await openPeer(pair.b);
      sim = createScaleSimulator(peer, { protocol, intervalMs: 40 });
      sim.place(700);
      await until(manager, (r) => r.stable && r.grams === 700, 10_000);
    });
  });
}

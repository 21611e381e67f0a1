import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeviceManager, type DeviceManager } from '../../drivers/devices/manager';
import type { DeviceStatus } from '../../src-common/schemas';
import { decodeEscPos } from '../../drivers/receipt/escpos-decode';
import { sampleReceipt30 } from '../../drivers/receipt/sample';
import type { ReceiptDocument } from '../../src-common/receipt';
import { createPtyPair, killAllSocat, openPeer, simulatePrinter, type Peer, type PtyPair } from '../helpers/pty';
import { until } from '../helpers/transport';

describe('receipt printer over a real serial port', () => {
  let pair: PtyPair;
  let peer: Peer;
  let manager: DeviceManager;
  let sim: ReturnType<typeof simulatePrinter>;
  let status: DeviceStatus | undefined;

  beforeAll(async () => {
    pair = await createPtyPair();
    peer = await openPeer(pair.b);
    sim = simulatePrinter(peer);
    manager = createDeviceManager([
      { id: 'printer', role: 'printer', transport: { kind: 'serial', path: pair.a, baudRate: 9600 }, columns: 48, statusPollMs: 100, drawer: { pin: 2, onMs: 50, offMs: 500 } },
    ]);
    manager.onStatus((s) => (status = s));
    await until(() => status?.state === 'idle');
  });
  afterAll(async () => {
    sim?.stop();
    await manager?.close();
    await peer?.close();
    await pair?.close();
    await killAllSocat();
  });

  it('prints a Chinese receipt the simulator decodes back to text, with the drawer kick', async () => {
    peer.clear();
    await manager.printReceipt(sampleReceipt30(), { kickDrawer: true });
    const decoded = decodeEscPos(await peer.readUntil((b) => decodeEscPos(b).commands.some((c) => c.type === 'drawerKick'), 5000));
    const text = decoded.lines.map((l) => l.text).join('\n');
    expect(text).toContain(sampleReceipt30().header.storeName);
    expect(text).toContain(sampleReceipt30().lines[0]!.name.slice(0, 4));
    expect(decoded.commands.filter((c) => c.type === 'drawerKick')).toEqual([expect.objectContaining({ pin: 2, onMs: 50, offMs: 500 })]);
  });

  it('holds a job while the paper is out, shows it, and prints it once paper is refilled', async () => {
    sim.setPaperOut(true);
    await until(() => status?.state === 'error' && status.detail === 'paper_out');
    peer.clear();
    const doc: ReceiptDocument = { ...sampleReceipt30(), receiptNumber: 'PAPER-000001' };
    let printed = false;
    const job = manager.printReceipt(doc).then(() => (printed = true));
    await new Promise((r) => setTimeout(r, 400));
    expect(printed).toBe(false);
    expect(decodeEscPos(peer.received).lines.map((l) => l.text).join('\n')).not.toContain('PAPER-000001');
    expect(status?.queued).toBe(1);

    sim.setPaperOut(false);
    await job;
    // Read to its cut, the receipt's last command: what is still on the wire would land in the next test's reading.
    const decoded = decodeEscPos(await peer.readUntil((b) => decodeEscPos(b).commands.some((c) => c.type === 'cut'), 5000));
    expect(decoded.lines.map((l) => l.text).join('\n')).toContain('PAPER-000001');
    await until(() => status?.state === 'idle');
  });

  it('prints a hostile product name as text: it can neither cut the paper nor open the drawer', async () => {
    peer.clear();
    const doc = sampleReceipt30();
    const hostile: ReceiptDocument = { ...doc, lines: [{ ...doc.lines[0]!, name: 'Cola\x1bp\x00\x19\xfa\x1dV\x00可乐' }], tenders: [] };
    await manager.printReceipt(hostile);
    const decoded = decodeEscPos(await peer.readUntil((b) => decodeEscPos(b).commands.some((c) => c.type === 'cut'), 5000));
    expect(decoded.commands.filter((c) => c.type === 'drawerKick')).toEqual([]);
    expect(decoded.commands.filter((c) => c.type === 'cut')).toHaveLength(1);
    expect(decoded.lines.map((l) => l.text).join('\n')).toContain('可乐');
  });

  it('comes back by itself after the printer is unplugged and plugged in again', async () => {
    await pair.unplug();
    await until(() => status?.state === 'error');
    await pair.replug();
    await peer.close();
    peer = await openPeer(pair.b);
    sim.stop();
    sim = simulatePrinter(peer);
    await until(() => status?.state === 'idle', 10_000);
    await manager.printReceipt({ ...sampleReceipt30(), receiptNumber: 'REPLUG-000001' });
    const text = decodeEscPos(await peer.readUntil((b) => decodeEscPos(b).lines.some((l) => l.text.includes('REPLUG-000001')), 5000)).lines.map((l) => l.text).join('\n');
    expect(text).toContain('REPLUG-000001');
  });
});

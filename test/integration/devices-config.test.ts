import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceStatus } from '../../src-common/schemas';
import { newSession, type Session } from '../../src-common/roles';
import { startTestPos, type TestPos } from '../helpers/pos';
import { createPtyPair, killAllSocat, openPeer, type Peer, type PtyPair } from '../helpers/pty';
import { until } from '../helpers/transport';

/**
 * Device configuration in SQLite, applied at run time: the real serialport driver on socat pseudo-terminals,
 * the terminal in this process on a real SQLite file.
 */
describe('device configuration in SQLite, applied without a restart', () => {
  let t: TestPos;
  let technician: Session;
  let cashier: Session;
  const pairs: PtyPair[] = [];
  const peers: Peer[] = [];
  let printerPty: PtyPair;
  let scannerPty: PtyPair;
  const statuses: DeviceStatus[] = [];

  beforeAll(async () => {
    [printerPty, scannerPty] = await Promise.all([createPtyPair(), createPtyPair()]);
    pairs.push(printerPty, scannerPty);
    t = await startTestPos({
      devices: [{ id: 'printer', role: 'printer', transport: { kind: 'serial', path: printerPty.a, baudRate: 9600 }, statusPollMs: 0 }],
    });
    t.pos.events.subscribe((name, payload) => {
      if (name === 'device.status') statuses.push(payload as DeviceStatus);
    });
    technician = await t.signedIn('technician');
    cashier = await t.signedIn('cashier');
  });
  afterAll(async () => {
    await t?.close();
    for (const peer of peers) await peer.close();
    for (const pair of pairs) await pair.close();
    await killAllSocat();
  });

  const state = async (id: string) => (await t.ok(technician, 'devices.status', {})).find((d) => d.id === id)?.state;

  it('seeds the table from config.json on first start', async () => {
    expect(t.query<{ id: string; role: string }>('SELECT id, role FROM device')).toEqual([{ id: 'printer', role: 'printer' }]);
    expect(t.query<{ source: string }>('SELECT source FROM device_setup')).toEqual([{ source: 'config.json' }]);
    expect(t.query<{ actor_role: string | null; details: string }>("SELECT actor_role, details FROM audit_log WHERE action = 'devices.seed'")).toEqual([
      { actor_role: null, details: JSON.stringify({ devices: ['printer'] }) },
    ]);
    expect(await t.ok(technician, 'devices.configs', {})).toEqual([expect.objectContaining({ id: 'printer', columns: 48, transport: expect.objectContaining({ path: printerPty.a }) })]);
    await expect.poll(() => state('printer'), { timeout: 10_000 }).toBe('idle');
  });

  it('adds a scanner at run time: it opens and scans, and the printer is left alone', async () => {
    statuses.length = 0;
    const saved = await t.ok(technician, 'devices.save', {
      device: { id: 'scanner', role: 'scanner', transport: { kind: 'serial', path: scannerPty.a, baudRate: 9600 }, suffix: 'CR', aimPrefix: true },
    });
    expect(saved.map((d) => d.id)).toEqual(['printer', 'scanner']);
    await expect.poll(() => state('scanner'), { timeout: 10_000 }).toBe('idle');
    // The unchanged printer was not reopened.
    expect(statuses.filter((s) => s.id === 'printer')).toEqual([]);

    const scans: unknown[] = [];
    const off = t.pos.events.subscribe((name, payload) => {
      if (name === 'scan.outcome') scans.push(payload);
    });
    const peer = await openPeer(scannerPty.b);
    peers.push(peer);
    await peer.write(']E06901939621608\r');
    await until(() => scans.length === 1);
    off();
    // No cashier screen is open in this test: the core holds the scan for the next one.
    expect(scans).toEqual([{ surface: 'till', deviceId: 'scanner', kind: 'held', code: '6901939621608', wasHeld: false }]);

    const audit = t.query<{ action: string; subject: string; actor_role: string }>("SELECT action, subject, actor_role FROM audit_log WHERE action LIKE 'devices.%' AND action != 'devices.seed'");
    expect(audit).toEqual([{ action: 'devices.save', subject: 'scanner', actor_role: 'technician' }]);
  });

  it('refuses an invalid device with the field named, and saves nothing', async () => {
    const before = t.query('SELECT * FROM device ORDER BY id');
    const auditBefore = t.query('SELECT seq FROM audit_log').length;
    const bad = await t.call(technician, 'devices.save', {
      device: { id: 'scanner', role: 'scanner', transport: { kind: 'serial', path: scannerPty.a, baudRate: 9601 as 9600 } },
    });
    expect(bad).toMatchObject({ ok: false, error: { code: 'validation_failed', details: [expect.objectContaining({ path: 'device.transport.baudRate' })] } });
    const second = await t.call(technician, 'devices.save', { device: { id: 'printer-2', role: 'printer', transport: { kind: 'tcp', host: '127.0.0.1', port: 9100 } } });
    expect(second).toMatchObject({ ok: false, error: { code: 'validation_failed', details: [expect.objectContaining({ path: 'device.role', message: 'only one printer can be configured' })] } });
    expect(t.query('SELECT * FROM device ORDER BY id')).toEqual(before);
    expect(t.query('SELECT seq FROM audit_log').length).toBe(auditBefore);
  });

  it('changes a device in place: only that device is reopened', async () => {
    statuses.length = 0;
    await t.ok(technician, 'devices.save', {
      device: { id: 'scanner', role: 'scanner', transport: { kind: 'serial', path: scannerPty.a, baudRate: 9600 }, suffix: 'CR', aimPrefix: false },
    });
    await expect.poll(() => statuses.some((s) => s.id === 'scanner' && s.state === 'idle'), { timeout: 10_000 }).toBe(true);
    expect(statuses.filter((s) => s.id === 'printer')).toEqual([]);
    const scans: { code: string }[] = [];
    const off = t.pos.events.subscribe((name, payload) => {
      if (name === 'scan.outcome') scans.push(payload as { code: string });
    });
    await peers[0]!.write(']E06901939621608\r');
    await until(() => scans.length === 1);
    off();
    // Without AIM prefixes the identifier is part of the data now.
    expect(scans[0]!.code).toBe(']E06901939621608');
  });

  it('refuses the device calls to a cashier, in main', async () => {
    expect(await t.call(cashier, 'devices.configs', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await t.call(cashier, 'devices.save', { device: { id: 'x', role: 'drawer', transport: { kind: 'serial', path: '/dev/null', baudRate: 9600 } } })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await t.call(cashier, 'devices.monitor', { afterSeq: 0 })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await t.call(newSession(), 'devices.ports', {})).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
  });

  it('lists ports without crashing and says what could not be listed', async () => {
    const listing = await t.ok(technician, 'devices.ports', {});
    expect(Array.isArray(listing.ports)).toBe(true);
    for (const problem of listing.problems) expect(problem).toMatch(/install|could not|unavailable/);
  });

  it('removes a device: it is closed and gone from the status; SQLite stays the truth after a restart', async () => {
    await t.ok(technician, 'devices.remove', { id: 'scanner' });
    expect((await t.ok(technician, 'devices.status', {})).map((d) => d.id)).toEqual(['printer']);
    expect(await t.call(technician, 'devices.remove', { id: 'scanner' })).toMatchObject({ ok: false, error: { code: 'not_found' } });

    // Restart on the same data dir with a different config.json list: the stored configuration wins.
    const dataDir = t.dataDir;
    await t.close();
    t = await startTestPos({ devices: [{ id: 'other', role: 'scanner', transport: { kind: 'serial', path: scannerPty.a, baudRate: 9600 } }] }, dataDir);
    technician = await t.signedIn('technician');
    expect((await t.ok(technician, 'devices.configs', {})).map((d) => d.id)).toEqual(['printer']);
    await expect.poll(() => state('printer'), { timeout: 10_000 }).toBe('idle');
  });
});

describe('a first run with no devices', () => {
  it('starts, reports no devices, and refuses test print and drawer with a reason', async () => {
    const t = await startTestPos();
    try {
      const technician = await t.signedIn('technician');
      expect(await t.ok(technician, 'devices.status', {})).toEqual([]);
      expect(await t.ok(technician, 'devices.configs', {})).toEqual([]);
      expect(t.query('SELECT * FROM device_setup')).toEqual([]);
      expect(await t.call(technician, 'devices.testPrint', {})).toMatchObject({ ok: false, error: { code: 'unavailable', details: { reason: 'no_printer' } } });
      expect(await t.call(technician, 'devices.openDrawer', {})).toMatchObject({ ok: false, error: { code: 'unavailable', details: { reason: 'no_drawer' } } });
      expect(await t.call(technician, 'devices.testDisplay', {})).toMatchObject({ ok: false, error: { code: 'unavailable', details: { reason: 'no_display' } } });
    } finally {
      await t.close();
    }
  });
});

// HID POS scanners selected in the device configuration, through the device manager and the technician's scanner
// monitor. No HID device exists on the build machines (TESTING.md) and node-hid cannot be pointed at a simulated
// one, so node-hid is replaced by a fake HidApi that plays its behaviour, fed with the spec-built reports of
// drivers/scanner/fixtures/hid-reports.ts.
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { DeviceConfig } from '../../src-common/calls/devices';
import { createDeviceManager, type DeviceManager, type ScanFromDevice } from '../../drivers/devices/manager';
import { EAN13_REPORTS, hexBytes, PAYMENT_CODE, PAYMENT_CODE_REPORTS, QR_URL, QR_URL_REPORTS } from '../../drivers/scanner/fixtures/hid-reports';
import type { HidApi, HidDeviceInfo, HidHandle } from '../../drivers/transport/hid';
import { createScannerMonitor } from '../../src-main/services/device-monitor';
import { until } from '../helpers/transport';

class FakeHandle extends EventEmitter {
  closed = false;
  constructor(readonly path: string) {
    super();
  }
  async write(): Promise<number> {
    return 0;
  }
  async close(): Promise<void> {
    this.closed = true;
  }
  report(hex: string): void {
    this.emit('data', Buffer.from(hexBytes(hex)));
  }
}

const HONEYWELL = { vendorId: 0x0c2e, productId: 0x0b61, usagePage: 0x8c, usage: 2 };

class FakeHid implements HidApi {
  readonly opened: FakeHandle[] = [];
  constructor(readonly attached: HidDeviceInfo[]) {}
  async devices(): Promise<readonly HidDeviceInfo[]> {
    return this.attached;
  }
  async open(path: string): Promise<HidHandle> {
    if (!this.attached.some((d) => d.path === path)) throw new Error(`could not open ${path}`);
    const handle = new FakeHandle(path);
    this.opened.push(handle);
    return handle as unknown as HidHandle;
  }
  handle(path: string): FakeHandle {
    const h = this.opened.filter((o) => o.path === path).at(-1);
    if (!h) throw new Error(`${path} was not opened`);
    return h;
  }
}

describe('HID POS scanners in the device configuration', () => {
  let manager: DeviceManager | undefined;
  afterEach(async () => {
    await manager?.close();
    manager = undefined;
  });

  const hid = () =>
    new FakeHid([
      { ...HONEYWELL, path: '/dev/hidraw1', serialNumber: 'AAA', usagePage: 0x01, usage: 6 },
      { ...HONEYWELL, path: '/dev/hidraw2', serialNumber: 'AAA' },
      { ...HONEYWELL, path: '/dev/hidraw3', serialNumber: 'BBB' },
    ]);

  it('validates a HID transport by vendor and product id, defaulting to the HID POS usage page', () => {
    const parsed = DeviceConfig.parse({ id: 'hid-scanner', role: 'scanner', transport: { kind: 'hid', vendorId: 0x0c2e, productId: 0x0b61 } });
    expect(parsed.transport).toEqual({ kind: 'hid', vendorId: 0x0c2e, productId: 0x0b61, usagePage: 0x8c });
    expect(DeviceConfig.safeParse({ id: 'p', role: 'printer', transport: { kind: 'hid', vendorId: 1, productId: 2 } }).success).toBe(false);
    expect(DeviceConfig.safeParse({ id: 's', role: 'scanner', transport: { kind: 'hid', vendorId: 0x10000, productId: 2 } }).success).toBe(false);
  });

  it('picks the scanner by serial number among two of the same model, and scans one and multi-report codes', async () => {
    const api = hid();
    manager = createDeviceManager([{ id: 'front', role: 'scanner', transport: { kind: 'hid', vendorId: 0x0c2e, productId: 0x0b61, serialNumber: 'BBB' } }], { hid: api });
    await until(() => manager!.statuses()[0]?.state === 'idle');
    expect(manager.statuses()[0]).toMatchObject({ id: 'front', role: 'scanner', transportId: 'hid:0c2e:0b61', state: 'idle' });
    expect(api.opened.map((h) => h.path)).toEqual(['/dev/hidraw3']);

    const scans: ScanFromDevice[] = [];
    manager.onScan((s) => scans.push(s));
    api.handle('/dev/hidraw3').report(EAN13_REPORTS[0]!);
    for (const r of QR_URL_REPORTS) api.handle('/dev/hidraw3').report(r);
    expect(scans.map((s) => [s.deviceId, s.data, s.symbology])).toEqual([
      ['front', '6901939621608', 'ean13'],
      ['front', QR_URL, 'qr'],
    ]);
  });

  it('switches a scanner from serial to HID at run time without a restart', async () => {
    const api = hid();
    manager = createDeviceManager([{ id: 'front', role: 'scanner', transport: { kind: 'serial', path: '/dev/pos-no-such-port', baudRate: 9600 } }], { hid: api, retryOpenMs: 50 });
    await until(() => manager!.statuses()[0]?.state === 'error');
    await manager.configure([{ id: 'front', role: 'scanner', transport: { kind: 'hid', vendorId: 0x0c2e, productId: 0x0b61 } }]);
    await until(() => manager!.statuses()[0]?.state === 'idle');
    // Without a serial number: the first HID POS interface of that model (not its keyboard interface).
    expect(api.opened.map((h) => h.path)).toEqual(['/dev/hidraw2']);
    const scans: string[] = [];
    manager.onScan((s) => scans.push(s.data));
    api.handle('/dev/hidraw2').report(EAN13_REPORTS[0]!);
    expect(scans).toEqual(['6901939621608']);
  });

  it('applies two quick changes in order: the last one wins and each device is open once', async () => {
    const api = hid();
    manager = createDeviceManager([], { hid: api });
    const first = manager.configure([{ id: 'front', role: 'scanner', transport: { kind: 'hid', vendorId: 0x0c2e, productId: 0x0b61, serialNumber: 'AAA' } }]);
    const second = manager.configure([{ id: 'front', role: 'scanner', transport: { kind: 'hid', vendorId: 0x0c2e, productId: 0x0b61, serialNumber: 'BBB' } }]);
    await Promise.all([first, second]);
    await until(() => manager!.statuses()[0]?.state === 'idle');
    expect(manager.configs().map((c) => c.transport)).toEqual([expect.objectContaining({ serialNumber: 'BBB' })]);
    await until(() => api.opened.length === 2);
    expect(api.opened.map((h) => [h.path, h.closed])).toEqual([
      ['/dev/hidraw2', true],
      ['/dev/hidraw3', false],
    ]);
  });

  it('shows raw reports in the technician’s monitor with payment codes masked in the text and in the hex', async () => {
    const api = hid();
    manager = createDeviceManager([{ id: 'front', role: 'scanner', transport: { kind: 'hid', vendorId: 0x0c2e, productId: 0x0b61, path: '/dev/hidraw2' } }], { hid: api });
    const monitor = createScannerMonitor({ manager, clock: { now: () => new Date('2026-11-22T08:00:00Z') } });
    await until(() => manager!.statuses()[0]?.state === 'idle');
    api.handle('/dev/hidraw2').report(EAN13_REPORTS[0]!);
    api.handle('/dev/hidraw2').report(PAYMENT_CODE_REPORTS[0]!);
    const { entries, lastSeq } = monitor.since(0);
    expect(lastSeq).toBe(2);
    expect(entries[0]).toMatchObject({ seq: 1, deviceId: 'front', kind: 'scan', text: '6901939621608', symbology: 'ean13' });
    expect(entries[0]!.hex.startsWith('02 0E 5D 45 30 36 39 30 31')).toBe(true);

    const pay = entries[1]!;
    expect(pay.text).toBe(`${PAYMENT_CODE.slice(0, 4)}${'*'.repeat(PAYMENT_CODE.length - 8)}${PAYMENT_CODE.slice(-4)}`);
    expect(pay.text).not.toContain(PAYMENT_CODE);
    // The hex hides the same digits: the middle of the code never appears as bytes.
    const middleHex = [...PAYMENT_CODE.slice(4, -4)].map((c) => c.charCodeAt(0).toString(16).toUpperCase()).join(' ');
    expect(pay.hex).not.toContain(middleHex);
    expect(pay.hex).toContain('**');
    expect(pay.hex.startsWith('02 12 5D 43 30')).toBe(true);
    expect(monitor.since(2).entries).toEqual([]);
    monitor.close();
  });
});

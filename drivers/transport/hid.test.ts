// The HID transport with a fake HidApi: this machine has no HID device (TESTING.md), and node-hid cannot
// be pointed at a simulated one. The fake plays node-hid's behaviour: 'data' per input report, an 'error'
// from the read thread when the device is removed, and devices() no longer listing it.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createHidTransport, type HidApi, type HidDeviceInfo, type HidHandle } from './hid';
import { TransportError, type TransportState } from './transport';

const SCANNER: HidDeviceInfo = { vendorId: 0x0c2e, productId: 0x0b61, path: '/dev/hidraw3', usagePage: 0x8c, usage: 2, serialNumber: 'S1' };
const KEYBOARD_IF: HidDeviceInfo = { ...SCANNER, path: '/dev/hidraw2', usagePage: 0x01, usage: 6 };

class FakeHandle extends EventEmitter {
  readonly written: Uint8Array[] = [];
  closed = false;
  constructor(readonly path: string) {
    super();
  }
  async write(report: Uint8Array): Promise<number> {
    if (this.closed) throw new Error('device closed');
    this.written.push(new Uint8Array(report));
    return report.length;
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

class FakeHid implements HidApi {
  attached: HidDeviceInfo[] = [SCANNER, KEYBOARD_IF];
  readonly opened: FakeHandle[] = [];
  async devices(): Promise<readonly HidDeviceInfo[]> {
    return this.attached;
  }
  async open(path: string): Promise<HidHandle> {
    if (!this.attached.some((d) => d.path === path)) throw new Error(`could not open ${path}`);
    const handle = new FakeHandle(path);
    this.opened.push(handle);
    return handle as unknown as HidHandle;
  }
  get current(): FakeHandle {
    const h = this.opened.at(-1);
    if (!h) throw new Error('nothing opened');
    return h;
  }
  /** Pull the cable: the read thread fails, the device leaves the list. */
  remove(): void {
    this.attached = [];
    this.current.emit('error', new Error('could not read from HID device'));
  }
  /** Plug it back in, as a new hidraw node. */
  add(): void {
    this.attached = [{ ...SCANNER, path: '/dev/hidraw7' }, KEYBOARD_IF];
  }
}

async function until(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('hid transport', () => {
  it('finds the device by ids and usage page, and input reports arrive as data', async () => {
    const hid = new FakeHid();
    const t = createHidTransport({ vendorId: 0x0c2e, productId: 0x0b61, usagePage: 0x8c, hid });
    expect(t.id).toBe('hid:0c2e:0b61');
    const reports: Uint8Array[] = [];
    t.on('data', (r) => reports.push(r));
    await t.open();
    expect(hid.current.path).toBe('/dev/hidraw3');

    const report = Uint8Array.of(0x02, 0x0d, 0x39, 0x37, 0x38, 0x00, 0xff);
    hid.current.emit('data', Buffer.from(report));
    expect(reports).toHaveLength(1);
    expect([...reports[0]!]).toEqual([...report]);

    await t.write(Uint8Array.of(0x04, 0x01));
    expect([...hid.current.written[0]!]).toEqual([0x04, 0x01]);
    await t.close();
    expect(hid.current.closed).toBe(true);
    expect(t.state).toBe('closed');
  });

  it('puts a report id 0 in front for a device without numbered reports', async () => {
    const hid = new FakeHid();
    const t = createHidTransport({ vendorId: 0x0c2e, productId: 0x0b61, path: '/dev/hidraw3', numberedReports: false, hid });
    const reports: Uint8Array[] = [];
    t.on('data', (r) => reports.push(r));
    await t.open();
    hid.current.emit('data', Buffer.from([0x41, 0x42]));
    expect([...reports[0]!]).toEqual([0x00, 0x41, 0x42]);
    await t.close();
  });

  it('device removed → reconnecting (writes refused); re-added → open again, same transport', async () => {
    const hid = new FakeHid();
    const t = createHidTransport({ vendorId: 0x0c2e, productId: 0x0b61, usagePage: 0x8c, hid, reconnect: { initialMs: 10, maxMs: 40 } });
    const states: { state: TransportState; detail?: string }[] = [];
    t.on('state', (state, detail) => states.push({ state, detail }));
    const reports: number[][] = [];
    t.on('data', (r) => reports.push([...r]));
    await t.open();
    const first = hid.current;

    hid.remove();
    expect(t.state).toBe('reconnecting');
    expect(states.at(-1)?.detail).toMatch(/device lost: HID read failed \(device removed\?\)/);
    await expect(t.write(Uint8Array.of(0))).rejects.toThrow(TransportError);
    await expect(t.write(Uint8Array.of(0))).rejects.toThrow(/reconnecting/);
    await until(() => states.filter((s) => s.state === 'reconnecting').length >= 3);
    expect(states.at(-1)?.detail).toMatch(/no HID device 0c2e:0b61 usage page 0x008c is connected/);
    expect(first.closed).toBe(true);

    // A late report from the removed handle is not delivered.
    first.emit('data', Buffer.from([0x02, 0x99]));
    expect(reports).toEqual([]);

    hid.add();
    await until(() => t.state === 'open');
    expect(hid.current.path).toBe('/dev/hidraw7');
    hid.current.emit('data', Buffer.from([0x02, 0x31]));
    expect(reports).toEqual([[0x02, 0x31]]);
    // A second error on the old handle does not start another loop.
    first.emit('error', new Error('again'));
    expect(t.state).toBe('open');
    await t.close();
  });

  it('open() without the device rejects clearly', async () => {
    const hid = new FakeHid();
    hid.attached = [];
    const t = createHidTransport({ vendorId: 0x0c2e, productId: 0x0b61, hid });
    await expect(t.open()).rejects.toThrow(/hid:0c2e:0b61 could not be opened: no HID device 0c2e:0b61 is connected/);
    expect(t.state).toBe('error');
  });

  it('refuses bad options naming the field', () => {
    expect(() => createHidTransport({ vendorId: 0x10000, productId: 1 })).toThrow(/^hid transport options: vendorId: /);
    expect(() => createHidTransport({ vendorId: 1, productId: -1 })).toThrow(/productId: /);
  });
});

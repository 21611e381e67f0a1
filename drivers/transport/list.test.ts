// listPorts with the machine replaced by fakes: what it says when udevadm or libusb is missing.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HidApi } from './hid';
import { listPorts } from './list';

const noHid: HidApi = { devices: async () => [], open: async () => Promise.reject(new Error('none')) };
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('listPorts', () => {
  it('lists serial ports and HID devices with their kind and ids', async () => {
    const listing = await listPorts({
      listSerial: async () => [
        { path: '/dev/ttyUSB0', vendorId: '067B', productId: '2303', serialNumber: 'A1', manufacturer: 'Prolific', pnpId: 'usb-Prolific-if00' },
        { path: '/dev/ttyS0' },
      ],
      loadHid: async () => ({
        devices: async () => [
          { vendorId: 0x0c2e, productId: 0x0b61, path: '/dev/hidraw3', usagePage: 0x8c, usage: 2, product: 'Scanner', interface: 1 },
          { vendorId: 1, productId: 2 }, // no path: cannot be opened, not listed
        ],
        open: noHid.open,
      }),
    });
    expect(listing.problems).toEqual([]);
    expect(listing.ports).toEqual([
      { kind: 'hid', path: '/dev/hidraw3', transportId: 'hid:0c2e:0b61', vendorId: '0c2e', productId: '0b61', product: 'Scanner', usagePage: 0x8c, usage: 2, interface: 1 },
      { kind: 'serial', path: '/dev/ttyS0', transportId: 'serial:/dev/ttyS0' },
      { kind: 'serial', path: '/dev/ttyUSB0', transportId: 'serial:/dev/ttyUSB0', vendorId: '067b', productId: '2303', serialNumber: 'A1', manufacturer: 'Prolific', pnpId: 'usb-Prolific-if00' },
    ]);
  });

  it('without udevadm on Linux: reads USB serial adapters from sysfs and says to install udev', async () => {
    // A fake /sys: class/tty/ttyUSB0/device → devices/usb1/1-1/1-1:1.0/ttyUSB0, ids two levels up.
    const sys = mkdtempSync(join(tmpdir(), 'pos-sys-'));
    dirs.push(sys);
    const usb = join(sys, 'devices', 'usb1', '1-1');
    const tty = join(usb, '1-1:1.0', 'ttyUSB0');
    mkdirSync(tty, { recursive: true });
    writeFileSync(join(usb, 'idVendor'), '1a86\n');
    writeFileSync(join(usb, 'idProduct'), '7523\n');
    writeFileSync(join(usb, 'serial'), 'XYZ\n');
    mkdirSync(join(sys, 'class', 'tty', 'ttyUSB0'), { recursive: true });
    symlinkSync(tty, join(sys, 'class', 'tty', 'ttyUSB0', 'device'));
    mkdirSync(join(sys, 'class', 'tty', 'ttyS0'), { recursive: true });

    const listing = await listPorts({ platform: 'linux', pathEnv: sys, sysClassTty: join(sys, 'class', 'tty'), loadHid: async () => noHid });
    expect(listing.ports).toEqual([
      { kind: 'serial', path: '/dev/ttyUSB0', transportId: 'serial:/dev/ttyUSB0', vendorId: '1a86', productId: '7523', serialNumber: 'XYZ' },
    ]);
    expect(listing.problems).toHaveLength(1);
    expect(listing.problems[0]).toMatch(/udevadm was not found on PATH.*apt-get install -y udev/);
  });

  it('when node-hid cannot load: serial ports still listed, the problem names libusb', async () => {
    const listing = await listPorts({
      listSerial: async () => [{ path: '/dev/ttyACM0' }],
      loadHid: async () => {
        throw new Error('libusb-1.0.so.0: cannot open shared object file');
      },
    });
    expect(listing.ports.map((p) => p.path)).toEqual(['/dev/ttyACM0']);
    expect(listing.problems).toEqual([
      'USB HID devices could not be listed: libusb-1.0.so.0: cannot open shared object file; install libusb: apt-get install -y libusb-1.0-0',
    ]);
  });

  it('a failing or hanging enumeration becomes a problem, not a crash or a hang', async () => {
    const listing = await listPorts({
      platform: 'linux',
      timeoutMs: 50,
      listSerial: async () => Promise.reject(new Error('Error listing ports udevadm exited with error code: 1')),
      loadHid: async () => ({ devices: () => new Promise(() => undefined), open: noHid.open }),
    });
    expect(listing.ports).toEqual([]);
    expect(listing.problems).toEqual([
      'serial ports could not be listed: Error listing ports udevadm exited with error code: 1 (install udev: apt-get install -y udev)',
      'USB HID devices could not be listed: listing USB HID devices took longer than 50 ms',
    ]);
  });
});

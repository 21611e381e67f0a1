/**
 * Every serial port and USB HID device this machine has, for the technician's device screen.
 *
 * listPorts() never throws and never takes the process down: on Linux serialport's SerialPort.list()
 * spawns `udevadm` (and, depending on the version, a missing udevadm has killed the process through an
 * unhandled 'error'), so we look for udevadm on PATH first and fall back to reading sysfs; node-hid needs
 * libusb-1.0 to load, so it is imported lazily inside a try. What could not be listed is said in
 * `problems`, with the package to install.
 */
import { accessSync, constants, readFileSync, readdirSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { LIBUSB_HINT, hex4, loadNodeHid, type HidApi } from './hid';
import { loadSerialPort } from './serialport';
import { errorText } from './transport';

export type PortKind = 'serial' | 'hid';

export interface PortEntry {
  readonly kind: PortKind;
  /** Device path: /dev/ttyUSB0, COM3, /dev/hidraw2 … */
  readonly path: string;
  /** The id a transport on this port would have: 'serial:/dev/ttyUSB0', 'hid:0c2e:0b61'. */
  readonly transportId: string;
  /** USB ids as 4 lowercase hex digits, when the port is on USB. */
  readonly vendorId?: string;
  readonly productId?: string;
  readonly serialNumber?: string;
  readonly manufacturer?: string;
  readonly product?: string;
  /** Serial: the stable /dev/serial/by-id name, when udev gives one. */
  readonly pnpId?: string;
  /** HID: 0x8c is HID POS (scanners). */
  readonly usagePage?: number;
  readonly usage?: number;
  readonly interface?: number;
}

export interface PortListing {
  readonly ports: PortEntry[];
  /** What could not be listed and how to fix it; empty when everything was listed. */
  readonly problems: string[];
}

export interface SerialPortInfo {
  path: string;
  manufacturer?: string | undefined;
  serialNumber?: string | undefined;
  pnpId?: string | undefined;
  vendorId?: string | undefined;
  productId?: string | undefined;
}

/** Injection points for tests; the defaults are the real machine. */
export interface ListPortsOptions {
  readonly platform?: NodeJS.Platform;
  /** PATH to look for udevadm in. */
  readonly pathEnv?: string;
  readonly listSerial?: () => Promise<SerialPortInfo[]>;
  readonly loadHid?: () => Promise<HidApi>;
  /** Upper bound for each enumeration. */
  readonly timeoutMs?: number;
  /** Where the Linux sysfs fallback reads (a fake tree in tests). */
  readonly sysClassTty?: string;
}

export const UDEV_HINT = 'install udev: apt-get install -y udev';

export async function listPorts(options: ListPortsOptions = {}): Promise<PortListing> {
  const problems: string[] = [];
  const timeoutMs = options.timeoutMs ?? 5_000;
  const [serial, hid] = await Promise.all([listSerialPorts(options, timeoutMs, problems), listHidDevices(options, timeoutMs, problems)]);
  const ports = [...serial, ...hid].sort((x, y) => x.kind.localeCompare(y.kind) || x.path.localeCompare(y.path));
  return { ports, problems };
}

async function listSerialPorts(options: ListPortsOptions, timeoutMs: number, problems: string[]): Promise<PortEntry[]> {
  const platform = options.platform ?? process.platform;
  try {
    if (platform === 'linux' && !options.listSerial && !onPath('udevadm', options.pathEnv ?? process.env.PATH ?? '')) {
      const fallback = listSysfsSerial(options.sysClassTty ?? '/sys/class/tty');
      problems.push(
        `udevadm was not found on PATH, so serial ports were read from sysfs (USB serial adapters only, no ` +
          `serial numbers; built-in ports are not listed): ${UDEV_HINT}`,
      );
      return fallback.map(serialEntry);
    }
    const list = options.listSerial ?? (async () => (await loadSerialPort()).SerialPort.list());
    const found = await withTimeout(list(), timeoutMs, 'listing serial ports');
    return found.map(serialEntry);
  } catch (error) {
    problems.push(`serial ports could not be listed: ${errorText(error)}${platform === 'linux' ? ` (${UDEV_HINT})` : ''}`);
    return [];
  }
}

async function listHidDevices(options: ListPortsOptions, timeoutMs: number, problems: string[]): Promise<PortEntry[]> {
  let api: HidApi;
  try {
    api = await withTimeout((options.loadHid ?? loadNodeHid)(), timeoutMs, 'loading node-hid');
  } catch (error) {
    const text = errorText(error);
    problems.push(text.includes(LIBUSB_HINT) ? text : `USB HID devices could not be listed: ${text}; ${LIBUSB_HINT}`);
    return [];
  }
  try {
    const devices = await withTimeout(api.devices(), timeoutMs, 'listing USB HID devices');
    return devices
      .filter((d) => d.path !== undefined)
      .map((d) =>
        entry({
          kind: 'hid',
          path: d.path ?? '',
          transportId: `hid:${hex4(d.vendorId)}:${hex4(d.productId)}`,
          vendorId: hex4(d.vendorId),
          productId: hex4(d.productId),
          serialNumber: d.serialNumber,
          manufacturer: d.manufacturer,
          product: d.product,
          usagePage: d.usagePage,
          usage: d.usage,
          interface: d.interface,
        }),
      );
  } catch (error) {
    problems.push(`USB HID devices could not be listed: ${errorText(error)}`);
    return [];
  }
}

function serialEntry(p: SerialPortInfo): PortEntry {
  return entry({
    kind: 'serial',
    path: p.path,
    transportId: `serial:${p.path}`,
    vendorId: p.vendorId?.toLowerCase(),
    productId: p.productId?.toLowerCase(),
    serialNumber: p.serialNumber,
    manufacturer: p.manufacturer,
    pnpId: p.pnpId,
  });
}

/** Drops the fields that are undefined or empty, so a listing serialises to what is known. */
function entry(fields: { [K in keyof PortEntry]: PortEntry[K] | undefined }): PortEntry {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined && v !== '')) as unknown as PortEntry;
}

/** Is an executable `name` in one of PATH's directories (what spawn() would find)? */
export function onPath(name: string, pathEnv: string): boolean {
  for (const dir of pathEnv.split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      // not here
    }
  }
  return false;
}

const USB_TTY = /^(ttyUSB|ttyACM|ttyXRUSB|ttyAMA|rfcomm)\d+$/;

/** USB serial adapters from sysfs, with ids read from the USB device above each tty. */
function listSysfsSerial(sysClassTty: string): SerialPortInfo[] {
  const found: SerialPortInfo[] = [];
  let names: string[];
  try {
    names = readdirSync(sysClassTty);
  } catch {
    return found;
  }
  for (const name of names.filter((n) => USB_TTY.test(n))) {
    const info: SerialPortInfo = { path: `/dev/${name}` };
    try {
      // Walk up from the tty's device to the USB device that has idVendor/idProduct.
      let dir = realpathSync(join(sysClassTty, name, 'device'));
      for (let i = 0; i < 6 && dir !== dirname(dir); i += 1, dir = dirname(dir)) {
        const vendor = readText(join(dir, 'idVendor'));
        if (vendor === undefined) continue;
        info.vendorId = vendor;
        info.productId = readText(join(dir, 'idProduct'));
        info.manufacturer = readText(join(dir, 'manufacturer'));
        info.serialNumber = readText(join(dir, 'serial'));
        break;
      }
    } catch {
      // Not on USB, or sysfs unreadable: list the path alone.
    }
    found.push(info);
  }
  return found;
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/**
 * USB HID transport via node-hid (HID POS scanners on usage page 0x8C, some scales and displays), with
 * the same reconnect behaviour as the serial transport (./transport.ts).
 *
 * Data events carry whole input reports, first byte = report id (HID POS scanners use numbered reports,
 * e.g. report id 2 for scanned data). hidapi passes the report id through only for devices that number
 * their reports; for a device that does not, set `numberedReports: false` and the transport puts a 0 in
 * front, so the first byte is always the report id. write() takes an output report the same way: first
 * byte = report id (0 for a device without numbered reports), as hidapi wants on every platform.
 *
 * node-hid sits behind the small `HidApi` interface so tests can use a fake: our build machines have no
 * HID device, and a HID device cannot be simulated the way a pty simulates a serial port. node-hid is
 * loaded on first use (a missing libusb must never break startup; ./list.ts reports it).
 * Unplug shows up as a read 'error' on the open handle. Replug is found by enumerating again on each
 * retry (the hidraw path usually changes, so without a fixed `path` the device is found by its ids).
 */
import { z } from 'zod';
import {
  DEFAULT_RECONNECT,
  ReconnectSchema,
  createReconnectingTransport,
  errorText,
  parseOptions,
  type Connect,
  type Connection,
  type Transport,
  type TransportLog,
} from './transport';

export interface HidDeviceInfo {
  readonly vendorId: number;
  readonly productId: number;
  readonly path?: string | undefined;
  readonly serialNumber?: string | undefined;
  readonly manufacturer?: string | undefined;
  readonly product?: string | undefined;
  readonly usagePage?: number | undefined;
  readonly usage?: number | undefined;
  readonly interface?: number | undefined;
}

/** One open HID device. */
export interface HidHandle {
  on(event: 'data', listener: (report: Uint8Array) => void): unknown;
  /** A read failed: the device was removed (or stopped answering). */
  on(event: 'error', listener: (error: Error) => void): unknown;
  /** An output report, first byte = report id. */
  write(report: Uint8Array): Promise<unknown>;
  close(): Promise<void>;
}

/** The part of node-hid the transport uses; tests pass a fake. */
export interface HidApi {
  devices(): Promise<readonly HidDeviceInfo[]>;
  open(path: string): Promise<HidHandle>;
}

export const LIBUSB_HINT = 'install libusb: apt-get install -y libusb-1.0-0';

let nodeHid: Promise<HidApi> | null = null;

/** node-hid behind HidApi, loaded on first use; rejects with what to install when it cannot load. */
export function loadNodeHid(): Promise<HidApi> {
  nodeHid ??= (async (): Promise<HidApi> => {
    try {
      const hid = await import('node-hid');
      // The native binding loads on the first call: make that happen here, where a failure is expected.
      await hid.devicesAsync();
      return {
        devices: () => hid.devicesAsync(),
        async open(path) {
          const device = await hid.HIDAsync.open(path);
          return {
            on(event: 'data' | 'error', listener: ((report: Uint8Array) => void) | ((error: Error) => void)) {
              return device.on(event, listener);
            },
            write: (report) => device.write(Buffer.from(report)),
            close: () => device.close(),
          } as HidHandle;
        },
      };
    } catch (error) {
      nodeHid = null;
      throw new Error(`USB HID is unavailable: node-hid did not load (${errorText(error)}); ${LIBUSB_HINT}`, { cause: error });
    }
  })();
  return nodeHid;
}

const u16 = (field: string) => z.number({ error: `must be a ${field} 0x0000–0xffff` }).int().min(0).max(0xffff);

export const HidOptionsSchema = z.strictObject({
  vendorId: u16('USB vendor id'),
  productId: u16('USB product id'),
  /** A fixed device path (e.g. /dev/hidraw3); without it the device is found by its ids on every (re)open. */
  path: z.string().min(1).optional(),
  /** Pick one interface of a composite device, e.g. 0x8c for the HID POS interface of a scanner. */
  usagePage: u16('usage page').optional(),
  serialNumber: z.string().min(1).optional(),
  numberedReports: z.boolean().default(true),
  reconnect: ReconnectSchema.default(DEFAULT_RECONNECT),
});
export type HidOptions = z.input<typeof HidOptionsSchema> & {
  readonly hid?: HidApi | undefined;
  readonly log?: TransportLog | undefined;
};

export function parseHidOptions(options: unknown): z.output<typeof HidOptionsSchema> {
  const { log: _log, hid: _hid, ...rest } = (options ?? {}) as Record<string, unknown>;
  return parseOptions(HidOptionsSchema, rest, 'hid transport');
}

export const hex4 = (n: number): string => n.toString(16).padStart(4, '0');

/** A USB HID transport; call open(). Throws at once on bad options. */
export function createHidTransport(options: HidOptions): Transport {
  const o = parseHidOptions(options);
  const ids = `${hex4(o.vendorId)}:${hex4(o.productId)}`;
  const getApi = (): Promise<HidApi> => (options.hid ? Promise.resolve(options.hid) : loadNodeHid());

  async function findPath(api: HidApi): Promise<string> {
    if (o.path) return o.path;
    const all = await api.devices();
    const match = all.find(
      (d) =>
        d.vendorId === o.vendorId &&
        d.productId === o.productId &&
        d.path !== undefined &&
        (o.usagePage === undefined || d.usagePage === o.usagePage) &&
        (o.serialNumber === undefined || d.serialNumber === o.serialNumber),
    );
    if (!match?.path) {
      const which = [o.usagePage === undefined ? '' : ` usage page 0x${hex4(o.usagePage)}`, o.serialNumber ? ` serial ${o.serialNumber}` : ''].join('');
      throw new Error(`no HID device ${ids}${which} is connected`);
    }
    return match.path;
  }

  const connect: Connect = async (events) => {
    const api = await getApi();
    const path = await findPath(api);
    let handle: HidHandle;
    try {
      handle = await api.open(path);
    } catch (error) {
      throw new Error(`cannot open HID device ${ids} at ${path}: ${errorText(error)}`, { cause: error });
    }
    let releasing = false;
    handle.on('data', (report) => {
      if (releasing) return;
      if (o.numberedReports) {
        events.data(report);
      } else {
        const withId = new Uint8Array(report.byteLength + 1);
        withId.set(report, 1);
        events.data(withId);
      }
    });
    handle.on('error', (error) => {
      if (!releasing) events.lost(`HID read failed (device removed?): ${errorText(error)}`);
    });
    const connection: Connection = {
      async write(bytes) {
        await handle.write(bytes);
      },
      async close() {
        releasing = true;
        try {
          await handle.close();
        } catch {
          // Closing a removed device can fail; it is released either way.
        }
      },
    };
    return connection;
  };

  return createReconnectingTransport({ id: `hid:${ids}`, connect, reconnect: o.reconnect, log: options.log });
}

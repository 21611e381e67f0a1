/** Hardware: device configuration, test buttons, the scanner monitor, the print queue, the cash drawer (issues 5 and 6). */
import { z } from 'zod';
import { Surface } from '../surface';
import { Approval } from '../schemas';
import { call, NoInput, Staff, Technicians, type CallSpec } from './spec';

export const BAUD_RATES = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200] as const;
export const PARITIES = ['none', 'even', 'odd', 'mark', 'space'] as const;

/** The line parameters of a serial port, as the technician sets them (drivers/transport/serial.ts opens it). */
export const SerialLine = z
  .object({
    kind: z.literal('serial'),
    path: z.string({ error: 'must be a device path such as /dev/ttyUSB0' }).min(1, 'must be a device path such as /dev/ttyUSB0').max(255),
    baudRate: z.literal(BAUD_RATES, { error: `must be one of ${BAUD_RATES.join(', ')}` }),
    dataBits: z.literal([7, 8], { error: 'must be 7 or 8' }).default(8),
    parity: z.enum(PARITIES, { error: `must be one of ${PARITIES.join(', ')}` }).default('none'),
    stopBits: z.literal([1, 2], { error: 'must be 1 or 2' }).default(1),
    /** Hardware flow control (RTS/CTS). */
    rtscts: z.boolean().default(false),
    /** Software flow control (XON/XOFF both ways). */
    xon: z.boolean().default(false),
  })
  .strict();

export const TcpLine = z
  .object({ kind: z.literal('tcp'), host: z.string().min(1).max(255), port: z.number().int().min(1).max(65535).default(9100) })
  .strict();

const u16 = (what: string) => z.number({ error: `must be a ${what} 0x0000–0xffff` }).int().min(0).max(0xffff);

/** A USB HID device (HID POS scanners): found by its ids on every (re)open, or at a fixed path. */
export const HidLine = z
  .object({
    kind: z.literal('hid'),
    vendorId: u16('USB vendor id'),
    productId: u16('USB product id'),
    serialNumber: z.string().min(1).max(128).optional(),
    path: z.string().min(1).max(255).optional(),
    /** Usage page of the interface to open; 0x8c (HID POS) by default. */
    usagePage: u16('usage page').default(0x8c),
  })
  .strict();

export const TransportConfig = z.discriminatedUnion('kind', [SerialLine, TcpLine]);
export type TransportConfig = z.infer<typeof TransportConfig>;
export const ScannerTransportConfig = z.discriminatedUnion('kind', [SerialLine, TcpLine, HidLine]);
export type ScannerTransportConfig = z.infer<typeof ScannerTransportConfig>;

export const DeviceId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'lower-case letters, digits and dashes (up to 32)');

/**
 * What a drawer on its own serial line gets by default: BEL (07). Most serial drawers and trigger boxes open on
 * any byte, classic ones on Ctrl-G (BEL), which covers both (drivers/drawer/kick.ts; peers.md names no serial
 * drawer code, only that Star printers open their drawer on BEL).
 */
export const DEFAULT_DRAWER_OPEN_BYTES: readonly number[] = [0x07];

export const DeviceConfig = z.discriminatedUnion('role', [
  z
    .object({
      id: DeviceId,
      role: z.literal('scanner'),
      transport: ScannerTransportConfig,
      /** Serial only: what ends a scan. */
      suffix: z.enum(['CR', 'LF', 'CRLF', 'TAB', 'none']).default('CR'),
      idleMs: z.number().int().min(5).max(2000).default(50),
      aimPrefix: z.boolean().default(false),
      /** The selling surface this scanner serves; unset: the kiosk while kiosk mode is on, the till otherwise. */
      surface: Surface.optional(),
    })
    .strict(),
  z
    .object({
      id: DeviceId,
      role: z.literal('printer'),
      transport: TransportConfig,
      columns: z.union([z.literal(32), z.literal(42), z.literal(48)]).default(48),
      /** Ask the printer for paper and cover status (DLE EOT) this often; 0 = never (printers that do not answer). */
      statusPollMs: z.number().int().min(0).max(60_000).default(2000),
      /** The cash drawer hangs on the printer's kick connector. */
      drawer: z
        .object({ pin: z.union([z.literal(2), z.literal(5)]).default(2), onMs: z.number().int().min(2).max(510).default(50), offMs: z.number().int().min(2).max(510).default(500) })
        .strict()
        .optional(),
    })
    .strict(),
  z
    .object({
      id: DeviceId,
      role: z.literal('display'),
      transport: TransportConfig,
      protocol: z.enum(['epson', 'cd5220', 'led8']),
      columns: z.number().int().min(8).max(40).default(20),
      encoding: z.enum(['ascii', 'gb18030']).default('ascii'),
    })
    .strict(),
  z
    .object({
      id: DeviceId,
      role: z.literal('scale'),
      transport: TransportConfig,
      /** toledo8217: Mettler Toledo 8217 request/response (9600 7E1); xk3190: 耀华 XK3190-A9 continuous output (tF=0). */
      protocol: z.enum(['toledo8217', 'xk3190']),
      /** toledo8217: how often the weight is asked for. */
      pollMs: z.number().int().min(50).max(2000).default(200),
      /** No reply (toledo8217) or no frame (xk3190) for this long: the scale shows as not answering. */
      replyTimeoutMs: z.number().int().min(100).max(10_000).default(1000),
      /** xk3190: the scale's capacity (a heavier gross weight is an overload). */
      capacityGrams: z.number().int().min(100).max(1_000_000).default(30_000),
      /** xk3190: equal readings in a row that make a weight stable (within 1.5 s). */
      stableSamples: z.number().int().min(2).max(20).default(5),
    })
    .strict(),
  z
    .object({
      id: DeviceId,
      role: z.literal('drawer'),
      transport: TransportConfig,
      /** The bytes that open it (1–32). */
      openBytes: z.array(z.number().int().min(0).max(255)).min(1).max(32).default([...DEFAULT_DRAWER_OPEN_BYTES]),
    })
    .strict(),
]);
export type DeviceConfig = z.infer<typeof DeviceConfig>;
export type DeviceRole = DeviceConfig['role'];

export const DevicesConfig = z
  .array(DeviceConfig)
  .max(16)
  .superRefine((devices, ctx) => {
    const seen = new Set<string>();
    devices.forEach((d, i) => {
      if (seen.has(d.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `device id ${d.id} is used twice`, params: { reason: 'device_id_twice' } });
      seen.add(d.id);
    });
    const roleOnce = (role: 'printer' | 'drawer' | 'scale') => {
      const at = devices.findIndex((d, i) => d.role === role && devices.findIndex((x) => x.role === role) !== i);
      if (at >= 0) ctx.addIssue({ code: 'custom', path: [at, 'role'], message: `only one ${role} can be configured`, params: { reason: 'role_once', role } });
    };
    roleOnce('printer');
    roleOnce('drawer');
    roleOnce('scale');
  });

export const PortEntry = z.object({
  kind: z.enum(['serial', 'hid']),
  path: z.string(),
  transportId: z.string(),
  vendorId: z.string().optional(),
  productId: z.string().optional(),
  serialNumber: z.string().optional(),
  manufacturer: z.string().optional(),
  product: z.string().optional(),
  pnpId: z.string().optional(),
  usagePage: z.number().int().optional(),
  usage: z.number().int().optional(),
  interface: z.number().int().optional(),
});

/** One line of the scanner monitor; payment codes are masked in both the text and the hex. */
export const MonitorEntry = z.object({
  seq: z.number().int(),
  at: z.string(),
  deviceId: z.string(),
  /** Raw bytes as hex pairs; `**` where a masked character was. */
  hex: z.string(),
  kind: z.enum(['scan', 'dropped']),
  /** The decoded scan (masked), or null for dropped input. */
  text: z.string().nullable(),
  symbology: z.string().nullable(),
  /** Why input was dropped (overlong, garbage, empty). */
  reason: z.string().nullable(),
});
export type MonitorEntry = z.infer<typeof MonitorEntry>;

export const devicesCalls = {
  'devices.ports': call({
    input: () => NoInput,
    output: () => z.object({ ports: z.array(PortEntry), problems: z.array(z.string()) }),
    access: Technicians,
    summary: 'Every serial port and USB HID device of this machine, with what could not be listed',
  }),
  'devices.configs': call({ input: () => NoInput, output: () => z.array(DeviceConfig), access: Technicians, summary: 'The configured devices' }),
  'devices.get': call({ input: () => z.object({ id: DeviceId }).strict(), output: () => DeviceConfig, access: Technicians, summary: 'One device configuration' }),
  'devices.save': call({
    input: () => z.object({ device: DeviceConfig }).strict(),
    output: () => z.array(DeviceConfig),
    access: Technicians,
    summary: 'Adds or replaces a device; applied at once without a restart (audited)',
  }),
  'devices.remove': call({
    input: () => z.object({ id: DeviceId }).strict(),
    output: () => z.array(DeviceConfig),
    access: Technicians,
    summary: 'Removes a device; applied at once (audited)',
  }),
  'devices.testPrint': call({ input: () => NoInput, output: () => z.object({ queued: z.literal(true) }), access: Technicians, summary: 'Prints a status ticket' }),
  'devices.testDisplay': call({
    input: () => z.object({ id: DeviceId.optional() }).strict(),
    output: () => z.object({ shown: z.number().int() }),
    access: Technicians,
    summary: 'Shows a test message on the customer displays',
  }),
  'devices.openDrawer': call({ input: () => NoInput, output: () => z.null(), access: Technicians, summary: 'Opens the cash drawer for a test (audited)' }),
  'devices.monitor': call({
    input: () => z.object({ afterSeq: z.number().int().min(0).default(0) }).strict(),
    output: () => z.object({ entries: z.array(MonitorEntry), lastSeq: z.number().int() }),
    access: Technicians,
    summary: 'Scanner input since afterSeq: raw bytes in hex beside the decoded scan (payment codes masked)',
  }),
  'drawer.noSale': call({
    input: () => z.object({ reason: z.string().trim().min(1).max(200), approval: Approval.optional() }).strict(),
    output: () => z.object({ opened: z.literal(true) }),
    access: Staff,
    summary: 'Opens the cash drawer without a sale (a cashier needs an owner’s approval; audited)',
  }),
} as const satisfies Record<string, CallSpec>;

export const devicesEvents = {} as const satisfies Record<string, z.ZodType>;

import { z } from 'zod';
import { SerialOptionsSchema } from '../transport/serial';

/** Where a device is attached. The technician picks it; nothing is probed (display protocols collide). */
export const TransportConfig = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('serial'), ...SerialOptionsSchema.shape }).strict(),
  z.object({ kind: z.literal('tcp'), host: z.string().min(1).max(255), port: z.number().int().min(1).max(65535).default(9100) }).strict(),
]);
export type TransportConfig = z.infer<typeof TransportConfig>;

const id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'lower-case letters, digits and dashes');

export const DeviceConfig = z.discriminatedUnion('role', [
  z
    .object({
      id,
      role: z.literal('scanner'),
      transport: TransportConfig,
      suffix: z.enum(['CR', 'LF', 'CRLF', 'TAB', 'none']).default('CR'),
      idleMs: z.number().int().min(5).max(2000).default(50),
      aimPrefix: z.boolean().default(false),
    })
    .strict(),
  z
    .object({
      id,
      role: z.literal('printer'),
      transport: TransportConfig,
      columns: z.union([z.literal(32), z.literal(42), z.literal(48)]).default(48),
      /** Ask the printer for paper and cover status (DLE EOT) this often; 0 = never (printers that do not answer). */
      statusPollMs: z.number().int().min(0).max(60_000).default(2000),
      /** The cash drawer hangs on the printer's kick connector. */
      drawer: z.object({ pin: z.union([z.literal(2), z.literal(5)]).default(2), onMs: z.number().int().min(2).max(510).default(50), offMs: z.number().int().min(2).max(510).default(500) }).strict().optional(),
    })
    .strict(),
  z
    .object({
      id,
      role: z.literal('display'),
      transport: TransportConfig,
      protocol: z.enum(['epson', 'cd5220', 'led8']),
      columns: z.number().int().min(8).max(40).default(20),
      encoding: z.enum(['ascii', 'gb18030']).default('ascii'),
    })
    .strict(),
]);
export type DeviceConfig = z.infer<typeof DeviceConfig>;

export const DevicesConfig = z.array(DeviceConfig).max(16).superRefine((devices, ctx) => {
  const seen = new Set<string>();
  devices.forEach((d, i) => {
    if (seen.has(d.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `device id ${d.id} is used twice` });
    seen.add(d.id);
  });
});

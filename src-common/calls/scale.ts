/** The shop scale (issue 16): its live weight, zero and tare, the technician's frame monitor, and weighed lines. */
import { z } from 'zod';
import { Approval, Cart, Id } from '../schemas';
import { call, NoInput, Staff, Technicians, type CallSpec } from './spec';

export const ScaleState = z.enum(['ok', 'motion', 'overload', 'under_zero', 'no_reply', 'unplugged']);
export type ScaleState = z.infer<typeof ScaleState>;

export const ScaleReadingView = z.object({
  /** Net of the tare, in grams; null when the scale gives no weight (motion on a Toledo 8217, no reply, unplugged). */
  grams: z.number().int().nullable(),
  /** The tare the till keeps (XK3190), or null when the scale keeps it (Toledo 8217). */
  tareGrams: z.number().int().nullable(),
  stable: z.boolean(),
  net: z.boolean(),
  state: ScaleState,
  /** ISO time of the reading. */
  at: z.string(),
});
export type ScaleReadingView = z.infer<typeof ScaleReadingView>;

export const ScaleFrameEntry = z.object({
  seq: z.number().int(),
  at: z.string(),
  /** The frame's bytes as hex pairs. */
  hex: z.string(),
  kind: z.enum(['weight', 'status', 'dropped']),
  /** A weight frame's grams. */
  grams: z.number().int().nullable(),
  /** The condition a weight or status frame reports. */
  condition: z.enum(['ok', 'motion', 'overload', 'under_zero']).nullable(),
  net: z.boolean(),
  /** Why a frame was dropped. */
  reason: z.enum(['bad_checksum', 'bad_frame', 'unit_not_kg', 'overlong']).nullable(),
});
export type ScaleFrameEntry = z.infer<typeof ScaleFrameEntry>;

/** Grams typed by the cashier: kg with 3 decimals, more than 0, below 1000 kg. */
export const TypedGrams = z.number().int('kg with at most 3 decimals').min(1, 'must be more than 0').max(999_999);

export const scaleCalls = {
  'scale.read': call({
    input: () => NoInput,
    output: () => z.object({ configured: z.boolean(), protocol: z.enum(['toledo8217', 'xk3190']).nullable(), reading: ScaleReadingView.nullable() }),
    access: Staff,
    summary: 'The scale’s live weight, stable flag and condition',
  }),
  'scale.command': call({
    input: () => z.object({ command: z.enum(['zero', 'tare', 'clearTare']) }).strict(),
    output: () => z.null(),
    access: Staff,
    summary: 'Zero the scale, tare the container on it, or clear the tare',
  }),
  'scale.monitor': call({
    input: () => z.object({ afterSeq: z.number().int().min(0).default(0) }).strict(),
    output: () => z.object({ entries: z.array(ScaleFrameEntry), lastSeq: z.number().int() }),
    access: Technicians,
    summary: 'The scale’s frames since afterSeq: raw bytes in hex beside what they said',
  }),
  'sale.addWeighed': call({
    input: () => z
      .object({
        productId: Id,
        /** scale: the till takes the scale's stable net weight itself; typed: the cashier typed the weight. */
        weight: z.discriminatedUnion('source', [z.object({ source: z.literal('scale') }).strict(), z.object({ source: z.literal('typed'), grams: TypedGrams }).strict()]),
        /** An owner's approval of a line beyond the stock (the oversell setting 'pin'). */
        approval: Approval.optional(),
      })
      .strict(),
    output: () => Cart,
    access: Staff,
    summary: 'Add a product sold by weight with the scale’s stable weight or a typed one',
  }),
} as const satisfies Record<string, CallSpec>;

export const scaleEvents = {} as const satisfies Record<string, z.ZodType>;

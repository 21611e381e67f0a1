/**
 * Scans decided in the core (issue 12). A screen tells the core what it is doing (`screen.report`); the scan
 * router uses it to decide what a scan is for. A keyboard-wedge scan typed into a screen goes through the same
 * router (`scan.submit`). Screens learn what happened from `scan.outcome`, payment codes masked.
 */
import { z } from 'zod';
import { Cart, PositiveMinor } from '../schemas';
import { KioskStep, Surface, TillStep } from '../surface';
import { call, NoInput, Staff, type CallSpec } from './spec';

const Screens = [...Staff, 'kiosk'] as const;

export const ScreenReport = z.discriminatedUnion('surface', [
  /** partAmount: at the pay step, the part of the sale the next payment code is for (issue 18); all still due when absent. */
  z.object({ surface: z.literal('till'), step: TillStep, partAmount: PositiveMinor.optional() }).strict(),
  z.object({ surface: z.literal('kiosk'), step: KioskStep }).strict(),
]);
export type ScreenReport = z.infer<typeof ScreenReport>;

export const ScanOutcome = z.object({
  surface: Surface,
  /** The scanner's id, or `wedge` for a scan typed into a screen. */
  deviceId: z.string(),
  /**
   * item: added to the surface's open sale; payment: sent to the payments engine as the customer's code;
   * receipt: a receipt number or e-receipt for the open refund dialog; held: no screen was open, kept for the next
   * one; monitor: no screen was open but the technician's scanner monitor (a test scan: shown there, not kept);
   * refused: not used (reason says why); member: a member QR, that member attached to the till's sale.
   */
  kind: z.enum(['item', 'payment', 'receipt', 'held', 'monitor', 'refused', 'member']),
  /** What was scanned; a payment code only masked. */
  code: z.string(),
  /** Applied when a screen opened, after being held. */
  wasHeld: z.boolean(),
  reason: z.string().optional(),
  message: z.string().optional(),
  cart: Cart.nullable().optional(),
});
export type ScanOutcome = z.infer<typeof ScanOutcome>;

/** A scan made while no till screen was open, waiting for a cashier to add it to the sale or discard it. */
export const HeldScan = z.object({
  id: z.string(),
  deviceId: z.string(),
  /** What was scanned; anything that may be a payment code only masked. */
  code: z.string(),
  heldAt: z.string(),
});
export type HeldScan = z.infer<typeof HeldScan>;

export const TakeHeld = z
  .object({
    /** add: each onto the open sale, as if scanned now (only at the till's selling step); discard: dropped. */
    action: z.enum(['add', 'discard']),
    /** The scans the cashier was shown; one already taken by another screen, or expired, is skipped. */
    ids: z.array(z.string().min(1).max(40)).min(1).max(50),
  })
  .strict();

export const scanCalls = {
  'screen.report': call({
    input: () => ScreenReport,
    output: () => z.null(),
    access: Screens,
    summary: 'What this screen is doing (the till’s step or the kiosk’s), so device scans are routed to it',
  }),
  'scan.submit': call({
    input: () => z.object({ code: z.string().min(1).max(256) }).strict(),
    output: () => ScanOutcome,
    access: Screens,
    summary: 'A scan typed into this screen (keyboard wedge): routed like a device scan',
  }),
  'scan.held': call({
    input: () => NoInput,
    output: () => z.array(HeldScan),
    access: Staff,
    summary: 'Scans made while no till screen was open (codes masked where they may be payment codes), oldest first',
  }),
  'scan.takeHeld': call({
    input: () => TakeHeld,
    output: () => z.object({ outcomes: z.array(ScanOutcome), discarded: z.number().int().nonnegative() }),
    access: Staff,
    summary: 'Add held scans to the open sale (at the till’s selling step only) or discard them',
  }),
} as const satisfies Record<string, CallSpec>;

export const scanEvents = {
  /** What a scan was used for, or why it was not; sent to the screens of its surface. */
  'scan.outcome': ScanOutcome,
  /** The till's held scans changed (one held, added, discarded or expired): the whole list, sent to the till's screens. */
  'scan.heldChanged': z.object({ scans: z.array(HeldScan) }),
} as const satisfies Record<string, z.ZodType>;

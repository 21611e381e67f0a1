import { z } from 'zod';
import type { Caller } from './roles';

/**
 * A selling surface of the terminal: the staffed till or the self-service kiosk. Each has its own open sale, and
 * a scanner serves one of them.
 */
export const Surface = z.enum(['till', 'kiosk']);
export type Surface = z.infer<typeof Surface>;

/** The surface a session sells on: a kiosk session the kiosk's, any signed-in staff the till's. */
export function surfaceOfCaller(caller: Caller): Surface {
  return caller.role === 'kiosk' ? 'kiosk' : 'till';
}

/**
 * What the till's screen is doing, as it tells the core: a device scan means something different at each step.
 * elsewhere: another workspace (scans wait for a till screen); monitor: the technician's scanner monitor (scans
 * shown there are tests, never kept for a sale).
 */
export const TillStep = z.enum(['selling', 'paying', 'refund', 'elsewhere', 'monitor']);
export type TillStep = z.infer<typeof TillStep>;

/** What the kiosk's screen is doing: before the pay step a scan is an item, at it the customer's payment code; busy: none (held for staff, finishing). */
export const KioskStep = z.enum(['shopping', 'paying', 'busy']);
export type KioskStep = z.infer<typeof KioskStep>;

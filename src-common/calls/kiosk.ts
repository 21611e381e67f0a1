/** Self-service kiosk (issue 8). */
import type { z } from 'zod';
import type { CallSpec } from './spec';

export const kioskCalls = {} as const satisfies Record<string, CallSpec>;

export const kioskEvents = {} as const satisfies Record<string, z.ZodType>;

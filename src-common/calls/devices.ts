/** Hardware: device configuration, test buttons, the scanner monitor, the print queue, the cash drawer (issues 5 and 6). */
import type { z } from 'zod';
import type { CallSpec } from './spec';

export const devicesCalls = {} as const satisfies Record<string, CallSpec>;

export const devicesEvents = {} as const satisfies Record<string, z.ZodType>;

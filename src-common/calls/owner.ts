/** Owner: shifts, cash in and out, X and Z reports, exports (issue 7). */
import type { z } from 'zod';
import type { CallSpec } from './spec';

export const ownerCalls = {} as const satisfies Record<string, CallSpec>;

export const ownerEvents = {} as const satisfies Record<string, z.ZodType>;

/** Owner: sales history, reconciliation with the acquirer, charts (issue 7). */
import type { z } from 'zod';
import type { CallSpec } from './spec';

export const historyCalls = {} as const satisfies Record<string, CallSpec>;

export const historyEvents = {} as const satisfies Record<string, z.ZodType>;

/** Technician console: settings, users and PINs, diagnostics, backup and restore, the audit log (issue 6). */
import type { z } from 'zod';
import type { CallSpec } from './spec';

export const adminCalls = {} as const satisfies Record<string, CallSpec>;

export const adminEvents = {} as const satisfies Record<string, z.ZodType>;

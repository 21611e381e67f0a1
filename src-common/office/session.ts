/** The back office's session replies (server/office/areas/session.ts), parsed by the web app with zod. */
import { z } from 'zod';

export const OfficeRole = z.enum(['owner', 'manager', 'accountant']);
export type OfficeRole = z.infer<typeof OfficeRole>;

export const OfficeStore = z.object({ storeId: z.string(), name: z.string(), role: OfficeRole });
export type OfficeStore = z.infer<typeof OfficeStore>;

export const OfficeSession = z.object({
  name: z.string(),
  login: z.string(),
  grants: z.array(z.object({ storeId: z.string(), role: OfficeRole })),
  totp: z.boolean().optional(),
  stores: z.array(OfficeStore),
});
export type OfficeSession = z.infer<typeof OfficeSession>;

export const SetupState = z.object({ needed: z.boolean() });

/** Every error reply of the server: { error: { code, message, details? } } (SyncErrorReply). */
export const OfficeErrorReply = z.object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) });

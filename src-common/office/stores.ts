/** The back office's stores list (server/office/areas/stores.ts). */
import { z } from 'zod';
import { OfficeRole } from './session';

export const StoreSummary = z.object({
  storeId: z.string(),
  name: z.string(),
  role: OfficeRole,
  terminals: z.number().int(),
  /** The latest contact of any of its tills (ISO), or null when none has synced. */
  lastContactAt: z.string().nullable(),
});
export const StoreList = z.object({ stores: z.array(StoreSummary) });
export type StoreSummary = z.infer<typeof StoreSummary>;

export const CreateStore = z.object({ name: z.string().trim().min(1).max(100) });
export const CreatedStore = z.object({ storeId: z.string(), name: z.string() });

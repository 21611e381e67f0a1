/**
 * The back office's staff page (server/office/areas/staff.ts): the tills' users of a store. A PIN goes to the
 * server only when set and is never in any reply: the server keeps the till's PIN hash, which the tills pull.
 */
import { z } from 'zod';

export const TillRole = z.enum(['cashier', 'owner', 'technician']);
export type TillRole = z.infer<typeof TillRole>;

export const StaffMember = z.object({
  userId: z.string(),
  name: z.string(),
  role: TillRole,
  /** false: deactivated (off every till's sign-in list at its next pull). */
  active: z.boolean(),
});
export type StaffMember = z.infer<typeof StaffMember>;
export const StaffList = z.object({ storeId: z.string(), staff: z.array(StaffMember) });
export type StaffList = z.infer<typeof StaffList>;

export const StaffPin = z.string().regex(/^\d{4,8}$/, 'A PIN is 4 to 8 digits');
const StaffName = z.string().trim().min(1, 'A name is needed').max(40);

export const NewStaff = z.object({ name: StaffName, role: TillRole, pin: StaffPin }).strict();
export const StaffChange = z.object({ name: StaffName, role: TillRole, active: z.boolean() }).strict();
export const PinReset = z.object({ pin: StaffPin }).strict();
/** What every change answers: the user (never a PIN) and the store's catalog version the tills pull up to. */
export const StaffSaved = z.object({ member: StaffMember, version: z.number().int() });

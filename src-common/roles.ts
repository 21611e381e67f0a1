import { z } from 'zod';

export const Role = z.enum(['cashier', 'owner', 'technician']);
export type Role = z.infer<typeof Role>;

/** Who may make a call: anyone with a connection to this terminal, or a signed-in user of one of the roles. */
export type Access = 'any' | readonly Role[];

/** The caller as main sees it. `role` is null until a user signs in. */
export interface Caller {
  readonly role: Role | null;
  readonly userId: string | null;
}

export const anonymousCaller: Caller = { role: null, userId: null };

export function mayCall(access: Access, caller: Caller): boolean {
  if (access === 'any') return true;
  return caller.role !== null && access.includes(caller.role);
}

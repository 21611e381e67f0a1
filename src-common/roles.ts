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

/**
 * One per connection (a WebSocket, an Electron window). Sign-in replaces `caller`; main reads it
 * for every call, so a role is never taken from what the page says.
 */
export interface Session {
  caller: Caller;
}

export function newSession(): Session {
  return { caller: anonymousCaller };
}

export function mayCall(access: Access, caller: Caller): boolean {
  if (access === 'any') return true;
  return caller.role !== null && access.includes(caller.role);
}

import { z } from 'zod';

/** The roles a user (a row of the users table) can have. User management accepts these and nothing else. */
export const Role = z.enum(['cashier', 'owner', 'technician']);
export type Role = z.infer<typeof Role>;

/**
 * Roles a session can be given but no user can have: `kiosk` is the self-service screen of a terminal in
 * kiosk mode (`kiosk.begin`). Nobody signs in as it, so it has no PIN, no user row and no user id.
 */
export const SessionOnlyRole = z.enum(['kiosk']);
export type SessionOnlyRole = z.infer<typeof SessionOnlyRole>;

/** Any role a session can carry: a signed-in user's, or a session-only one. */
export const SessionRole = z.enum([...Role.options, ...SessionOnlyRole.options]);
export type SessionRole = z.infer<typeof SessionRole>;

/** Who may make a call: anyone with a connection to this terminal, or a session of one of the roles. */
export type Access = 'any' | readonly SessionRole[];

/** The caller as main sees it. `role` is null until a user signs in (or a kiosk session begins). */
export interface Caller {
  readonly role: SessionRole | null;
  /** The signed-in user; always null for a session-only role. */
  readonly userId: string | null;
}

export const anonymousCaller: Caller = { role: null, userId: null };

/** The caller of a self-service kiosk screen. */
export const kioskCaller: Caller = { role: 'kiosk', userId: null };

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

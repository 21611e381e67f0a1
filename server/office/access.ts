/**
 * Who may see and change what in the back office. Checked on the server for every call (the web app only
 * hides what a role cannot use): an owner has every store, a store manager one store (read and write), an
 * accountant reads the stores granted (one or every) and changes nothing.
 */
import type { Db } from '../database';
import { ApiError } from '../http';

export const OFFICE_ROLES = ['owner', 'manager', 'accountant'] as const;
export type OfficeRole = (typeof OFFICE_ROLES)[number];
/** A grant's store: a store id, or '*' for every store (owner, chain accountant). */
export const EVERY_STORE = '*';

export interface OfficeGrant {
  readonly storeId: string;
  readonly role: OfficeRole;
}

export interface OfficeUser {
  readonly accountId: string;
  readonly login: string;
  readonly name: string;
  readonly grants: readonly OfficeGrant[];
  readonly totp: boolean;
  /** SHA-256 of the session's cookie (sign-out ends this one). */
  readonly sessionHash: string;
}

export function isOwner(user: OfficeUser): boolean {
  return user.grants.some((g) => g.role === 'owner');
}

/** The role the user has in a store, or null: a '*' grant covers every store. */
export function roleIn(user: OfficeUser, storeId: string): OfficeRole | null {
  const grant = user.grants.find((g) => g.storeId === storeId) ?? user.grants.find((g) => g.storeId === EVERY_STORE);
  return grant?.role ?? null;
}

const forbidden = (message: string) => new ApiError('forbidden', message);

/** Throws 403 unless the user may read (any role) or write (owner, manager) the store; returns the role. */
export function requireStore(user: OfficeUser, storeId: string, need: 'read' | 'write'): OfficeRole {
  const role = roleIn(user, storeId);
  if (!role) throw forbidden('This account has no access to that store');
  if (need === 'write' && role === 'accountant') throw forbidden('An accountant’s account can read, not change');
  return role;
}

export function requireOwner(user: OfficeUser): void {
  if (!isOwner(user)) throw forbidden('Only the owner’s account can do this');
}

/** The stores the user can see, in the order they were created. */
export async function visibleStores(db: Db, user: OfficeUser): Promise<{ storeId: string; name: string; role: OfficeRole }[]> {
  const every = user.grants.find((g) => g.storeId === EVERY_STORE);
  const ids = user.grants.filter((g) => g.storeId !== EVERY_STORE).map((g) => g.storeId);
  const { rows } = every
    ? await db.query<{ storeId: string; name: string }>(`SELECT store_id AS "storeId", name FROM store ORDER BY created_at, store_id`)
    : await db.query<{ storeId: string; name: string }>(`SELECT store_id AS "storeId", name FROM store WHERE store_id = ANY($1) ORDER BY created_at, store_id`, [ids]);
  return rows.map((s) => ({ ...s, role: roleIn(user, s.storeId)! }));
}

/**
 * The store ids a call may cover: the ones asked for (each checked), or every visible store. For queries
 * across stores: `WHERE store_id = ANY($1)`.
 */
export async function storesInScope(db: Db, user: OfficeUser, asked: readonly string[] | undefined): Promise<string[]> {
  if (asked && asked.length > 0) {
    for (const storeId of asked) requireStore(user, storeId, 'read');
    return [...new Set(asked)];
  }
  return (await visibleStores(db, user)).map((s) => s.storeId);
}

import type { Database } from 'better-sqlite3';
import { stmt } from '../statements';
import type { Role } from '../../src-common/roles';

export interface UserRow {
  id: string;
  name: string;
  role: Role;
  pin_hash: string;
  must_change_pin: number;
  failed_attempts: number;
  locked_until: string | null;
  active: number;
  created_at: string;
}

export function countUsers(db: Database): number {
  return stmt(db, 'SELECT count(*) FROM user').pluck().get() as number;
}

export function insertUser(db: Database, user: { id: string; name: string; role: Role; pinHash: string; now: string }): void {
  stmt(db, 'INSERT INTO user (id, name, role, pin_hash, created_at) VALUES (?, ?, ?, ?, ?)').run(
    user.id,
    user.name,
    user.role,
    user.pinHash,
    user.now,
  );
}

export function listActiveUsers(db: Database): Pick<UserRow, 'id' | 'name' | 'role'>[] {
  return stmt(db, "SELECT id, name, role FROM user WHERE active = 1 ORDER BY CASE role WHEN 'cashier' THEN 0 WHEN 'owner' THEN 1 ELSE 2 END, name").all() as Pick<
    UserRow,
    'id' | 'name' | 'role'
  >[];
}

export function findUser(db: Database, id: string): UserRow | undefined {
  return stmt(db, 'SELECT * FROM user WHERE id = ?').get(id) as UserRow | undefined;
}

/**
 * Counts a PIN attempt as failed before its hash is checked (a check cut short, by a crash or a burst, still counts),
 * and locks the user when it reaches `maxAttempts`. Returns the count with this attempt.
 */
export function recordPinAttempt(db: Database, id: string, maxAttempts: number, lockedUntil: string): number {
  return stmt(
    db,
    'UPDATE user SET failed_attempts = failed_attempts + 1, locked_until = CASE WHEN failed_attempts + 1 >= ? THEN ? ELSE locked_until END WHERE id = ? RETURNING failed_attempts',
  )
    .pluck()
    .get(maxAttempts, lockedUntil, id) as number;
}

export function recordPinSuccess(db: Database, id: string): void {
  stmt(db, 'UPDATE user SET failed_attempts = 0, locked_until = NULL WHERE id = ?').run(id);
}

export function listAllUsers(db: Database): UserRow[] {
  return stmt(db, "SELECT * FROM user ORDER BY active DESC, CASE role WHEN 'cashier' THEN 0 WHEN 'owner' THEN 1 ELSE 2 END, name").all() as UserRow[];
}

export function countActiveWithRole(db: Database, role: Role): number {
  return stmt(db, 'SELECT count(*) FROM user WHERE active = 1 AND role = ?').pluck().get(role) as number;
}

export function updateUserName(db: Database, id: string, name: string): void {
  stmt(db, 'UPDATE user SET name = ? WHERE id = ?').run(name, id);
}

export function updateUserRole(db: Database, id: string, role: Role): void {
  stmt(db, 'UPDATE user SET role = ? WHERE id = ?').run(role, id);
}

export function deactivateUser(db: Database, id: string): void {
  stmt(db, 'UPDATE user SET active = 0 WHERE id = ?').run(id);
}

/** A new PIN hash; `mustChange` when someone else set it. Clears a lockout. */
export function setUserPin(db: Database, id: string, pinHash: string, mustChange: boolean): void {
  stmt(db, 'UPDATE user SET pin_hash = ?, must_change_pin = ?, failed_attempts = 0, locked_until = NULL WHERE id = ?').run(pinHash, mustChange ? 1 : 0, id);
}

/**
 * Managing the people who use the terminal. Who may manage whom:
 * - a technician manages everyone (including other technicians, and is the only one who makes technicians);
 * - an owner manages cashiers and owners (the shop's staff), never a technician;
 * - a cashier manages nobody, and changes only their own PIN.
 * Nobody deactivates or demotes the last active owner or technician (the shop would lose its back office or
 * its console), nobody deactivates themselves, and every change is audited (never a PIN).
 */
import type { Database } from 'better-sqlite3';
import { newId } from '../../db/ids';
import {
  countActiveWithRole,
  deactivateUser,
  findUser,
  insertUser,
  listAllUsers,
  recordPinSuccess,
  setUserPin,
  updateUserName,
  updateUserRole,
  type UserRow,
} from '../../db/queries/users';
import type { UserView } from '../../src-common/calls/admin';
import { PosError } from '../../src-common/errors';
import type { Caller, Role, SessionRole } from '../../src-common/roles';
import type { Clock } from '../clock';
import type { Logger } from '../log';
import { hashPin } from '../pin';
import type { AuditService } from './audit';
import type { AuthService } from './auth';

export interface UsersService {
  list(): UserView[];
  create(input: { name: string; role: Role; pin: string }, actor: Caller): Promise<UserView>;
  rename(userId: string, name: string, actor: Caller): UserView;
  setRole(userId: string, role: Role, actor: Caller): UserView;
  deactivate(userId: string, actor: Caller): UserView;
  resetPin(userId: string, pin: string, actor: Caller): Promise<UserView>;
  unlock(userId: string, actor: Caller): UserView;
  changeOwnPin(currentPin: string, newPin: string, actor: Caller): Promise<void>;
  mustChangePin(actor: Caller): boolean;
}

/** Roles whose last active member must stay: the shop needs an owner, the terminal a technician. */
const KEEP_ONE: readonly Role[] = ['owner', 'technician'];

export function mayManage(actor: SessionRole | null, target: Role): boolean {
  if (actor === 'technician') return true;
  if (actor === 'owner') return target === 'cashier' || target === 'owner';
  return false;
}

/** Same digit repeated, or a straight run up or down (1234, 87654): the first PINs anyone guesses. */
export function isTooSimplePin(pin: string): boolean {
  const digits = [...pin].map(Number);
  const steps = new Set(digits.slice(1).map((d, i) => d - digits[i]!));
  return steps.size === 1 && [0, 1, -1].includes([...steps][0]!);
}

export const userView = (u: UserRow): UserView => ({
  id: u.id,
  name: u.name,
  role: u.role,
  active: u.active === 1,
  mustChangePin: u.must_change_pin === 1,
  failedAttempts: u.failed_attempts,
  lockedUntil: u.locked_until,
  createdAt: u.created_at,
});

export function createUsersService(deps: { db: Database; clock: Clock; log: Logger; audit: AuditService; auth: AuthService }): UsersService {
  const { db, clock, log, audit, auth } = deps;

  function target(userId: string, actor: Caller): UserRow {
    const user = findUser(db, userId);
    if (!user) throw new PosError('not_found', 'No such user', { reason: 'no_user' });
    if (!mayManage(actor.role, user.role)) {
      throw new PosError('forbidden', `The ${String(actor.role)} role may not manage a ${user.role}`, { reason: 'may_not_manage', role: user.role });
    }
    return user;
  }

  function keepOne(user: UserRow): void {
    if (user.active === 1 && KEEP_ONE.includes(user.role) && countActiveWithRole(db, user.role) <= 1) {
      throw new PosError('conflict', `The last active ${user.role} must stay`, { reason: 'last_of_role', role: user.role });
    }
  }

  const reload = (id: string) => userView(findUser(db, id)!);

  function checkNewPin(pin: string): void {
    if (isTooSimplePin(pin)) throw new PosError('validation_failed', 'This PIN is too easy to guess', { reason: 'pin_too_simple', path: 'newPin' });
  }

  return {
    list: () => listAllUsers(db).map(userView),

    async create({ name, role, pin }, actor) {
      if (!mayManage(actor.role, role)) throw new PosError('forbidden', `The ${String(actor.role)} role may not create a ${role}`, { reason: 'may_not_manage', role });
      const pinHash = await hashPin(pin);
      const id = newId();
      db.transaction(() => {
        insertUser(db, { id, name, role, pinHash, now: clock.now().toISOString() });
        audit.record({ actor, action: 'users.create', subject: id, details: { name, role } });
      })();
      log.info({ userId: id, role, by: actor.userId }, 'user created');
      return reload(id);
    },

    rename(userId, name, actor) {
      const user = target(userId, actor);
      if (user.name === name) return userView(user);
      db.transaction(() => {
        updateUserName(db, userId, name);
        audit.record({ actor, action: 'users.rename', subject: userId, details: { from: user.name, to: name } });
      })();
      return reload(userId);
    },

    setRole(userId, role, actor) {
      const user = target(userId, actor);
      if (user.role === role) return userView(user);
      if (!mayManage(actor.role, role)) throw new PosError('forbidden', `The ${String(actor.role)} role may not make a ${role}`, { reason: 'may_not_manage', role });
      keepOne(user);
      db.transaction(() => {
        updateUserRole(db, userId, role);
        audit.record({ actor, action: 'users.setRole', subject: userId, details: { name: user.name, from: user.role, to: role } });
      })();
      log.info({ userId, from: user.role, to: role, by: actor.userId }, 'user role changed');
      return reload(userId);
    },

    deactivate(userId, actor) {
      const user = target(userId, actor);
      if (user.active === 0) return userView(user);
      if (userId === actor.userId) throw new PosError('conflict', 'You cannot deactivate yourself', { reason: 'self' });
      keepOne(user);
      db.transaction(() => {
        deactivateUser(db, userId);
        audit.record({ actor, action: 'users.deactivate', subject: userId, details: { name: user.name, role: user.role } });
      })();
      log.info({ userId, by: actor.userId }, 'user deactivated');
      return reload(userId);
    },

    async resetPin(userId, pin, actor) {
      const user = target(userId, actor);
      if (userId === actor.userId) throw new PosError('conflict', 'Change your own PIN with your current PIN', { reason: 'use_own_pin_change' });
      const pinHash = await hashPin(pin);
      db.transaction(() => {
        setUserPin(db, userId, pinHash, true);
        audit.record({ actor, action: 'users.resetPin', subject: userId, details: { name: user.name } });
      })();
      log.info({ userId, by: actor.userId }, 'PIN reset');
      return reload(userId);
    },

    unlock(userId, actor) {
      const user = target(userId, actor);
      db.transaction(() => {
        recordPinSuccess(db, userId);
        audit.record({ actor, action: 'users.unlock', subject: userId, details: { name: user.name, failedAttempts: user.failed_attempts } });
      })();
      return reload(userId);
    },

    async changeOwnPin(currentPin, newPin, actor) {
      if (!actor.userId) throw new PosError('forbidden', 'Sign in first');
      // A wrong current PIN counts towards the lockout like a wrong sign-in.
      await auth.verifyPin(actor.userId, currentPin);
      if (newPin === currentPin) throw new PosError('validation_failed', 'The new PIN must differ from the current one', { reason: 'pin_unchanged', path: 'newPin' });
      checkNewPin(newPin);
      const pinHash = await hashPin(newPin);
      db.transaction(() => {
        setUserPin(db, actor.userId!, pinHash, false);
        audit.record({ actor, action: 'users.changeOwnPin', subject: actor.userId });
      })();
      log.info({ userId: actor.userId }, 'PIN changed by its user');
    },

    mustChangePin(actor) {
      const user = actor.userId ? findUser(db, actor.userId) : undefined;
      return user?.must_change_pin === 1;
    },
  };
}

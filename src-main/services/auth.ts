import type { Database } from 'better-sqlite3';
import { newId } from '../../db/ids';
import { PosError } from '../../src-common/errors';
import type { Caller, Role, Session } from '../../src-common/roles';
import { countUsers, findUser, insertUser, listActiveUsers, recordPinAttempt, recordPinSuccess, type UserRow } from '../../db/queries/users';
import { currentSession } from '../call-context';
import type { Clock } from '../clock';
import { createKeyedSerialQueue } from '../keyed-serial-queue';
import type { Logger } from '../log';
import { verifyPin } from '../pin';
import { createPinRateLimit } from './pin-rate-limit';

export const MAX_PIN_ATTEMPTS = 5;
export const LOCKOUT_MINUTES = 15;

/** The users a fresh terminal starts with; every one must change its PIN (a banner asks after sign-in). */
/**
 * The users of a new terminal. Their PINs are published (README) and must be changed at the first sign-in, so
 * their scrypt hashes are made once here rather than at every first start: three scrypt runs cost a low-end till
 * about half a second of its first start, and hiding a PIN everybody knows gains nothing.
 */
export const DEFAULT_USERS: readonly { name: string; role: Role; pin: string; pinHash: string }[] = [
  { name: '收银员 01', role: 'cashier', pin: '1111', pinHash: 'scrypt$16384$8$1$GPLjUgg_933DAQ0TNCDFqA$6VMpIhtqFwkizwzFR1sJpOQSpv1Xss7AWHMN25_sl04' },
  { name: '店长', role: 'owner', pin: '8888', pinHash: 'scrypt$16384$8$1$UbXqpb5BhIDUvWvBvyJ_Fw$MTUIg_aYVuSniz2fjm2TYrEJFLzsR182VD30JUWE8Zw' },
  { name: '技术员', role: 'technician', pin: '9999', pinHash: 'scrypt$16384$8$1$PGAEpVOHHkpfYftLCwj2pw$XfFcR0s_wWgb6v_n7icchFnHyN1uYr4sodMEFBF4MDI' },
];

export interface PublicUser {
  id: string;
  name: string;
  role: Role;
}

export interface AuthService {
  ensureDefaultUsers(): Promise<void>;
  users(): PublicUser[];
  signIn(userId: string, pin: string, session: Session): Promise<{ user: PublicUser; mustChangePin: boolean }>;
  signOut(session: Session): void;
  /** A signed-in caller as the users table says now (deactivated → signed out; another role → that role). */
  currentCaller(caller: Caller): Caller;
  me(session: Session): PublicUser | null;
  /** A manager override: checks another user's PIN and role without changing the session. */
  approve(approval: { userId: string; pin: string }, roles: readonly Role[]): Promise<PublicUser>;
  /** Checks a user's PIN (a wrong one counts towards the lockout), e.g. before they change it. */
  verifyPin(userId: string, pin: string): Promise<PublicUser>;
}

export function createAuthService(deps: { db: Database; clock: Clock; log: Logger }): AuthService {
  const { db, clock, log } = deps;

  const oneCheckPerUser = createKeyedSerialQueue();
  const rateLimitConnection = createPinRateLimit();

  /**
   * Every PIN check (sign-in, approvals, kiosk exit, PIN change) comes here. A user's checks run one at a time,
   * and each is counted as a failure before its hash is computed, so a burst of guesses, however concurrent,
   * gets exactly MAX_PIN_ATTEMPTS tries before the lock, and a right PIN after the lock is refused unchecked.
   */
  function checkPin(userId: string, pin: string): Promise<UserRow> {
    const session = currentSession();
    if (session) rateLimitConnection(session);
    return oneCheckPerUser(userId, async () => {
      const user = findUser(db, userId);
      if (!user || user.active !== 1) throw new PosError('not_found', 'No such user');
      const now = clock.now();
      if (user.locked_until && new Date(user.locked_until) > now) {
        throw new PosError('locked', `Locked after ${MAX_PIN_ATTEMPTS} wrong PINs`, { lockedUntil: user.locked_until });
      }
      const lockedUntil = new Date(now.getTime() + LOCKOUT_MINUTES * 60_000).toISOString();
      const attempts = recordPinAttempt(db, user.id, MAX_PIN_ATTEMPTS, lockedUntil);
      if (await verifyPin(pin, user.pin_hash)) {
        recordPinSuccess(db, user.id);
        return user;
      }
      const locked = attempts >= MAX_PIN_ATTEMPTS;
      log.warn({ userId, attempts, locked }, 'wrong PIN');
      if (locked) throw new PosError('locked', `Locked after ${MAX_PIN_ATTEMPTS} wrong PINs`, { lockedUntil });
      throw new PosError('wrong_pin', 'Wrong PIN', { attemptsLeft: MAX_PIN_ATTEMPTS - attempts });
    });
  }

  const publicUser = (u: Pick<UserRow, 'id' | 'name' | 'role'>): PublicUser => ({ id: u.id, name: u.name, role: u.role });

  return {
    async ensureDefaultUsers() {
      if (countUsers(db) > 0) return;
      const now = clock.now().toISOString();
      db.transaction(() => {
        for (const u of DEFAULT_USERS) insertUser(db, { id: newId(), name: u.name, role: u.role, pinHash: u.pinHash, now });
      })();
      log.info('default users created; their PINs must be changed');
    },
    users: () => listActiveUsers(db).map(publicUser),
    async signIn(userId, pin, session) {
      // A self-service screen leaves kiosk mode only through kiosk.exit (a technician's PIN, audited).
      if (session.caller.role === 'kiosk') throw new PosError('forbidden', 'Leave kiosk mode with a technician’s PIN first', { reason: 'kiosk_session' });
      const user = await checkPin(userId, pin);
      session.caller = { role: user.role, userId: user.id };
      log.info({ userId: user.id, role: user.role }, 'signed in');
      return { user: publicUser(user), mustChangePin: user.must_change_pin === 1 };
    },
    currentCaller(caller) {
      if (!caller.userId) return caller;
      const user = findUser(db, caller.userId);
      if (!user || user.active !== 1) return { role: null, userId: null };
      return user.role === caller.role ? caller : { role: user.role, userId: user.id };
    },
    signOut(session) {
      // A kiosk screen stays a kiosk: only kiosk.exit (a technician's PIN, audited) ends it.
      if (session.caller.role === 'kiosk') return;
      session.caller = { role: null, userId: null };
    },
    me(session) {
      if (!session.caller.userId) return null;
      const user = findUser(db, session.caller.userId);
      return user ? publicUser(user) : null;
    },
    async approve(approval, roles) {
      // The role first: a PIN is never tried (nor its wrong attempts counted) for someone who could not approve anyway,
      // so an approval prompt (or the kiosk's exit pad) cannot probe or lock out other users' PINs.
      const candidate = findUser(db, approval.userId);
      if (candidate && !roles.includes(candidate.role)) throw new PosError('forbidden', `Needs the approval of: ${roles.join(', ')}`);
      const user = await checkPin(approval.userId, approval.pin);
      if (!roles.includes(user.role)) throw new PosError('forbidden', `Needs the approval of: ${roles.join(', ')}`);
      return publicUser(user);
    },
    verifyPin: async (userId, pin) => publicUser(await checkPin(userId, pin)),
  };
}

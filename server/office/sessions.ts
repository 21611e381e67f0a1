/**
 * Back-office sign-in: login and password (scrypt), a lock after repeated failures, and a session cookie
 * (HttpOnly, Secure, SameSite=Strict) whose SHA-256 alone is stored. A session ends after 12 hours, or after
 * 2 hours without a call, or at sign-out.
 */
import type { IncomingMessage } from 'node:http';
import { ulid } from 'ulid';
import { z } from 'zod';
import { newSecret, secretHash } from '../admin-token';
import { inTransaction, type Db } from '../database';
import { ApiError, parse } from '../http';
import { EVERY_STORE, type OfficeGrant, type OfficeRole, type OfficeUser } from './access';
import { checkPassword, decoyHash, hashPassword, PASSWORD_MIN_LENGTH } from './passwords';
import { matchingStep } from './totp';

export const SESSION_COOKIE = 'jz_office';
export const SESSION_HOURS = 12;
export const IDLE_MINUTES = 120;
export const LOCK_AFTER_FAILURES = 5;
export const LOCK_MINUTES = 15;

export const Login = z.string().trim().toLowerCase().regex(/^[a-z0-9][a-z0-9._@-]{2,63}$/, 'A login is 3–64 letters, digits, . _ @ or -');
export const Password = z.string().min(PASSWORD_MIN_LENGTH, `A password has at least ${PASSWORD_MIN_LENGTH} characters`).max(200);
export const SignInRequest = z.object({ login: z.string().max(64), password: z.string().max(200), totp: z.string().regex(/^\d{6}$/).optional() });
export const SetupRequest = z.object({ adminToken: z.string().min(1).max(200), login: Login, name: z.string().trim().min(1).max(60), password: Password });

const wrongLogin = () => new ApiError('unauthorized', 'Wrong login or password', { reason: 'wrong_login' });

export function sessionCookie(token: string): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=${SESSION_HOURS * 3600}`;
}
export const CLEARED_COOKIE = `${SESSION_COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0`;

function cookieToken(req: IncomingMessage): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, value] = part.trim().split('=');
    if (name === SESSION_COOKIE && value && /^[A-Za-z0-9_-]{20,100}$/.test(value)) return value;
  }
  return null;
}

interface AccountRow {
  account_id: string;
  login: string;
  name: string;
  password_hash: string;
  totp_secret: string | null;
  failed_attempts: number;
  locked_until: Date | null;
}

/**
 * Takes a TOTP step for the account if no code of that step or a later one was used: one UPDATE, so two sign-ins
 * racing with the same code cannot both pass.
 */
export async function takeTotpStep(db: Pick<Db, 'query'>, accountId: string, step: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE office_account SET totp_last_step = $2 WHERE account_id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)`,
    [accountId, step],
  );
  return rowCount === 1;
}

/** POST /v1/office/session: a session for the right login and password, or 401 (and a lock after 5 failures). */
export async function signIn(db: Db, body: unknown): Promise<{ token: string; user: OfficeUser }> {
  const request = parse(SignInRequest, body);
  const login = request.login.trim().toLowerCase();
  const { rows } = await db.query<AccountRow>(
    `SELECT account_id, login, name, password_hash, totp_secret, failed_attempts, locked_until FROM office_account WHERE login = $1 AND active`,
    [login],
  );
  const account = rows[0];
  if (!account) {
    await checkPassword(request.password, await decoyHash());
    throw wrongLogin();
  }
  if (account.locked_until && account.locked_until > new Date()) {
    throw new ApiError('unauthorized', 'This account is locked after repeated wrong passwords: try again later', { reason: 'locked', lockedUntil: account.locked_until.toISOString() });
  }
  // The lock's end is a parameter (this process's clock, the one the check above reads it with): Citus refuses a
  // non-immutable function (now(), timestamptz + interval) inside CASE in a modification.
  const failed = () =>
    db.query(
      `UPDATE office_account SET
         failed_attempts = CASE WHEN failed_attempts + 1 >= $2 THEN 0 ELSE failed_attempts + 1 END,
         locked_until = CASE WHEN failed_attempts + 1 >= $2 THEN $3::timestamptz ELSE locked_until END
       WHERE account_id = $1`,
      [account.account_id, LOCK_AFTER_FAILURES, new Date(Date.now() + LOCK_MINUTES * 60_000)],
    );
  if (!(await checkPassword(request.password, account.password_hash))) {
    await failed();
    throw wrongLogin();
  }
  if (account.totp_secret) {
    if (!request.totp) throw new ApiError('unauthorized', 'Enter the 6-digit code from your authenticator app', { reason: 'totp_required' });
    const step = matchingStep(account.totp_secret, request.totp, Date.now());
    // A wrong code counts towards the lock like a wrong password: with the password known, 6 digits are few.
    if (step === null) {
      await failed();
      throw new ApiError('unauthorized', 'That code is wrong or has expired', { reason: 'totp_wrong' });
    }
    if (!(await takeTotpStep(db, account.account_id, step))) {
      throw new ApiError('unauthorized', 'That code was used already: wait for the next one', { reason: 'totp_wrong', reused: true });
    }
  }
  const token = newSecret();
  await inTransaction(db, async (tx) => {
    await tx.query(`UPDATE office_account SET failed_attempts = 0, locked_until = NULL WHERE account_id = $1`, [account.account_id]);
    await tx.query(`INSERT INTO office_session (token_hash, account_id, expires_at) VALUES ($1, $2, now() + make_interval(hours => $3))`, [secretHash(token), account.account_id, SESSION_HOURS]);
    // Old sessions of this account are swept here rather than by a timer.
    await tx.query(`DELETE FROM office_session WHERE account_id = $1 AND expires_at < now()`, [account.account_id]);
  });
  return { token, user: await userOf(db, account, secretHash(token)) };
}

async function userOf(db: Db, account: Pick<AccountRow, 'account_id' | 'login' | 'name' | 'totp_secret'>, sessionHash: string): Promise<OfficeUser> {
  const { rows } = await db.query<{ store_id: string; role: OfficeRole }>(`SELECT store_id, role FROM office_grant WHERE account_id = $1 ORDER BY store_id`, [account.account_id]);
  const grants: OfficeGrant[] = rows.map((g) => ({ storeId: g.store_id, role: g.role }));
  return { accountId: account.account_id, login: account.login, name: account.name, grants, totp: account.totp_secret !== null, sessionHash };
}

/** The signed-in user of a call, or 401. Each call moves the idle limit on. */
export async function officeUser(db: Db, req: IncomingMessage): Promise<OfficeUser> {
  const token = cookieToken(req);
  if (!token) throw new ApiError('unauthorized', 'Sign in first', { reason: 'signed_out' });
  const hash = secretHash(token);
  const { rows } = await db.query<AccountRow>(
    `UPDATE office_session s SET last_seen_at = now()
       FROM office_account a
      WHERE s.token_hash = $1 AND a.account_id = s.account_id AND a.active
        AND s.expires_at > now() AND s.last_seen_at > now() - make_interval(mins => $2)
      RETURNING a.account_id, a.login, a.name, a.totp_secret`,
    [hash, IDLE_MINUTES],
  );
  if (!rows[0]) throw new ApiError('unauthorized', 'Your session has ended: sign in again', { reason: 'session_ended' });
  return userOf(db, rows[0], hash);
}

export async function signOut(db: Db, user: OfficeUser): Promise<void> {
  await db.query(`DELETE FROM office_session WHERE token_hash = $1`, [user.sessionHash]);
}

/** Whether the first owner's account still has to be made (the sign-in page then offers it). */
export async function needsSetup(db: Db): Promise<boolean> {
  const { rowCount } = await db.query(`SELECT 1 FROM office_account LIMIT 1`);
  return !rowCount;
}

/**
 * POST /v1/office/setup: the first owner account, once, proved by the admin token printed at the server's
 * first start (the one secret only whoever installed the server has). Concurrent setups: one wins.
 */
export async function setUp(db: Db, body: unknown, isAdminToken: (token: string) => boolean): Promise<{ accountId: string }> {
  const request = parse(SetupRequest, body);
  if (!isAdminToken(request.adminToken)) throw new ApiError('unauthorized', 'That is not this server’s admin token', { reason: 'admin_token' });
  const accountId = ulid();
  const passwordHash = await hashPassword(request.password);
  await inTransaction(db, async (tx) => {
    await tx.query('LOCK TABLE office_account IN EXCLUSIVE MODE');
    const { rowCount } = await tx.query(`SELECT 1 FROM office_account LIMIT 1`);
    if (rowCount) throw new ApiError('forbidden', 'The owner’s account is already set up: sign in');
    await tx.query(`INSERT INTO office_account (account_id, login, name, password_hash) VALUES ($1, $2, $3, $4)`, [accountId, request.login, request.name, passwordHash]);
    await tx.query(`INSERT INTO office_grant (account_id, store_id, role) VALUES ($1, $2, 'owner')`, [accountId, EVERY_STORE]);
  });
  return { accountId };
}

/**
 * 后台账号: the owner makes store managers' and accountants' accounts, resets a password (the account's other
 * sessions end; a lost phone's two-step sign-in can be cleared with it), and deactivates an account (its sessions
 * end at once). Every account turns its own two-step sign-in (TOTP) on — confirmed with a first code — or off.
 */
import { AccountActive, CreateAccount, PasswordReset, TotpCode, type OfficeAccountSummary } from '../../../src-common/office/accounts';
import { inTransaction, type Db } from '../../database';
import { ApiError, notFound, parse, readJson, SMALL_BODY_BYTES } from '../../http';
import { EVERY_STORE, requireOwner, type OfficeGrant, type OfficeUser } from '../access';
import { insertOfficeAccount } from '../accounts';
import { hashPassword } from '../passwords';
import { OFFICE_ID, type OfficeRoute } from '../route';
import { takeTotpStep } from '../sessions';
import { matchingStep, newTotpSecret, otpauthUri } from '../totp';

export const TOTP_ISSUER = '结账后台';

const isUniqueViolation = (error: unknown) => (error as { code?: string } | null)?.code === '23505';

async function accountExists(db: Db, accountId: string): Promise<void> {
  const { rowCount } = await db.query('SELECT 1 FROM office_account WHERE account_id = $1', [accountId]);
  if (!rowCount) throw notFound('Account');
}

function notSelf(user: OfficeUser, accountId: string, what: string): void {
  if (user.accountId === accountId) throw new ApiError('bad_request', `You cannot ${what} your own account here`, { reason: 'self' });
}

async function listAccounts(db: Db): Promise<OfficeAccountSummary[]> {
  const { rows } = await db.query<{ account_id: string; login: string; name: string; active: boolean; totp: boolean; locked_until: Date | null; grants: OfficeGrant[] }>(
    `SELECT a.account_id, a.login, a.name, a.active, a.totp_secret IS NOT NULL AS totp,
            CASE WHEN a.locked_until > now() THEN a.locked_until END AS locked_until,
            coalesce(json_agg(json_build_object('storeId', g.store_id, 'role', g.role) ORDER BY g.store_id) FILTER (WHERE g.account_id IS NOT NULL), '[]') AS grants
       FROM office_account a LEFT JOIN office_grant g ON g.account_id = a.account_id
      GROUP BY a.account_id ORDER BY a.created_at, a.account_id`,
  );
  return rows.map((a) => ({ accountId: a.account_id, login: a.login, name: a.name, active: a.active, totp: a.totp, lockedUntil: a.locked_until?.toISOString() ?? null, grants: a.grants }));
}

/** The account's own TOTP code: a step not used before, or 400 (a wrong code here is not a failed sign-in). */
async function requireFreshCode(db: Db, accountId: string, secret: string, code: string): Promise<number> {
  const step = matchingStep(secret, code, Date.now());
  if (step === null) throw new ApiError('bad_request', 'That code is wrong or has expired: type the code your app shows now', { reason: 'totp_wrong' });
  if (!(await takeTotpStep(db, accountId, step))) throw new ApiError('bad_request', 'That code was used already: wait for the next one', { reason: 'totp_wrong', reused: true });
  return step;
}

async function totpColumns(db: Db, accountId: string): Promise<{ totp_secret: string | null; totp_pending_secret: string | null }> {
  const { rows } = await db.query<{ totp_secret: string | null; totp_pending_secret: string | null }>(
    `SELECT totp_secret, totp_pending_secret FROM office_account WHERE account_id = $1`,
    [accountId],
  );
  return rows[0]!;
}

export const accountRoutes: OfficeRoute[] = [
  {
    method: 'GET',
    path: /^\/accounts$/,
    handler: async (ctx, r) => {
      requireOwner(r.user);
      return { accounts: await listAccounts(ctx.db) };
    },
  },
  {
    method: 'POST',
    path: /^\/accounts$/,
    status: 201,
    handler: async (ctx, r) => {
      requireOwner(r.user);
      const input = parse(CreateAccount, await readJson(r.req, SMALL_BODY_BYTES));
      if (input.storeId !== EVERY_STORE) {
        const { rowCount } = await ctx.db.query('SELECT 1 FROM store WHERE store_id = $1', [input.storeId]);
        if (!rowCount) throw notFound('Store');
      }
      try {
        return await inTransaction(ctx.db, (tx) =>
          insertOfficeAccount(tx, { login: input.login, name: input.name, password: input.password, grants: [{ storeId: input.storeId, role: input.role }] }),
        );
      } catch (error) {
        if (isUniqueViolation(error)) throw new ApiError('bad_request', 'That login is taken: choose another', { reason: 'login_taken' }, 409);
        throw error;
      }
    },
  },
  {
    method: 'POST',
    path: new RegExp(`^/accounts/${OFFICE_ID}/password$`),
    handler: async (ctx, r) => {
      requireOwner(r.user);
      const accountId = r.params[0]!;
      const input = parse(PasswordReset, await readJson(r.req, SMALL_BODY_BYTES));
      await accountExists(ctx.db, accountId);
      const hash = await hashPassword(input.password);
      await inTransaction(ctx.db, async (tx) => {
        await tx.query(
          `UPDATE office_account SET password_hash = $2, failed_attempts = 0, locked_until = NULL,
                  totp_secret = CASE WHEN $3 THEN NULL ELSE totp_secret END,
                  totp_pending_secret = CASE WHEN $3 THEN NULL ELSE totp_pending_secret END
            WHERE account_id = $1`,
          [accountId, hash, input.clearTotp],
        );
        // Whoever knew the old password is signed out everywhere (the owner resetting her own keeps this session).
        await tx.query(`DELETE FROM office_session WHERE account_id = $1 AND token_hash <> $2`, [accountId, r.user.sessionHash]);
      });
      return { accountId, reset: true };
    },
  },
  {
    method: 'PUT',
    path: new RegExp(`^/accounts/${OFFICE_ID}/active$`),
    handler: async (ctx, r) => {
      requireOwner(r.user);
      const accountId = r.params[0]!;
      const { active } = parse(AccountActive, await readJson(r.req, SMALL_BODY_BYTES));
      notSelf(r.user, accountId, 'deactivate');
      await accountExists(ctx.db, accountId);
      await inTransaction(ctx.db, async (tx) => {
        await tx.query(`UPDATE office_account SET active = $2 WHERE account_id = $1`, [accountId, active]);
        if (!active) await tx.query(`DELETE FROM office_session WHERE account_id = $1`, [accountId]);
      });
      return { accountId, active };
    },
  },
  {
    method: 'POST',
    path: /^\/me\/totp$/,
    handler: async (ctx, r) => {
      const current = await totpColumns(ctx.db, r.user.accountId);
      if (current.totp_secret) throw new ApiError('bad_request', 'Two-step sign-in is on already: turn it off first to set up another phone', { reason: 'totp_on' }, 409);
      const secret = newTotpSecret();
      await ctx.db.query(`UPDATE office_account SET totp_pending_secret = $2 WHERE account_id = $1`, [r.user.accountId, secret]);
      return { secret, uri: otpauthUri(TOTP_ISSUER, r.user.login, secret) };
    },
  },
  {
    method: 'POST',
    path: /^\/me\/totp\/confirm$/,
    handler: async (ctx, r) => {
      const { code } = parse(TotpCode, await readJson(r.req, SMALL_BODY_BYTES));
      const current = await totpColumns(ctx.db, r.user.accountId);
      if (!current.totp_pending_secret) throw new ApiError('bad_request', 'Start the set-up first: there is no secret waiting for a code', { reason: 'totp_not_pending' }, 409);
      await requireFreshCode(ctx.db, r.user.accountId, current.totp_pending_secret, code);
      const { rowCount } = await ctx.db.query(
        `UPDATE office_account SET totp_secret = totp_pending_secret, totp_pending_secret = NULL WHERE account_id = $1 AND totp_pending_secret = $2`,
        [r.user.accountId, current.totp_pending_secret],
      );
      if (!rowCount) throw new ApiError('bad_request', 'The set-up was started again elsewhere: scan the new code', { reason: 'totp_not_pending' }, 409);
      return { totp: true };
    },
  },
  {
    method: 'POST',
    path: /^\/me\/totp\/off$/,
    handler: async (ctx, r) => {
      const { code } = parse(TotpCode, await readJson(r.req, SMALL_BODY_BYTES));
      const current = await totpColumns(ctx.db, r.user.accountId);
      if (!current.totp_secret) return { totp: false };
      await requireFreshCode(ctx.db, r.user.accountId, current.totp_secret, code);
      await ctx.db.query(`UPDATE office_account SET totp_secret = NULL WHERE account_id = $1`, [r.user.accountId]);
      return { totp: false };
    },
  },
];

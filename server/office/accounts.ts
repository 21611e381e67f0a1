/** Back-office accounts: made by the owner (or the first set-up), each with its grants. */
import type pg from 'pg';
import { ulid } from 'ulid';
import { z } from 'zod';
import { OFFICE_ROLES } from './access';
import { hashPassword } from './passwords';
import { Login, Password } from './sessions';

export const NewOfficeAccount = z.object({
  login: Login,
  name: z.string().trim().min(1).max(60),
  password: Password,
  grants: z.array(z.object({ storeId: z.string().min(1).max(64), role: z.enum(OFFICE_ROLES) })).min(1).max(100),
});
export type NewOfficeAccount = z.input<typeof NewOfficeAccount>;

type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

/** Inserts the account and its grants (the caller's transaction, or two statements on a pool). */
export async function insertOfficeAccount(db: Queryable, input: NewOfficeAccount): Promise<{ accountId: string }> {
  const account = NewOfficeAccount.parse(input);
  const accountId = ulid();
  await db.query(`INSERT INTO office_account (account_id, login, name, password_hash) VALUES ($1, $2, $3, $4)`, [accountId, account.login, account.name, await hashPassword(account.password)]);
  for (const grant of account.grants) {
    await db.query(`INSERT INTO office_grant (account_id, store_id, role) VALUES ($1, $2, $3)`, [accountId, grant.storeId, grant.role]);
  }
  return { accountId };
}

/**
 * 员工: the tills' users of a store. Owners manage everyone; a store manager her store's cashiers only; an
 * accountant reads. A PIN is hashed in the till's own format (server/pin-hash.ts) and never answered or logged;
 * each change raises the store's version, so every till of the store takes it at its next pull (an inactive
 * user leaves the till's sign-in list, a new PIN replaces the old one).
 */
import { ulid } from 'ulid';
import { NewStaff, PinReset, StaffChange, type StaffMember, type TillRole } from '../../../src-common/office/staff';
import { putUser } from '../../api/admin';
import { bumpStoreVersion } from '../../api/projections';
import { inTransaction, type Db } from '../../database';
import { ApiError, notFound, parse, readJson, SMALL_BODY_BYTES } from '../../http';
import { hashPinForTill } from '../../pin-hash';
import { requireStore, type OfficeUser } from '../access';
import { OFFICE_ID, type OfficeRoute } from '../route';

const MEMBER_COLUMNS = `user_id AS "userId", name, role, active`;

async function requireStoreRow(db: Db, storeId: string): Promise<void> {
  const { rowCount } = await db.query('SELECT 1 FROM store WHERE store_id = $1', [storeId]);
  if (!rowCount) throw notFound('Store');
}

/** A store manager may make and change cashiers only (not the till's owner or technician users, nor promote one). */
function requireMayManage(user: OfficeUser, storeId: string, ...roles: TillRole[]): void {
  const officeRole = requireStore(user, storeId, 'write');
  if (officeRole === 'manager' && roles.some((r) => r !== 'cashier')) {
    throw new ApiError('forbidden', 'A store manager’s account manages cashiers only: ask the owner');
  }
}

async function memberOf(db: Pick<Db, 'query'>, storeId: string, userId: string, lock = false): Promise<StaffMember> {
  const { rows } = await db.query<StaffMember>(
    `SELECT ${MEMBER_COLUMNS} FROM app_user WHERE store_id = $1 AND user_id = $2 AND NOT deleted${lock ? ' FOR UPDATE' : ''}`,
    [storeId, userId],
  );
  if (!rows[0]) throw notFound('User');
  return rows[0];
}

/** A change to one user under the store's next version, the user's row locked while the rules are checked. */
async function changeMember(
  db: Db,
  storeId: string,
  userId: string,
  change: (tx: Pick<Db, 'query'>, current: StaffMember, version: number) => Promise<void>,
): Promise<{ member: StaffMember; version: number }> {
  return inTransaction(db, async (tx) => {
    const { rowCount } = await tx.query('SELECT 1 FROM store WHERE store_id = $1 FOR UPDATE', [storeId]);
    if (!rowCount) throw notFound('Store');
    const current = await memberOf(tx, storeId, userId, true);
    const version = await bumpStoreVersion(tx, storeId);
    await change(tx, current, version);
    return { member: await memberOf(tx, storeId, userId), version };
  });
}

export const staffRoutes: OfficeRoute[] = [
  {
    method: 'GET',
    path: new RegExp(`^/stores/${OFFICE_ID}/staff$`),
    handler: async (ctx, r) => {
      const storeId = r.params[0]!;
      requireStore(r.user, storeId, 'read');
      await requireStoreRow(ctx.db, storeId);
      const { rows } = await ctx.db.query<StaffMember>(
        `SELECT ${MEMBER_COLUMNS} FROM app_user WHERE store_id = $1 AND NOT deleted ORDER BY active DESC, name, user_id`,
        [storeId],
      );
      return { storeId, staff: rows };
    },
  },
  {
    method: 'POST',
    path: new RegExp(`^/stores/${OFFICE_ID}/staff$`),
    status: 201,
    handler: async (ctx, r) => {
      const storeId = r.params[0]!;
      requireStore(r.user, storeId, 'write');
      const input = parse(NewStaff, await readJson(r.req, SMALL_BODY_BYTES));
      requireMayManage(r.user, storeId, input.role);
      await requireStoreRow(ctx.db, storeId);
      const userId = ulid();
      const { version } = await putUser(ctx.db, storeId, userId, { ...input, active: true });
      return { member: await memberOf(ctx.db, storeId, userId), version };
    },
  },
  {
    method: 'PUT',
    path: new RegExp(`^/stores/${OFFICE_ID}/staff/${OFFICE_ID}$`),
    handler: async (ctx, r) => {
      const [storeId, userId] = [r.params[0]!, r.params[1]!];
      requireStore(r.user, storeId, 'write');
      const input = parse(StaffChange, await readJson(r.req, SMALL_BODY_BYTES));
      return changeMember(ctx.db, storeId, userId, async (tx, current, version) => {
        requireMayManage(r.user, storeId, current.role, input.role);
        await tx.query(`UPDATE app_user SET name = $3, role = $4, active = $5, version = $6 WHERE store_id = $1 AND user_id = $2`, [
          storeId,
          userId,
          input.name,
          input.role,
          input.active,
          version,
        ]);
      });
    },
  },
  {
    method: 'POST',
    path: new RegExp(`^/stores/${OFFICE_ID}/staff/${OFFICE_ID}/pin$`),
    handler: async (ctx, r) => {
      const [storeId, userId] = [r.params[0]!, r.params[1]!];
      requireStore(r.user, storeId, 'write');
      const { pin } = parse(PinReset, await readJson(r.req, SMALL_BODY_BYTES));
      // Hashed before the transaction: scrypt takes a while and the store's row is locked inside.
      const pinHash = await hashPinForTill(pin);
      return changeMember(ctx.db, storeId, userId, async (tx, current, version) => {
        requireMayManage(r.user, storeId, current.role);
        await tx.query(`UPDATE app_user SET pin_hash = $3, version = $4 WHERE store_id = $1 AND user_id = $2`, [storeId, userId, pinHash, version]);
      });
    },
  },
];

/** The stores an account can see (with their tills' count and latest contact); the owner adds stores. */
import { CreateStore, type StoreSummary } from '../../../src-common/office/stores';
import { createStore } from '../../api/admin';
import { parse, readJson, SMALL_BODY_BYTES } from '../../http';
import { requireOwner, visibleStores } from '../access';
import type { OfficeRoute } from '../route';

export const storeRoutes: OfficeRoute[] = [
  {
    method: 'GET',
    path: /^\/stores$/,
    handler: async (ctx, r) => {
      const stores = await visibleStores(ctx.db, r.user);
      const { rows } = await ctx.db.query<{ store_id: string; terminals: number; last_contact_at: Date | null }>(
        `SELECT store_id, count(*) FILTER (WHERE revoked_at IS NULL)::int AS terminals, max(last_contact_at) AS last_contact_at
           FROM terminal WHERE store_id = ANY($1) GROUP BY store_id`,
        [stores.map((s) => s.storeId)],
      );
      const byStore = new Map(rows.map((row) => [row.store_id, row]));
      const list: StoreSummary[] = stores.map((s) => ({
        ...s,
        terminals: byStore.get(s.storeId)?.terminals ?? 0,
        lastContactAt: byStore.get(s.storeId)?.last_contact_at?.toISOString() ?? null,
      }));
      return { stores: list };
    },
  },
  {
    method: 'POST',
    path: /^\/stores$/,
    status: 201,
    handler: async (ctx, r) => {
      requireOwner(r.user);
      const { name } = parse(CreateStore, await readJson(r.req, SMALL_BODY_BYTES));
      const created = await createStore(ctx.db, { name });
      return { storeId: created.storeId, name: created.name };
    },
  },
];

/**
 * 库存 (Stock) in the back office: levels with the value at cost and the low-stock list, receiving, counts,
 * transfers and low-stock lines. Reading needs any role in the store; posting needs write (owner, the store's
 * manager). A transfer needs write in both stores: a manager of one store cannot move stock into (or out of) a store
 * she cannot see, so transfers between stores are the owner's (or an account granted both).
 */
import { z } from 'zod';
import { CountRequest, ReceiveRequest, ThresholdRequest, TransferRequest } from '../../../src-common/office/stock';
import { parse, readJson, SMALL_BODY_BYTES } from '../../http';
import { postCount, postReceipt, postTransfer, setThreshold } from '../../stock/documents';
import { stockDocuments, stockSummary, stockView } from '../../stock/views';
import { requireStore, storesInScope, visibleStores } from '../access';
import { OFFICE_ID, type OfficeRoute } from '../route';

/** A document of 500 lines is about 40 KB; the ordinary limit fits it. */
const BODY_BYTES = SMALL_BODY_BYTES;
const StockQuery = z.object({
  q: z.string().max(64).default(''),
  low: z.enum(['0', '1']).default('0'),
  limit: z.coerce.number().int().min(1).max(2000).default(500),
});
const SummaryQuery = z.object({ stores: z.string().max(2000).optional() });

export const stockRoutes: OfficeRoute[] = [
  {
    method: 'GET',
    path: /^\/stock$/,
    handler: async (ctx, r) => {
      const { stores } = parse(SummaryQuery, r.query, 'query');
      const ids = await storesInScope(ctx.db, r.user, stores ? stores.split(',').filter(Boolean) : undefined);
      const names = new Map((await visibleStores(ctx.db, r.user)).map((s) => [s.storeId, s.name]));
      return stockSummary(ctx.db, ids.flatMap((storeId) => (names.has(storeId) ? [{ storeId, name: names.get(storeId)! }] : [])));
    },
  },
  {
    method: 'GET',
    path: new RegExp(`^/stores/${OFFICE_ID}/stock$`),
    handler: async (ctx, r) => {
      const storeId = r.params[0]!;
      requireStore(r.user, storeId, 'read');
      const q = parse(StockQuery, r.query, 'query');
      return stockView(ctx.db, storeId, { query: q.q.trim(), lowOnly: q.low === '1', limit: q.limit });
    },
  },
  {
    method: 'GET',
    path: new RegExp(`^/stores/${OFFICE_ID}/stock/documents$`),
    handler: async (ctx, r) => {
      const storeId = r.params[0]!;
      requireStore(r.user, storeId, 'read');
      return { documents: await stockDocuments(ctx.db, storeId, 50) };
    },
  },
  {
    method: 'POST',
    path: new RegExp(`^/stores/${OFFICE_ID}/stock/receipts$`),
    status: 201,
    handler: async (ctx, r) => {
      const storeId = r.params[0]!;
      requireStore(r.user, storeId, 'write');
      return postReceipt(ctx.db, storeId, r.user.accountId, parse(ReceiveRequest, await readJson(r.req, BODY_BYTES)));
    },
  },
  {
    method: 'POST',
    path: new RegExp(`^/stores/${OFFICE_ID}/stock/counts$`),
    status: 201,
    handler: async (ctx, r) => {
      const storeId = r.params[0]!;
      requireStore(r.user, storeId, 'write');
      return postCount(ctx.db, storeId, r.user.accountId, parse(CountRequest, await readJson(r.req, BODY_BYTES)));
    },
  },
  {
    method: 'POST',
    path: new RegExp(`^/stores/${OFFICE_ID}/stock/transfers$`),
    status: 201,
    handler: async (ctx, r) => {
      const storeId = r.params[0]!;
      requireStore(r.user, storeId, 'write');
      const body = parse(TransferRequest, await readJson(r.req, BODY_BYTES));
      requireStore(r.user, body.toStoreId, 'write');
      return postTransfer(ctx.db, storeId, r.user.accountId, body);
    },
  },
  {
    method: 'PUT',
    path: new RegExp(`^/stores/${OFFICE_ID}/stock/${OFFICE_ID}/threshold$`),
    handler: async (ctx, r) => {
      const [storeId, productId] = [r.params[0]!, r.params[1]!];
      requireStore(r.user, storeId, 'write');
      const { lowStockMilli } = parse(ThresholdRequest, await readJson(r.req, SMALL_BODY_BYTES));
      await setThreshold(ctx.db, storeId, productId, lowStockMilli);
      return { productId, lowStockMilli };
    },
  },
];

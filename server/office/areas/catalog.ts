/**
 * Catalog and prices: the chain's products and categories (owner), a store's own price and on/off switch (owner
 * or that store's manager), which tills have each change, and the CSV/XLSX import (owner). Access is checked here
 * for every call; an accountant reads and changes nothing.
 */
import { z } from 'zod';
import { parseBarcodes } from '../../../src-common/catalog-rows';
import {
  CatalogImportInput,
  CategoryInput,
  ChainProductInput,
  MAX_IMPORT_FILE_BYTES,
  StoreActiveInput,
  StorePriceInput,
} from '../../../src-common/office/catalog';
import { ApiError, notFound, parse, readJson, SMALL_BODY_BYTES } from '../../http';
import { requireOwner, requireStore, storesInScope } from '../access';
import { fillStoreFromChain, listCatalog, newCatalogId, productExists, saveChainCategory, saveChainProduct, setStoreActive, setStorePrice } from '../catalog';
import { importChainCatalog } from '../catalog-import';
import { OFFICE_ID, type OfficeRoute } from '../route';

const ListQuery = z.object({
  store: z.string().regex(/^[0-9A-Za-z:_-]{1,64}$/).optional(),
  q: z.string().max(100).default(''),
});

/** The owner's product as sent, its barcodes checked. A PLU is allowed on any unit, as on the till (a scale can print a fixed-price label too). */
function chainProduct(id: string, body: unknown) {
  const p = parse(ChainProductInput, body);
  // Each code checked (check digit, not in the scales' in-store range) and stored by its canonical key, as the till keys them.
  const barcodes = parseBarcodes(p.barcodes.join(' '));
  if (!barcodes.ok) throw new ApiError('bad_request', `The barcodes do not match: ${barcodes.message}`, { reason: 'bad_barcode' });
  return { id, ...p, barcodes: barcodes.value };
}

const IMPORT_BODY_BYTES = Math.ceil(MAX_IMPORT_FILE_BYTES / 3) * 4 + 1024;

export const catalogRoutes: OfficeRoute[] = [
  {
    method: 'GET',
    path: /^\/catalog$/,
    handler: async (ctx, r) => {
      const { store, q } = parse(ListQuery, r.query, 'query');
      const storeIds = await storesInScope(ctx.db, r.user, store ? [store] : undefined);
      return listCatalog(ctx.db, storeIds, q);
    },
  },
  {
    method: 'POST',
    path: /^\/catalog\/products$/,
    status: 201,
    handler: async (ctx, r) => {
      requireOwner(r.user);
      return saveChainProduct(ctx.db, chainProduct(newCatalogId(), await readJson(r.req, SMALL_BODY_BYTES)));
    },
  },
  {
    method: 'PUT',
    path: new RegExp(`^/catalog/products/${OFFICE_ID}$`),
    handler: async (ctx, r) => {
      requireOwner(r.user);
      const productId = r.params[0]!;
      const product = chainProduct(productId, await readJson(r.req, SMALL_BODY_BYTES));
      if (!(await productExists(ctx.db, productId))) throw notFound('Product');
      return saveChainProduct(ctx.db, product);
    },
  },
  {
    method: 'PUT',
    path: new RegExp(`^/catalog/stores/${OFFICE_ID}/products/${OFFICE_ID}/price$`),
    handler: async (ctx, r) => {
      requireStore(r.user, r.params[0]!, 'write');
      const { price } = parse(StorePriceInput, await readJson(r.req, SMALL_BODY_BYTES));
      return setStorePrice(ctx.db, r.params[0]!, r.params[1]!, price);
    },
  },
  {
    method: 'PUT',
    path: new RegExp(`^/catalog/stores/${OFFICE_ID}/products/${OFFICE_ID}/active$`),
    handler: async (ctx, r) => {
      requireStore(r.user, r.params[0]!, 'write');
      const { active } = parse(StoreActiveInput, await readJson(r.req, SMALL_BODY_BYTES));
      return setStoreActive(ctx.db, r.params[0]!, r.params[1]!, active);
    },
  },
  {
    method: 'POST',
    path: new RegExp(`^/catalog/stores/${OFFICE_ID}/fill-from-chain$`),
    handler: async (ctx, r) => {
      requireOwner(r.user);
      return fillStoreFromChain(ctx.db, r.params[0]!);
    },
  },
  {
    method: 'POST',
    path: /^\/catalog\/categories$/,
    status: 201,
    handler: async (ctx, r) => {
      requireOwner(r.user);
      const { name, sort } = parse(CategoryInput, await readJson(r.req, SMALL_BODY_BYTES));
      return saveChainCategory(ctx.db, newCatalogId(), name, sort);
    },
  },
  {
    method: 'PUT',
    path: new RegExp(`^/catalog/categories/${OFFICE_ID}$`),
    handler: async (ctx, r) => {
      requireOwner(r.user);
      const { name, sort } = parse(CategoryInput, await readJson(r.req, SMALL_BODY_BYTES));
      return saveChainCategory(ctx.db, r.params[0]!, name, sort);
    },
  },
  {
    method: 'POST',
    path: /^\/catalog\/import$/,
    handler: async (ctx, r) => {
      requireOwner(r.user);
      const input = parse(CatalogImportInput, await readJson(r.req, IMPORT_BODY_BYTES));
      const bytes = Buffer.from(input.fileBase64, 'base64');
      if (bytes.length === 0) throw new ApiError('bad_request', 'The file is empty or not base64', { reason: 'empty_file' });
      return importChainCatalog(ctx.db, input.format, bytes, input.apply);
    },
  },
];

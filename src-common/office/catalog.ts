/**
 * The back office's catalog and prices (server/office/areas/catalog.ts): one catalog for the chain, each store's
 * own price where it has one, and which tills have applied each product's latest change. Money in fen.
 */
import { z } from 'zod';
import { PulledProduct } from '../sync-protocol';

const Id = z.string().regex(/^[0-9A-Za-z:_-]{1,64}$/);
/** Visible text: no control characters (a name lands on receipts, scale labels and CSV exports). */
// eslint-disable-next-line no-control-regex
const Visible = (max: number) => z.string().trim().min(1).max(max).regex(/^[^\u0000-\u001f\u007f]*$/, 'contains a control character');

/** The chain's product, as the owner writes it (every store gets it; a store's own price stays). */
export const ChainProductInput = z.object({
  sku: Visible(64),
  name: Visible(100),
  nameEn: Visible(100).nullable().default(null),
  /** The chain's price in fen. */
  price: PulledProduct.shape.price.max(99_999_999),
  taxRateBp: PulledProduct.shape.taxRateBp,
  unit: PulledProduct.shape.unit,
  categoryId: Id.nullable().default(null),
  /** A weighed good's 5-digit PLU (what the scale prints in its labels); only for unit kg. */
  plu: PulledProduct.shape.plu.default(null),
  barcodes: PulledProduct.shape.barcodes.default([]),
  active: z.boolean().default(true),
});
export type ChainProductInput = z.input<typeof ChainProductInput>;

/** A store's own price in fen, or null to follow the chain's again. */
export const StorePriceInput = z.object({ price: PulledProduct.shape.price.max(99_999_999).nullable() });
export const StoreActiveInput = z.object({ active: z.boolean() });
export const CategoryInput = z.object({ name: Visible(40), sort: z.number().int().min(-1_000_000).max(1_000_000).default(0) });

export const ProductInStore = z.object({
  storeId: z.string(),
  /** What this store's tills sell at: its own price, or the chain's. */
  price: z.number().int(),
  overridePrice: z.number().int().nullable(),
  storeActive: z.boolean(),
  /** What the tills of the store see: the chain's switch and the store's. */
  active: z.boolean(),
  /** The store version that carried this row's latest change. */
  version: z.number().int(),
});

export const CatalogProduct = z.object({
  id: z.string(),
  sku: z.string(),
  name: z.string(),
  nameEn: z.string().nullable(),
  chainPrice: z.number().int(),
  taxRateBp: z.number().int(),
  unit: z.enum(['each', 'kg']),
  categoryId: z.string().nullable(),
  plu: z.string().nullable(),
  barcodes: z.array(z.string()),
  chainActive: z.boolean(),
  stores: z.array(ProductInStore),
  /** Tills (of the stores in view) that have applied this product's latest change in their store. */
  tillsHaving: z.array(z.string()),
});
export type CatalogProduct = z.infer<typeof CatalogProduct>;

export const CatalogTill = z.object({
  storeId: z.string(),
  terminalId: z.string(),
  name: z.string(),
  /** The store version the till has applied, or null before its first pull was recorded. */
  pulledVersion: z.number().int().nullable(),
  pulledAt: z.string().nullable(),
});
export type CatalogTill = z.infer<typeof CatalogTill>;

export const CatalogCategory = z.object({ id: z.string(), name: z.string(), sort: z.number().int() });
export type CatalogCategory = z.infer<typeof CatalogCategory>;

export const CatalogList = z.object({
  stores: z.array(
    z.object({
      storeId: z.string(),
      name: z.string(),
      version: z.number().int(),
      /** Chain products this store has no row of (a store added after them): the owner fills it from the chain. */
      missing: z.number().int(),
    }),
  ),
  tills: z.array(CatalogTill),
  categories: z.array(CatalogCategory),
  products: z.array(CatalogProduct),
  /** More products match than the list holds: search to narrow. */
  truncated: z.boolean(),
});
export type CatalogList = z.infer<typeof CatalogList>;

export const SavedProduct = z.object({ productId: z.string(), versions: z.record(z.string(), z.number().int()) });
export const FilledStore = z.object({ storeId: z.string(), products: z.number().int(), categories: z.number().int() });
export const SavedCategory = z.object({ categoryId: z.string() });

/** The most an import file may weigh once base64-encoded (the body's limit follows from it). */
export const MAX_IMPORT_FILE_BYTES = 4 * 1024 * 1024;

/** A CSV or XLSX file (base64) to check (`apply: false`, the preview) or to apply in one transaction. */
export const CatalogImportInput = z.object({
  format: z.enum(['csv', 'xlsx']),
  fileBase64: z.string().min(1).max(Math.ceil(MAX_IMPORT_FILE_BYTES / 3) * 4),
  apply: z.boolean(),
});

export const ImportRow = z.object({
  line: z.number().int(),
  sku: z.string(),
  name: z.string(),
  action: z.enum(['insert', 'update', 'unchanged']),
  /** The chain price after the import, fen. */
  price: z.number().int(),
});
export const ImportSkipped = z.object({ line: z.number().int(), code: z.string(), message: z.string() });
export const CatalogImportReply = z.object({
  applied: z.boolean(),
  inserted: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  rows: z.array(ImportRow),
  skipped: z.array(ImportSkipped),
  /** Columns read but not used here (stock is counted per store on the stock page). */
  ignoredColumns: z.array(z.string()),
});
export type CatalogImportReply = z.infer<typeof CatalogImportReply>;

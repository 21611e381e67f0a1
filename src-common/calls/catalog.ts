/**
 * The owner's product editor on the till (issue 16): list and page the catalog, add and edit products,
 * deactivate them, keep categories, and preview a CSV before importing it. While the till is enrolled with a
 * store server every editor here refuses (managed_by_store_server): the catalog comes down from the server.
 */
import { z } from 'zod';
import { Id, Minor, Product } from '../schemas';
import { UploadId } from './uploads';
import { call, NoInput, Owners, Staff } from './spec';

export const ProductStatusFilter = z.enum(['active', 'inactive', 'all']);
export type ProductStatusFilter = z.infer<typeof ProductStatusFilter>;

export const ProductPage = z.object({
  products: z.array(Product),
  /** Products matching the filter (a search: those found, at most the search's limit). */
  total: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
});
export type ProductPage = z.infer<typeof ProductPage>;

export const CategoryView = z.object({
  id: Id,
  name: z.string(),
  sort: z.number().int(),
  /** Active products in it. */
  products: z.number().int().nonnegative(),
});
export type CategoryView = z.infer<typeof CategoryView>;

// A name reaches receipts and line displays: no byte of it may be a printer command.
// eslint-disable-next-line no-control-regex
const NO_CONTROL = /^[^\u0000-\u001f\u007f-\u009f]*$/;

const CategoryName = z.string().trim().min(1, 'a category needs a name').max(40, 'a category name is at most 40 characters').regex(NO_CONTROL, 'a name holds no control characters');

/** What the owner types into the product form; barcodes as typed (checked and canonicalised in main). */
export const ProductInput = z
  .object({
    sku: z
      .string()
      .trim()
      .min(1, 'a product needs a SKU')
      .max(64)
      .regex(NO_CONTROL, 'a SKU holds no control characters'),
    name: z.string().trim().min(1, 'a product needs a name').max(100).regex(NO_CONTROL, 'a name holds no control characters'),
    nameEn: z.string().trim().max(100).regex(NO_CONTROL, 'a name holds no control characters').nullable(),
    price: Minor.min(0).max(99_999_999),
    taxRateBp: z.number().int().min(0).max(10_000),
    unit: z.enum(['each', 'kg']),
    /** 1–5 digits (zero-padded to 5 in main); only for goods sold by weight. */
    plu: z.string().trim().regex(/^\d{1,5}$/, 'a PLU is 1 to 5 digits').nullable(),
    categoryId: Id.nullable(),
    barcodes: z.array(z.string().trim().min(1).max(20)).max(20),
  })
  .strict()
  .refine((p) => p.plu === null || p.unit === 'kg', { message: 'only goods sold by weight have a PLU', path: ['plu'] });
export type ProductInput = z.infer<typeof ProductInput>;

export const CsvRowProblem = z.object({
  /** Physical line in the file (the header is line 1). */
  line: z.number().int().positive(),
  /** The column the problem is in, when it is one column's. */
  column: z.string().nullable(),
  code: z.string(),
  message: z.string(),
});
export type CsvRowProblem = z.infer<typeof CsvRowProblem>;

export const CsvPreview = z.object({
  toAdd: z.number().int().nonnegative(),
  toChange: z.number().int().nonnegative(),
  unchanged: z.number().int().nonnegative(),
  errors: z.array(CsvRowProblem),
});
export type CsvPreview = z.infer<typeof CsvPreview>;

export const catalogCalls = {
  'catalog.list': call({
    input: () => z
      .object({
        /** Name, pinyin initials, SKU or barcode; blank lists every product by SKU. */
        query: z.string().max(100).optional(),
        status: ProductStatusFilter.optional(),
        categoryId: Id.optional(),
        offset: z.number().int().min(0).max(1_000_000).optional(),
        limit: z.number().int().min(1).max(200).optional(),
      })
      .strict(),
    output: () => ProductPage,
    access: Owners,
    summary: "A page of the catalog for the owner's product list (search, status and category filters)",
  }),
  'catalog.categories': call({
    input: () => NoInput,
    output: () => z.array(CategoryView),
    access: Staff,
    summary: 'Categories in their shelf order, with how many active products each holds',
  }),
  'catalog.inCategory': call({
    input: () => z.object({ categoryId: Id.nullable() }).strict(),
    output: () => z.array(Product),
    access: Staff,
    summary: "Active products of one category (null: those without one), by name: the cashier's product grid",
  }),
  'catalog.save': call({
    input: () => z.object({ productId: Id.optional(), product: ProductInput }).strict(),
    output: () => Product,
    access: Owners,
    summary: 'Add a product (no productId) or change one; a barcode, SKU or PLU of another product is refused naming it',
  }),
  'catalog.setActive': call({
    input: () => z.object({ productId: Id, active: z.boolean() }).strict(),
    output: () => Product,
    access: Owners,
    summary: 'Deactivate a product (never deleted: sales point at it) or bring it back',
  }),
  'catalog.addCategory': call({
    input: () => z.object({ name: CategoryName }).strict(),
    output: () => CategoryView,
    access: Owners,
    summary: 'Add a category after the last one',
  }),
  'catalog.renameCategory': call({
    input: () => z.object({ categoryId: Id, name: CategoryName }).strict(),
    output: () => CategoryView,
    access: Owners,
    summary: 'Rename a category',
  }),
  'catalog.reorderCategories': call({
    input: () => z.object({ categoryIds: z.array(Id).min(1).max(1000) }).strict(),
    output: () => z.array(CategoryView),
    access: Owners,
    summary: 'Put the categories in this order (every category, each once)',
  }),
  'catalog.previewCsv': call({
    input: () => z.union([z.object({ csv: z.string().max(20_000_000) }).strict(), z.object({ uploadId: UploadId }).strict()]),
    output: () => CsvPreview,
    access: Owners,
    summary: 'Check a catalog CSV without changing anything: products to add and change, and each bad row (line, column, why)',
  }),
} as const;

export const catalogEvents = {} as const;

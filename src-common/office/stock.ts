/**
 * The back office's stock (server/office/areas/stock.ts): levels with the value at cost and the low-stock list,
 * receiving (进货/入库), counts (盘点), transfers between stores, low-stock lines. Quantities are thousandths (a
 * piece = 1000, a kg = 1000); money is fen; unit costs are fen per piece or per kg.
 */
import { z } from 'zod';

const Id = z.string().regex(/^[0-9A-Za-z:_-]{1,64}$/);
/** A quantity that moves stock: thousandths, more than nothing, at most a million units. */
const QuantityMilli = z.number().int().min(1).max(1_000_000_000);
/** A counted quantity may be nothing (an empty shelf). */
const CountedMilli = z.number().int().min(0).max(1_000_000_000);
/** Fen per piece or kg: at most ¥10,000,000. */
const UnitCost = z.number().int().min(0).max(1_000_000_000);
const Note = z.string().trim().max(200).optional();
const lines = <T extends z.ZodType>(line: T) => z.array(line).min(1).max(500);

/** Refuses a document that names one product twice (one line per product). */
const oneLinePerProduct = (ls: readonly { productId: string }[]) => new Set(ls.map((l) => l.productId)).size === ls.length;
const ONE_LINE = { message: 'A product is on the document twice: one line per product' };

export const ReceiveRequest = z.object({
  supplier: z.string().trim().min(1).max(100),
  note: Note,
  lines: lines(z.object({ productId: Id, quantityMilli: QuantityMilli, unitCost: UnitCost })).refine(oneLinePerProduct, ONE_LINE),
});
export type ReceiveRequest = z.infer<typeof ReceiveRequest>;

export const CountRequest = z.object({
  note: Note,
  lines: lines(z.object({ productId: Id, countedMilli: CountedMilli })).refine(oneLinePerProduct, ONE_LINE),
});
export type CountRequest = z.infer<typeof CountRequest>;

export const TransferRequest = z.object({
  toStoreId: Id,
  note: Note,
  lines: lines(z.object({ productId: Id, quantityMilli: QuantityMilli })).refine(oneLinePerProduct, ONE_LINE),
});
export type TransferRequest = z.infer<typeof TransferRequest>;

export const ThresholdRequest = z.object({ lowStockMilli: z.number().int().min(0).max(1_000_000_000).nullable() });

export const StockItem = z.object({
  productId: z.string(),
  sku: z.string(),
  name: z.string(),
  nameEn: z.string().nullable(),
  unit: z.enum(['each', 'kg']),
  /** May be below zero (sold before it was received). */
  stockMilli: z.number().int(),
  /** Moving-average unit cost (fen per piece or kg); null until goods came in with a cost. */
  avgCost: z.number().int().nullable(),
  /** max(level, 0) × average cost, to the fen. */
  valueAtCost: z.number().int(),
  /** The product's own line; null: the store's. */
  lowStockMilli: z.number().int().nullable(),
  thresholdMilli: z.number().int(),
  low: z.boolean(),
});
export type StockItem = z.infer<typeof StockItem>;

export const StockTotals = z.object({
  products: z.number().int(),
  /** Sum of the products' values at cost, to the fen. */
  valueAtCost: z.number().int(),
  low: z.number().int(),
  /** Products below zero (sold before received: counted as nothing in the value). */
  negative: z.number().int(),
  /** Products in stock without a cost (received before costs were kept, or by a till without one). */
  uncosted: z.number().int(),
});

export const StockView = z.object({
  storeId: z.string(),
  /** The store's low-stock line for products without their own (thousandths). */
  storeThresholdMilli: z.number().int(),
  totals: StockTotals,
  items: z.array(StockItem),
  /** More products matched than were sent (search to narrow). */
  truncated: z.boolean(),
});
export type StockView = z.infer<typeof StockView>;

export const StockSummary = z.object({ stores: z.array(z.object({ storeId: z.string(), name: z.string() }).extend(StockTotals.shape)) });
export type StockSummary = z.infer<typeof StockSummary>;

export const ReceiveResult = z.object({
  receiptId: z.string(),
  totalCost: z.number().int(),
  lines: z.array(z.object({ productId: z.string(), quantityMilli: z.number().int(), unitCost: z.number().int(), lineCost: z.number().int(), stockMilli: z.number().int(), avgCost: z.number().int().nullable() })),
});
export type ReceiveResult = z.infer<typeof ReceiveResult>;

export const CountResult = z.object({
  countId: z.string(),
  /** Lines whose difference was posted (a zero difference posts nothing). */
  posted: z.number().int(),
  lines: z.array(z.object({ productId: z.string(), expectedMilli: z.number().int(), countedMilli: z.number().int(), deltaMilli: z.number().int(), stockMilli: z.number().int() })),
});
export type CountResult = z.infer<typeof CountResult>;

export const TransferResult = z.object({
  transferId: z.string(),
  fromStoreId: z.string(),
  toStoreId: z.string(),
  lines: z.array(z.object({ productId: z.string(), quantityMilli: z.number().int(), unitCost: z.number().int().nullable(), fromStockMilli: z.number().int(), toStockMilli: z.number().int() })),
});
export type TransferResult = z.infer<typeof TransferResult>;

export const StockDocument = z.object({
  kind: z.enum(['receipt', 'count', 'transfer_out', 'transfer_in']),
  id: z.string(),
  postedAt: z.string(),
  by: z.string().nullable(),
  /** Receipt: the supplier; transfer: the other store's name. */
  party: z.string().nullable(),
  note: z.string().nullable(),
  lines: z.number().int(),
  /** Receipt: its cost; count: the value at cost of its differences (signed); transfer: the goods' value at cost. */
  value: z.number().int().nullable(),
});
export type StockDocument = z.infer<typeof StockDocument>;
export const StockDocuments = z.object({ documents: z.array(StockDocument) });

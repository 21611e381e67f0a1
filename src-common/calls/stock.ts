/** Stock on the till (issue 16): levels and the low-stock list, receiving, counts; and the shift handover. */
import { z } from 'zod';
import { Approval, Id, Minor, QuantityMilli } from '../schemas';
import { ShiftView } from './owner';
import { call, Managers, Owners, type CallSpec } from './spec';

/** A quantity in thousandths that may be zero (a count of nothing on the shelf). */
const CountedMilli = z.number().int().min(0).max(1_000_000_000);
const NonNegativeMinor = z.number().int().min(0).max(1_000_000_000_00);

/** What happens when a line makes the cart hold more of a product than is in stock. */
export const OversellRule = z.enum(['warn', 'pin', 'off']);
export type OversellRule = z.infer<typeof OversellRule>;

export const StockLevel = z.object({
  productId: Id,
  sku: z.string(),
  name: z.string(),
  nameEn: z.string().nullable(),
  unit: z.enum(['each', 'kg']),
  /** Thousandths: pieces × 1000, or grams for goods sold by weight. May be below zero (sold before received). */
  stockMilli: z.number().int(),
  /** The product's own low-stock line; null: the store's (settings.lowStockThreshold). */
  lowStockMilli: z.number().int().nullable(),
  thresholdMilli: z.number().int(),
  /** At or below its line. */
  low: z.boolean(),
});
export type StockLevel = z.infer<typeof StockLevel>;

export const StockMovementView = z.object({
  id: Id,
  productId: Id,
  deltaMilli: z.number().int(),
  reason: z.string(),
  ref: z.string().nullable(),
  at: z.string(),
  unitCost: Minor.nullable(),
});
export type StockMovementView = z.infer<typeof StockMovementView>;

export const ReceiveResult = z.object({
  receiptId: Id,
  supplier: z.string(),
  at: z.string(),
  lines: z.array(z.object({ productId: Id, quantityMilli: z.number().int(), unitCost: Minor, levelMilli: z.number().int() })),
});
export type ReceiveResult = z.infer<typeof ReceiveResult>;

export const CountResult = z.object({
  countId: Id,
  at: z.string(),
  /** Lines whose difference was posted (a zero difference posts nothing). */
  posted: z.number().int(),
  lines: z.array(z.object({ productId: Id, expectedMilli: z.number().int(), countedMilli: z.number().int(), deltaMilli: z.number().int(), levelMilli: z.number().int() })),
});
export type CountResult = z.infer<typeof CountResult>;

const Lines = <T extends z.ZodType>(line: T) => z.array(line).min(1).max(500);

export const HandoverResult = z.object({
  closed: ShiftView,
  opened: ShiftView,
  /** The slip went to the printer's queue; false when no receipt printer is configured. */
  printed: z.boolean(),
});
export type HandoverResult = z.infer<typeof HandoverResult>;

export const stockCalls = {
  'stock.levels': call({
    input: () => z
      .object({
        query: z.string().max(64).optional(),
        lowOnly: z.boolean().optional(),
        sort: z.enum(['name', 'level', 'sku']).optional(),
        descending: z.boolean().optional(),
        limit: z.number().int().min(1).max(1000).optional(),
      })
      .strict(),
    output: () => z.array(StockLevel),
    access: Managers,
    summary: 'Stock levels of active products by name, SKU, pinyin or barcode; lowOnly: those at or below their low-stock line',
  }),
  'stock.movements': call({
    input: () => z.object({ productId: Id, limit: z.number().int().min(1).max(200).optional() }).strict(),
    output: () => z.array(StockMovementView),
    access: Managers,
    summary: "A product's latest stock movements (sales, receiving, counts, …), newest first",
  }),
  'stock.receive': call({
    input: () => z
      .object({
        supplier: z.string().trim().min(1).max(80),
        note: z.string().trim().max(200).optional(),
        lines: Lines(z.object({ productId: Id, quantityMilli: QuantityMilli, unitCost: NonNegativeMinor }).strict()),
      })
      .strict(),
    output: () => ReceiveResult,
    access: Owners,
    summary: 'Receive goods from a supplier (进货): one movement per line in one transaction, audited (refused while a store server owns stock)',
  }),
  'stock.count': call({
    input: () => z.object({ lines: Lines(z.object({ productId: Id, countedMilli: CountedMilli }).strict()) }).strict(),
    output: () => CountResult,
    access: Owners,
    summary: 'Post a stock count (盘点): counted − expected per product as one movement, zero differences post nothing (refused while a store server owns stock)',
  }),
  'stock.setLowStock': call({
    input: () => z.object({ productId: Id, lowStockMilli: CountedMilli.nullable() }).strict(),
    output: () => StockLevel,
    access: Owners,
    summary: "Set a product's own low-stock line (null: the store's)",
  }),
  'shift.handover': call({
    input: () => z
      .object({
        counted: NonNegativeMinor,
        note: z.string().trim().max(200).optional(),
        /** The incoming cashier proves she is there with her PIN. */
        next: Approval,
        float: NonNegativeMinor,
      })
      .strict(),
    output: () => HandoverResult,
    access: ['cashier', 'owner'],
    summary: 'Shift handover (交接班): close the open shift with the counted cash, open the next cashier’s with her float, print the slip',
  }),
} as const satisfies Record<string, CallSpec>;

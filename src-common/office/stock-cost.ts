/**
 * The costing of stock on the store server (server/stock/), shared with the back office's forms: the moving
 * average (移动加权平均). A product's average unit cost (fen per piece or per kg) changes only when goods come
 * in with a cost: the stock on hand at its average and the goods received at theirs, averaged over the new quantity, rounded half up to the fen. Goods going out (sales, counts
 * that find less, transfers out) leave the average as it is. When nothing is on hand (level at or below zero:
 * sold before it was received) the receipt's own cost becomes the average. Products are valued at
 * max(level, 0) × average cost, rounded half up to the fen per product.
 *
 * Quantities are thousandths (1 piece = 1000, 1 kg = 1000); the products of quantity and cost exceed 2^53 for large
 * figures, so the arithmetic is BigInt.
 */

/** a / b rounded half up, for a ≥ 0 and b > 0. */
function divideHalfUp(a: bigint, b: bigint): bigint {
  return (2n * a + b) / (2n * b);
}

/** The cost of a quantity (thousandths) at a unit cost (fen per unit), to the fen. */
export function costOfQuantity(quantityMilli: number, unitCost: number): number {
  if (quantityMilli < 0 || unitCost < 0) throw new RangeError('costOfQuantity takes a quantity and a cost that are not negative');
  return Number(divideHalfUp(BigInt(quantityMilli) * BigInt(unitCost), 1000n));
}

/** The value at cost of a level: nothing for a level at or below zero, or without a cost. */
export function valueAtCost(levelMilli: number, avgCost: number | null): number {
  return avgCost === null || levelMilli <= 0 ? 0 : costOfQuantity(levelMilli, avgCost);
}

/** The average unit cost after `inMilli` (> 0) came in at `unitCost` onto `levelMilli` at `avgCost`. */
export function movingAverageCost(levelMilli: number, avgCost: number | null, inMilli: number, unitCost: number | null): number | null {
  if (inMilli <= 0) throw new RangeError('goods coming in have a positive quantity');
  if (unitCost === null) return avgCost;
  if (avgCost === null || levelMilli <= 0) return unitCost;
  const total = BigInt(levelMilli) * BigInt(avgCost) + BigInt(inMilli) * BigInt(unitCost);
  return Number(divideHalfUp(total, BigInt(levelMilli + inMilli)));
}

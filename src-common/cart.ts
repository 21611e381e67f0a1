/**
 * A sale's cart is the replay of its events (append-only facts in SQLite). Pure: no clock, no I/O.
 */
import type { Discount } from './schemas';

export interface CartLineState {
  lineId: string;
  productId: string;
  sku: string;
  name: string;
  nameEn: string | null;
  unit: 'each' | 'kg';
  unitPrice: number;
  quantityMilli: number;
  taxRateBp: number;
  /** The product's category when scanned, for category promotions (absent in sales opened before them). */
  categoryId?: string | null;
  /** Scale labels that print the price: the line costs this, whatever the quantity says. */
  fixedGross?: number;
  weighed: boolean;
  discount: Discount | null;
}

export type CartEvent =
  | { type: 'opened'; data: Record<string, never> }
  | { type: 'line_added'; data: Omit<CartLineState, 'discount'> }
  | { type: 'quantity_set'; data: { lineId: string; quantityMilli: number } }
  | { type: 'line_removed'; data: { lineId: string } }
  | { type: 'line_discount_set'; data: { lineId: string; discount: Discount | null; approvedBy?: string } }
  | { type: 'order_discount_set'; data: { discount: Discount | null; approvedBy?: string } }
  | { type: 'suspended' | 'resumed' | 'completed'; data: Record<string, unknown> }
  | { type: 'voided'; data: { reason: string } }
  | { type: 'member_set'; data: { memberId: string | null } };

export interface CartState {
  lines: CartLineState[];
  orderDiscount: Discount | null;
  lastLineId: string | null;
  memberId: string | null;
}

export const EMPTY_CART: CartState = { lines: [], orderDiscount: null, lastLineId: null, memberId: null };

/** The cart after `events`, replayed onto `from` (the state after the events before them; none: a new sale). */
export function replayCart(events: readonly CartEvent[], from: CartState = EMPTY_CART): CartState {
  // States are never changed in place (a kept state is the base of later replays: src-main/services/cart-states.ts).
  let { lines, orderDiscount, lastLineId, memberId } = from;
  const update = (lineId: string, change: Partial<CartLineState>) => {
    lines = lines.map((l) => (l.lineId === lineId ? { ...l, ...change } : l));
    lastLineId = lineId;
  };
  for (const event of events) {
    switch (event.type) {
      case 'line_added':
        lines = [...lines, { ...event.data, discount: null }];
        lastLineId = event.data.lineId;
        break;
      case 'quantity_set':
        update(event.data.lineId, { quantityMilli: event.data.quantityMilli });
        break;
      case 'line_removed':
        lines = lines.filter((l) => l.lineId !== event.data.lineId);
        if (lastLineId === event.data.lineId) lastLineId = lines.at(-1)?.lineId ?? null;
        break;
      case 'line_discount_set':
        update(event.data.lineId, { discount: event.data.discount });
        break;
      case 'order_discount_set':
        orderDiscount = event.data.discount;
        break;
      case 'member_set':
        memberId = event.data.memberId;
        break;
      default:
        break;
    }
  }
  return { lines, orderDiscount, lastLineId, memberId };
}

/** The line a new scan of this product should add to, if any: same product, sold by the piece, undiscounted. */
export function mergeTarget(state: CartState, productId: string): CartLineState | undefined {
  return state.lines.find((l) => l.productId === productId && !l.weighed && l.unit === 'each' && l.discount === null);
}

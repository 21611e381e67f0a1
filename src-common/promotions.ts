/**
 * The promotion engine: which promotions a cart earns and what each saves, per line, in fen. Pure: no clock,
 * no I/O; the caller passes the business date (src-common/business-day.ts) and whether a member is attached.
 *
 * The order, always the same:
 *  1. Unit prices. Each line's unit price becomes the lowest of its own price, an active special (特价) of its
 *     product and, with a member attached, the product's member price (会员价). Ties: special before member
 *     price, then the lower promotion id. Lines whose price comes from a scale label (fixedGross) keep it.
 *  2. Nth-item (第N件X折 / 第二件半价) and bundles (A+B 组合价) on whole units of goods sold by the piece, at the
 *     prices of step 1. Units of one product are pooled across the cart's lines, so how they were scanned or
 *     split does not matter. Where promotions compete for the same units, the customer gets the combination
 *     with the largest saving: an exact search over the application counts of the promotions that share
 *     products (ties: the first found, counting the lower-id promotion's applications down from its maximum).
 *     Beyond SEARCH_BUDGET combinations the search gives way to a greedy choice (most saving per application
 *     first), documented as the one case where the customer may not get the best.
 *  3. 满减 (spend X save Y, optionally 每满 X 减 Y, on the order or one category). It is judged on the amounts
 *     after step 1 and before step 2, so completing a bundle never takes a customer under a threshold they
 *     had reached (adding an item never raises the total by more than that item's price). 满减 do not stack:
 *     the one saving the most applies (ties: the lower id), capped at what the lines it covers still cost.
 *  4. The cashier's manual discounts (src-common/pricing.ts), on what the customer pays after all promotions.
 *
 * Rounding: a unit-price saving is the difference of the two extended prices, each rounded half-up to the fen
 * (src-common/money.ts); a percent saving is half-up; a saving spread over several lines is allocated by
 * largest remainder, weighted by what each line still costs, so no line goes below zero and the parts add up
 * to the saving exactly.
 */
import { allocate, extendPrice, percentOf } from './money';

export type NthDiscount = { kind: 'percent_off'; basisPoints: number } | { kind: 'price'; price: number };

export type PromotionRule =
  | { kind: 'special'; productId: string; price: number }
  | { kind: 'member_price'; productId: string; price: number }
  | { kind: 'nth_item'; productId: string; nth: number; discount: NthDiscount }
  | { kind: 'bundle'; items: { productId: string; quantity: number }[]; price: number }
  | { kind: 'spend_save'; threshold: number; saving: number; repeating: boolean; categoryId: string | null };

export type PromotionKind = PromotionRule['kind'];

export interface Promotion {
  id: string;
  name: string;
  active: boolean;
  /** Business dates (YYYY-MM-DD), both inclusive; null is open-ended. */
  startDate: string | null;
  endDate: string | null;
  rule: PromotionRule;
}

export interface PromotionLine {
  lineId: string;
  productId: string;
  categoryId: string | null;
  unit: 'each' | 'kg';
  unitPrice: number;
  quantityMilli: number;
  fixedGross?: number;
}

export interface PromotionContext {
  businessDate: string;
  memberAttached: boolean;
}

export interface AppliedPromotion {
  promotionId: string;
  name: string;
  kind: PromotionKind;
  saving: number;
}

export interface LinePromotions {
  lineId: string;
  /** Steps 1 and 2, on this line. */
  applied: AppliedPromotion[];
  lineSaving: number;
  /** This line's share of the order's 满减. */
  orderSaving: number;
}

export interface PromotionResult {
  /** Same order as the input. */
  lines: LinePromotions[];
  /** The order's 满减 and its whole saving, if one applies. */
  spendSave: AppliedPromotion | null;
  /** Σ lineSaving + Σ orderSaving. */
  totalSaving: number;
}

/** Combinations of application counts searched exactly in one group of competing promotions. */
export const SEARCH_BUDGET = 20_000;

export function isInForce(promotion: Promotion, context: PromotionContext): boolean {
  if (!promotion.active) return false;
  if (promotion.startDate !== null && context.businessDate < promotion.startDate) return false;
  if (promotion.endDate !== null && context.businessDate > promotion.endDate) return false;
  if (promotion.rule.kind === 'member_price' && !context.memberAttached) return false;
  return true;
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const grossOf = (line: PromotionLine, unitPrice: number) => line.fixedGross ?? extendPrice(unitPrice, line.quantityMilli);

interface WorkLine {
  line: PromotionLine;
  effectivePrice: number;
  /** What the line costs after step 1. */
  afterUnit: number;
  /** What it still costs (after the steps applied so far). */
  remaining: number;
  applied: AppliedPromotion[];
  orderSaving: number;
}

type GroupRule = Extract<PromotionRule, { kind: 'nth_item' | 'bundle' }>;
interface GroupPromotion {
  promotion: Promotion;
  rule: GroupRule;
  /** Units of each product one application takes. */
  needs: Map<string, number>;
  savingPerApplication: number;
}

/** Pool of whole units of one product at one price, across lines. */
interface Pool {
  productId: string;
  price: number;
  units: number;
  lines: WorkLine[];
}

function addApplied(work: WorkLine, promotion: Promotion, saving: number) {
  if (saving <= 0) return;
  const existing = work.applied.find((a) => a.promotionId === promotion.id);
  if (existing) existing.saving += saving;
  else work.applied.push({ promotionId: promotion.id, name: promotion.name, kind: promotion.rule.kind, saving });
  work.remaining -= saving;
}

const unitRank = (kind: PromotionKind) => (kind === 'special' ? 0 : 1);

function unitPrices(work: WorkLine[], promotions: readonly Promotion[]) {
  const byProduct = new Map<string, Promotion[]>();
  for (const p of promotions) {
    if (p.rule.kind !== 'special' && p.rule.kind !== 'member_price') continue;
    const list = byProduct.get(p.rule.productId) ?? [];
    list.push(p);
    byProduct.set(p.rule.productId, list);
  }
  for (const w of work) {
    if (w.line.fixedGross !== undefined) continue;
    let best: Promotion | null = null;
    let bestPrice = w.line.unitPrice;
    for (const p of byProduct.get(w.line.productId) ?? []) {
      const price = (p.rule as { price: number }).price;
      const better =
        price < bestPrice ||
        (best !== null && price === bestPrice && (unitRank(p.rule.kind) - unitRank(best.rule.kind) || (p.id < best.id ? -1 : 1)) < 0);
      if (better) {
        best = p;
        bestPrice = price;
      }
    }
    if (best === null) continue;
    w.effectivePrice = bestPrice;
    w.afterUnit = grossOf(w.line, bestPrice);
    addApplied(w, best, w.remaining - w.afterUnit);
  }
}

function poolsOf(work: WorkLine[]): Map<string, Pool> {
  const pools = new Map<string, Pool>();
  for (const w of work) {
    const { line } = w;
    if (line.unit !== 'each' || line.fixedGross !== undefined || line.quantityMilli % 1000 !== 0) continue;
    const pool = pools.get(line.productId);
    // Lines of one product at different prices (a price changed during the sale): only the dearest take part.
    if (pool && pool.price > w.effectivePrice) continue;
    if (!pool || pool.price < w.effectivePrice) {
      pools.set(line.productId, { productId: line.productId, price: w.effectivePrice, units: line.quantityMilli / 1000, lines: [w] });
    } else {
      pool.units += line.quantityMilli / 1000;
      pool.lines.push(w);
    }
  }
  return pools;
}

function groupPromotion(promotion: Promotion, pools: Map<string, Pool>): GroupPromotion | null {
  const rule = promotion.rule;
  if (rule.kind === 'nth_item') {
    const pool = pools.get(rule.productId);
    if (!pool || rule.nth < 1) return null;
    const saving = rule.discount.kind === 'percent_off' ? percentOf(pool.price, Math.min(10000, rule.discount.basisPoints)) : Math.max(0, pool.price - rule.discount.price);
    return saving > 0 ? { promotion, rule, needs: new Map([[rule.productId, rule.nth]]), savingPerApplication: saving } : null;
  }
  if (rule.kind === 'bundle') {
    const needs = new Map<string, number>();
    for (const item of rule.items) needs.set(item.productId, (needs.get(item.productId) ?? 0) + item.quantity);
    let value = 0;
    for (const [productId, quantity] of needs) {
      const pool = pools.get(productId);
      if (!pool || quantity < 1) return null;
      value += pool.price * quantity;
    }
    const saving = value - rule.price;
    return saving > 0 ? { promotion, rule, needs, savingPerApplication: saving } : null;
  }
  return null;
}

function maxApplications(group: GroupPromotion, units: Map<string, number>): number {
  let max = Number.POSITIVE_INFINITY;
  for (const [productId, quantity] of group.needs) max = Math.min(max, Math.floor((units.get(productId) ?? 0) / quantity));
  return Number.isFinite(max) ? max : 0;
}

/** Promotions that share a product, in id order; components in the order of their first promotion. */
function components(groups: GroupPromotion[]): GroupPromotion[][] {
  const parent = groups.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const owner = new Map<string, number>();
  groups.forEach((g, i) => {
    for (const productId of g.needs.keys()) {
      const j = owner.get(productId);
      if (j === undefined) owner.set(productId, i);
      else parent[find(i)] = find(j);
    }
  });
  const byRoot = new Map<number, GroupPromotion[]>();
  groups.forEach((g, i) => {
    const root = find(i);
    const list = byRoot.get(root) ?? [];
    list.push(g);
    byRoot.set(root, list);
  });
  return [...byRoot.values()];
}

/** Application counts for one component's promotions: the largest total saving, or greedy beyond the budget. */
function chooseCounts(groups: GroupPromotion[], units: Map<string, number>): number[] {
  const bound = groups.reduce((n, g) => n * (maxApplications(g, units) + 1), 1);
  if (bound > SEARCH_BUDGET) {
    const order = groups.map((_, i) => i).sort((a, b) => groups[b]!.savingPerApplication - groups[a]!.savingPerApplication || a - b);
    const left = new Map(units);
    const counts = groups.map(() => 0);
    for (const i of order) {
      const g = groups[i]!;
      const n = maxApplications(g, left);
      counts[i] = n;
      for (const [productId, quantity] of g.needs) left.set(productId, (left.get(productId) ?? 0) - n * quantity);
    }
    return counts;
  }
  let best = groups.map(() => 0);
  let bestSaving = 0;
  const counts = groups.map(() => 0);
  const left = new Map(units);
  const search = (i: number, saving: number) => {
    if (i === groups.length) {
      if (saving > bestSaving) {
        bestSaving = saving;
        best = [...counts];
      }
      return;
    }
    const g = groups[i]!;
    for (let n = maxApplications(g, left); n >= 0; n--) {
      counts[i] = n;
      for (const [productId, quantity] of g.needs) left.set(productId, (left.get(productId) ?? 0) - n * quantity);
      search(i + 1, saving + n * g.savingPerApplication);
      for (const [productId, quantity] of g.needs) left.set(productId, (left.get(productId) ?? 0) + n * quantity);
    }
    counts[i] = 0;
  };
  search(0, 0);
  return best;
}

/** Spreads a saving over lines by what each still costs (never more than that), recording it on each. */
function spread(lines: WorkLine[], promotion: Promotion, saving: number) {
  const parts = allocate(saving, lines.map((w) => w.remaining));
  lines.forEach((w, i) => addApplied(w, promotion, parts[i] ?? 0));
}

function groupPromotions(work: WorkLine[], promotions: readonly Promotion[]) {
  const pools = poolsOf(work);
  const groups = promotions
    .filter((p) => p.rule.kind === 'nth_item' || p.rule.kind === 'bundle')
    .map((p) => groupPromotion(p, pools))
    .filter((g): g is GroupPromotion => g !== null);
  const units = new Map([...pools.values()].map((p) => [p.productId, p.units]));
  for (const component of components(groups)) {
    const counts = chooseCounts(component, units);
    component.forEach((g, i) => {
      const n = counts[i] ?? 0;
      if (n === 0) return;
      const saving = n * g.savingPerApplication;
      const products = [...g.needs.entries()];
      // A bundle's saving is shared by its products in proportion to their value in it.
      const shares = allocate(saving, products.map(([productId, quantity]) => (pools.get(productId)?.price ?? 0) * quantity));
      products.forEach(([productId], k) => spread(pools.get(productId)?.lines ?? [], g.promotion, shares[k] ?? 0));
    });
  }
}

function spendSave(work: WorkLine[], promotions: readonly Promotion[]): AppliedPromotion | null {
  let best: { promotion: Promotion; lines: WorkLine[]; saving: number } | null = null;
  for (const p of promotions) {
    const rule = p.rule;
    if (rule.kind !== 'spend_save' || rule.threshold < 1 || rule.saving < 1) continue;
    const lines = rule.categoryId === null ? work : work.filter((w) => w.line.categoryId === rule.categoryId);
    const base = lines.reduce((a, w) => a + w.afterUnit, 0);
    const times = base < rule.threshold ? 0 : rule.repeating ? Math.floor(base / rule.threshold) : 1;
    const saving = Math.min(times * rule.saving, lines.reduce((a, w) => a + w.remaining, 0));
    if (saving > 0 && (best === null || saving > best.saving || (saving === best.saving && p.id < best.promotion.id))) best = { promotion: p, lines, saving };
  }
  if (best === null) return null;
  const parts = allocate(best.saving, best.lines.map((w) => w.remaining));
  best.lines.forEach((w, i) => {
    w.orderSaving += parts[i] ?? 0;
    w.remaining -= parts[i] ?? 0;
  });
  return { promotionId: best.promotion.id, name: best.promotion.name, kind: 'spend_save', saving: best.saving };
}

/** What the cart's lines earn from the promotions in force; see the header for the order and the rules. */
export function applyPromotions(lines: readonly PromotionLine[], promotions: readonly Promotion[], context: PromotionContext): PromotionResult {
  const inForce = promotions.filter((p) => isInForce(p, context)).sort(byId);
  const work: WorkLine[] = lines.map((line) => {
    const gross = grossOf(line, line.unitPrice);
    return { line, effectivePrice: line.unitPrice, afterUnit: gross, remaining: gross, applied: [], orderSaving: 0 };
  });
  if (inForce.length > 0) {
    unitPrices(work, inForce);
    groupPromotions(work, inForce);
  }
  const spend = inForce.length > 0 ? spendSave(work, inForce) : null;
  const result = work.map((w) => ({
    lineId: w.line.lineId,
    applied: w.applied,
    lineSaving: w.applied.reduce((a, p) => a + p.saving, 0),
    orderSaving: w.orderSaving,
  }));
  return { lines: result, spendSave: spend, totalSaving: result.reduce((a, l) => a + l.lineSaving + l.orderSaving, 0) };
}

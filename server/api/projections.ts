/**
 * Projections of newly stored facts, written in the upload's statement straight from the jsonb (one
 * data-modifying CTE per table over `f`, the fact rows the same statement inserted, and `voided_before`, the
 * batch's sales with a void an earlier batch stored: server/api/facts.ts). Each is keyed by its own id within the
 * store, so a projection exists once per fact.
 *
 * A sale, its lines and its tenders are plain inserts: `f` holds only facts this statement stored, and a sale
 * fact's id is its sale's id (facts.ts refuses any other), so a second row for the same sale can only come with
 * the same fact, which `f` leaves out. A tender id already stored for another sale, or a line number twice in a
 * sale, is then a unique violation that refuses the batch whole (facts.ts answers bad_request), where ON CONFLICT
 * DO NOTHING would drop the row silently, and cost an extra index look-up and a WAL record per row on the hot path.
 * Refunds, Z reports and voids keep ON CONFLICT: a till restored from a backup makes its own Z report with a number
 * the server already holds (another fact id), and they are few.
 */
import type pg from 'pg';

/** A projection: its CTE's name, the fact kinds it reads (a batch with none of them leaves it out), its SQL. */
export type Projection = readonly [name: string, kinds: readonly string[], sql: string];

export const PROJECTIONS: readonly Projection[] = [
  ['sales_in', ['sale'], `INSERT INTO sale (store_id, sale_id, terminal_id, receipt_no, business_date, opened_at, closed_at, currency, subtotal,
                     discount_total, total, rounding, tax_total, change_given, cashier_id, shift_id, voided_at)
   SELECT f.store_id, p."saleId", f.terminal_id, p."receiptNo", p."businessDate", p."openedAt", p."closedAt", p.currency, p.subtotal,
          p."discountTotal", p.total, p.rounding, p."taxTotal", p."changeGiven", p."cashierId", p."shiftId", v.voided_at
   FROM f CROSS JOIN LATERAL jsonb_to_record(f.payload) AS p("saleId" text, "receiptNo" int, "businessDate" date,
          "openedAt" timestamptz, "closedAt" timestamptz, currency text, subtotal bigint, "discountTotal" bigint, total bigint,
          rounding bigint, "taxTotal" bigint, "changeGiven" bigint, "cashierId" text, "shiftId" text)
     LEFT JOIN voided_before v ON v.sale_id = f.fact_id
   WHERE f.kind = 'sale'
   RETURNING store_id, terminal_id, business_date, closed_at, subtotal, discount_total, total, rounding, tax_total, sale_id, voided_at`],
  ['lines_in', ['sale'], `INSERT INTO sale_line (store_id, sale_id, line_no, product_id, sku, name, unit, quantity_milli, unit_price, gross,
                          line_discount, order_discount, net, tax_rate_bp, business_date)
   SELECT f.store_id, f.payload->>'saleId', l."lineNo", l."productId", l.sku, l.name, l.unit, l."quantityMilli", l."unitPrice", l.gross,
          l."lineDiscount", l."orderDiscount", l.net, l."taxRateBp", (f.payload->>'businessDate')::date
   FROM f CROSS JOIN LATERAL jsonb_to_recordset(f.payload->'lines') AS l("lineNo" int, "productId" text, sku text, name text,
          unit text, "quantityMilli" bigint, "unitPrice" bigint, gross bigint, "lineDiscount" bigint, "orderDiscount" bigint,
          net bigint, "taxRateBp" int)
   WHERE f.kind = 'sale'
   RETURNING store_id, business_date, sale_id, product_id, name, unit, quantity_milli, net`],
  ['tenders_in', ['sale'], `INSERT INTO sale_tender (store_id, tender_id, sale_id, terminal_id, business_date, seq, kind, amount, tendered, payment_id, merchant_discount, voided)
   SELECT f.store_id, t."tenderId", f.payload->>'saleId', f.terminal_id, (f.payload->>'businessDate')::date, t.seq, t.kind, t.amount,
          t.tendered, t."paymentId", coalesce(t."merchantDiscount", 0), v.sale_id IS NOT NULL
   FROM f CROSS JOIN LATERAL jsonb_to_recordset(f.payload->'tenders') AS t("tenderId" text, seq int, kind text, amount bigint,
          tendered bigint, "paymentId" text, "merchantDiscount" bigint)
     LEFT JOIN voided_before v ON v.sale_id = f.fact_id
   WHERE f.kind = 'sale'
   RETURNING store_id, business_date, terminal_id, kind, amount, voided`],
  ['refunds_in', ['refund'], `INSERT INTO refund (store_id, refund_id, sale_id, terminal_id, business_date, kind, tender_kind, amount, wallet_amount, cash_amount, finished_at)
   SELECT f.store_id, p."refundId", p."saleId", f.terminal_id, p."businessDate", p.kind, p."tenderKind", p.amount, p."walletAmount",
          p."cashAmount", p."finishedAt"
   FROM f CROSS JOIN LATERAL jsonb_to_record(f.payload) AS p("refundId" text, "saleId" text, "businessDate" date, kind text,
          "tenderKind" text, amount bigint, "walletAmount" bigint, "cashAmount" bigint, "finishedAt" timestamptz)
   WHERE f.kind = 'refund'
   ON CONFLICT (store_id, refund_id) DO NOTHING
   RETURNING store_id, business_date, terminal_id, tender_kind, amount`],
  ['z_in', ['z_report'], `INSERT INTO z_report (store_id, terminal_id, z_no, business_date, currency, sales_count, gross, discounts, refunds, net, tax, report)
   SELECT f.store_id, f.terminal_id, p."zNo", p."businessDate", p.currency, p."salesCount", p.gross, p.discounts, p.refunds, p.net, p.tax, p.report
   FROM f CROSS JOIN LATERAL jsonb_to_record(f.payload) AS p("zNo" int, "businessDate" date, currency text, "salesCount" int,
          gross bigint, discounts bigint, refunds bigint, net bigint, tax bigint, report jsonb)
   WHERE f.kind = 'z_report'
   ON CONFLICT (store_id, terminal_id, z_no) DO NOTHING`],
  ['x_in', ['x_report'], `INSERT INTO x_report (store_id, terminal_id, x_id, business_date, from_at, taken_at, taken_by, currency, sales_count, gross, discounts, refunds, net, tax, report)
   SELECT f.store_id, f.terminal_id, p."xId", p."businessDate", p."fromAt", p."takenAt", p."takenBy", p.currency, p."salesCount", p.gross,
          p.discounts, p.refunds, p.net, p.tax, p.report
   FROM f CROSS JOIN LATERAL jsonb_to_record(f.payload) AS p("xId" text, "businessDate" date, "fromAt" timestamptz, "takenAt" timestamptz,
          "takenBy" text, currency text, "salesCount" int, gross bigint, discounts bigint, refunds bigint, net bigint, tax bigint, report jsonb)
   WHERE f.kind = 'x_report'
   ON CONFLICT (store_id, x_id) DO NOTHING`],
  ['voids_in', ['sale_void'], `INSERT INTO sale_void (store_id, sale_id, terminal_id, voided_at, voided_by, reason)
   SELECT f.store_id, p."saleId", f.terminal_id, p.at, p."voidedBy", p.reason
   FROM f CROSS JOIN LATERAL jsonb_to_record(f.payload) AS p("saleId" text, at timestamptz, "voidedBy" text, reason text)
   WHERE f.kind = 'sale_void'
   ON CONFLICT (store_id, sale_id) DO NOTHING`],
  // A sale's e-receipt token (server/office/e-receipt.ts); older tills send none.
  ['receipts_in', ['sale'], `INSERT INTO e_receipt (store_id, token, sale_id, closed_at)
   SELECT f.store_id, f.payload->>'receiptToken', f.payload->>'saleId', (f.payload->>'closedAt')::timestamptz
   FROM f WHERE f.kind = 'sale' AND f.payload ? 'receiptToken'
   ON CONFLICT (store_id, token) DO NOTHING`],
];

/**
 * The dashboard's rollups (server/migrations/0014_sales_rollups.sql), added to in the upload's statement from what
 * its projections above returned: the rows really stored (a refund already held is not in `refunds_in`), sales not
 * voided (a void stored by an earlier batch; a void in this batch subtracts in applyVoids). Each table gets one
 * upsert of the batch's sums per key, in key order (two uploads of one store take its product rows in the same order).
 * Only the rollups that the batch's kinds (`kinds`: sales, refunds) add to, each from those kinds' projections alone.
 */
export function rollups(kinds: ReadonlySet<string>): readonly (readonly [name: string, sql: string])[] {
  const sales = kinds.has('sale');
  const refunds = kinds.has('refund');
  // A batch's sums per key come from its sales, its refunds or both (a part for a kind the batch lacks is left out).
  const from = (parts: readonly (string | false)[]) => parts.filter((p): p is string => p !== false).join('\n           UNION ALL\n           ');
  const list: (readonly [string, string])[] = [];
  if (sales || refunds) {
    list.push(['till_day', `INSERT INTO sale_till_day AS r (store_id, business_date, terminal_id, sales_count, gross, discounts, sales, rounding, tax, refund_count, refunds)
   SELECT store_id, business_date, terminal_id, sum(n), sum(gross), sum(discounts), sum(sales), sum(rounding), sum(tax), sum(refund_count), sum(refunds)
     FROM (${from([
       sales && `SELECT store_id, business_date, terminal_id, 1 AS n, subtotal AS gross, discount_total AS discounts, total AS sales, rounding,
                  tax_total AS tax, 0 AS refund_count, 0 AS refunds
             FROM sales_in WHERE voided_at IS NULL`,
       refunds && `SELECT store_id, business_date, terminal_id, 0 AS n, 0 AS gross, 0 AS discounts, 0 AS sales, 0 AS rounding, 0 AS tax,
                  1 AS refund_count, amount AS refunds
             FROM refunds_in`,
     ])}) x
    GROUP BY store_id, business_date, terminal_id ORDER BY store_id, business_date, terminal_id
   ON CONFLICT (store_id, business_date, terminal_id) DO UPDATE SET
     sales_count = r.sales_count + EXCLUDED.sales_count, gross = r.gross + EXCLUDED.gross, discounts = r.discounts + EXCLUDED.discounts,
     sales = r.sales + EXCLUDED.sales, rounding = r.rounding + EXCLUDED.rounding, tax = r.tax + EXCLUDED.tax,
     refund_count = r.refund_count + EXCLUDED.refund_count, refunds = r.refunds + EXCLUDED.refunds`]);
    list.push(['tender_till_day', `INSERT INTO sale_tender_till_day AS r (store_id, business_date, terminal_id, kind, tender_count, amount, refund_count, refunds)
   SELECT store_id, business_date, terminal_id, kind, sum(n), sum(amount), sum(refund_count), sum(refunds)
     FROM (${from([
       sales && `SELECT store_id, business_date, terminal_id, kind, 1 AS n, amount, 0 AS refund_count, 0 AS refunds FROM tenders_in WHERE NOT voided`,
       refunds && `SELECT store_id, business_date, terminal_id, tender_kind AS kind, 0 AS n, 0 AS amount, 1 AS refund_count, amount AS refunds FROM refunds_in`,
     ])}) x
    GROUP BY store_id, business_date, terminal_id, kind ORDER BY store_id, business_date, terminal_id, kind
   ON CONFLICT (store_id, business_date, terminal_id, kind) DO UPDATE SET
     tender_count = r.tender_count + EXCLUDED.tender_count, amount = r.amount + EXCLUDED.amount,
     refund_count = r.refund_count + EXCLUDED.refund_count, refunds = r.refunds + EXCLUDED.refunds`]);
  }
  if (sales) {
    list.push(['hour_till_day', `INSERT INTO sale_hour_till_day AS r (store_id, business_date, terminal_id, hour, sales_count, amount)
   SELECT store_id, business_date, terminal_id, date_trunc('hour', closed_at, 'UTC'), count(*), sum(total + rounding)
     FROM sales_in WHERE voided_at IS NULL
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
   ON CONFLICT (store_id, business_date, terminal_id, hour) DO UPDATE SET
     sales_count = r.sales_count + EXCLUDED.sales_count, amount = r.amount + EXCLUDED.amount`]);
    list.push(['product_day', `INSERT INTO sale_product_day AS r (store_id, business_date, product_id, line_count, quantity_milli, net, name, unit)
   SELECT l.store_id, l.business_date, l.product_id, count(*), sum(l.quantity_milli), sum(l.net),
          (array_agg(l.name ORDER BY l.sale_id DESC))[1], (array_agg(l.unit ORDER BY l.sale_id DESC))[1]
     FROM lines_in l JOIN sales_in s ON s.sale_id = l.sale_id AND s.voided_at IS NULL
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
   ON CONFLICT (store_id, business_date, product_id) DO UPDATE SET
     line_count = r.line_count + EXCLUDED.line_count, quantity_milli = r.quantity_milli + EXCLUDED.quantity_milli, net = r.net + EXCLUDED.net,
     name = EXCLUDED.name, unit = EXCLUDED.unit`]);
  }
  return list;
}

/**
 * Marks voided the sales of `saleIds` that have a void, for a batch that brought voids: a separate statement, since
 * the upload's data-modifying CTEs do not see each other's rows (a sale whose void came in an earlier batch is
 * stored voided by its own CTE).
 */
export async function applyVoids(tx: pg.ClientBase, storeId: string, saleIds: readonly string[]): Promise<void> {
  if (saleIds.length === 0) return;
  // The sales voided now leave the rollups: their rows were added when they were stored (not voided then).
  await tx.query(
    `WITH voided AS (
       UPDATE sale s SET voided_at = v.voided_at FROM sale_void v
        WHERE v.store_id = $1 AND v.sale_id = ANY($2::text[]) AND s.store_id = $1 AND s.sale_id = v.sale_id AND s.voided_at IS NULL
       RETURNING s.sale_id, s.business_date, s.terminal_id, s.closed_at, s.subtotal, s.discount_total, s.total, s.rounding, s.tax_total),
     tenders AS (
       UPDATE sale_tender t SET voided = true FROM voided WHERE t.store_id = $1 AND t.sale_id = voided.sale_id AND NOT t.voided
       RETURNING t.business_date, t.terminal_id, t.kind, t.amount),
     till_day AS (
       UPDATE sale_till_day r SET sales_count = r.sales_count - x.n, gross = r.gross - x.gross, discounts = r.discounts - x.discounts,
              sales = r.sales - x.sales, rounding = r.rounding - x.rounding, tax = r.tax - x.tax
         FROM (SELECT business_date, terminal_id, count(*) AS n, sum(subtotal) AS gross, sum(discount_total) AS discounts, sum(total) AS sales,
                      sum(rounding) AS rounding, sum(tax_total) AS tax
                 FROM voided GROUP BY 1, 2) x
        WHERE r.store_id = $1 AND r.business_date = x.business_date AND r.terminal_id = x.terminal_id),
     tender_till_day AS (
       UPDATE sale_tender_till_day r SET tender_count = r.tender_count - x.n, amount = r.amount - x.amount
         FROM (SELECT business_date, terminal_id, kind, count(*) AS n, sum(amount) AS amount FROM tenders GROUP BY 1, 2, 3) x
        WHERE r.store_id = $1 AND r.business_date = x.business_date AND r.terminal_id = x.terminal_id AND r.kind = x.kind),
     hour_till_day AS (
       UPDATE sale_hour_till_day r SET sales_count = r.sales_count - x.n, amount = r.amount - x.amount
         FROM (SELECT business_date, terminal_id, date_trunc('hour', closed_at, 'UTC') AS hour, count(*) AS n, sum(total + rounding) AS amount
                 FROM voided GROUP BY 1, 2, 3) x
        WHERE r.store_id = $1 AND r.business_date = x.business_date AND r.terminal_id = x.terminal_id AND r.hour = x.hour)
     UPDATE sale_product_day r SET line_count = r.line_count - x.n, quantity_milli = r.quantity_milli - x.quantity_milli, net = r.net - x.net
       FROM (SELECT l.business_date, l.product_id, count(*) AS n, sum(l.quantity_milli) AS quantity_milli, sum(l.net) AS net
               FROM voided JOIN sale_line l ON l.store_id = $1 AND l.sale_id = voided.sale_id GROUP BY 1, 2) x
      WHERE r.store_id = $1 AND r.business_date = x.business_date AND r.product_id = x.product_id`,
    [storeId, saleIds],
  );
}

export const STOCK_MOVEMENTS = `
  INSERT INTO stock_movement (store_id, movement_id, product_id, delta_milli, reason, ref, at, terminal_id, unit_cost)
  SELECT f.store_id, p."movementId", p."productId", p."deltaMilli", p.reason, p.ref, p.at, f.terminal_id,
         CASE WHEN p."deltaMilli" > 0 THEN p."unitCost" END
  FROM f CROSS JOIN LATERAL jsonb_to_record(f.payload) AS p("movementId" text, "productId" text, "deltaMilli" bigint,
         reason text, ref text, at timestamptz, "unitCost" bigint)
  WHERE f.kind = 'stock_movement'
  ON CONFLICT (store_id, movement_id) DO NOTHING
  RETURNING product_id, delta_milli, unit_cost`;

/** Adds movements to the store's stock levels under a new store version, so tills pull the new levels. */
export async function applyStockMovements(
  tx: pg.ClientBase,
  storeId: string,
  moved: readonly { product_id: string; delta_milli: number }[],
): Promise<void> {
  if (moved.length === 0) return;
  const sums = new Map<string, number>();
  for (const m of moved) sums.set(m.product_id, (sums.get(m.product_id) ?? 0) + m.delta_milli);
  const version = await bumpStoreVersion(tx, storeId);
  await tx.query(
    `INSERT INTO stock_level (store_id, product_id, stock_milli, version)
     SELECT $1, t.product_id, t.delta, $2 FROM unnest($3::text[], $4::bigint[]) AS t(product_id, delta)
     ON CONFLICT (store_id, product_id) DO UPDATE SET stock_milli = stock_level.stock_milli + EXCLUDED.stock_milli, version = EXCLUDED.version`,
    [storeId, version, [...sums.keys()], [...sums.values()]],
  );
}

/**
 * The store's next version. The store row stays locked until commit, so versions commit in order and a pull
 * never sees version n+1 without n.
 */
export async function bumpStoreVersion(tx: pg.ClientBase, storeId: string): Promise<number> {
  const { rows } = await tx.query<{ version: number }>(`UPDATE store SET version = version + 1 WHERE store_id = $1 RETURNING version`, [storeId]);
  if (!rows[0]) throw new Error(`store ${storeId} vanished`);
  return rows[0].version;
}

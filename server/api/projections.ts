/**
 * Projections of newly stored facts, written in the upload's statement straight from the jsonb (one
 * data-modifying CTE per table over `f`, the fact rows the same statement inserted). Each is keyed by its
 * own id within the store, so a projection exists once per fact.
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

export const PROJECTIONS = [
  `INSERT INTO sale (store_id, sale_id, terminal_id, receipt_no, business_date, opened_at, closed_at, currency, subtotal,
                     discount_total, total, rounding, tax_total, change_given, cashier_id, shift_id, voided_at)
   SELECT f.store_id, p."saleId", f.terminal_id, p."receiptNo", p."businessDate", p."openedAt", p."closedAt", p.currency, p.subtotal,
          p."discountTotal", p.total, p.rounding, p."taxTotal", p."changeGiven", p."cashierId", p."shiftId",
          -- a void stored by an earlier batch (one in this batch is applyVoids')
          (SELECT v.voided_at FROM sale_void v WHERE v.store_id = f.store_id AND v.sale_id = p."saleId")
   FROM f CROSS JOIN LATERAL jsonb_to_record(f.payload) AS p("saleId" text, "receiptNo" int, "businessDate" date,
          "openedAt" timestamptz, "closedAt" timestamptz, currency text, subtotal bigint, "discountTotal" bigint, total bigint,
          rounding bigint, "taxTotal" bigint, "changeGiven" bigint, "cashierId" text, "shiftId" text)
   WHERE f.kind = 'sale'`,
  `INSERT INTO sale_line (store_id, sale_id, line_no, product_id, sku, name, unit, quantity_milli, unit_price, gross,
                          line_discount, order_discount, net, tax_rate_bp, business_date)
   SELECT f.store_id, f.payload->>'saleId', l."lineNo", l."productId", l.sku, l.name, l.unit, l."quantityMilli", l."unitPrice", l.gross,
          l."lineDiscount", l."orderDiscount", l.net, l."taxRateBp", (f.payload->>'businessDate')::date
   FROM f CROSS JOIN LATERAL jsonb_to_recordset(f.payload->'lines') AS l("lineNo" int, "productId" text, sku text, name text,
          unit text, "quantityMilli" bigint, "unitPrice" bigint, gross bigint, "lineDiscount" bigint, "orderDiscount" bigint,
          net bigint, "taxRateBp" int)
   WHERE f.kind = 'sale'`,
  `INSERT INTO sale_tender (store_id, tender_id, sale_id, terminal_id, business_date, seq, kind, amount, tendered, payment_id, merchant_discount, voided)
   SELECT f.store_id, t."tenderId", f.payload->>'saleId', f.terminal_id, (f.payload->>'businessDate')::date, t.seq, t.kind, t.amount,
          t.tendered, t."paymentId", coalesce(t."merchantDiscount", 0),
          EXISTS (SELECT 1 FROM sale_void v WHERE v.store_id = f.store_id AND v.sale_id = f.payload->>'saleId')
   FROM f CROSS JOIN LATERAL jsonb_to_recordset(f.payload->'tenders') AS t("tenderId" text, seq int, kind text, amount bigint,
          tendered bigint, "paymentId" text, "merchantDiscount" bigint)
   WHERE f.kind = 'sale'`,
  `INSERT INTO refund (store_id, refund_id, sale_id, terminal_id, business_date, kind, tender_kind, amount, wallet_amount, cash_amount, finished_at)
   SELECT f.store_id, p."refundId", p."saleId", f.terminal_id, p."businessDate", p.kind, p."tenderKind", p.amount, p."walletAmount",
          p."cashAmount", p."finishedAt"
   FROM f CROSS JOIN LATERAL jsonb_to_record(f.payload) AS p("refundId" text, "saleId" text, "businessDate" date, kind text,
          "tenderKind" text, amount bigint, "walletAmount" bigint, "cashAmount" bigint, "finishedAt" timestamptz)
   WHERE f.kind = 'refund'
   ON CONFLICT (store_id, refund_id) DO NOTHING`,
  `INSERT INTO z_report (store_id, terminal_id, z_no, business_date, currency, sales_count, gross, discounts, refunds, net, tax, report)
   SELECT f.store_id, f.terminal_id, p."zNo", p."businessDate", p.currency, p."salesCount", p.gross, p.discounts, p.refunds, p.net, p.tax, p.report
   FROM f CROSS JOIN LATERAL jsonb_to_record(f.payload) AS p("zNo" int, "businessDate" date, currency text, "salesCount" int,
          gross bigint, discounts bigint, refunds bigint, net bigint, tax bigint, report jsonb)
   WHERE f.kind = 'z_report'
   ON CONFLICT (store_id, terminal_id, z_no) DO NOTHING`,
  `INSERT INTO x_report (store_id, terminal_id, x_id, business_date, from_at, taken_at, taken_by, currency, sales_count, gross, discounts, refunds, net, tax, report)
   SELECT f.store_id, f.terminal_id, p."xId", p."businessDate", p."fromAt", p."takenAt", p."takenBy", p.currency, p."salesCount", p.gross,
          p.discounts, p.refunds, p.net, p.tax, p.report
   FROM f CROSS JOIN LATERAL jsonb_to_record(f.payload) AS p("xId" text, "businessDate" date, "fromAt" timestamptz, "takenAt" timestamptz,
          "takenBy" text, currency text, "salesCount" int, gross bigint, discounts bigint, refunds bigint, net bigint, tax bigint, report jsonb)
   WHERE f.kind = 'x_report'
   ON CONFLICT (store_id, x_id) DO NOTHING`,
  `INSERT INTO sale_void (store_id, sale_id, terminal_id, voided_at, voided_by, reason)
   SELECT f.store_id, p."saleId", f.terminal_id, p.at, p."voidedBy", p.reason
   FROM f CROSS JOIN LATERAL jsonb_to_record(f.payload) AS p("saleId" text, at timestamptz, "voidedBy" text, reason text)
   WHERE f.kind = 'sale_void'
   ON CONFLICT (store_id, sale_id) DO NOTHING`,
  // A sale's e-receipt token (server/office/e-receipt.ts); older tills send none.
  `INSERT INTO e_receipt (store_id, token, sale_id, closed_at)
   SELECT f.store_id, f.payload->>'receiptToken', f.payload->>'saleId', (f.payload->>'closedAt')::timestamptz
   FROM f WHERE f.kind = 'sale' AND f.payload ? 'receiptToken'
   ON CONFLICT (store_id, token) DO NOTHING`,
];

/**
 * Marks voided the sales of `saleIds` that have a void, for a batch that brought voids: a separate statement, since
 * the upload's data-modifying CTEs do not see each other's rows (a sale whose void came in an earlier batch is
 * stored voided by its own CTE).
 */
export async function applyVoids(tx: pg.ClientBase, storeId: string, saleIds: readonly string[]): Promise<void> {
  if (saleIds.length === 0) return;
  await tx.query(
    `WITH voided AS (
       UPDATE sale s SET voided_at = v.voided_at FROM sale_void v
        WHERE v.store_id = $1 AND v.sale_id = ANY($2::text[]) AND s.store_id = $1 AND s.sale_id = v.sale_id AND s.voided_at IS NULL
       RETURNING s.sale_id)
     UPDATE sale_tender t SET voided = true FROM voided WHERE t.store_id = $1 AND t.sale_id = voided.sale_id`,
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

/**
 * A sale's fact is stored once: its projections sale and sale_line hold most of it (its lines are most of its
 * bytes), so the fact row keeps only what they do not (the taxes, the tenders, the till's own opening and closing
 * time strings, the e-receipt token, and any field a newer till adds), and a reader gets the whole payload back from
 * the three rows. It was the largest part of an upload's WAL (a 1.5 KB jsonb written twice over, in the fact and in
 * its projections). The tenders stay in the fact: sale_tender has no index by sale (its key is the tender id), and a
 * reader (the e-receipt page) must find a sale's tenders without scanning the store's.
 * Sales stored before this keep their whole payload; the rebuild returns those as they are.
 */

/** The keys of a sale fact's payload that its projections hold and a reader finds by the sale's key, left out of the fact row. */
const PROJECTED = [
  'saleId', 'receiptNo', 'businessDate', 'currency', 'subtotal', 'discountTotal', 'total', 'rounding', 'taxTotal', 'changeGiven',
  'cashierId', 'shiftId', 'lines',
] as const;

export const SALE_PROJECTED_KEYS = `ARRAY[${PROJECTED.map((k) => `'${k}'`).join(', ')}]::text[]`;

/**
 * SQL for the whole payload of `fact`, a sale fact's row (an alias in the caller's FROM): the stored rest with the
 * sale's own fields and its lines by line number (the order tills send them in: src-main/sync/facts.ts), as the
 * till sent it after the protocol's parse. Reads the sale and its lines by their keys' prefix (store_id, sale_id).
 */
export function salePayloadSql(fact: string): string {
  return `CASE WHEN ${fact}.payload ? 'lines' THEN ${fact}.payload ELSE ${fact}.payload || (
    SELECT jsonb_build_object('saleId', s.sale_id, 'receiptNo', s.receipt_no, 'businessDate', to_char(s.business_date, 'YYYY-MM-DD'),
             'currency', s.currency, 'subtotal', s.subtotal, 'discountTotal', s.discount_total, 'total', s.total, 'rounding', s.rounding,
             'taxTotal', s.tax_total, 'changeGiven', s.change_given, 'cashierId', s.cashier_id, 'shiftId', s.shift_id,
             'lines', (SELECT coalesce(jsonb_agg(jsonb_build_object('lineNo', l.line_no, 'productId', l.product_id, 'sku', l.sku, 'name', l.name,
                                'unit', l.unit, 'quantityMilli', l.quantity_milli, 'unitPrice', l.unit_price, 'gross', l.gross,
                                'lineDiscount', l.line_discount, 'orderDiscount', l.order_discount, 'net', l.net, 'taxRateBp', l.tax_rate_bp)
                              ORDER BY l.line_no), '[]'::jsonb)
                         FROM sale_line l WHERE l.store_id = s.store_id AND l.sale_id = s.sale_id))
      FROM sale s WHERE s.store_id = ${fact}.store_id AND s.sale_id = ${fact}.fact_id) END`;
}

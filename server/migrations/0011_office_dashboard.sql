-- The back office's dashboard and reports: a range of business dates of some stores' Z reports, and the cash
-- counted at shifts' close (a fact without a business date, found by its store and time), without scanning a
-- store's every row.
CREATE INDEX z_report_by_date ON z_report (store_id, business_date);
CREATE INDEX fact_shift_close ON fact (store_id, recorded_at) WHERE kind = 'shift_close';

-- Sales by hour across many stores: the daily-total index also holds each sale's closing time, so the hours are an
-- index-only scan like the totals (same index name and key; it replaces 0004's).
DROP INDEX sale_daily_total;
CREATE INDEX sale_daily_total ON sale (store_id, business_date, terminal_id)
  INCLUDE (subtotal, discount_total, total, rounding, tax_total, closed_at) WHERE voided_at IS NULL;

-- Top sellers of a range: a line carries its sale's business date (written by the upload's projection), so a range's
-- lines are read from one index instead of joining every sale of the range to its lines. Lines stored before this
-- migration get theirs from their sale.
ALTER TABLE sale_line ADD COLUMN business_date date;
UPDATE sale_line l SET business_date = s.business_date FROM sale s WHERE s.store_id = l.store_id AND s.sale_id = l.sale_id;
CREATE INDEX sale_line_by_date ON sale_line (store_id, business_date) INCLUDE (product_id, quantity_milli, net, sale_id);

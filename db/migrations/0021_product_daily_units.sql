-- Units sold of each product per business day, kept by a trigger in the same transaction as the sale (like the
-- other day totals), so the kiosk can order its products by popularity (the last 30 trading days) by reading a
-- few thousand rows, whatever the number of sales. Weighed goods count in thousandths of a kilogram.
CREATE TABLE daily_product_total (
  business_date  TEXT NOT NULL,
  product_id     TEXT NOT NULL,
  quantity_milli INTEGER NOT NULL,
  PRIMARY KEY (business_date, product_id)
) STRICT, WITHOUT ROWID;

-- A completed sale's lines are written after its header is closed (see 0011): each adds to its sale's day.
CREATE TRIGGER daily_product_line_added AFTER INSERT ON sale_line
BEGIN
  INSERT INTO daily_product_total (business_date, product_id, quantity_milli)
  SELECT s.business_date, NEW.product_id, NEW.quantity_milli
    FROM sale s WHERE s.id = NEW.sale_id AND s.status = 'completed' AND s.business_date IS NOT NULL
  ON CONFLICT (business_date, product_id) DO UPDATE SET quantity_milli = quantity_milli + excluded.quantity_milli;
END;

-- The sales completed before this migration.
INSERT INTO daily_product_total (business_date, product_id, quantity_milli)
SELECT s.business_date, l.product_id, sum(l.quantity_milli)
  FROM sale s JOIN sale_line l ON l.sale_id = s.id
 WHERE s.status = 'completed' AND s.business_date IS NOT NULL
 GROUP BY s.business_date, l.product_id;

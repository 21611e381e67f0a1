-- Stock on the till (issue 16): receiving (进货/入库) and counts (盘点) as movements of their own, the unit cost
-- of goods received, and a low-stock threshold per product. A receipt's movements share its id as `ref`; who
-- delivered it (the supplier) is in its audit row (audited, and uploaded as an audit fact), so no new fact table.

-- A product's own low-stock line in thousandths (units or grams); null: the store's setting (lowStockThreshold).
ALTER TABLE product ADD COLUMN low_stock_milli INTEGER CHECK (low_stock_milli IS NULL OR low_stock_milli >= 0);

-- The stock ledger with two more reasons ('receive', 'count') and the unit cost of a receipt's line. SQLite cannot
-- change a CHECK constraint in place: the table is rebuilt, every row kept, and its triggers made again (dropping
-- the table drops them): append-only, and the store-sync trigger of 0022_sync.sql.
CREATE TABLE stock_movement_0023 (
  id          TEXT PRIMARY KEY,
  product_id  TEXT NOT NULL REFERENCES product (id),
  delta_milli INTEGER NOT NULL CHECK (delta_milli <> 0),
  reason      TEXT NOT NULL CHECK (reason IN ('sale', 'import', 'adjust', 'void', 'receive', 'count')),
  ref         TEXT,
  at          TEXT NOT NULL,
  -- What one unit (piece or kg) cost from the supplier, in minor units: receiving only.
  unit_cost   INTEGER CHECK (unit_cost IS NULL OR (unit_cost >= 0 AND reason = 'receive'))
) STRICT;
INSERT INTO stock_movement_0023 (id, product_id, delta_milli, reason, ref, at) SELECT id, product_id, delta_milli, reason, ref, at FROM stock_movement;
DROP TABLE stock_movement;
ALTER TABLE stock_movement_0023 RENAME TO stock_movement;
CREATE INDEX stock_movement_product ON stock_movement (product_id, at);

CREATE TRIGGER stock_movement_no_update BEFORE UPDATE ON stock_movement
BEGIN
  SELECT RAISE(ABORT, 'stock_movement is append-only');
END;

CREATE TRIGGER stock_movement_no_delete BEFORE DELETE ON stock_movement
BEGIN
  SELECT RAISE(ABORT, 'stock_movement is append-only');
END;

CREATE TRIGGER sync_fact_stock_movement AFTER INSERT ON stock_movement
  BEGIN INSERT OR IGNORE INTO sync_fact (kind, ref_id, recorded_at) VALUES ('stock_movement', NEW.id, NEW.at); END;

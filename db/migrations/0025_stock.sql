-- Stock on the till (issue 16): receiving (进货/入库) and counts (盘点) as movements of their own, the unit cost
-- of goods received, and a low-stock threshold per product. A receipt's movements share its id as `ref`; who
-- delivered it (the supplier) is in its audit row (audited, and uploaded as an audit fact), so no new fact table.

-- A product's own low-stock line in thousandths (units or grams); null: the store's setting (lowStockThreshold).
ALTER TABLE product ADD COLUMN low_stock_milli INTEGER CHECK (low_stock_milli IS NULL OR low_stock_milli >= 0);

-- What one unit (piece or kg) cost from the supplier, in minor units: receiving only.
ALTER TABLE stock_movement ADD COLUMN unit_cost INTEGER CHECK (unit_cost IS NULL OR (unit_cost >= 0 AND reason = 'receive'));

-- Two more reasons for a movement, 'receive' and 'count'. They are
-- more values in a CHECK's list, which every stored row satisfies already: the table's statement is widened in place
-- (db/migrate.ts), not rebuilt (two million movements on a 1 M-sale till took 15 s to copy); its triggers (append-only,
-- and the store-sync trigger of 0022_sync.sql) stay as they are.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, '''adjust'', ''void''))', '''adjust'', ''void'', ''receive'', ''count''))')
 WHERE type = 'table' AND name = 'stock_movement' AND instr(sql, '''adjust'', ''void''))') > 0;

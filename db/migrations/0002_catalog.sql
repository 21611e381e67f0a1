-- The product catalog: categories, products, their barcodes, and the stock ledger.

-- Shelf categories (饮料, 零食 …), listed by `sort` then name.
CREATE TABLE category (
  id   TEXT PRIMARY KEY,
  name TEXT NOT NULL CHECK (length(trim(name)) > 0),
  sort INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE UNIQUE INDEX category_name ON category (name);

-- One row per sellable item. Prices are tax-inclusive, in minor units (fen); the tax rate in basis points
-- (1300 = 13%). Quantities are thousandths: 1 each = 1000, 1 kg = 1000 for goods sold by weight.
-- `stock_milli` is the running sum of stock_movement and may go below zero: a till never refuses a sale
-- for stock. Products are deactivated, never deleted (sales and movements point at them).
CREATE TABLE product (
  id              TEXT PRIMARY KEY,
  sku             TEXT NOT NULL CHECK (length(sku) BETWEEN 1 AND 64),
  name            TEXT NOT NULL CHECK (length(trim(name)) > 0),
  name_en         TEXT,
  price           INTEGER NOT NULL CHECK (price >= 0),
  tax_rate_bp     INTEGER NOT NULL CHECK (tax_rate_bp BETWEEN 0 AND 10000),
  unit            TEXT NOT NULL CHECK (unit IN ('each', 'kg')),
  stock_milli     INTEGER NOT NULL DEFAULT 0,
  category_id     TEXT REFERENCES category (id),
  active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  -- Lower-case pinyin initials of the name, computed when the name is written (可口可乐 → kkkl,
  -- 农夫山泉550ml → nfsq550ml), so search never runs pinyin per keystroke.
  pinyin_initials TEXT NOT NULL CHECK (pinyin_initials = lower(pinyin_initials)),
  -- Price look-up number for goods weighed on a label scale (flag 2 digits + PLU 5 + price 5 + check).
  plu             TEXT CHECK (plu GLOB '[0-9][0-9][0-9][0-9][0-9]'),
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX product_sku ON product (sku);
CREATE UNIQUE INDEX product_plu ON product (plu) WHERE plu IS NOT NULL;
CREATE INDEX product_category ON product (category_id, name);

-- Barcodes of a product, stored as the canonical lookup key (the 13-digit GTIN: EAN-13 as printed,
-- UPC-A and UPC-E with a leading 0, EAN-8 with five), so a can scanned as UPC-E finds its UPC-A row.
-- One product may have several; one barcode belongs to one product.
CREATE TABLE product_barcode (
  barcode    TEXT PRIMARY KEY CHECK (length(barcode) BETWEEN 8 AND 14 AND barcode NOT GLOB '*[^0-9]*'),
  product_id TEXT NOT NULL REFERENCES product (id),
  position   INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;
CREATE INDEX product_barcode_product ON product_barcode (product_id, position);

-- The stock ledger, append-only: every change of product.stock_milli is one row here, written in the
-- same transaction. A correction is a new row.
CREATE TABLE stock_movement (
  id          TEXT PRIMARY KEY,
  product_id  TEXT NOT NULL REFERENCES product (id),
  delta_milli INTEGER NOT NULL CHECK (delta_milli <> 0),
  reason      TEXT NOT NULL CHECK (reason IN ('sale', 'import', 'adjust', 'void')),
  ref         TEXT,
  at          TEXT NOT NULL
) STRICT;
CREATE INDEX stock_movement_product ON stock_movement (product_id, at);

CREATE TRIGGER stock_movement_no_update BEFORE UPDATE ON stock_movement
BEGIN
  SELECT RAISE(ABORT, 'stock_movement is append-only');
END;

CREATE TRIGGER stock_movement_no_delete BEFORE DELETE ON stock_movement
BEGIN
  SELECT RAISE(ABORT, 'stock_movement is append-only');
END;

-- Stock in the back office (issue 15): receiving documents (进货/入库), counts (盘点) and transfers between stores,
-- each a document with its lines, posted as stock movements (ref = the document's id). Costing is the moving
-- average (移动加权平均): a product's average unit cost per store changes only when goods come in with a cost
-- (a receipt, a transfer in, a till's receipt uploaded with its cost); the stock value at cost is level × that cost.
-- store_id leads every key; a transfer is two documents, one in each store, sharing its transfer_id (no foreign key
-- crosses stores).

-- What one unit (piece or kg) cost, in fen: receiving and transfers in; null for every other movement.
ALTER TABLE stock_movement ADD COLUMN unit_cost bigint CHECK (unit_cost IS NULL OR unit_cost >= 0);

-- Per product per store: the moving average unit cost (fen per piece or kg, rounded half up at each receipt; null
-- until goods came in with a cost) and its own low-stock line in thousandths (null: the store's lowStockThreshold).
CREATE TABLE stock_product (
  store_id text NOT NULL,
  product_id text NOT NULL,
  avg_cost bigint CHECK (avg_cost IS NULL OR avg_cost >= 0),
  low_stock_milli bigint CHECK (low_stock_milli IS NULL OR low_stock_milli >= 0),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (store_id, product_id)
);

CREATE TABLE stock_receipt (
  store_id text NOT NULL,
  receipt_id text NOT NULL,
  supplier text NOT NULL CHECK (length(supplier) BETWEEN 1 AND 100),
  note text,
  total_cost bigint NOT NULL CHECK (total_cost >= 0),
  account_id text NOT NULL,
  posted_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (store_id, receipt_id)
);
CREATE TABLE stock_receipt_line (
  store_id text NOT NULL,
  receipt_id text NOT NULL,
  line_no integer NOT NULL,
  product_id text NOT NULL,
  quantity_milli bigint NOT NULL CHECK (quantity_milli > 0),
  unit_cost bigint NOT NULL CHECK (unit_cost >= 0),
  -- quantity × unit cost, rounded half up to the fen.
  line_cost bigint NOT NULL CHECK (line_cost >= 0),
  PRIMARY KEY (store_id, receipt_id, line_no)
);

CREATE TABLE stock_count (
  store_id text NOT NULL,
  count_id text NOT NULL,
  note text,
  -- The differences at the average cost when counted, signed (a loss is negative), to the fen.
  difference_value bigint NOT NULL,
  account_id text NOT NULL,
  posted_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (store_id, count_id)
);
CREATE TABLE stock_count_line (
  store_id text NOT NULL,
  count_id text NOT NULL,
  product_id text NOT NULL,
  -- The level when the count was posted (read in its transaction), what was counted, and the difference posted.
  expected_milli bigint NOT NULL,
  counted_milli bigint NOT NULL CHECK (counted_milli >= 0),
  delta_milli bigint NOT NULL,
  avg_cost bigint,
  PRIMARY KEY (store_id, count_id, product_id)
);

CREATE TABLE stock_transfer (
  store_id text NOT NULL,
  transfer_id text NOT NULL,
  -- 'out' in the store the goods left, 'in' in the store they reached.
  direction text NOT NULL CHECK (direction IN ('out', 'in')),
  other_store_id text NOT NULL,
  note text,
  account_id text NOT NULL,
  posted_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (store_id, transfer_id)
);
CREATE TABLE stock_transfer_line (
  store_id text NOT NULL,
  transfer_id text NOT NULL,
  product_id text NOT NULL,
  quantity_milli bigint NOT NULL CHECK (quantity_milli > 0),
  -- The sending store's average cost when it left (null: it had none).
  unit_cost bigint CHECK (unit_cost IS NULL OR unit_cost >= 0),
  PRIMARY KEY (store_id, transfer_id, product_id)
);
CREATE INDEX stock_receipt_by_time ON stock_receipt (store_id, posted_at);
CREATE INDEX stock_count_by_time ON stock_count (store_id, posted_at);
CREATE INDEX stock_transfer_by_time ON stock_transfer (store_id, posted_at);

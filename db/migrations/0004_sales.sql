-- A sale's header. Its status is a projection of sale_event, kept here so the open sale and
-- the day's sales are found by index; everything else about a sale is appended, never edited.
CREATE TABLE sale (
  id            TEXT PRIMARY KEY,
  terminal_id   TEXT NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('open', 'suspended', 'completed', 'voided')),
  currency      TEXT NOT NULL,
  opened_at     TEXT NOT NULL,
  opened_by     TEXT REFERENCES user (id),
  closed_at     TEXT,
  closed_by     TEXT REFERENCES user (id),
  -- Gap-free per terminal, taken in the completing transaction.
  receipt_no    INTEGER,
  business_date TEXT,
  subtotal      INTEGER,
  discount_total INTEGER,
  total         INTEGER,
  rounding      INTEGER,
  tax_total     INTEGER,
  change_given  INTEGER,
  void_reason   TEXT,
  UNIQUE (terminal_id, receipt_no),
  CHECK ((status = 'completed') = (receipt_no IS NOT NULL))
) STRICT;
-- Finds the open sale and the parked ones without scanning the day's sales.
CREATE INDEX sale_by_status ON sale (terminal_id, status, opened_at);
CREATE INDEX sale_business_date ON sale (business_date, status);

-- Every change to a cart, in order; the cart is these events replayed.
CREATE TABLE sale_event (
  id      INTEGER PRIMARY KEY,
  sale_id TEXT NOT NULL REFERENCES sale (id),
  at      TEXT NOT NULL,
  user_id TEXT REFERENCES user (id),
  type    TEXT NOT NULL CHECK (type IN ('opened', 'line_added', 'quantity_set', 'line_removed', 'line_discount_set',
                                         'order_discount_set', 'suspended', 'resumed', 'voided', 'completed')),
  data    TEXT NOT NULL CHECK (json_valid(data))
) STRICT;
CREATE INDEX sale_event_by_sale ON sale_event (sale_id, id);

-- The priced lines of a completed sale, as sold (names and prices frozen).
CREATE TABLE sale_line (
  sale_id        TEXT NOT NULL REFERENCES sale (id),
  line_no        INTEGER NOT NULL,
  line_id        TEXT NOT NULL,
  product_id     TEXT NOT NULL REFERENCES product (id),
  sku            TEXT NOT NULL,
  name           TEXT NOT NULL,
  unit           TEXT NOT NULL CHECK (unit IN ('each', 'kg')),
  quantity_milli INTEGER NOT NULL CHECK (quantity_milli > 0),
  unit_price     INTEGER NOT NULL,
  gross          INTEGER NOT NULL,
  line_discount  INTEGER NOT NULL,
  order_discount INTEGER NOT NULL,
  net            INTEGER NOT NULL,
  tax_rate_bp    INTEGER NOT NULL,
  PRIMARY KEY (sale_id, line_no)
) STRICT;

CREATE TABLE sale_tax (
  sale_id TEXT NOT NULL REFERENCES sale (id),
  rate_bp INTEGER NOT NULL,
  taxable INTEGER NOT NULL,
  tax     INTEGER NOT NULL,
  PRIMARY KEY (sale_id, rate_bp)
) STRICT;

-- How a sale was paid. amount = what the tender covered (for cash: handed over minus change).
CREATE TABLE sale_tender (
  id         TEXT PRIMARY KEY,
  sale_id    TEXT NOT NULL REFERENCES sale (id),
  seq        INTEGER NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('cash', 'wechat', 'alipay', 'unionpay', 'ecny', 'jdpay', 'bestpay', 'other')),
  amount     INTEGER NOT NULL CHECK (amount >= 0),
  tendered   INTEGER NOT NULL CHECK (tendered >= amount),
  reference  TEXT,
  -- The wallet payment behind this tender (payments engine).
  payment_id TEXT,
  created_at TEXT NOT NULL,
  UNIQUE (sale_id, seq)
) STRICT;

CREATE TABLE receipt_counter (
  terminal_id TEXT PRIMARY KEY,
  last_no     INTEGER NOT NULL CHECK (last_no >= 0)
) STRICT;

-- Totals kept in the same transaction as each sale, so a report reads a handful of rows.
CREATE TABLE daily_total (
  business_date TEXT PRIMARY KEY,
  sales_count   INTEGER NOT NULL DEFAULT 0,
  gross         INTEGER NOT NULL DEFAULT 0,
  discounts     INTEGER NOT NULL DEFAULT 0,
  net           INTEGER NOT NULL DEFAULT 0,
  rounding      INTEGER NOT NULL DEFAULT 0,
  tax           INTEGER NOT NULL DEFAULT 0,
  voids_count   INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE daily_tender_total (
  business_date TEXT NOT NULL,
  kind          TEXT NOT NULL,
  count         INTEGER NOT NULL DEFAULT 0,
  amount        INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (business_date, kind)
) STRICT;

CREATE TABLE daily_tax_total (
  business_date TEXT NOT NULL,
  rate_bp       INTEGER NOT NULL,
  taxable       INTEGER NOT NULL DEFAULT 0,
  tax           INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (business_date, rate_bp)
) STRICT;

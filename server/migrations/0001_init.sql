-- The store server's schema. Every table but schema_version is distributed by store_id: store_id is in
-- every primary and unique key and no foreign key crosses stores (no foreign keys at all: Citus
-- distributes each table on store_id and co-locates them), so the same schema runs on one PostgreSQL,
-- a Patroni pair or a Citus cluster. Money is integer minor units (bigint); quantities in thousandths.

CREATE TABLE store (
  store_id text NOT NULL,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  -- Raised by every change a till pulls (catalog, users, settings, stock); the store row's lock orders them.
  version bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (store_id)
);

CREATE TABLE enrolment_code (
  store_id text NOT NULL,
  code_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  used_by_terminal text,
  PRIMARY KEY (store_id, code_hash)
);
CREATE INDEX enrolment_code_by_hash ON enrolment_code (code_hash);

CREATE TABLE terminal (
  store_id text NOT NULL,
  terminal_id text NOT NULL,
  name text NOT NULL,
  app_version text NOT NULL,
  credential_hash text NOT NULL,
  enrolled_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  last_contact_at timestamptz,
  last_upload_at timestamptz,
  PRIMARY KEY (store_id, terminal_id),
  UNIQUE (store_id, credential_hash)
);
CREATE INDEX terminal_by_credential ON terminal (credential_hash);

-- One row per upload stream of a terminal: acked_seq is the highest contiguous seq held.
CREATE TABLE fact_stream (
  store_id text NOT NULL,
  stream text NOT NULL,
  terminal_id text NOT NULL,
  acked_seq bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (store_id, stream)
);

-- Which fact each (stream, seq) held: a restored till re-sends facts the server has under another stream.
CREATE TABLE stream_seq (
  store_id text NOT NULL,
  stream text NOT NULL,
  seq bigint NOT NULL,
  fact_id text NOT NULL,
  PRIMARY KEY (store_id, stream, seq)
);

-- Every fact once per store; both clocks kept, seq orders.
CREATE TABLE fact (
  store_id text NOT NULL,
  fact_id text NOT NULL,
  terminal_id text NOT NULL,
  stream text NOT NULL,
  seq bigint NOT NULL,
  kind text NOT NULL,
  recorded_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  business_date date,
  payload jsonb NOT NULL,
  PRIMARY KEY (store_id, fact_id)
);
CREATE INDEX fact_by_terminal_seq ON fact (store_id, terminal_id, stream, seq);

CREATE TABLE sale (
  store_id text NOT NULL,
  sale_id text NOT NULL,
  terminal_id text NOT NULL,
  receipt_no integer NOT NULL,
  business_date date NOT NULL,
  opened_at timestamptz NOT NULL,
  closed_at timestamptz NOT NULL,
  currency text NOT NULL,
  subtotal bigint NOT NULL,
  discount_total bigint NOT NULL,
  total bigint NOT NULL,
  rounding bigint NOT NULL,
  tax_total bigint NOT NULL,
  change_given bigint NOT NULL,
  cashier_id text,
  shift_id text,
  PRIMARY KEY (store_id, sale_id)
);
CREATE INDEX sale_by_date ON sale (store_id, business_date, terminal_id);

CREATE TABLE sale_line (
  store_id text NOT NULL,
  sale_id text NOT NULL,
  line_no integer NOT NULL,
  product_id text NOT NULL,
  sku text NOT NULL,
  name text NOT NULL,
  unit text NOT NULL,
  quantity_milli bigint NOT NULL,
  unit_price bigint NOT NULL,
  gross bigint NOT NULL,
  line_discount bigint NOT NULL,
  order_discount bigint NOT NULL,
  net bigint NOT NULL,
  tax_rate_bp integer NOT NULL,
  PRIMARY KEY (store_id, sale_id, line_no)
);

CREATE TABLE sale_tender (
  store_id text NOT NULL,
  tender_id text NOT NULL,
  sale_id text NOT NULL,
  terminal_id text NOT NULL,
  business_date date NOT NULL,
  seq integer NOT NULL,
  kind text NOT NULL,
  amount bigint NOT NULL,
  tendered bigint NOT NULL,
  payment_id text,
  merchant_discount bigint NOT NULL,
  PRIMARY KEY (store_id, tender_id)
);
CREATE INDEX sale_tender_by_date ON sale_tender (store_id, business_date, terminal_id);

CREATE TABLE refund (
  store_id text NOT NULL,
  refund_id text NOT NULL,
  sale_id text NOT NULL,
  terminal_id text NOT NULL,
  business_date date NOT NULL,
  kind text NOT NULL,
  tender_kind text NOT NULL,
  amount bigint NOT NULL,
  wallet_amount bigint NOT NULL,
  cash_amount bigint NOT NULL,
  finished_at timestamptz NOT NULL,
  PRIMARY KEY (store_id, refund_id)
);
CREATE INDEX refund_by_date ON refund (store_id, business_date, terminal_id);

CREATE TABLE z_report (
  store_id text NOT NULL,
  terminal_id text NOT NULL,
  z_no integer NOT NULL,
  business_date date NOT NULL,
  currency text NOT NULL,
  sales_count integer NOT NULL,
  gross bigint NOT NULL,
  discounts bigint NOT NULL,
  refunds bigint NOT NULL,
  net bigint NOT NULL,
  tax bigint NOT NULL,
  report jsonb NOT NULL,
  PRIMARY KEY (store_id, terminal_id, z_no)
);

-- Stock: movements from tills (facts) and from the server (receiving, counts); the level is their sum.
CREATE TABLE stock_movement (
  store_id text NOT NULL,
  movement_id text NOT NULL,
  product_id text NOT NULL,
  delta_milli bigint NOT NULL,
  reason text NOT NULL,
  ref text,
  at timestamptz NOT NULL,
  terminal_id text, -- null: made on the server
  PRIMARY KEY (store_id, movement_id)
);
CREATE TABLE stock_level (
  store_id text NOT NULL,
  product_id text NOT NULL,
  stock_milli bigint NOT NULL,
  version bigint NOT NULL,
  PRIMARY KEY (store_id, product_id)
);

-- The store's data tills pull; a deleted row stays as its deletion marker (deleted, with the version it got).
CREATE TABLE category (
  store_id text NOT NULL,
  category_id text NOT NULL,
  name text NOT NULL,
  sort integer NOT NULL DEFAULT 0,
  deleted boolean NOT NULL DEFAULT false,
  version bigint NOT NULL,
  PRIMARY KEY (store_id, category_id)
);
CREATE TABLE product (
  store_id text NOT NULL,
  product_id text NOT NULL,
  sku text NOT NULL,
  name text NOT NULL,
  name_en text,
  price bigint NOT NULL CHECK (price >= 0),
  tax_rate_bp integer NOT NULL,
  unit text NOT NULL,
  category_id text,
  plu text,
  active boolean NOT NULL DEFAULT true,
  barcodes text[] NOT NULL DEFAULT '{}',
  deleted boolean NOT NULL DEFAULT false,
  version bigint NOT NULL,
  PRIMARY KEY (store_id, product_id)
);
CREATE TABLE app_user (
  store_id text NOT NULL,
  user_id text NOT NULL,
  name text NOT NULL,
  role text NOT NULL,
  pin_hash text NOT NULL,
  active boolean NOT NULL DEFAULT true,
  deleted boolean NOT NULL DEFAULT false,
  version bigint NOT NULL,
  PRIMARY KEY (store_id, user_id)
);
CREATE TABLE store_setting (
  store_id text NOT NULL,
  key text NOT NULL,
  value jsonb NOT NULL,
  version bigint NOT NULL,
  PRIMARY KEY (store_id, key)
);
CREATE INDEX product_by_version ON product (store_id, version);
CREATE INDEX category_by_version ON category (store_id, version);
CREATE INDEX app_user_by_version ON app_user (store_id, version);
CREATE INDEX store_setting_by_version ON store_setting (store_id, version);
CREATE INDEX stock_level_by_version ON stock_level (store_id, version);

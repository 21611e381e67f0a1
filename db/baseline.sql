-- schema version 36
-- Generated from db/migrations by db/baseline.test.ts: do not edit (see db/baseline.ts).
CREATE TABLE terminal (
  singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
  terminal_id TEXT NOT NULL,
  created_at  TEXT NOT NULL
) STRICT;
CREATE TABLE terminal_start (
  id          INTEGER PRIMARY KEY,
  started_at  TEXT NOT NULL,
  app_version TEXT NOT NULL
) STRICT;
CREATE TABLE setting (
  key        TEXT PRIMARY KEY,
  value      TEXT NOT NULL CHECK (json_valid(value)),
  updated_at TEXT NOT NULL
) STRICT;
CREATE TABLE category (
  id   TEXT PRIMARY KEY,
  name TEXT NOT NULL CHECK (length(trim(name)) > 0),
  sort INTEGER NOT NULL DEFAULT 0
) STRICT;
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
, low_stock_milli INTEGER CHECK (low_stock_milli IS NULL OR low_stock_milli >= 0), member_price INTEGER CHECK (member_price IS NULL OR member_price >= 0)) STRICT;
CREATE TABLE product_barcode (
  barcode    TEXT PRIMARY KEY CHECK (length(barcode) BETWEEN 8 AND 14 AND barcode NOT GLOB '*[^0-9]*'),
  product_id TEXT NOT NULL REFERENCES product (id),
  position   INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;
CREATE TABLE stock_movement (
  id          TEXT PRIMARY KEY,
  product_id  TEXT NOT NULL REFERENCES product (id),
  delta_milli INTEGER NOT NULL CHECK (delta_milli <> 0),
  reason      TEXT NOT NULL CHECK (reason IN ('sale', 'import', 'adjust', 'void', 'receive', 'count')),
  ref         TEXT,
  at          TEXT NOT NULL
, unit_cost INTEGER CHECK (unit_cost IS NULL OR (unit_cost >= 0 AND reason = 'receive'))) STRICT;
CREATE TABLE user (
  id              TEXT PRIMARY KEY,
  name            TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 40),
  role            TEXT NOT NULL CHECK (role IN ('cashier', 'owner', 'technician')),
  pin_hash        TEXT NOT NULL,
  must_change_pin INTEGER NOT NULL DEFAULT 1 CHECK (must_change_pin IN (0, 1)),
  failed_attempts INTEGER NOT NULL DEFAULT 0,
  locked_until    TEXT,
  active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at      TEXT NOT NULL
) STRICT;
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
  void_reason   TEXT, surface TEXT NOT NULL DEFAULT 'till' CHECK (surface IN ('till', 'kiosk')), member_id TEXT REFERENCES member (id), receipt_token TEXT CHECK (receipt_token IS NULL OR (length(receipt_token) = 22 AND receipt_token NOT GLOB '*[^A-Za-z0-9_-]*')),
  UNIQUE (terminal_id, receipt_no),
  CHECK ((status = 'completed') = (receipt_no IS NOT NULL))
) STRICT;
CREATE TABLE sale_event (
  id      INTEGER PRIMARY KEY,
  sale_id TEXT NOT NULL REFERENCES sale (id),
  at      TEXT NOT NULL,
  user_id TEXT REFERENCES user (id),
  type    TEXT NOT NULL CHECK (type IN ('opened', 'line_added', 'quantity_set', 'line_removed', 'line_discount_set',
                                         'order_discount_set', 'suspended', 'resumed', 'voided', 'completed', 'member_set', 'points_redeemed')),
  data    TEXT NOT NULL CHECK (json_valid(data))
) STRICT;
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
CREATE TABLE payment (
  id               TEXT PRIMARY KEY,
  sale_id          TEXT NOT NULL REFERENCES sale (id),
  client_sn        TEXT NOT NULL UNIQUE,
  kind             TEXT NOT NULL CHECK (kind IN ('code', 'qr')),
  wallet           TEXT,
  -- sha256 of the scanned code (never the code itself): one code, one order.
  code_hash        TEXT UNIQUE,
  masked_code      TEXT,
  amount           INTEGER NOT NULL CHECK (amount > 0),
  status           TEXT NOT NULL CHECK (status IN ('submitted', 'pending', 'unknown', 'cancelling', 'paid', 'failed', 'reversed', 'needs_attention')),
  state            TEXT NOT NULL CHECK (json_valid(state)),
  acquirer_sn      TEXT,
  qr_code          TEXT,
  failure_code     TEXT,
  failure_message  TEXT,
  user_id          TEXT REFERENCES user (id),
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL,
  finished_at      TEXT
, merchant_discount INTEGER NOT NULL DEFAULT 0 CHECK (merchant_discount >= 0), payment_list TEXT CHECK (payment_list IS NULL OR json_valid(payment_list)), provider TEXT NOT NULL DEFAULT 'aggregator' CHECK (provider IN ('aggregator', 'wechat_v2', 'wechat_v3', 'alipay')), currency TEXT NOT NULL DEFAULT 'CNY' CHECK (length(currency) = 3 AND currency GLOB '[A-Z][A-Z][A-Z]'), payer_currency TEXT CHECK (payer_currency IS NULL OR (length(payer_currency) = 3 AND payer_currency NOT GLOB '*[^A-Z]*')), payer_amount INTEGER CHECK ((payer_amount IS NULL) = (payer_currency IS NULL) AND (payer_amount IS NULL OR payer_amount >= 0)), payer_rate TEXT CHECK (
  payer_rate IS NULL OR (payer_amount IS NOT NULL AND length(payer_rate) BETWEEN 1 AND 25 AND payer_rate NOT GLOB '*[^0-9.]*'
                         AND payer_rate GLOB '[0-9]*' AND payer_rate NOT GLOB '*.' AND payer_rate NOT GLOB '*.*.*')), payer_rate_scale INTEGER CHECK ((payer_rate_scale IS NULL) = (payer_rate IS NULL) AND (payer_rate_scale IS NULL OR payer_rate_scale BETWEEN 0 AND 12))) STRICT;
CREATE TABLE payment_event (
  id         INTEGER PRIMARY KEY,
  payment_id TEXT NOT NULL REFERENCES payment (id),
  at         TEXT NOT NULL,
  type       TEXT NOT NULL,
  data       TEXT NOT NULL CHECK (json_valid(data))
) STRICT;
CREATE TABLE acquirer_terminal (
  singleton    INTEGER PRIMARY KEY CHECK (singleton = 1),
  base_url     TEXT NOT NULL,
  terminal_sn  TEXT NOT NULL,
  sealed_key   TEXT NOT NULL,
  key_date     TEXT NOT NULL,
  activated_at TEXT NOT NULL
, checked_in_at TEXT) STRICT;
CREATE TABLE refund (
  id                TEXT PRIMARY KEY,
  sale_id           TEXT NOT NULL REFERENCES sale (id),
  -- The original wallet payment the wallet part is refunded against; NULL for a cash refund.
  payment_id        TEXT REFERENCES payment (id),
  refund_request_no TEXT NOT NULL UNIQUE CHECK (length(refund_request_no) BETWEEN 1 AND 20),
  kind              TEXT NOT NULL CHECK (kind IN ('wallet', 'cash')),
  -- The tender kind of the wallet part ('wechat', 'alipay', …) or 'cash': what the day's totals are kept by.
  tender_kind       TEXT NOT NULL CHECK (tender_kind IN ('cash', 'wechat', 'alipay', 'unionpay', 'ecny', 'jdpay', 'bestpay', 'other')),
  amount            INTEGER NOT NULL CHECK (amount > 0),
  wallet_amount     INTEGER NOT NULL CHECK (wallet_amount >= 0),
  cash_amount       INTEGER NOT NULL CHECK (cash_amount >= 0),
  status            TEXT NOT NULL CHECK (status IN ('submitted', 'in_progress', 'unknown', 'refunded', 'failed', 'needs_attention')),
  reason            TEXT NOT NULL CHECK (length(trim(reason)) > 0),
  approved_by       TEXT NOT NULL REFERENCES user (id),
  user_id           TEXT REFERENCES user (id),
  -- Requests sent to the acquirer for this refund (all with the same refund_request_no).
  attempts          INTEGER NOT NULL DEFAULT 0,
  -- Epoch ms after which an unanswered refund stops being retried by itself (needs_attention).
  deadline_at       INTEGER NOT NULL,
  -- Taken when the refund becomes 'refunded': gap-free, printed on the refund receipt.
  receipt_no        INTEGER UNIQUE,
  -- The local day the refund became final, for the day's totals.
  business_date     TEXT,
  failure_code      TEXT,
  failure_message   TEXT,
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL,
  finished_at       TEXT, is_void INTEGER NOT NULL DEFAULT 0 CHECK (is_void IN (0, 1)), provider TEXT CHECK (provider IN ('aggregator', 'wechat_v2', 'wechat_v3', 'alipay')), currency TEXT NOT NULL DEFAULT 'CNY' CHECK (length(currency) = 3 AND currency GLOB '[A-Z][A-Z][A-Z]'), payer_currency TEXT CHECK (payer_currency IS NULL OR (length(payer_currency) = 3 AND payer_currency NOT GLOB '*[^A-Z]*')), payer_amount INTEGER CHECK ((payer_amount IS NULL) = (payer_currency IS NULL) AND (payer_amount IS NULL OR payer_amount >= 0)), refund_group TEXT, leg_no INTEGER CHECK ((leg_no IS NULL) = (refund_group IS NULL) AND (leg_no IS NULL OR leg_no >= 1)),
  CHECK (amount = wallet_amount + cash_amount),
  CHECK ((kind = 'wallet') = (payment_id IS NOT NULL)),
  CHECK ((kind = 'wallet') = (wallet_amount > 0)),
  -- A cash refund is inserted and made 'refunded' in one transaction: it is never seen in another state.
  CHECK (kind = 'wallet' OR (tender_kind = 'cash' AND status IN ('submitted', 'refunded'))),
  CHECK ((status = 'refunded') = (receipt_no IS NOT NULL)),
  CHECK (status <> 'refunded' OR (business_date IS NOT NULL AND finished_at IS NOT NULL))
) STRICT;
CREATE TABLE refund_line (
  refund_id      TEXT NOT NULL REFERENCES refund (id),
  sale_id        TEXT NOT NULL,
  line_no        INTEGER NOT NULL,
  quantity_milli INTEGER NOT NULL CHECK (quantity_milli > 0),
  amount         INTEGER NOT NULL CHECK (amount >= 0),
  PRIMARY KEY (refund_id, line_no),
  FOREIGN KEY (sale_id, line_no) REFERENCES sale_line (sale_id, line_no)
) STRICT;
CREATE TABLE refund_event (
  id        INTEGER PRIMARY KEY,
  refund_id TEXT NOT NULL REFERENCES refund (id),
  at        TEXT NOT NULL,
  type      TEXT NOT NULL,
  data      TEXT NOT NULL CHECK (json_valid(data))
) STRICT;
CREATE TABLE daily_refund_total (
  business_date TEXT NOT NULL,
  kind          TEXT NOT NULL CHECK (kind IN ('cash', 'wechat', 'alipay', 'unionpay', 'ecny', 'jdpay', 'bestpay', 'other')),
  count         INTEGER NOT NULL DEFAULT 0 CHECK (count >= 0),
  amount        INTEGER NOT NULL DEFAULT 0 CHECK (amount >= 0),
  PRIMARY KEY (business_date, kind)
) STRICT;
CREATE TABLE acquirer_statement (
  business_date TEXT PRIMARY KEY,
  downloaded_at TEXT NOT NULL,
  row_count     INTEGER NOT NULL
, source TEXT NOT NULL DEFAULT 'statement_file' CHECK (source IN ('statement_file', 'order_query'))) STRICT;
CREATE TABLE acquirer_statement_row (
  business_date     TEXT NOT NULL REFERENCES acquirer_statement (business_date),
  line_no           INTEGER NOT NULL,
  client_sn         TEXT NOT NULL,
  acquirer_sn       TEXT NOT NULL,
  type              TEXT NOT NULL CHECK (type IN ('pay', 'refund', 'cancel')),
  wallet            TEXT,
  amount            INTEGER NOT NULL CHECK (amount > 0),
  status            TEXT NOT NULL,
  finished_at       TEXT NOT NULL,
  refund_request_no TEXT, provider TEXT NOT NULL DEFAULT 'aggregator' CHECK (provider IN ('aggregator', 'wechat_v2', 'wechat_v3', 'alipay')), currency TEXT NOT NULL DEFAULT 'CNY' CHECK (length(currency) = 3 AND currency GLOB '[A-Z][A-Z][A-Z]'),
  PRIMARY KEY (business_date, line_no)
) STRICT;
CREATE TABLE audit_log (
  seq        INTEGER PRIMARY KEY,
  at         TEXT NOT NULL,
  actor_id   TEXT,
  actor_role TEXT,
  action     TEXT NOT NULL,
  subject    TEXT,
  details    TEXT NOT NULL DEFAULT '{}',
  prev_hash  TEXT NOT NULL,
  hash       TEXT NOT NULL
) STRICT;
CREATE TABLE device_setup (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  source     TEXT NOT NULL CHECK (source IN ('config.json', 'technician')),
  at         TEXT NOT NULL
) STRICT;
CREATE TABLE shift (
  id            TEXT PRIMARY KEY,
  terminal_id   TEXT NOT NULL,
  opened_at     TEXT NOT NULL,
  opened_by     TEXT NOT NULL REFERENCES user (id),
  float_amount  INTEGER NOT NULL CHECK (float_amount >= 0),
  closed_at     TEXT,
  closed_by     TEXT REFERENCES user (id),
  -- Set together when the shift closes: what the drawer should hold, what was counted, counted - expected.
  expected_cash INTEGER,
  counted_cash  INTEGER CHECK (counted_cash >= 0),
  over_short    INTEGER,
  -- The parts of expected_cash, frozen at close (expected = float + cash_sales - cash_refunds + cash_in - cash_out).
  cash_sales    INTEGER,
  cash_refunds  INTEGER,
  cash_in       INTEGER,
  cash_out      INTEGER,
  note          TEXT,
  CHECK ((closed_at IS NULL) = (counted_cash IS NULL)),
  CHECK ((closed_at IS NULL) = (expected_cash IS NULL)),
  CHECK (closed_at IS NULL OR (closed_by IS NOT NULL AND cash_sales IS NOT NULL AND cash_refunds IS NOT NULL
         AND cash_in IS NOT NULL AND cash_out IS NOT NULL AND over_short = counted_cash - expected_cash
         AND expected_cash = float_amount + cash_sales - cash_refunds + cash_in - cash_out)),
  CHECK (closed_at IS NULL OR closed_at >= opened_at)
) STRICT;
CREATE TABLE cash_movement (
  id          TEXT PRIMARY KEY,
  shift_id    TEXT NOT NULL REFERENCES shift (id),
  kind        TEXT NOT NULL CHECK (kind IN ('in', 'out')),
  amount      INTEGER NOT NULL CHECK (amount > 0),
  reason      TEXT NOT NULL CHECK (length(trim(reason)) > 0),
  user_id     TEXT NOT NULL REFERENCES user (id),
  -- The owner who approved a cashier's cash-out (the owner themself when they did it).
  approved_by TEXT REFERENCES user (id),
  at          TEXT NOT NULL
) STRICT;
CREATE TABLE z_report (
  terminal_id   TEXT NOT NULL,
  z_no          INTEGER NOT NULL CHECK (z_no >= 1),
  business_date TEXT NOT NULL,
  from_at       TEXT,
  to_at         TEXT NOT NULL,
  taken_by      TEXT NOT NULL REFERENCES user (id),
  currency      TEXT NOT NULL,
  sales_count   INTEGER NOT NULL,
  gross         INTEGER NOT NULL,
  discounts     INTEGER NOT NULL,
  refunds       INTEGER NOT NULL,
  net           INTEGER NOT NULL,
  tax           INTEGER NOT NULL,
  report        TEXT NOT NULL CHECK (json_valid(report)),
  PRIMARY KEY (terminal_id, z_no),
  UNIQUE (terminal_id, business_date)
) STRICT;
CREATE TABLE report_sale_q (
  terminal_id TEXT NOT NULL,
  q           TEXT NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('completed', 'voided')),
  -- Who closed the sales ('' when nobody was signed in).
  closed_by   TEXT NOT NULL,
  count       INTEGER NOT NULL,
  gross       INTEGER NOT NULL,
  discounts   INTEGER NOT NULL,
  total       INTEGER NOT NULL,
  rounding    INTEGER NOT NULL,
  tax         INTEGER NOT NULL,
  change      INTEGER NOT NULL,
  PRIMARY KEY (terminal_id, q, status, closed_by)
) STRICT, WITHOUT ROWID;
CREATE TABLE report_tender_q (
  terminal_id TEXT NOT NULL,
  q           TEXT NOT NULL,
  kind        TEXT NOT NULL,
  count       INTEGER NOT NULL,
  amount      INTEGER NOT NULL,
  tendered    INTEGER NOT NULL,
  PRIMARY KEY (terminal_id, q, kind)
) STRICT, WITHOUT ROWID;
CREATE TABLE report_tax_q (
  terminal_id TEXT NOT NULL,
  q           TEXT NOT NULL,
  rate_bp     INTEGER NOT NULL,
  taxable     INTEGER NOT NULL,
  tax         INTEGER NOT NULL,
  PRIMARY KEY (terminal_id, q, rate_bp)
) STRICT, WITHOUT ROWID;
CREATE TABLE report_item_q (
  terminal_id TEXT NOT NULL,
  q           TEXT NOT NULL,
  items       INTEGER NOT NULL,
  lines       INTEGER NOT NULL,
  PRIMARY KEY (terminal_id, q)
) STRICT, WITHOUT ROWID;
CREATE TABLE reconciliation_resolution (
  id               INTEGER PRIMARY KEY,
  business_date    TEXT NOT NULL,
  item_key         TEXT NOT NULL CHECK (length(item_key) BETWEEN 1 AND 200),
  difference       TEXT NOT NULL CHECK (difference IN ('missing_local', 'missing_statement', 'amount_mismatch', 'status_mismatch')),
  statement_amount INTEGER,
  local_amount     INTEGER,
  note             TEXT NOT NULL CHECK (length(trim(note)) BETWEEN 1 AND 500),
  resolved_by      TEXT NOT NULL REFERENCES user (id),
  resolved_at      TEXT NOT NULL
) STRICT;
CREATE TABLE one_time_step (
  name    TEXT PRIMARY KEY,
  due_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  done_at TEXT
) STRICT;
CREATE TABLE job (
  -- The order jobs were queued in (ULIDs made in one millisecond do not sort by creation).
  seq         INTEGER PRIMARY KEY,
  id          TEXT NOT NULL UNIQUE,
  kind        TEXT NOT NULL CHECK (length(kind) BETWEEN 1 AND 64),
  subject     TEXT NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
  payload     TEXT NOT NULL CHECK (json_valid(payload)),
  status      TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'dead')),
  run_at      INTEGER NOT NULL,
  attempts    INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_error  TEXT,
  lease_owner TEXT,
  lease_until INTEGER,
  started_at  TEXT,
  deadline_at INTEGER,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  finished_at TEXT,
  CHECK ((status = 'running') = (lease_owner IS NOT NULL AND lease_until IS NOT NULL))
) STRICT;
CREATE TABLE job_attempt (
  job_id     TEXT NOT NULL REFERENCES job (id),
  attempt    INTEGER NOT NULL CHECK (attempt >= 1),
  started_at TEXT NOT NULL,
  ended_at   TEXT NOT NULL,
  outcome    TEXT NOT NULL CHECK (outcome IN ('done', 'rescheduled', 'retry', 'failed', 'dead', 'lease_expired')),
  error      TEXT,
  PRIMARY KEY (job_id, attempt)
) STRICT;
CREATE TABLE print_bytes (
  job_id TEXT PRIMARY KEY REFERENCES job (id),
  bytes  BLOB NOT NULL
) STRICT;
CREATE TABLE daily_product_total (
  business_date  TEXT NOT NULL,
  product_id     TEXT NOT NULL,
  quantity_milli INTEGER NOT NULL,
  PRIMARY KEY (business_date, product_id)
) STRICT, WITHOUT ROWID;
CREATE TABLE sync_fact (
  -- AUTOINCREMENT: the history written before this version is numbered later (0023) into a range reserved below
  -- the first new fact through sqlite_sequence, so a new fact never takes a number the history needs.
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  kind        TEXT NOT NULL CHECK (kind IN ('sale', 'sale_void', 'refund', 'payment', 'cash_movement', 'shift_open',
                                            'shift_close', 'z_report', 'stock_movement', 'audit', 'member_points', 'member', 'member_anonymised', 'x_report')),
  ref_id      TEXT NOT NULL,
  variant     TEXT NOT NULL DEFAULT '',
  -- The till's clock when the fact was written: kept and sent, never used to order (seq orders).
  recorded_at TEXT NOT NULL,
  -- 1 once the store server has acknowledged it; an unacknowledged fact is never dropped.
  acked       INTEGER NOT NULL DEFAULT 0 CHECK (acked IN (0, 1))
) STRICT;
CREATE TABLE sync_link (
  singleton         INTEGER PRIMARY KEY CHECK (singleton = 1),
  server_url        TEXT NOT NULL,
  cert_pem          TEXT NOT NULL,
  fingerprint       TEXT NOT NULL CHECK (fingerprint GLOB '[0-9A-F][0-9A-F]:*'),
  store_id          TEXT NOT NULL,
  store_name        TEXT NOT NULL,
  terminal_id       TEXT NOT NULL,
  sealed_credential TEXT NOT NULL,
  enrolled_at       TEXT NOT NULL,
  -- The upload stream (a ULID), made anew when the till learns its sequence went back (restored from a backup).
  stream_id         TEXT NOT NULL,
  -- The stream numbers facts from 1: the wire seq is the local seq minus this base.
  stream_base       INTEGER NOT NULL DEFAULT 0 CHECK (stream_base >= 0),
  pulled_version    INTEGER NOT NULL DEFAULT 0 CHECK (pulled_version >= 0),
  last_contact_at   TEXT,
  last_upload_at    TEXT,
  last_pull_at      TEXT,
  last_error        TEXT,
  -- Set when the server holds a hole in this till's stream, or a fact could not be made valid; cleared when it heals.
  alert             TEXT
, trust TEXT NOT NULL DEFAULT 'pin' CHECK (trust IN ('pin', 'ca')), e_receipt_base_url TEXT) STRICT;
CREATE TABLE member (
  id             TEXT PRIMARY KEY,
  -- Mainland mobile, 11 digits (1[3-9]…); NULL once anonymised.
  phone          TEXT UNIQUE CHECK (phone IS NULL OR (length(phone) = 11 AND phone GLOB '1[3-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]')),
  name           TEXT CHECK (name IS NULL OR length(name) BETWEEN 1 AND 40),
  -- What the member QR holds (JZM1:<code>): random, says nothing about the person.
  code           TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 8 AND 32),
  created_at     TEXT NOT NULL,
  created_by     TEXT REFERENCES user (id),
  anonymised_at  TEXT, origin TEXT NOT NULL DEFAULT 'till' CHECK (origin IN ('till', 'store')),
  CHECK ((anonymised_at IS NULL) = (phone IS NOT NULL)),
  CHECK (anonymised_at IS NULL OR name IS NULL)
) STRICT;
CREATE TABLE member_points (
  id            TEXT PRIMARY KEY,
  member_id     TEXT NOT NULL REFERENCES member (id),
  reason        TEXT NOT NULL CHECK (reason IN ('earn', 'redeem', 'refund_earn', 'refund_redeem')),
  delta         INTEGER NOT NULL,
  -- Money the points stood for (redeem, refund_redeem), 0 otherwise; minor units.
  amount        INTEGER NOT NULL DEFAULT 0 CHECK (amount >= 0),
  -- Points a refund should have taken back but the member had spent already.
  uncollected   INTEGER NOT NULL DEFAULT 0 CHECK (uncollected >= 0),
  -- How a redemption paid (the memberPoints setting at the time): part of the tenders, or an order discount.
  redeemed_as   TEXT CHECK (redeemed_as IN ('tender', 'discount')),
  sale_id       TEXT NOT NULL REFERENCES sale (id),
  refund_id     TEXT REFERENCES refund (id),
  business_date TEXT NOT NULL,
  at            TEXT NOT NULL,
  user_id       TEXT REFERENCES user (id),
  CHECK (delta <> 0 OR uncollected > 0),
  CHECK (CASE reason WHEN 'earn' THEN delta > 0 WHEN 'refund_redeem' THEN delta > 0 ELSE delta <= 0 END),
  CHECK ((refund_id IS NULL) = (reason IN ('earn', 'redeem'))),
  CHECK ((redeemed_as IS NOT NULL) = (reason = 'redeem'))
) STRICT;
CREATE TABLE "device" (
  id         TEXT PRIMARY KEY,
  role       TEXT NOT NULL CHECK (role IN ('scanner', 'printer', 'display', 'drawer', 'scale')),
  position   INTEGER NOT NULL,
  config     TEXT NOT NULL CHECK (json_valid(config)),
  updated_at TEXT NOT NULL
) STRICT;
CREATE TABLE promotion (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 40),
  kind        TEXT NOT NULL CHECK (kind IN ('special', 'nth_item', 'bundle', 'spend_save')),
  rule        TEXT NOT NULL CHECK (json_valid(rule) AND json_extract(rule, '$.kind') = kind),
  active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  start_date  TEXT CHECK (start_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  end_date    TEXT CHECK (end_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  updated_by  TEXT, origin TEXT NOT NULL DEFAULT 'till' CHECK (origin IN ('till', 'store')),
  CHECK (start_date IS NULL OR end_date IS NULL OR start_date <= end_date)
) STRICT;
CREATE TABLE sale_line_promotion (
  sale_id      TEXT NOT NULL,
  line_no      INTEGER NOT NULL,
  promotion_id TEXT NOT NULL,
  name         TEXT NOT NULL,
  kind         TEXT NOT NULL CHECK (kind IN ('special', 'member_price', 'nth_item', 'bundle', 'spend_save')),
  saving       INTEGER NOT NULL CHECK (saving > 0),
  PRIMARY KEY (sale_id, line_no, promotion_id),
  FOREIGN KEY (sale_id, line_no) REFERENCES sale_line (sale_id, line_no)
) STRICT, WITHOUT ROWID;
CREATE TABLE payment_route (
  wallet     TEXT PRIMARY KEY CHECK (wallet IN ('wechat', 'alipay', 'unionpay', 'ecny', 'jdpay', 'bestpay')),
  provider   TEXT NOT NULL CHECK (provider IN ('aggregator', 'wechat_v2', 'wechat_v3', 'alipay')),
  updated_at TEXT NOT NULL,
  updated_by TEXT REFERENCES user (id),
  CHECK (provider = 'aggregator' OR (provider = 'alipay' AND wallet = 'alipay') OR (provider IN ('wechat_v2', 'wechat_v3') AND wallet = 'wechat'))
) STRICT;
CREATE TABLE payment_provider (
  provider        TEXT PRIMARY KEY CHECK (provider IN ('wechat_v2', 'wechat_v3', 'alipay')),
  settings        TEXT NOT NULL CHECK (json_valid(settings)),
  sealed_secrets  TEXT NOT NULL,
  cert_not_after  TEXT,
  updated_at      TEXT NOT NULL,
  updated_by      TEXT REFERENCES user (id)
) STRICT;
CREATE TABLE sync_backfill (
  singleton   INTEGER PRIMARY KEY AUTOINCREMENT CHECK (singleton = 1),
  -- The history takes seqs base+1 .. base+total (base: the highest seq at the upgrade, 0 on a till upgraded from 21).
  base        INTEGER NOT NULL CHECK (base >= 0),
  total       INTEGER NOT NULL CHECK (total >= 0),
  done        INTEGER NOT NULL DEFAULT 0 CHECK (done >= 0 AND done <= total),
  finished_at TEXT
) STRICT;
CREATE TABLE sync_backfill_payment (
  payment_id TEXT PRIMARY KEY,
  status     TEXT NOT NULL
) STRICT;
CREATE TABLE member_alias (
  id        TEXT PRIMARY KEY,
  member_id TEXT NOT NULL REFERENCES member (id)
) STRICT, WITHOUT ROWID;
CREATE TABLE member_remote_points (
  member_id   TEXT NOT NULL,
  terminal_id TEXT NOT NULL,
  points      INTEGER NOT NULL,
  PRIMARY KEY (member_id, terminal_id)
) STRICT, WITHOUT ROWID;
CREATE TABLE x_report (
  id            TEXT PRIMARY KEY,
  terminal_id   TEXT NOT NULL,
  business_date TEXT NOT NULL,
  -- the open day it covers: after the last Z (NULL: since the first sale) up to the moment it was taken
  from_at       TEXT,
  taken_at      TEXT NOT NULL,
  taken_by      TEXT NOT NULL REFERENCES user (id),
  currency      TEXT NOT NULL,
  sales_count   INTEGER NOT NULL,
  gross         INTEGER NOT NULL,
  discounts     INTEGER NOT NULL,
  refunds       INTEGER NOT NULL,
  net           INTEGER NOT NULL,
  tax           INTEGER NOT NULL,
  report        TEXT NOT NULL CHECK (json_valid(report))
) STRICT;
INSERT INTO "one_time_step" ("name", "due_at", "done_at") VALUES ('recompute_business_dates', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), NULL);
INSERT INTO "sync_backfill" ("singleton", "base", "total", "done", "finished_at") VALUES (1, 0, 0, 0, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
DELETE FROM sqlite_sequence;
INSERT INTO sqlite_sequence (name, seq) VALUES ('sync_backfill', 1);
INSERT INTO sqlite_sequence (name, seq) VALUES ('sync_fact', 0);
CREATE UNIQUE INDEX category_name ON category (name);
CREATE UNIQUE INDEX product_sku ON product (sku);
CREATE UNIQUE INDEX product_plu ON product (plu) WHERE plu IS NOT NULL;
CREATE INDEX product_category ON product (category_id, name);
CREATE INDEX product_barcode_product ON product_barcode (product_id, position);
CREATE INDEX stock_movement_product ON stock_movement (product_id, at);
CREATE TRIGGER stock_movement_no_update BEFORE UPDATE ON stock_movement
BEGIN
  SELECT RAISE(ABORT, 'stock_movement is append-only');
END;
CREATE TRIGGER stock_movement_no_delete BEFORE DELETE ON stock_movement
BEGIN
  SELECT RAISE(ABORT, 'stock_movement is append-only');
END;
CREATE INDEX sale_by_status ON sale (terminal_id, status, opened_at);
CREATE INDEX sale_business_date ON sale (business_date, status);
CREATE INDEX sale_event_by_sale ON sale_event (sale_id, id);
CREATE INDEX payment_unfinished ON payment (status) WHERE status IN ('submitted', 'pending', 'unknown', 'cancelling');
CREATE INDEX payment_by_sale ON payment (sale_id);
CREATE INDEX payment_event_by_payment ON payment_event (payment_id, id);
CREATE INDEX refund_by_sale ON refund (sale_id, created_at);
CREATE INDEX refund_by_payment ON refund (payment_id) WHERE payment_id IS NOT NULL;
CREATE INDEX refund_unfinished ON refund (status) WHERE status IN ('submitted', 'in_progress', 'unknown');
CREATE INDEX refund_line_by_sale_line ON refund_line (sale_id, line_no);
CREATE INDEX refund_event_by_refund ON refund_event (refund_id, id);
CREATE TRIGGER refund_line_no_update BEFORE UPDATE ON refund_line
BEGIN
  SELECT RAISE(ABORT, 'refund_line is append-only');
END;
CREATE TRIGGER refund_event_no_update BEFORE UPDATE ON refund_event
BEGIN
  SELECT RAISE(ABORT, 'refund_event is append-only');
END;
CREATE INDEX acquirer_statement_row_by_client_sn ON acquirer_statement_row (client_sn);
CREATE INDEX audit_log_by_action ON audit_log (action, seq);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE UNIQUE INDEX shift_one_open ON shift (terminal_id) WHERE closed_at IS NULL;
CREATE INDEX shift_by_opened ON shift (terminal_id, opened_at);
CREATE TRIGGER shift_closed_is_final BEFORE UPDATE ON shift WHEN OLD.closed_at IS NOT NULL
BEGIN
  SELECT RAISE(ABORT, 'a closed shift cannot change');
END;
CREATE TRIGGER shift_opening_is_final BEFORE UPDATE OF id, terminal_id, opened_at, opened_by, float_amount ON shift
BEGIN
  SELECT RAISE(ABORT, 'a shift''s opening cannot change');
END;
CREATE TRIGGER shift_no_delete BEFORE DELETE ON shift
BEGIN
  SELECT RAISE(ABORT, 'shifts are kept');
END;
CREATE INDEX cash_movement_by_shift ON cash_movement (shift_id, at);
CREATE INDEX cash_movement_by_at ON cash_movement (at);
CREATE TRIGGER cash_movement_no_update BEFORE UPDATE ON cash_movement
BEGIN
  SELECT RAISE(ABORT, 'cash_movement is append-only');
END;
CREATE TRIGGER cash_movement_no_delete BEFORE DELETE ON cash_movement
BEGIN
  SELECT RAISE(ABORT, 'cash_movement is append-only');
END;
CREATE TRIGGER z_report_in_sequence BEFORE INSERT ON z_report
WHEN NEW.z_no <> (SELECT coalesce(max(z_no), 0) + 1 FROM z_report WHERE terminal_id = NEW.terminal_id)
  OR NEW.from_at IS NOT (SELECT to_at FROM z_report WHERE terminal_id = NEW.terminal_id ORDER BY z_no DESC LIMIT 1)
BEGIN
  SELECT RAISE(ABORT, 'a Z report follows the previous one: next number, from its end');
END;
CREATE TRIGGER z_report_no_update BEFORE UPDATE ON z_report
BEGIN
  SELECT RAISE(ABORT, 'a Z report is immutable');
END;
CREATE TRIGGER z_report_no_delete BEFORE DELETE ON z_report
BEGIN
  SELECT RAISE(ABORT, 'a Z report is immutable');
END;
CREATE INDEX sale_by_closed ON sale (terminal_id, closed_at, status, total, rounding);
CREATE INDEX refund_by_finished ON refund (finished_at) WHERE status = 'refunded';
CREATE INDEX payment_by_created ON payment (created_at);
CREATE TRIGGER report_sale_closed AFTER UPDATE OF status ON sale
WHEN NEW.status IN ('completed', 'voided') AND OLD.status NOT IN ('completed', 'voided') AND NEW.closed_at IS NOT NULL
BEGIN
  INSERT INTO report_sale_q (terminal_id, q, status, closed_by, count, gross, discounts, total, rounding, tax, change)
  VALUES (NEW.terminal_id, substr(NEW.closed_at, 1, 14) || printf('%02d', cast(substr(NEW.closed_at, 15, 2) AS INTEGER) / 15 * 15), NEW.status,
          coalesce(NEW.closed_by, ''), 1, coalesce(NEW.subtotal, 0), coalesce(NEW.discount_total, 0), coalesce(NEW.total, 0),
          coalesce(NEW.rounding, 0), coalesce(NEW.tax_total, 0), coalesce(NEW.change_given, 0))
  ON CONFLICT (terminal_id, q, status, closed_by) DO UPDATE SET count = count + 1, gross = gross + excluded.gross,
    discounts = discounts + excluded.discounts, total = total + excluded.total, rounding = rounding + excluded.rounding,
    tax = tax + excluded.tax, change = change + excluded.change;
END;
CREATE TRIGGER report_sale_inserted_closed AFTER INSERT ON sale
WHEN NEW.status IN ('completed', 'voided') AND NEW.closed_at IS NOT NULL
BEGIN
  INSERT INTO report_sale_q (terminal_id, q, status, closed_by, count, gross, discounts, total, rounding, tax, change)
  VALUES (NEW.terminal_id, substr(NEW.closed_at, 1, 14) || printf('%02d', cast(substr(NEW.closed_at, 15, 2) AS INTEGER) / 15 * 15), NEW.status,
          coalesce(NEW.closed_by, ''), 1, coalesce(NEW.subtotal, 0), coalesce(NEW.discount_total, 0), coalesce(NEW.total, 0),
          coalesce(NEW.rounding, 0), coalesce(NEW.tax_total, 0), coalesce(NEW.change_given, 0))
  ON CONFLICT (terminal_id, q, status, closed_by) DO UPDATE SET count = count + 1, gross = gross + excluded.gross,
    discounts = discounts + excluded.discounts, total = total + excluded.total, rounding = rounding + excluded.rounding,
    tax = tax + excluded.tax, change = change + excluded.change;
END;
CREATE TRIGGER report_tender_added AFTER INSERT ON sale_tender
BEGIN
  INSERT INTO report_tender_q (terminal_id, q, kind, count, amount, tendered)
  SELECT s.terminal_id, substr(s.closed_at, 1, 14) || printf('%02d', cast(substr(s.closed_at, 15, 2) AS INTEGER) / 15 * 15), NEW.kind, 1, NEW.amount, NEW.tendered
    FROM sale s WHERE s.id = NEW.sale_id AND s.status = 'completed' AND s.closed_at IS NOT NULL
  ON CONFLICT (terminal_id, q, kind) DO UPDATE SET count = count + 1, amount = amount + excluded.amount, tendered = tendered + excluded.tendered;
END;
CREATE TRIGGER report_tax_added AFTER INSERT ON sale_tax
BEGIN
  INSERT INTO report_tax_q (terminal_id, q, rate_bp, taxable, tax)
  SELECT s.terminal_id, substr(s.closed_at, 1, 14) || printf('%02d', cast(substr(s.closed_at, 15, 2) AS INTEGER) / 15 * 15), NEW.rate_bp, NEW.taxable, NEW.tax
    FROM sale s WHERE s.id = NEW.sale_id AND s.status = 'completed' AND s.closed_at IS NOT NULL
  ON CONFLICT (terminal_id, q, rate_bp) DO UPDATE SET taxable = taxable + excluded.taxable, tax = tax + excluded.tax;
END;
CREATE TRIGGER report_line_added AFTER INSERT ON sale_line
BEGIN
  INSERT INTO report_item_q (terminal_id, q, items, lines)
  SELECT s.terminal_id, substr(s.closed_at, 1, 14) || printf('%02d', cast(substr(s.closed_at, 15, 2) AS INTEGER) / 15 * 15),
         CASE WHEN NEW.unit = 'each' THEN NEW.quantity_milli / 1000 ELSE 1 END, 1
    FROM sale s WHERE s.id = NEW.sale_id AND s.status = 'completed' AND s.closed_at IS NOT NULL
  ON CONFLICT (terminal_id, q) DO UPDATE SET items = items + excluded.items, lines = lines + excluded.lines;
END;
CREATE INDEX sale_completed_by_closed ON sale (closed_at, id) WHERE status = 'completed';
CREATE INDEX sale_completed_by_total ON sale (total, closed_at, id) WHERE status = 'completed';
CREATE INDEX sale_completed_by_cashier ON sale (closed_by, closed_at, id) WHERE status = 'completed';
CREATE INDEX payment_by_finished ON payment (finished_at) WHERE finished_at IS NOT NULL;
CREATE INDEX refund_wallet_by_finished ON refund (finished_at) WHERE kind = 'wallet' AND finished_at IS NOT NULL;
CREATE INDEX acquirer_statement_row_by_refund ON acquirer_statement_row (refund_request_no) WHERE refund_request_no IS NOT NULL;
CREATE INDEX reconciliation_resolution_by_item ON reconciliation_resolution (business_date, item_key, id);
CREATE TRIGGER reconciliation_resolution_no_update BEFORE UPDATE ON reconciliation_resolution BEGIN
  SELECT RAISE(ABORT, 'reconciliation_resolution is append-only');
END;
CREATE TRIGGER reconciliation_resolution_no_delete BEFORE DELETE ON reconciliation_resolution BEGIN
  SELECT RAISE(ABORT, 'reconciliation_resolution is append-only');
END;
CREATE INDEX job_open_by_kind_due ON job (kind, run_at, seq) WHERE status IN ('queued', 'running');
CREATE INDEX job_queued_by_due ON job (run_at) WHERE status = 'queued';
CREATE INDEX job_running_by_lease ON job (lease_until) WHERE status = 'running';
CREATE INDEX job_open_by_subject ON job (subject, seq) WHERE status IN ('queued', 'running');
CREATE INDEX job_by_updated ON job (updated_at);
CREATE TRIGGER job_attempt_no_update BEFORE UPDATE ON job_attempt BEGIN SELECT raise(ABORT, 'job_attempt is append-only'); END;
CREATE UNIQUE INDEX sale_open_per_surface ON sale (terminal_id, surface) WHERE status = 'open';
CREATE INDEX sale_closed_by_business_date ON sale (terminal_id, business_date, closed_at, id, status, total, rounding)
  WHERE status IN ('completed', 'voided');
CREATE INDEX z_report_by_to ON z_report (terminal_id, to_at);
CREATE TRIGGER job_attempt_no_delete BEFORE DELETE ON job_attempt
  WHEN (SELECT status FROM job WHERE id = OLD.job_id) IN ('queued', 'running')
  BEGIN SELECT raise(ABORT, 'the attempts of an unfinished job are append-only'); END;
CREATE INDEX job_finished_by_time ON job (finished_at) WHERE status IN ('done', 'failed', 'dead');
CREATE INDEX payment_with_merchant_discount ON payment (sale_id) WHERE merchant_discount > 0;
CREATE TRIGGER daily_product_line_added AFTER INSERT ON sale_line
BEGIN
  INSERT INTO daily_product_total (business_date, product_id, quantity_milli)
  SELECT s.business_date, NEW.product_id, NEW.quantity_milli
    FROM sale s WHERE s.id = NEW.sale_id AND s.status = 'completed' AND s.business_date IS NOT NULL
  ON CONFLICT (business_date, product_id) DO UPDATE SET quantity_milli = quantity_milli + excluded.quantity_milli;
END;
CREATE TRIGGER sync_fact_no_delete BEFORE DELETE ON sync_fact BEGIN SELECT raise(ABORT, 'sync facts are never dropped'); END;
CREATE TRIGGER sync_fact_ack_only BEFORE UPDATE ON sync_fact
  WHEN NEW.seq <> OLD.seq OR NEW.kind <> OLD.kind OR NEW.ref_id <> OLD.ref_id OR NEW.variant <> OLD.variant OR NEW.recorded_at <> OLD.recorded_at
  BEGIN SELECT raise(ABORT, 'a sync fact only changes its acknowledgement'); END;
CREATE TRIGGER sync_fact_sale_completed AFTER UPDATE OF status ON sale WHEN NEW.status = 'completed' AND OLD.status <> 'completed'
  BEGIN INSERT OR IGNORE INTO sync_fact (kind, ref_id, recorded_at) VALUES ('sale', NEW.id, coalesce(NEW.closed_at, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))); END;
CREATE TRIGGER sync_fact_sale_inserted_completed AFTER INSERT ON sale WHEN NEW.status = 'completed'
  BEGIN INSERT OR IGNORE INTO sync_fact (kind, ref_id, recorded_at) VALUES ('sale', NEW.id, coalesce(NEW.closed_at, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))); END;
CREATE TRIGGER sync_fact_sale_voided AFTER UPDATE OF status ON sale WHEN NEW.status = 'voided' AND OLD.status <> 'voided'
  BEGIN INSERT OR IGNORE INTO sync_fact (kind, ref_id, recorded_at) VALUES ('sale_void', NEW.id, coalesce(NEW.closed_at, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))); END;
CREATE TRIGGER sync_fact_refund_final AFTER UPDATE OF status ON refund WHEN NEW.status = 'refunded' AND OLD.status <> 'refunded'
  BEGIN INSERT OR IGNORE INTO sync_fact (kind, ref_id, recorded_at) VALUES ('refund', NEW.id, coalesce(NEW.finished_at, NEW.updated_at)); END;
CREATE TRIGGER sync_fact_refund_inserted_final AFTER INSERT ON refund WHEN NEW.status = 'refunded'
  BEGIN INSERT OR IGNORE INTO sync_fact (kind, ref_id, recorded_at) VALUES ('refund', NEW.id, coalesce(NEW.finished_at, NEW.updated_at)); END;
CREATE TRIGGER sync_fact_payment_final AFTER UPDATE OF status ON payment
  WHEN NEW.status IN ('paid', 'failed', 'reversed') AND OLD.status <> NEW.status
  BEGIN INSERT OR IGNORE INTO sync_fact (kind, ref_id, variant, recorded_at) VALUES ('payment', NEW.id, NEW.status, coalesce(NEW.finished_at, NEW.updated_at)); END;
CREATE TRIGGER sync_fact_payment_inserted_final AFTER INSERT ON payment WHEN NEW.status IN ('paid', 'failed', 'reversed')
  BEGIN INSERT OR IGNORE INTO sync_fact (kind, ref_id, variant, recorded_at) VALUES ('payment', NEW.id, NEW.status, coalesce(NEW.finished_at, NEW.updated_at)); END;
CREATE TRIGGER sync_fact_cash_movement AFTER INSERT ON cash_movement
  BEGIN INSERT OR IGNORE INTO sync_fact (kind, ref_id, recorded_at) VALUES ('cash_movement', NEW.id, NEW.at); END;
CREATE TRIGGER sync_fact_shift_open AFTER INSERT ON shift
  BEGIN INSERT OR IGNORE INTO sync_fact (kind, ref_id, recorded_at) VALUES ('shift_open', NEW.id, NEW.opened_at); END;
CREATE TRIGGER sync_fact_shift_close AFTER UPDATE OF closed_at ON shift WHEN OLD.closed_at IS NULL AND NEW.closed_at IS NOT NULL
  BEGIN INSERT OR IGNORE INTO sync_fact (kind, ref_id, recorded_at) VALUES ('shift_close', NEW.id, NEW.closed_at); END;
CREATE TRIGGER sync_fact_z_report AFTER INSERT ON z_report
  BEGIN INSERT OR IGNORE INTO sync_fact (kind, ref_id, recorded_at) VALUES ('z_report', NEW.terminal_id || ':' || NEW.z_no, NEW.to_at); END;
CREATE TRIGGER sync_fact_stock_movement AFTER INSERT ON stock_movement
  BEGIN INSERT OR IGNORE INTO sync_fact (kind, ref_id, recorded_at) VALUES ('stock_movement', NEW.id, NEW.at); END;
CREATE TRIGGER sync_fact_audit AFTER INSERT ON audit_log
  BEGIN INSERT OR IGNORE INTO sync_fact (kind, ref_id, recorded_at) VALUES ('audit', CAST(NEW.seq AS TEXT), NEW.at); END;
CREATE UNIQUE INDEX sync_fact_once ON sync_fact (kind, ref_id, variant);
CREATE INDEX sync_fact_unacked ON sync_fact (seq) WHERE acked = 0;
CREATE INDEX product_active_sku ON product (active, sku);
CREATE TRIGGER member_anonymised_is_final BEFORE UPDATE ON member WHEN OLD.anonymised_at IS NOT NULL
BEGIN
  SELECT RAISE(ABORT, 'an anonymised member cannot change');
END;
CREATE TRIGGER member_identity_is_final BEFORE UPDATE OF id, code, created_at, created_by ON member
BEGIN
  SELECT RAISE(ABORT, 'a member''s id and code cannot change');
END;
CREATE TRIGGER member_no_delete BEFORE DELETE ON member
BEGIN
  SELECT RAISE(ABORT, 'members are anonymised, never deleted (their ledger stays)');
END;
CREATE INDEX sale_by_member ON sale (member_id, closed_at) WHERE member_id IS NOT NULL;
CREATE INDEX member_points_by_member ON member_points (member_id, at);
CREATE INDEX member_points_by_sale ON member_points (sale_id);
CREATE INDEX member_points_by_date ON member_points (business_date, reason);
CREATE UNIQUE INDEX member_points_once ON member_points (sale_id, reason, coalesce(refund_id, ''));
CREATE TRIGGER member_points_no_update BEFORE UPDATE ON member_points
BEGIN
  SELECT RAISE(ABORT, 'member_points is append-only');
END;
CREATE TRIGGER member_points_no_delete BEFORE DELETE ON member_points
BEGIN
  SELECT RAISE(ABORT, 'member_points is append-only');
END;
CREATE VIEW member_refund_share AS
SELECT r.id AS refund_id,
       (SELECT coalesce(sum(x.amount), 0) FROM refund x WHERE x.sale_id = r.sale_id AND x.status = 'refunded') AS refunded_money,
       (SELECT coalesce(sum(t.amount), 0) FROM sale_tender t WHERE t.sale_id = r.sale_id) AS sale_money
  FROM refund r;
CREATE TRIGGER sync_fact_member_points AFTER INSERT ON member_points
  BEGIN INSERT OR IGNORE INTO sync_fact (kind, ref_id, recorded_at) VALUES ('member_points', NEW.id, NEW.at); END;
CREATE TRIGGER refund_takes_payment_provider AFTER INSERT ON refund WHEN NEW.payment_id IS NOT NULL
BEGIN
  UPDATE refund SET provider = p.provider, currency = p.currency FROM (SELECT provider, currency FROM payment WHERE id = NEW.payment_id) AS p
   WHERE refund.id = NEW.id;
END;
CREATE TRIGGER sync_backfill_payment_moved_on BEFORE UPDATE OF status ON payment
  WHEN OLD.status IN ('paid', 'failed', 'reversed') AND NEW.status <> OLD.status
   AND EXISTS (SELECT 1 FROM sync_backfill WHERE done < total)
   AND NOT EXISTS (SELECT 1 FROM sync_fact WHERE kind = 'payment' AND ref_id = OLD.id AND variant = OLD.status)
  BEGIN INSERT OR IGNORE INTO sync_backfill_payment (payment_id, status) VALUES (OLD.id, OLD.status); END;
CREATE VIEW sync_history AS
SELECT kind, ref_id, variant, recorded_at, tiebreak FROM (
  SELECT 'shift_open' AS kind, id AS ref_id, '' AS variant, opened_at AS recorded_at, 0 AS tiebreak FROM shift
  UNION ALL SELECT 'payment', p.id, coalesce(b.status, p.status), coalesce(p.finished_at, p.updated_at), 1
    FROM payment p LEFT JOIN sync_backfill_payment b ON b.payment_id = p.id WHERE b.status IS NOT NULL OR p.status IN ('paid', 'failed', 'reversed')
  UNION ALL SELECT 'sale', id, '', closed_at, 2 FROM sale WHERE status = 'completed'
  UNION ALL SELECT 'sale_void', id, '', closed_at, 2 FROM sale WHERE status = 'voided'
  UNION ALL SELECT 'stock_movement', id, '', at, 3 FROM stock_movement
  UNION ALL SELECT 'refund', id, '', coalesce(finished_at, updated_at), 4 FROM refund WHERE status = 'refunded'
  UNION ALL SELECT 'cash_movement', id, '', at, 5 FROM cash_movement
  UNION ALL SELECT 'shift_close', id, '', closed_at, 6 FROM shift WHERE closed_at IS NOT NULL
  UNION ALL SELECT 'z_report', terminal_id || ':' || z_no, '', to_at, 7 FROM z_report
  UNION ALL SELECT 'audit', CAST(seq AS TEXT), '', at, 8 FROM audit_log
) h
WHERE NOT EXISTS (SELECT 1 FROM sync_fact f WHERE f.kind = h.kind AND f.ref_id = h.ref_id AND f.variant = h.variant);
CREATE INDEX member_alias_by_member ON member_alias (member_id);
CREATE TRIGGER member_points_never_negative BEFORE INSERT ON member_points
  WHEN NEW.delta < 0 AND coalesce((SELECT sum(delta) FROM member_points WHERE member_id = NEW.member_id), 0)
     + (SELECT coalesce(sum(r.points), 0) FROM member_remote_points r WHERE r.member_id = NEW.member_id)
     + (SELECT coalesce(sum(r.points), 0) FROM member_alias a JOIN member_remote_points r ON r.member_id = a.id WHERE a.member_id = NEW.member_id)
     + NEW.delta < 0
BEGIN
  SELECT RAISE(ABORT, 'a member''s points cannot go below zero');
END;
CREATE TRIGGER member_points_refund_final AFTER UPDATE OF status ON refund WHEN NEW.status = 'refunded' AND OLD.status <> 'refunded'
BEGIN
  INSERT INTO member_points (id, member_id, reason, delta, amount, sale_id, refund_id, business_date, at, user_id)
  SELECT NEW.id || ':refund_redeem', e.member_id, 'refund_redeem', s.target - s.returned, s.amount_target - s.amount_returned, NEW.sale_id, NEW.id,
         coalesce(NEW.business_date, e.business_date), coalesce(NEW.finished_at, NEW.updated_at), NULL
    FROM member_points e,
         (SELECT CASE WHEN sh.refunded_money >= sh.sale_money THEN -e2.delta ELSE (-e2.delta * sh.refunded_money) / sh.sale_money END AS target,
                 CASE WHEN sh.refunded_money >= sh.sale_money THEN e2.amount ELSE (e2.amount * sh.refunded_money) / sh.sale_money END AS amount_target,
                 (SELECT coalesce(sum(p.delta), 0) FROM member_points p WHERE p.sale_id = NEW.sale_id AND p.reason = 'refund_redeem') AS returned,
                 (SELECT coalesce(sum(p.amount), 0) FROM member_points p WHERE p.sale_id = NEW.sale_id AND p.reason = 'refund_redeem') AS amount_returned
            FROM member_points e2, member_refund_share sh
           WHERE e2.sale_id = NEW.sale_id AND e2.reason = 'redeem' AND sh.refund_id = NEW.id AND sh.sale_money > 0) s
   WHERE e.sale_id = NEW.sale_id AND e.reason = 'redeem' AND s.target - s.returned > 0;

  INSERT INTO member_points (id, member_id, reason, delta, uncollected, sale_id, refund_id, business_date, at, user_id)
  SELECT NEW.id || ':refund_earn', s.member_id, 'refund_earn', -min(s.due, s.balance), s.due - min(s.due, s.balance), NEW.sale_id, NEW.id,
         coalesce(NEW.business_date, s.business_date), coalesce(NEW.finished_at, NEW.updated_at), NULL
    FROM (SELECT e.member_id, e.business_date,
                 (CASE WHEN sh.refunded_money >= sh.sale_money THEN e.delta ELSE (e.delta * sh.refunded_money) / sh.sale_money END)
                   - (SELECT coalesce(sum(-p.delta + p.uncollected), 0) FROM member_points p WHERE p.sale_id = NEW.sale_id AND p.reason = 'refund_earn') AS due,
                 max(0, (SELECT coalesce(sum(b.delta), 0) FROM member_points b WHERE b.member_id = e.member_id)
                      + (SELECT coalesce(sum(r.points), 0) FROM member_remote_points r WHERE r.member_id = e.member_id)
                      + (SELECT coalesce(sum(r.points), 0) FROM member_alias a JOIN member_remote_points r ON r.member_id = a.id WHERE a.member_id = e.member_id)) AS balance
            FROM member_points e, member_refund_share sh
           WHERE e.sale_id = NEW.sale_id AND e.reason = 'earn' AND sh.refund_id = NEW.id AND sh.sale_money > 0) s
   WHERE s.due > 0;
END;
CREATE TRIGGER sync_fact_member AFTER INSERT ON member WHEN NEW.origin = 'till'
  BEGIN INSERT OR IGNORE INTO sync_fact (kind, ref_id, recorded_at) VALUES ('member', NEW.id, NEW.created_at); END;
CREATE TRIGGER sync_fact_member_anonymised AFTER UPDATE OF anonymised_at ON member WHEN OLD.anonymised_at IS NULL AND NEW.anonymised_at IS NOT NULL
  BEGIN INSERT OR IGNORE INTO sync_fact (kind, ref_id, recorded_at) VALUES ('member_anonymised', NEW.id, NEW.anonymised_at); END;
CREATE UNIQUE INDEX sale_by_receipt_token ON sale (receipt_token) WHERE receipt_token IS NOT NULL;
CREATE INDEX x_report_by_taken ON x_report (taken_at);
CREATE TRIGGER x_report_no_update BEFORE UPDATE ON x_report
BEGIN
  SELECT RAISE(ABORT, 'an X report is kept as it was taken');
END;
CREATE TRIGGER x_report_no_delete BEFORE DELETE ON x_report
BEGIN
  SELECT RAISE(ABORT, 'an X report is kept as it was taken');
END;
CREATE TRIGGER sync_fact_x_report AFTER INSERT ON x_report
  BEGIN INSERT OR IGNORE INTO sync_fact (kind, ref_id, recorded_at) VALUES ('x_report', NEW.id, NEW.taken_at); END;
CREATE UNIQUE INDEX refund_group_leg ON refund (refund_group, leg_no) WHERE refund_group IS NOT NULL;
CREATE UNIQUE INDEX refund_one_void_per_sale ON refund (sale_id, coalesce(leg_no, 1)) WHERE is_void = 1;
CREATE TRIGGER refund_void_legs_of_one_group BEFORE INSERT ON refund WHEN NEW.is_void = 1
BEGIN
  SELECT RAISE(ABORT, 'a sale is voided at most once')
   WHERE EXISTS (SELECT 1 FROM refund WHERE sale_id = NEW.sale_id AND is_void = 1 AND refund_group IS NOT coalesce(NEW.refund_group, NEW.id));
END;
PRAGMA user_version = 36;

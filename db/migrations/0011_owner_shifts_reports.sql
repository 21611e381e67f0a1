-- The owner's shifts, cash movements and Z reports (issue 7).
--
-- A shift is the cashier's drawer from its opening float to its counted close. Sales, refunds and wallet
-- payments are not written with a shift id (selling never waits for a shift): they belong to the shift
-- open on this terminal at their time, i.e. opened_at < t <= closed_at (or now while it is open).
-- Cash movements (cash in / cash out) need an open shift and name it.
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
-- One open shift per terminal.
CREATE UNIQUE INDEX shift_one_open ON shift (terminal_id) WHERE closed_at IS NULL;
CREATE INDEX shift_by_opened ON shift (terminal_id, opened_at);

-- A closed shift is a record: nothing changes it; an open one only closes (its opening facts stay).
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

-- Cash put into (float top-up, change fund) or taken out of (banking, paid-outs) the drawer, with a reason.
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

-- Z reports: the end of a business day. A Z covers every fact of this terminal with from_at < t <= to_at,
-- where from_at is the previous Z's to_at (NULL for the first: everything before). Numbered 1, 2, 3… per
-- terminal without gaps; one per business date; the whole report is kept as taken (JSON) and never changes.
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

-- Gap-free and contiguous: each Z follows the last one, and starts where it ended.
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

-- Reports, shifts and the hourly chart read sales by the time they were closed. The index carries what the
-- hourly chart sums, so that chart never touches the table (one index range per day, on 1,000,000 sales).
CREATE INDEX sale_by_closed ON sale (terminal_id, closed_at, status, total, rounding);
-- Refunds by the time they became final (the day's and the shift's refunds).
CREATE INDEX refund_by_finished ON refund (finished_at) WHERE status = 'refunded';
-- Wallet payments by the time they were made (a shift's unresolved payments, the payments export).
CREATE INDEX payment_by_created ON payment (created_at);

-- Quarter-hour totals, kept by triggers in the same transaction as each sale, so an X or Z report reads a
-- handful of rows (ARCHITECTURE.md "Data") whatever the size of the tables. A quarter is named by its start
-- in UTC, 'YYYY-MM-DDTHH:MM' (MM = 00, 15, 30, 45): every time zone's hours are whole quarters, so local
-- hours are sums of quarters, and a report's window is whole quarters plus at most two partial ones at its
-- edges, which are read from the sales themselves (src-main/services/reports.ts).
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

-- A sale is counted once, when it closes (completed or voided): the sales service closes it with one UPDATE
-- and then writes its lines, taxes and tenders; a sale written closed at once (imports, the bench's
-- generator) is counted on INSERT.
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

-- Tenders, taxes and lines are written once their sale is completed: each adds to its sale's quarter.
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

-- The sales closed before this migration.
INSERT INTO report_sale_q (terminal_id, q, status, closed_by, count, gross, discounts, total, rounding, tax, change)
SELECT terminal_id, substr(closed_at, 1, 14) || printf('%02d', cast(substr(closed_at, 15, 2) AS INTEGER) / 15 * 15) AS q, status, coalesce(closed_by, '') AS by,
       count(*), coalesce(sum(subtotal), 0), coalesce(sum(discount_total), 0), coalesce(sum(total), 0), coalesce(sum(rounding), 0),
       coalesce(sum(tax_total), 0), coalesce(sum(change_given), 0)
  FROM sale WHERE status IN ('completed', 'voided') AND closed_at IS NOT NULL GROUP BY terminal_id, q, status, by;
INSERT INTO report_tender_q (terminal_id, q, kind, count, amount, tendered)
SELECT s.terminal_id, substr(s.closed_at, 1, 14) || printf('%02d', cast(substr(s.closed_at, 15, 2) AS INTEGER) / 15 * 15) AS q, t.kind, count(*), sum(t.amount), sum(t.tendered)
  FROM sale s JOIN sale_tender t ON t.sale_id = s.id WHERE s.status = 'completed' AND s.closed_at IS NOT NULL GROUP BY s.terminal_id, q, t.kind;
INSERT INTO report_tax_q (terminal_id, q, rate_bp, taxable, tax)
SELECT s.terminal_id, substr(s.closed_at, 1, 14) || printf('%02d', cast(substr(s.closed_at, 15, 2) AS INTEGER) / 15 * 15) AS q, x.rate_bp, sum(x.taxable), sum(x.tax)
  FROM sale s JOIN sale_tax x ON x.sale_id = s.id WHERE s.status = 'completed' AND s.closed_at IS NOT NULL GROUP BY s.terminal_id, q, x.rate_bp;
INSERT INTO report_item_q (terminal_id, q, items, lines)
SELECT s.terminal_id, substr(s.closed_at, 1, 14) || printf('%02d', cast(substr(s.closed_at, 15, 2) AS INTEGER) / 15 * 15) AS q,
       sum(CASE WHEN l.unit = 'each' THEN l.quantity_milli / 1000 ELSE 1 END), count(*)
  FROM sale s JOIN sale_line l ON l.sale_id = s.id WHERE s.status = 'completed' AND s.closed_at IS NOT NULL GROUP BY s.terminal_id, q;

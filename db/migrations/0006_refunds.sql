-- Refunds against a completed sale, full or partial. A refund is a new fact, never an edit of the sale.
-- A wallet refund is committed (status 'submitted', with its outbox job) before its request leaves the
-- terminal; its refund_request_no is made once and sent unchanged on every retry, so the acquirer
-- refunds it at most once. A cash refund is final ('refunded') in the transaction that records it.
--
-- Money: amount = wallet_amount + cash_amount. For a wallet sale the wallet part goes back through the
-- acquirer against the original payment (payment_id); cash_amount is handed back by the cashier (a cash
-- sale, or the part of a mixed sale beyond what its wallet tender can take back).
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
  finished_at       TEXT,
  CHECK (amount = wallet_amount + cash_amount),
  CHECK ((kind = 'wallet') = (payment_id IS NOT NULL)),
  CHECK ((kind = 'wallet') = (wallet_amount > 0)),
  -- A cash refund is inserted and made 'refunded' in one transaction: it is never seen in another state.
  CHECK (kind = 'wallet' OR (tender_kind = 'cash' AND status IN ('submitted', 'refunded'))),
  CHECK ((status = 'refunded') = (receipt_no IS NOT NULL)),
  CHECK (status <> 'refunded' OR (business_date IS NOT NULL AND finished_at IS NOT NULL))
) STRICT;
CREATE INDEX refund_by_sale ON refund (sale_id, created_at);
CREATE INDEX refund_by_payment ON refund (payment_id) WHERE payment_id IS NOT NULL;
CREATE INDEX refund_unfinished ON refund (status) WHERE status IN ('submitted', 'in_progress', 'unknown');

-- Which items came back: quantity (stock returns when the refund is final) and the part of the refund
-- attributed to the line (its net pro rata). A refund without lines is a refund of an amount only.
CREATE TABLE refund_line (
  refund_id      TEXT NOT NULL REFERENCES refund (id),
  sale_id        TEXT NOT NULL,
  line_no        INTEGER NOT NULL,
  quantity_milli INTEGER NOT NULL CHECK (quantity_milli > 0),
  amount         INTEGER NOT NULL CHECK (amount >= 0),
  PRIMARY KEY (refund_id, line_no),
  FOREIGN KEY (sale_id, line_no) REFERENCES sale_line (sale_id, line_no)
) STRICT;
CREATE INDEX refund_line_by_sale_line ON refund_line (sale_id, line_no);

-- Everything that happened to a refund, appended (who asked, who approved, each acquirer answer).
CREATE TABLE refund_event (
  id        INTEGER PRIMARY KEY,
  refund_id TEXT NOT NULL REFERENCES refund (id),
  at        TEXT NOT NULL,
  type      TEXT NOT NULL,
  data      TEXT NOT NULL CHECK (json_valid(data))
) STRICT;
CREATE INDEX refund_event_by_refund ON refund_event (refund_id, id);

CREATE TRIGGER refund_line_no_update BEFORE UPDATE ON refund_line
BEGIN
  SELECT RAISE(ABORT, 'refund_line is append-only');
END;
CREATE TRIGGER refund_event_no_update BEFORE UPDATE ON refund_event
BEGIN
  SELECT RAISE(ABORT, 'refund_event is append-only');
END;

-- Refunds by the day they became final and by tender kind ('cash', 'wechat', 'alipay', …), kept in the
-- same transaction as the refund turns 'refunded', so a Z report reads a handful of rows.
-- A mixed refund adds to two rows (its wallet part and its cash part), each counted once.
CREATE TABLE daily_refund_total (
  business_date TEXT NOT NULL,
  kind          TEXT NOT NULL CHECK (kind IN ('cash', 'wechat', 'alipay', 'unionpay', 'ecny', 'jdpay', 'bestpay', 'other')),
  count         INTEGER NOT NULL DEFAULT 0 CHECK (count >= 0),
  amount        INTEGER NOT NULL DEFAULT 0 CHECK (amount >= 0),
  PRIMARY KEY (business_date, kind)
) STRICT;

-- Refund jobs in the outbox: one per refund (several refunds of one payment may be in flight at once,
-- so payment_id cannot be the key as it is for query/cancel).
ALTER TABLE outbox ADD COLUMN refund_id TEXT REFERENCES refund (id);
CREATE UNIQUE INDEX outbox_one_job_per_refund ON outbox (refund_id) WHERE kind = 'refund';

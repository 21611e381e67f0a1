-- The owner's sales history: completed sales newest first, paged by the key (closed_at, id). Each index
-- serves one kind of search in that order, so a page is read from the index without sorting the day.
CREATE INDEX sale_completed_by_closed ON sale (closed_at, id) WHERE status = 'completed';
CREATE INDEX sale_completed_by_total ON sale (total, closed_at, id) WHERE status = 'completed';
CREATE INDEX sale_completed_by_cashier ON sale (closed_by, closed_at, id) WHERE status = 'completed';

-- Reconciliation reads a day's finished payments and wallet refunds by time, and finds a refund on any
-- day's downloaded statement by its request number.
CREATE INDEX payment_by_finished ON payment (finished_at) WHERE finished_at IS NOT NULL;
CREATE INDEX refund_wallet_by_finished ON refund (finished_at) WHERE kind = 'wallet' AND finished_at IS NOT NULL;
CREATE INDEX acquirer_statement_row_by_refund ON acquirer_statement_row (refund_request_no) WHERE refund_request_no IS NOT NULL;

-- An owner's note on a difference between the acquirer's statement and the terminal's records, keyed by
-- the statement's day and the item ('pay:<client_sn>', 'cancel:<client_sn>', 'refund:<refund_request_no>').
-- It records the difference as it was when resolved: if a later download shows another difference for the
-- same item, the note no longer covers it and the item is open again (a new resolution is appended).
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
CREATE INDEX reconciliation_resolution_by_item ON reconciliation_resolution (business_date, item_key, id);

CREATE TRIGGER reconciliation_resolution_no_update BEFORE UPDATE ON reconciliation_resolution BEGIN
  SELECT RAISE(ABORT, 'reconciliation_resolution is append-only');
END;
CREATE TRIGGER reconciliation_resolution_no_delete BEFORE DELETE ON reconciliation_resolution BEGIN
  SELECT RAISE(ABORT, 'reconciliation_resolution is append-only');
END;

-- The acquirer's statement (对账单) for a day, as downloaded by a 'statement' outbox job: what the
-- owner's reconciliation compares with the terminal's own payments and refunds.
CREATE TABLE acquirer_statement (
  business_date TEXT PRIMARY KEY,
  downloaded_at TEXT NOT NULL,
  row_count     INTEGER NOT NULL
) STRICT;

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
  refund_request_no TEXT,
  PRIMARY KEY (business_date, line_no)
) STRICT;
CREATE INDEX acquirer_statement_row_by_client_sn ON acquirer_statement_row (client_sn);

-- Statement jobs in the outbox carry the day they are for.
ALTER TABLE outbox ADD COLUMN business_date TEXT;
CREATE UNIQUE INDEX outbox_one_job_per_statement ON outbox (business_date) WHERE kind = 'statement';

-- Wallet payments. A row is committed (status 'submitted') before its request leaves the terminal;
-- its client_sn is new for every attempt and its code hash is never reused for another order.
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
) STRICT;
CREATE INDEX payment_unfinished ON payment (status) WHERE status IN ('submitted', 'pending', 'unknown', 'cancelling');
CREATE INDEX payment_by_sale ON payment (sale_id);

-- Everything that happened to a payment, appended.
CREATE TABLE payment_event (
  id         INTEGER PRIMARY KEY,
  payment_id TEXT NOT NULL REFERENCES payment (id),
  at         TEXT NOT NULL,
  type       TEXT NOT NULL,
  data       TEXT NOT NULL CHECK (json_valid(data))
) STRICT;
CREATE INDEX payment_event_by_payment ON payment_event (payment_id, id);

-- The durable outbox: the next thing to ask the acquirer, per payment (query or cancel), kept across restarts.
CREATE TABLE outbox (
  id          TEXT PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind IN ('query', 'cancel', 'refund', 'statement')),
  payment_id  TEXT REFERENCES payment (id),
  due_at      INTEGER NOT NULL,
  attempts    INTEGER NOT NULL DEFAULT 0,
  last_error  TEXT,
  created_at  TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX outbox_one_job_per_payment ON outbox (payment_id) WHERE kind IN ('query', 'cancel');
CREATE INDEX outbox_due ON outbox (due_at);

-- This terminal's credentials at the acquirer; the key is sealed (AES-GCM) with a key kept outside the database.
CREATE TABLE acquirer_terminal (
  singleton    INTEGER PRIMARY KEY CHECK (singleton = 1),
  base_url     TEXT NOT NULL,
  terminal_sn  TEXT NOT NULL,
  sealed_key   TEXT NOT NULL,
  key_date     TEXT NOT NULL,
  activated_at TEXT NOT NULL
) STRICT;

-- Store sync, the till's side (src-common/sync-protocol.ts). Every immutable fact gets the next per-terminal
-- sequence number in the transaction that writes it: triggers append to sync_fact, so no code path can forget
-- one. The fact's payload is built from the referenced rows when it is uploaded (they no longer change once
-- final); `variant` tells two facts of one row apart (a payment's final status).
CREATE TABLE sync_fact (
  -- AUTOINCREMENT: the history written before this version is numbered later (0023) into a range reserved below
  -- the first new fact through sqlite_sequence, so a new fact never takes a number the history needs.
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  kind        TEXT NOT NULL CHECK (kind IN ('sale', 'sale_void', 'refund', 'payment', 'cash_movement', 'shift_open',
                                            'shift_close', 'z_report', 'stock_movement', 'audit')),
  ref_id      TEXT NOT NULL,
  variant     TEXT NOT NULL DEFAULT '',
  -- The till's clock when the fact was written: kept and sent, never used to order (seq orders).
  recorded_at TEXT NOT NULL,
  -- 1 once the store server has acknowledged it; an unacknowledged fact is never dropped.
  acked       INTEGER NOT NULL DEFAULT 0 CHECK (acked IN (0, 1))
) STRICT;
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
-- A payment is sent at each final status it reaches (a late 'paid' after 'failed' is a second fact).
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

-- One fact per row and final state; the triggers' INSERT OR IGNORE leans on it.
CREATE UNIQUE INDEX sync_fact_once ON sync_fact (kind, ref_id, variant);
CREATE INDEX sync_fact_unacked ON sync_fact (seq) WHERE acked = 0;

-- The link to the store server, once enrolled: its address and pinned certificate, the store, this terminal's
-- credential (sealed by the keyring, never in clear), the upload stream and the last version pulled.
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
) STRICT;

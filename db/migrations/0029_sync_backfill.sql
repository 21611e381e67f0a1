-- The facts written before store sync existed get their numbers after the start, in short batches in the SQL
-- worker (src-main/sync/backfill.ts), not in this migration: a till with a million sales has ~1.7 million of them,
-- ~12 s of numbering that would hold up its start. Here they are only counted, and that many numbers are reserved
-- below the first new fact (sqlite_sequence of the AUTOINCREMENT sync_fact), so the history keeps seqs 1..total,
-- lower than every fact written after the upgrade, contiguous with them. Upload waits until `done = total`.
-- AUTOINCREMENT on the singleton only makes sure sqlite_sequence exists: a till whose sync_fact came from the first
-- version of 0022 (no AUTOINCREMENT, history numbered there) has none, and counts 0 below.
CREATE TABLE sync_backfill (
  singleton   INTEGER PRIMARY KEY AUTOINCREMENT CHECK (singleton = 1),
  -- The history takes seqs base+1 .. base+total (base: the highest seq at the upgrade, 0 on a till upgraded from 21).
  base        INTEGER NOT NULL CHECK (base >= 0),
  total       INTEGER NOT NULL CHECK (total >= 0),
  done        INTEGER NOT NULL DEFAULT 0 CHECK (done >= 0 AND done <= total),
  finished_at TEXT
) STRICT;

-- A payment's fact names its final status. One that was final at the upgrade and moves on to another final status
-- before its history fact is written (failed, then paid late) keeps the status it had here, so the count above and
-- the numbering agree; the new status is a new fact, numbered at once.
CREATE TABLE sync_backfill_payment (
  payment_id TEXT PRIMARY KEY,
  status     TEXT NOT NULL
) STRICT;
CREATE TRIGGER sync_backfill_payment_moved_on BEFORE UPDATE OF status ON payment
  WHEN OLD.status IN ('paid', 'failed', 'reversed') AND NEW.status <> OLD.status
   AND EXISTS (SELECT 1 FROM sync_backfill WHERE done < total)
   AND NOT EXISTS (SELECT 1 FROM sync_fact WHERE kind = 'payment' AND ref_id = OLD.id AND variant = OLD.status)
  BEGIN INSERT OR IGNORE INTO sync_backfill_payment (payment_id, status) VALUES (OLD.id, OLD.status); END;

-- The history still to number, with the order it is numbered in (its time, then the kind's place in a day, then
-- the id): every final row that has no fact yet. A row made final after the upgrade has its fact already.
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

INSERT INTO sync_backfill (singleton, base, total, finished_at)
SELECT 1, (SELECT coalesce(max(seq), 0) FROM sync_fact), count(*), CASE WHEN count(*) = 0 THEN strftime('%Y-%m-%dT%H:%M:%fZ', 'now') END FROM sync_history;
-- The next new fact takes base+total+1. (A till whose history 0022 numbered already counts 0 here.)
DELETE FROM sqlite_sequence WHERE name = 'sync_fact';
INSERT INTO sqlite_sequence (name, seq) SELECT 'sync_fact', base + total FROM sync_backfill;

-- How the till trusts its store server: 'pin' (cert_pem is the server's certificate, its fingerprint pinned) or
-- 'ca' (cert_pem is the CA certificate the technician gave at enrolment; the server's must chain to it and name its host).
ALTER TABLE sync_link ADD COLUMN trust TEXT NOT NULL DEFAULT 'pin' CHECK (trust IN ('pin', 'ca'));

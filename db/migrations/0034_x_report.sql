-- X reports as taken (issue 15: the back office shows each till's X and Z reports as received). An X report is the
-- open business day so far; the till keeps the one it printed, as printed, and sends it up as an `x_report` fact.
-- Viewing the X on screen keeps nothing (it changes with every sale); printing it is taking it.
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

-- The new fact kind widens sync_fact's CHECK in place (db/migrate.ts), as 0024 and 0030 did; the edit comes last.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, '''member'', ''member_anonymised''))', '''member'', ''member_anonymised'', ''x_report''))')
 WHERE type = 'table' AND name = 'sync_fact' AND instr(sql, '''member'', ''member_anonymised''))') > 0;

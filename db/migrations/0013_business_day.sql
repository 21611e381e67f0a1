-- One business day (src-common/business-day.ts): the Z report's day, turning at a configured hour in the
-- store's time zone. sale.business_date and refund.business_date were written by the old rule (the
-- machine's local midnight) and the day totals are keyed by them. SQLite knows no time zones, so the
-- recompute is a TypeScript step (db/business-date-recompute.ts) run once after the migrations with the
-- terminal's rule; this table records that it is due, and when it ran.
CREATE TABLE one_time_step (
  name    TEXT PRIMARY KEY,
  due_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  done_at TEXT
) STRICT;

INSERT INTO one_time_step (name) VALUES ('recompute_business_dates');

-- Two indexes no query reads, each written on every sale an upload stores: a stream's facts in order are
-- stream_seq's primary key (store_id, stream, seq) → fact_id, and the daily total reads sale_daily_total (0004),
-- which replaced sale_by_date as sale_tender_daily_total replaced sale_tender_by_date.
DROP INDEX fact_by_terminal_seq;
DROP INDEX sale_by_date;

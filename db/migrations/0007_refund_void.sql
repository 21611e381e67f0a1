-- Same-day void of a completed sale (当日整单作废): the whole sale reversed in one refund row flagged
-- is_void. Its wallet part is reversed with the acquirer's cancel (冲正, today's paid order in full)
-- instead of a refund, through the same commit-before-send outbox job (kind 'refund'); its cash part is
-- handed back once the wallet part is reversed. Once final it counts like a refund (the day's refund
-- totals, stock back for every line, a refund receipt headed 作废 / VOID).
ALTER TABLE refund ADD COLUMN is_void INTEGER NOT NULL DEFAULT 0 CHECK (is_void IN (0, 1));

-- A sale is voided at most once, whatever became of the first void (a failed void is followed by a
-- normal refund, never by a second void).
CREATE UNIQUE INDEX refund_one_void_per_sale ON refund (sale_id) WHERE is_void = 1;

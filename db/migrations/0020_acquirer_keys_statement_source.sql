-- The terminal key's rotation, shown on the technician's acquirer status: when the key was last fetched
-- (activation or daily checkin). Rows from before this version take their activation time.
ALTER TABLE acquirer_terminal ADD COLUMN checked_in_at TEXT;
UPDATE acquirer_terminal SET checked_in_at = activated_at;

-- Where a day's statement came from: the acquirer's statement file (the sandbox's own /sandbox/statement), or,
-- against the live Shouqianba API that has no statement endpoint, a query of each of the terminal's orders of
-- the day ('order_query'). The owner's reconciliation panel names it.
ALTER TABLE acquirer_statement ADD COLUMN source TEXT NOT NULL DEFAULT 'statement_file' CHECK (source IN ('statement_file', 'order_query'));

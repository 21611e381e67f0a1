-- E-receipts (issue 15): a sale's token (128 random bits the till drew, sent in the sale fact) → that sale. Its own
-- table, written by its own projection of the sale facts. A phone asks by token alone, so the lookup index is on the
-- token (on Citus a lookup visits every shard: one indexed probe each, for a page a person opens); the key keeps
-- store_id first, like every table here. A token two stores hold (a till copying another store's) opens nothing.
CREATE TABLE e_receipt (
  store_id text NOT NULL,
  token text NOT NULL CHECK (token ~ '^[A-Za-z0-9_-]{22}$'),
  sale_id text NOT NULL,
  closed_at timestamptz NOT NULL,
  PRIMARY KEY (store_id, token)
);
CREATE INDEX e_receipt_by_token ON e_receipt (token);
-- The page shows a sale's refunds: found by the sale, not by a scan of the store's refunds.
CREATE INDEX refund_by_sale ON refund (store_id, sale_id);

-- Voids: a till voids a cart while it is open, so on one timeline a sale is either completed or voided. Both reach
-- the server for one sale only across a till restored from a backup (one timeline completed it, the other voided
-- it), in either order. The void is kept as its own row, and the sale and its tenders are marked voided whichever
-- arrived first, so every total leaves them out (facts/upload marks them in the batch that brings the second).
CREATE TABLE sale_void (
  store_id text NOT NULL,
  sale_id text NOT NULL,
  terminal_id text NOT NULL,
  voided_at timestamptz NOT NULL,
  voided_by text,
  reason text NOT NULL,
  PRIMARY KEY (store_id, sale_id)
);
ALTER TABLE sale ADD COLUMN voided_at timestamptz;
ALTER TABLE sale_tender ADD COLUMN voided boolean NOT NULL DEFAULT false;

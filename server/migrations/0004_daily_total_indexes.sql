-- The store-wide daily total reads one store's day: these indexes hold exactly the columns it sums, for the sales
-- and tenders not voided, so it is an index-only scan of a few adjacent pages instead of ~333 heap pages scattered
-- across the table (a store's sales of a day are interleaved with every other store's). They replace the plain ones.
CREATE INDEX sale_daily_total ON sale (store_id, business_date, terminal_id)
  INCLUDE (subtotal, discount_total, total, rounding, tax_total) WHERE voided_at IS NULL;
CREATE INDEX sale_tender_daily_total ON sale_tender (store_id, business_date, terminal_id, kind) INCLUDE (amount) WHERE NOT voided;
DROP INDEX sale_tender_by_date;

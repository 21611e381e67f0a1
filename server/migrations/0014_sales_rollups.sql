-- Rollups of the sales facts for the back office's dashboard and day reports: a chain's day (500 stores, 166,000
-- sales) summed from these few thousand rows instead of its every sale, tender and line. They are kept by the
-- upload's own statement (server/api/projections.ts: the batch's new rows, summed per key, added with one
-- INSERT … ON CONFLICT DO UPDATE per table) and by the void of a stored sale (subtracted), so they equal the sums of
-- the projected tables to the fen at every commit.
--
-- store_id leads every key (the Citus rule of this schema). The till-keyed tables are written only by that till's
-- own uploads, which its stream's lock already serialises: tills never wait on each other's rows. The products' is
-- per store (a chain's top sellers would otherwise read a row per till and product); tills of one store updating
-- one product's row wait for each other's commit, and take the rows in key order, so they never deadlock.
-- Rows stay when a void takes their figures to zero; the readers leave out rows whose counts are zero.

-- Per (store, date, till): the non-voided sales' figures and the refunds of that date by that till.
CREATE TABLE sale_till_day (
  store_id text NOT NULL,
  business_date date NOT NULL,
  terminal_id text NOT NULL,
  sales_count bigint NOT NULL,
  gross bigint NOT NULL,
  discounts bigint NOT NULL,
  sales bigint NOT NULL,
  rounding bigint NOT NULL,
  tax bigint NOT NULL,
  refund_count bigint NOT NULL,
  refunds bigint NOT NULL,
  PRIMARY KEY (store_id, business_date, terminal_id)
) WITH (fillfactor = 70);

-- Per (store, date, till, tender kind): the non-voided tenders taken and the refunds to that kind.
CREATE TABLE sale_tender_till_day (
  store_id text NOT NULL,
  business_date date NOT NULL,
  terminal_id text NOT NULL,
  kind text NOT NULL,
  tender_count bigint NOT NULL,
  amount bigint NOT NULL,
  refund_count bigint NOT NULL,
  refunds bigint NOT NULL,
  PRIMARY KEY (store_id, business_date, terminal_id, kind)
) WITH (fillfactor = 70);

-- Per (store, date, till, UTC hour the sale closed in): non-voided sales and their total + rounding. A viewer's
-- zone whose offset is whole hours maps each UTC hour to one of its hours; another zone (India's +5:30) reads the sales.
CREATE TABLE sale_hour_till_day (
  store_id text NOT NULL,
  business_date date NOT NULL,
  terminal_id text NOT NULL,
  hour timestamptz NOT NULL,
  sales_count bigint NOT NULL,
  amount bigint NOT NULL,
  PRIMARY KEY (store_id, business_date, terminal_id, hour)
) WITH (fillfactor = 70);

-- Per (store, date, product): the non-voided sales' lines, with the name and unit of the latest line uploaded.
CREATE TABLE sale_product_day (
  store_id text NOT NULL,
  business_date date NOT NULL,
  product_id text NOT NULL,
  line_count bigint NOT NULL,
  quantity_milli bigint NOT NULL,
  net bigint NOT NULL,
  name text NOT NULL,
  unit text NOT NULL,
  PRIMARY KEY (store_id, business_date, product_id)
) WITH (fillfactor = 70);

-- The facts stored before this migration.
INSERT INTO sale_till_day (store_id, business_date, terminal_id, sales_count, gross, discounts, sales, rounding, tax, refund_count, refunds)
SELECT store_id, business_date, terminal_id, sum(n), sum(gross), sum(discounts), sum(sales), sum(rounding), sum(tax), sum(refund_count), sum(refunds)
  FROM (SELECT store_id, business_date, terminal_id, count(*) AS n, sum(subtotal) AS gross, sum(discount_total) AS discounts, sum(total) AS sales,
               sum(rounding) AS rounding, sum(tax_total) AS tax, 0 AS refund_count, 0 AS refunds
          FROM sale WHERE voided_at IS NULL GROUP BY store_id, business_date, terminal_id
        UNION ALL
        SELECT store_id, business_date, terminal_id, 0, 0, 0, 0, 0, 0, count(*), sum(amount)
          FROM refund GROUP BY store_id, business_date, terminal_id) x
 GROUP BY store_id, business_date, terminal_id;

INSERT INTO sale_tender_till_day (store_id, business_date, terminal_id, kind, tender_count, amount, refund_count, refunds)
SELECT store_id, business_date, terminal_id, kind, sum(n), sum(amount), sum(refund_count), sum(refunds)
  FROM (SELECT store_id, business_date, terminal_id, kind, count(*) AS n, sum(amount) AS amount, 0 AS refund_count, 0 AS refunds
          FROM sale_tender WHERE NOT voided GROUP BY store_id, business_date, terminal_id, kind
        UNION ALL
        SELECT store_id, business_date, terminal_id, tender_kind, 0, 0, count(*), sum(amount)
          FROM refund GROUP BY store_id, business_date, terminal_id, tender_kind) x
 GROUP BY store_id, business_date, terminal_id, kind;

INSERT INTO sale_hour_till_day (store_id, business_date, terminal_id, hour, sales_count, amount)
SELECT store_id, business_date, terminal_id, date_trunc('hour', closed_at, 'UTC'), count(*), sum(total + rounding)
  FROM sale WHERE voided_at IS NULL
 GROUP BY store_id, business_date, terminal_id, date_trunc('hour', closed_at, 'UTC');

INSERT INTO sale_product_day (store_id, business_date, product_id, line_count, quantity_milli, net, name, unit)
SELECT l.store_id, l.business_date, l.product_id, count(*), sum(l.quantity_milli), sum(l.net),
       (array_agg(l.name ORDER BY l.sale_id DESC))[1], (array_agg(l.unit ORDER BY l.sale_id DESC))[1]
  FROM sale_line l
 WHERE NOT EXISTS (SELECT 1 FROM sale_void v WHERE v.store_id = l.store_id AND v.sale_id = l.sale_id)
 GROUP BY l.store_id, l.business_date, l.product_id;

-- The top sellers now read sale_product_day: the lines' date index (0011) is read by no query, and was written for
-- every line an upload stores.
DROP INDEX sale_line_by_date;

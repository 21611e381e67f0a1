-- X reports as each till printed them (issue 15: the back office lists each till's X and Z reports as received),
-- written by their own projection of the `x_report` facts. Keyed by store first like every table here.
CREATE TABLE x_report (
  store_id text NOT NULL,
  terminal_id text NOT NULL,
  x_id text NOT NULL,
  business_date date NOT NULL,
  from_at timestamptz,
  taken_at timestamptz NOT NULL,
  taken_by text NOT NULL,
  currency text NOT NULL,
  sales_count integer NOT NULL,
  gross bigint NOT NULL,
  discounts bigint NOT NULL,
  refunds bigint NOT NULL,
  net bigint NOT NULL,
  tax bigint NOT NULL,
  report jsonb NOT NULL,
  PRIMARY KEY (store_id, x_id)
);
-- The reports page reads a range of dates of a store's tills.
CREATE INDEX x_report_by_date ON x_report (store_id, business_date);

-- The back office's dashboard and reports: a range of business dates of some stores' Z reports, and the cash
-- counted at shifts' close (a fact without a business date, found by its store and time), without scanning a
-- store's every row.
CREATE INDEX z_report_by_date ON z_report (store_id, business_date);
CREATE INDEX fact_shift_close ON fact (store_id, recorded_at) WHERE kind = 'shift_close';

-- Exports and charts select by the stored business dates (the Z's days), not by time windows re-derived
-- from the current rule. Closed sales of a terminal by business date in (closed_at, id) order: the
-- exports' keyset pages, and (covering) the hourly chart's takings of one business date.
CREATE INDEX sale_closed_by_business_date ON sale (terminal_id, business_date, closed_at, id, status, total, rounding)
  WHERE status IN ('completed', 'voided');

-- The last Z before an instant (the one-time business-date recompute applies Z boundaries per sale).
CREATE INDEX z_report_by_to ON z_report (terminal_id, to_at);

-- Each selling surface of a terminal (the till, the self-service kiosk) has its own open sale.
ALTER TABLE sale ADD COLUMN surface TEXT NOT NULL DEFAULT 'till' CHECK (surface IN ('till', 'kiosk'));

-- A kiosk session has no user: an open sale nobody signed in for was the kiosk's order. Closed sales keep
-- the default (rewriting a million history rows for a label nothing reads would stall the upgrade).
UPDATE sale SET surface = 'kiosk' WHERE status = 'open' AND opened_by IS NULL;

-- One sale per surface was "the newest open one" until now: any older open sale left by a fault is parked
-- (kept, resumable) rather than failing the unique index below.
INSERT INTO sale_event (sale_id, at, user_id, type, data)
  SELECT s.id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), NULL, 'suspended', '{"migration":"0013_sale_surface"}'
  FROM sale s
  WHERE s.status = 'open' AND EXISTS (
    SELECT 1 FROM sale n WHERE n.status = 'open' AND n.terminal_id = s.terminal_id AND n.surface = s.surface
      AND (n.opened_at > s.opened_at OR (n.opened_at = s.opened_at AND n.id > s.id)));
UPDATE sale SET status = 'suspended'
  WHERE id IN (SELECT sale_id FROM sale_event WHERE type = 'suspended' AND data = '{"migration":"0013_sale_surface"}') AND status = 'open';

CREATE UNIQUE INDEX sale_open_per_surface ON sale (terminal_id, surface) WHERE status = 'open';

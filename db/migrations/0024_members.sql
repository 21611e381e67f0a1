-- Members and their points (issue 16).
--
-- A member is a customer who gave the shop a mainland mobile number to collect points. What is kept, why and for
-- how long is in the README ("Members and personal data"). The phone and name are the only personal data; an
-- owner deletes a member by anonymising: both are set to NULL and anonymised_at is set, while the points ledger
-- and the sales keep the member's id (no personal data) so the shop's books still add up.
CREATE TABLE member (
  id             TEXT PRIMARY KEY,
  -- Mainland mobile, 11 digits (1[3-9]…); NULL once anonymised.
  phone          TEXT UNIQUE CHECK (phone IS NULL OR (length(phone) = 11 AND phone GLOB '1[3-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]')),
  name           TEXT CHECK (name IS NULL OR length(name) BETWEEN 1 AND 40),
  -- What the member QR holds (JZM1:<code>): random, says nothing about the person.
  code           TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 8 AND 32),
  created_at     TEXT NOT NULL,
  created_by     TEXT REFERENCES user (id),
  anonymised_at  TEXT,
  CHECK ((anonymised_at IS NULL) = (phone IS NOT NULL)),
  CHECK (anonymised_at IS NULL OR name IS NULL)
) STRICT;
-- Anonymising is the only change: an anonymised member stays so, and the code and creation never change.
CREATE TRIGGER member_anonymised_is_final BEFORE UPDATE ON member WHEN OLD.anonymised_at IS NOT NULL
BEGIN
  SELECT RAISE(ABORT, 'an anonymised member cannot change');
END;
CREATE TRIGGER member_identity_is_final BEFORE UPDATE OF id, code, created_at, created_by ON member
BEGIN
  SELECT RAISE(ABORT, 'a member''s id and code cannot change');
END;
CREATE TRIGGER member_no_delete BEFORE DELETE ON member
BEGIN
  SELECT RAISE(ABORT, 'members are anonymised, never deleted (their ledger stays)');
END;

-- The member a sale was sold to (set when it completes): a member's history of sales.
ALTER TABLE sale ADD COLUMN member_id TEXT REFERENCES member (id);
CREATE INDEX sale_by_member ON sale (member_id, closed_at) WHERE member_id IS NOT NULL;

-- The points ledger: a member's balance is the sum of its rows, never a number kept beside it. Append-only.
--   earn           credited when a sale completes (points per yuan of the amount paid after discounts, not the points part)
--   redeem         debited when a sale that redeemed points completes (amount: what they were worth, minor units)
--   refund_earn    taken back when a refund of such a sale becomes final (never below zero: `uncollected` says what could not be)
--   refund_redeem  given back when a refund of a sale that redeemed points becomes final (amount: their worth)
CREATE TABLE member_points (
  id            TEXT PRIMARY KEY,
  member_id     TEXT NOT NULL REFERENCES member (id),
  reason        TEXT NOT NULL CHECK (reason IN ('earn', 'redeem', 'refund_earn', 'refund_redeem')),
  delta         INTEGER NOT NULL,
  -- Money the points stood for (redeem, refund_redeem), 0 otherwise; minor units.
  amount        INTEGER NOT NULL DEFAULT 0 CHECK (amount >= 0),
  -- Points a refund should have taken back but the member had spent already.
  uncollected   INTEGER NOT NULL DEFAULT 0 CHECK (uncollected >= 0),
  -- How a redemption paid (the memberPoints setting at the time): part of the tenders, or an order discount.
  redeemed_as   TEXT CHECK (redeemed_as IN ('tender', 'discount')),
  sale_id       TEXT NOT NULL REFERENCES sale (id),
  refund_id     TEXT REFERENCES refund (id),
  business_date TEXT NOT NULL,
  at            TEXT NOT NULL,
  user_id       TEXT REFERENCES user (id),
  CHECK (delta <> 0 OR uncollected > 0),
  CHECK (CASE reason WHEN 'earn' THEN delta > 0 WHEN 'refund_redeem' THEN delta > 0 ELSE delta <= 0 END),
  CHECK ((refund_id IS NULL) = (reason IN ('earn', 'redeem'))),
  CHECK ((redeemed_as IS NOT NULL) = (reason = 'redeem'))
) STRICT;
CREATE INDEX member_points_by_member ON member_points (member_id, at);
CREATE INDEX member_points_by_sale ON member_points (sale_id);
CREATE INDEX member_points_by_date ON member_points (business_date, reason);
-- One earn and one redeem per sale; one of each refund kind per refund.
CREATE UNIQUE INDEX member_points_once ON member_points (sale_id, reason, coalesce(refund_id, ''));
CREATE TRIGGER member_points_no_update BEFORE UPDATE ON member_points
BEGIN
  SELECT RAISE(ABORT, 'member_points is append-only');
END;
CREATE TRIGGER member_points_no_delete BEFORE DELETE ON member_points
BEGIN
  SELECT RAISE(ABORT, 'member_points is append-only');
END;
CREATE TRIGGER member_points_never_negative BEFORE INSERT ON member_points
  WHEN NEW.delta < 0 AND coalesce((SELECT sum(delta) FROM member_points WHERE member_id = NEW.member_id), 0) + NEW.delta < 0
BEGIN
  SELECT RAISE(ABORT, 'a member''s points cannot go below zero');
END;

-- A refund that becomes final settles the points of what it refunds, in its own transaction, whatever code path
-- finished it: first the redeemed points come back, then the earned ones are taken back, each in proportion to the
-- money refunded so far over the money the sale took (the last refund settles the rest). Taking back never goes
-- below zero: what the member has spent already is recorded as `uncollected`.
CREATE VIEW member_refund_share AS
SELECT r.id AS refund_id,
       (SELECT coalesce(sum(x.amount), 0) FROM refund x WHERE x.sale_id = r.sale_id AND x.status = 'refunded') AS refunded_money,
       (SELECT coalesce(sum(t.amount), 0) FROM sale_tender t WHERE t.sale_id = r.sale_id) AS sale_money
  FROM refund r;

CREATE TRIGGER member_points_refund_final AFTER UPDATE OF status ON refund WHEN NEW.status = 'refunded' AND OLD.status <> 'refunded'
BEGIN
  INSERT INTO member_points (id, member_id, reason, delta, amount, sale_id, refund_id, business_date, at, user_id)
  SELECT NEW.id || ':refund_redeem', e.member_id, 'refund_redeem', s.target - s.returned, s.amount_target - s.amount_returned, NEW.sale_id, NEW.id,
         coalesce(NEW.business_date, e.business_date), coalesce(NEW.finished_at, NEW.updated_at), NULL
    FROM member_points e,
         (SELECT CASE WHEN sh.refunded_money >= sh.sale_money THEN -e2.delta ELSE (-e2.delta * sh.refunded_money) / sh.sale_money END AS target,
                 CASE WHEN sh.refunded_money >= sh.sale_money THEN e2.amount ELSE (e2.amount * sh.refunded_money) / sh.sale_money END AS amount_target,
                 (SELECT coalesce(sum(p.delta), 0) FROM member_points p WHERE p.sale_id = NEW.sale_id AND p.reason = 'refund_redeem') AS returned,
                 (SELECT coalesce(sum(p.amount), 0) FROM member_points p WHERE p.sale_id = NEW.sale_id AND p.reason = 'refund_redeem') AS amount_returned
            FROM member_points e2, member_refund_share sh
           WHERE e2.sale_id = NEW.sale_id AND e2.reason = 'redeem' AND sh.refund_id = NEW.id AND sh.sale_money > 0) s
   WHERE e.sale_id = NEW.sale_id AND e.reason = 'redeem' AND s.target - s.returned > 0;

  INSERT INTO member_points (id, member_id, reason, delta, uncollected, sale_id, refund_id, business_date, at, user_id)
  SELECT NEW.id || ':refund_earn', s.member_id, 'refund_earn', -min(s.due, s.balance), s.due - min(s.due, s.balance), NEW.sale_id, NEW.id,
         coalesce(NEW.business_date, s.business_date), coalesce(NEW.finished_at, NEW.updated_at), NULL
    FROM (SELECT e.member_id, e.business_date,
                 (CASE WHEN sh.refunded_money >= sh.sale_money THEN e.delta ELSE (e.delta * sh.refunded_money) / sh.sale_money END)
                   - (SELECT coalesce(sum(-p.delta + p.uncollected), 0) FROM member_points p WHERE p.sale_id = NEW.sale_id AND p.reason = 'refund_earn') AS due,
                 max(0, (SELECT coalesce(sum(b.delta), 0) FROM member_points b WHERE b.member_id = e.member_id)) AS balance
            FROM member_points e, member_refund_share sh
           WHERE e.sale_id = NEW.sale_id AND e.reason = 'earn' AND sh.refund_id = NEW.id AND sh.sale_money > 0) s
   WHERE s.due > 0;
END;
-- (A refund is never written final at once: the refund table requires a receipt number, given when it is marked refunded.)

-- Store sync: the points ledger is a fact kind of its own (src-common/sync-protocol.ts `member_points`); the cart has
-- two new facts: a member attached or taken off (member_set, src-common/cart.ts) and the points the member redeems
-- (points_redeemed). Each is one more value in a CHECK's list, which every stored row satisfies already: the tables'
-- statements are widened in place (db/migrate.ts), not rebuilt (1.67 M sync facts and the events of 1 M sales took
-- 18 s to copy).
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, '''stock_movement'', ''audit''))', '''stock_movement'', ''audit'', ''member_points''))')
 WHERE type = 'table' AND name = 'sync_fact' AND instr(sql, '''stock_movement'', ''audit''))') > 0;
UPDATE sqlite_schema SET sql = replace(sql, '''voided'', ''completed''))', '''voided'', ''completed'', ''member_set'', ''points_redeemed''))')
 WHERE type = 'table' AND name = 'sale_event' AND instr(sql, '''voided'', ''completed''))') > 0;

CREATE TRIGGER sync_fact_member_points AFTER INSERT ON member_points
  BEGIN INSERT OR IGNORE INTO sync_fact (kind, ref_id, recorded_at) VALUES ('member_points', NEW.id, NEW.at); END;



-- Promotions and members of a store (issue 16), both store-scoped like every table here.
--
-- Promotions are the store's data tills pull (versioned, deletion markers): made through the admin API, priced
-- on every till of the store by the same engine (src-common/promotions.ts). `rule` is the till's own rule JSON
-- (src-common/calls/promotions.ts PromotionRuleInput), validated by zod before it is written. A product's
-- member price is a column of the product, as on the till.
CREATE TABLE promotion (
  store_id text NOT NULL,
  promotion_id text NOT NULL,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 40),
  kind text NOT NULL CHECK (kind IN ('special', 'nth_item', 'bundle', 'spend_save')),
  rule jsonb NOT NULL CHECK (rule->>'kind' = kind),
  active boolean NOT NULL DEFAULT true,
  start_date date,
  end_date date,
  deleted boolean NOT NULL DEFAULT false,
  version bigint NOT NULL,
  CHECK (start_date IS NULL OR end_date IS NULL OR start_date <= end_date),
  PRIMARY KEY (store_id, promotion_id)
);
CREATE INDEX promotion_by_version ON promotion (store_id, version);
ALTER TABLE product ADD COLUMN member_price bigint CHECK (member_price IS NULL OR member_price >= 0);

-- Members, projected from the tills' `member` facts (and `member_anonymised`): the phone and name are personal data
-- kept so every till of the store finds the member (README, "Members and personal data"); anonymising at any till
-- clears both here too. Two tills that made a member with the same phone while apart made one person: the member
-- created first (then the lower id) is the store's, the others point at it (merged_into), and their points add up.
CREATE TABLE member (
  store_id text NOT NULL,
  member_id text NOT NULL,
  phone text CHECK (phone IS NULL OR phone ~ '^1[3-9][0-9]{9}$'),
  name text,
  code text NOT NULL,
  created_at timestamptz NOT NULL,
  created_by_terminal text NOT NULL,
  anonymised_at timestamptz,
  merged_into text,
  version bigint NOT NULL,
  CHECK ((anonymised_at IS NULL) = (phone IS NOT NULL)),
  PRIMARY KEY (store_id, member_id)
);
CREATE INDEX member_by_phone ON member (store_id, phone) WHERE phone IS NOT NULL;
CREATE INDEX member_by_version ON member (store_id, version);

-- Each till's sum of a member's points ledger (its `member_points` facts): a till pulls the rows of the other tills
-- and adds its own ledger, so a balance is right on every till without counting a till's own entries twice.
CREATE TABLE member_points_total (
  store_id text NOT NULL,
  member_id text NOT NULL,
  terminal_id text NOT NULL,
  points bigint NOT NULL,
  version bigint NOT NULL,
  PRIMARY KEY (store_id, member_id, terminal_id)
);
CREATE INDEX member_points_total_by_version ON member_points_total (store_id, version);

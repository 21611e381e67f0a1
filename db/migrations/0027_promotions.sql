-- Promotions (src-common/promotions.ts): specials, Nth item, bundles and 满减, each with its rule as JSON (its
-- fields validated by zod in main before they are written), an active flag and business dates, both inclusive.
-- The per-product member price is a column of the product: one price per product, applied with a member attached.
ALTER TABLE product ADD COLUMN member_price INTEGER CHECK (member_price IS NULL OR member_price >= 0);

CREATE TABLE promotion (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 40),
  kind        TEXT NOT NULL CHECK (kind IN ('special', 'nth_item', 'bundle', 'spend_save')),
  rule        TEXT NOT NULL CHECK (json_valid(rule) AND json_extract(rule, '$.kind') = kind),
  active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  start_date  TEXT CHECK (start_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  end_date    TEXT CHECK (end_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  updated_by  TEXT,
  CHECK (start_date IS NULL OR end_date IS NULL OR start_date <= end_date)
) STRICT;

-- What a completed sale's line got from promotions, written with the sale: the promotion's id, name and kind are
-- copied, so a report or a refund of the sale never depends on the promotion still existing or being unchanged.
-- A 满减's share of a line is a row of its own (kind 'spend_save').
CREATE TABLE sale_line_promotion (
  sale_id      TEXT NOT NULL,
  line_no      INTEGER NOT NULL,
  promotion_id TEXT NOT NULL,
  name         TEXT NOT NULL,
  kind         TEXT NOT NULL CHECK (kind IN ('special', 'member_price', 'nth_item', 'bundle', 'spend_save')),
  saving       INTEGER NOT NULL CHECK (saving > 0),
  PRIMARY KEY (sale_id, line_no, promotion_id),
  FOREIGN KEY (sale_id, line_no) REFERENCES sale_line (sale_id, line_no)
) STRICT, WITHOUT ROWID;

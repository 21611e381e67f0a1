-- One catalog for the chain with per-store prices (issue 15). A product still has one row per store (store_id in
-- every key, for Citus), with the same product_id in every store; the owner's chain edit writes every store's row
-- in one transaction, each store's version raised. `price` and `active` stay what the tills pull (the row's shape
-- on the wire does not change); they are derived here from:
--   chain_price     the chain's price, written by the chain edit (NULL: a row only the store-level admin API wrote)
--   override_price  this store's own price, or NULL to follow the chain; the chain edit never overwrites it
--   chain_active    the chain's on/off (NULL as chain_price)
--   store_active    this store's on/off, the store manager's switch; the chain edit never overwrites it
-- so price = coalesce(override_price, chain_price) and active = coalesce(chain_active, true) AND store_active.
ALTER TABLE product ADD COLUMN chain_price bigint CHECK (chain_price >= 0);
ALTER TABLE product ADD COLUMN override_price bigint CHECK (override_price >= 0);
ALTER TABLE product ADD COLUMN chain_active boolean;
ALTER TABLE product ADD COLUMN store_active boolean NOT NULL DEFAULT true;
-- Rows from before: what each store has is taken as the chain's (no override), so nothing a till sells changes.
UPDATE product SET chain_price = price, chain_active = active;

-- Which version of its store's data each till has applied: the `since` of its latest pull (a till asks for what
-- follows the version it has applied whole), and when. NULL: it has not pulled since this migration.
ALTER TABLE terminal ADD COLUMN pulled_version bigint;
ALTER TABLE terminal ADD COLUMN pulled_at timestamptz;

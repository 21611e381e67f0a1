-- What the acquirer said about how a paid order was paid (Shouqianba `payment_list`, pay.md / query.md):
-- the list as fen parts, and the fen of the amount the merchant funds itself (its own discounts and red
-- packets, the *_MCH kinds): the customer paid that much less, and the shop receives that much less.
ALTER TABLE payment ADD COLUMN merchant_discount INTEGER NOT NULL DEFAULT 0 CHECK (merchant_discount >= 0);
ALTER TABLE payment ADD COLUMN payment_list TEXT CHECK (payment_list IS NULL OR json_valid(payment_list));
-- Few payments carry one: a report sums them from these rows, not from every sale of its window.
CREATE INDEX payment_with_merchant_discount ON payment (sale_id) WHERE merchant_discount > 0;

-- Cross-border wallet payments (issue 18; src-common/cross-border.ts): a store priced in another currency than CNY is
-- paid by a Chinese customer's wallet in CNY. What the customer paid and the rate come from the wallet's paid reply,
-- never computed on the till, and are kept as it gave them: the payer's currency, minor units of THAT currency, and
-- the rate as the text the wallet sent with the places its decimal point is shifted (WeChat v2 writes the rate × 10^8:
-- scale 8; Alipay a decimal: scale 0). All NULL for a CNY store's payments and for every payment before this version.
ALTER TABLE payment ADD COLUMN payer_currency TEXT CHECK (payer_currency IS NULL OR (length(payer_currency) = 3 AND payer_currency NOT GLOB '*[^A-Z]*'));
ALTER TABLE payment ADD COLUMN payer_amount INTEGER CHECK ((payer_amount IS NULL) = (payer_currency IS NULL) AND (payer_amount IS NULL OR payer_amount >= 0));
-- Digits with at most one decimal point, never without an amount.
ALTER TABLE payment ADD COLUMN payer_rate TEXT CHECK (
  payer_rate IS NULL OR (payer_amount IS NOT NULL AND length(payer_rate) BETWEEN 1 AND 25 AND payer_rate NOT GLOB '*[^0-9.]*'
                         AND payer_rate GLOB '[0-9]*' AND payer_rate NOT GLOB '*.' AND payer_rate NOT GLOB '*.*.*'));
ALTER TABLE payment ADD COLUMN payer_rate_scale INTEGER CHECK ((payer_rate_scale IS NULL) = (payer_rate IS NULL) AND (payer_rate_scale IS NULL OR payer_rate_scale BETWEEN 0 AND 12));

-- A wallet refund of such a payment: the customer's side of it, when the refund's reply gives one.
ALTER TABLE refund ADD COLUMN payer_currency TEXT CHECK (payer_currency IS NULL OR (length(payer_currency) = 3 AND payer_currency NOT GLOB '*[^A-Z]*'));
ALTER TABLE refund ADD COLUMN payer_amount INTEGER CHECK ((payer_amount IS NULL) = (payer_currency IS NULL) AND (payer_amount IS NULL OR payer_amount >= 0));

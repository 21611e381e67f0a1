-- Payment providers (issue 18): every payment, wallet refund and statement row records the provider that
-- took it and the currency of its amount. What came before this version went through the aggregator, in CNY.
ALTER TABLE payment ADD COLUMN provider TEXT NOT NULL DEFAULT 'aggregator' CHECK (provider IN ('aggregator', 'wechat_v2'));
ALTER TABLE payment ADD COLUMN currency TEXT NOT NULL DEFAULT 'CNY' CHECK (length(currency) = 3 AND currency GLOB '[A-Z][A-Z][A-Z]');

-- A wallet refund goes back through the provider of its payment; a cash refund has none.
ALTER TABLE refund ADD COLUMN provider TEXT CHECK (provider IN ('aggregator', 'wechat_v2'));
ALTER TABLE refund ADD COLUMN currency TEXT NOT NULL DEFAULT 'CNY' CHECK (length(currency) = 3 AND currency GLOB '[A-Z][A-Z][A-Z]');
UPDATE refund SET provider = 'aggregator' WHERE kind = 'wallet';
-- A refund's provider and currency are its payment's, by definition: taken from it as the refund is recorded.
CREATE TRIGGER refund_takes_payment_provider AFTER INSERT ON refund WHEN NEW.payment_id IS NOT NULL
BEGIN
  UPDATE refund SET provider = p.provider, currency = p.currency FROM (SELECT provider, currency FROM payment WHERE id = NEW.payment_id) AS p
   WHERE refund.id = NEW.id;
END;

ALTER TABLE acquirer_statement_row ADD COLUMN provider TEXT NOT NULL DEFAULT 'aggregator' CHECK (provider IN ('aggregator', 'wechat_v2'));
ALTER TABLE acquirer_statement_row ADD COLUMN currency TEXT NOT NULL DEFAULT 'CNY' CHECK (length(currency) = 3 AND currency GLOB '[A-Z][A-Z][A-Z]');

-- Which provider takes which wallet, set by the technician; a wallet without a row goes to the aggregator.
CREATE TABLE payment_route (
  wallet     TEXT PRIMARY KEY CHECK (wallet IN ('wechat', 'alipay', 'unionpay', 'ecny', 'jdpay', 'bestpay')),
  provider   TEXT NOT NULL CHECK (provider IN ('aggregator', 'wechat_v2')),
  updated_at TEXT NOT NULL,
  updated_by TEXT REFERENCES user (id),
  CHECK (provider = 'aggregator' OR (provider = 'wechat_v2' AND wallet = 'wechat'))
) STRICT;

-- This terminal's settings at a direct provider (the aggregator keeps its own in acquirer_terminal):
-- `settings` holds what is not secret (address, app and merchant ids, sign type, certificate dates),
-- `sealed_secrets` the API key, the merchant certificate's private key and the rest, sealed like the terminal key.
CREATE TABLE payment_provider (
  provider        TEXT PRIMARY KEY CHECK (provider IN ('wechat_v2')),
  settings        TEXT NOT NULL CHECK (json_valid(settings)),
  sealed_secrets  TEXT NOT NULL,
  cert_not_after  TEXT,
  updated_at      TEXT NOT NULL,
  updated_by      TEXT REFERENCES user (id)
) STRICT;

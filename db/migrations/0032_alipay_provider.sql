-- Alipay direct (issue 18): a provider 'alipay' beside the aggregator and WeChat Pay v2, taking Alipay codes only,
-- with its settings sealed in payment_provider like wechat_v2's. It widens 0028's provider CHECKs in place
-- (db/migrate.ts: every stored row already satisfies the wider check). Each edit anchors on the start of the list
-- ('aggregator', 'wechat_v2' …) and puts 'alipay' right after it, so a later migration anchored the same way (0033,
-- WeChat Pay v3) still finds its anchor and the lists keep every value.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, 'provider IN (''aggregator'', ''wechat_v2''', 'provider IN (''aggregator'', ''wechat_v2'', ''alipay''')
 WHERE type = 'table' AND name IN ('payment', 'refund', 'acquirer_statement_row', 'payment_route')
   AND instr(sql, 'provider IN (''aggregator'', ''wechat_v2''') > 0;
UPDATE sqlite_schema SET sql = replace(sql, 'CHECK (provider = ''aggregator'' OR ', 'CHECK (provider = ''aggregator'' OR (provider = ''alipay'' AND wallet = ''alipay'') OR ')
 WHERE type = 'table' AND name = 'payment_route' AND instr(sql, 'CHECK (provider = ''aggregator'' OR ') > 0;
UPDATE sqlite_schema SET sql = replace(sql, 'provider IN (''wechat_v2''', 'provider IN (''wechat_v2'', ''alipay''')
 WHERE type = 'table' AND name = 'payment_provider' AND instr(sql, 'provider IN (''wechat_v2''') > 0;

-- Alipay direct (issue 18): a provider 'alipay' beside the aggregator and WeChat Pay v2, taking Alipay codes only,
-- with its settings sealed in payment_provider like wechat_v2's. It widens 0028's provider CHECKs in place
-- (db/migrate.ts: every stored row already satisfies the wider check). 'alipay' goes in right after 'aggregator'
-- (and before 'wechat_v2' in payment_provider), so the rest of each list is left as 0028 wrote it.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, 'provider IN (''aggregator'', ''wechat_v2''', 'provider IN (''aggregator'', ''alipay'', ''wechat_v2''')
 WHERE type = 'table' AND name IN ('payment', 'refund', 'acquirer_statement_row', 'payment_route')
   AND instr(sql, 'provider IN (''aggregator'', ''wechat_v2''') > 0;
UPDATE sqlite_schema SET sql = replace(sql, 'CHECK (provider = ''aggregator'' OR ', 'CHECK (provider = ''aggregator'' OR (provider = ''alipay'' AND wallet = ''alipay'') OR ')
 WHERE type = 'table' AND name = 'payment_route' AND instr(sql, 'CHECK (provider = ''aggregator'' OR ') > 0;
UPDATE sqlite_schema SET sql = replace(sql, 'provider IN (''wechat_v2''', 'provider IN (''alipay'', ''wechat_v2''')
 WHERE type = 'table' AND name = 'payment_provider' AND instr(sql, 'provider IN (''wechat_v2''') > 0;

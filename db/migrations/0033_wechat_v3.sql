-- WeChat Pay API v3 direct (issue 18): a third payment provider, 'wechat_v3', which takes WeChat codes only, like
-- 'wechat_v2'. Its settings row lives in payment_provider (the merchant's private key sealed, as v2's secrets).
--
-- It is one more value in each provider CHECK, which every stored row satisfies already: the statements are widened
-- in place (db/migrate.ts), not rebuilt. Each edit anchors on the start of the list ('aggregator', 'wechat_v2' …), so
-- it holds whatever another migration appended to the same list before this one.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, 'provider IN (''aggregator'', ''wechat_v2''', 'provider IN (''aggregator'', ''wechat_v2'', ''wechat_v3''')
 WHERE type = 'table' AND name IN ('payment', 'refund', 'acquirer_statement_row', 'payment_route')
   AND instr(sql, 'provider IN (''aggregator'', ''wechat_v2''') > 0;
UPDATE sqlite_schema SET sql = replace(sql, '(provider = ''wechat_v2'' AND wallet = ''wechat'')', '(provider IN (''wechat_v2'', ''wechat_v3'') AND wallet = ''wechat'')')
 WHERE type = 'table' AND name = 'payment_route' AND instr(sql, '(provider = ''wechat_v2'' AND wallet = ''wechat'')') > 0;
UPDATE sqlite_schema SET sql = replace(sql, 'provider IN (''wechat_v2''', 'provider IN (''wechat_v2'', ''wechat_v3''')
 WHERE type = 'table' AND name = 'payment_provider' AND instr(sql, 'provider IN (''wechat_v2''') > 0;

/**
 * Wire facts of WeChat Pay API v3 shared by the adapter and the v3 sandbox (pay.weixin.qq.com/doc/v3, merchant
 * side: code-payment-v3 付款码支付 and 撤销, 商户订单号查询订单, 退款申请 / 查询单笔退款, 申请交易账单; the
 * fixtures and their addresses are in ./spec-fixtures-v3/SOURCES.md): paths and the replies' shapes.
 *
 * The reply schemas hold what the adapter relies on and let anything else through (WeChat adds fields); a reply
 * without what is relied on is "an unknown shape".
 */
import { z } from 'zod';

export const V3_PATHS = {
  codepay: '/v3/pay/transactions/codepay',
  /** GET, `?mchid=`. */
  query: (outTradeNo: string) => `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}`,
  reverse: (outTradeNo: string) => `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}/reverse`,
  refunds: '/v3/refund/domestic/refunds',
  /** GET. */
  refund: (outRefundNo: string) => `/v3/refund/domestic/refunds/${encodeURIComponent(outRefundNo)}`,
  /** GET, `?bill_date=YYYY-MM-DD&bill_type=ALL`. */
  tradebill: '/v3/bill/tradebill',
} as const;

/**
 * WeChat Pay's GLOBAL API v3 (merchants outside mainland China; host apihk.mch.weixin.qq.com), as
 * pay.weixin.qq.com/doc/global/v3 gives it and GitHub wechatpay-im/website mirrors it (openapi/v3/global/…; see
 * ./spec-fixtures-v3/SOURCES.md). Not `/v3/global/transactions/micropay`: code payment and its reverse live under
 * `/v3/global/micropay/transactions/…`, the order query under `/v3/global/transactions/…`.
 */
export const V3_GLOBAL_PATHS = {
  pay: '/v3/global/micropay/transactions/pay',
  /** GET, `?mchid=` (common mode) or `?sp_mchid=&sub_mchid=` (institutional). */
  query: (outTradeNo: string) => `/v3/global/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}`,
  /** POST; answered with no content. */
  reverse: (outTradeNo: string) => `/v3/global/micropay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}/reverse`,
  refunds: '/v3/global/refunds',
  /** GET, with the same merchant query as `query`. */
  refund: (outRefundNo: string) => `/v3/global/refunds/out-refund-no/${encodeURIComponent(outRefundNo)}`,
} as const;

/** Integer minor units as v3 writes them (JSON numbers). */
const Minor = z.number().int().nonnegative().max(99_999_999_999);
const Currency = z.string().regex(/^[A-Z]{3}$/);

export const V3Amount = z.looseObject({
  total: Minor,
  currency: Currency,
  payer_total: Minor.optional(),
  payer_currency: Currency.optional(),
});
export type V3Amount = z.infer<typeof V3Amount>;

/** A transaction as codepay (paid) and the order query describe it. */
export const V3Transaction = z.looseObject({
  appid: z.string().optional(),
  mchid: z.string().optional(),
  out_trade_no: z.string().optional(),
  transaction_id: z.string().optional(),
  trade_type: z.string().optional(),
  trade_state: z.string(),
  trade_state_desc: z.string().optional(),
  success_time: z.string().optional(),
  payer: z.looseObject({ openid: z.string().optional() }).optional(),
  amount: V3Amount.optional(),
});
export type V3Transaction = z.infer<typeof V3Transaction>;

/** Every v3 error reply: HTTP 4xx/5xx (and 202 USERPAYING) with a code and a message. */
export const V3Error = z.looseObject({ code: z.string().min(1), message: z.string().optional() });

export const V3Reversed = z.looseObject({ mchid: z.string(), out_trade_no: z.string(), appid: z.string().optional() });

export const V3Refund = z.looseObject({
  refund_id: z.string(),
  out_refund_no: z.string(),
  transaction_id: z.string().optional(),
  out_trade_no: z.string(),
  status: z.string(),
  success_time: z.string().optional(),
  create_time: z.string().optional(),
  amount: z.looseObject({ total: Minor, refund: Minor, currency: Currency, payer_total: Minor.optional(), payer_refund: Minor.optional() }),
});

/**
 * `exchange_rate` of a global reply: the rate × 10^8 as an integer (WeChat's convention since v2's `rate`), and which
 * rate it is: USERPAYMENT_RATE is the payer's currency against the order's, SETTLEMENT_RATE the order's currency
 * against the merchant's settlement currency (pay.weixin.qq.com/doc/global/v3/en/4016999302) — not the customer's.
 */
export const V3ExchangeRate = z.looseObject({ type: z.string().optional(), rate: z.number().int().positive().max(99_999_999_999_999).optional() });

/** The amount of a global transaction: the order's and the payer's side (`payer_total` in `payer_currency`). */
export const V3GlobalAmount = z.looseObject({
  total: Minor,
  currency: Currency,
  payer_total: Minor.optional(),
  payer_currency: Currency.optional(),
  exchange_rate: V3ExchangeRate.optional(),
});
export type V3GlobalAmount = z.infer<typeof V3GlobalAmount>;

/** A transaction as the global code payment (paid) and the global order query describe it: WeChat's order number is `id`. */
export const V3GlobalTransaction = z.looseObject({
  id: z.string().optional(),
  appid: z.string().optional(),
  mchid: z.string().optional(),
  sp_appid: z.string().optional(),
  sp_mchid: z.string().optional(),
  sub_mchid: z.string().optional(),
  out_trade_no: z.string().optional(),
  trade_type: z.string().optional(),
  trade_state: z.string(),
  trade_state_desc: z.string().optional(),
  success_time: z.string().optional(),
  payer: z.looseObject({ openid: z.string().optional(), sp_openid: z.string().optional(), sub_openid: z.string().optional() }).optional(),
  amount: V3GlobalAmount.optional(),
});
export type V3GlobalTransaction = z.infer<typeof V3GlobalTransaction>;

/** A global refund: the apply reply has no status and no out_trade_no; the single-refund query has both. */
export const V3GlobalRefund = z.looseObject({
  id: z.string(),
  out_refund_no: z.string(),
  out_trade_no: z.string().optional(),
  status: z.string().optional(),
  create_time: z.string().optional(),
  success_time: z.string().optional(),
  amount: z.looseObject({ refund: Minor, currency: Currency.optional(), payer_refund: Minor.optional(), payer_currency: Currency.optional(), exchange_rate: V3ExchangeRate.optional() }),
});
export type V3GlobalRefund = z.infer<typeof V3GlobalRefund>;

export const V3Bill = z.looseObject({ hash_type: z.literal('SHA1'), hash_value: z.string().regex(/^[0-9a-fA-F]{40}$/), download_url: z.url() });

/** RFC 3339 with Beijing's offset, as v3 writes times ("2018-06-08T10:34:56+08:00"). */
export function rfc3339Beijing(at: Date): string {
  return `${new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;
}

export function instantOfRfc3339(text: string | undefined): Date | null {
  if (!text || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)$/.test(text)) return null;
  const at = new Date(text);
  return Number.isNaN(at.getTime()) ? null : at;
}

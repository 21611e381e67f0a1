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

/**
 * Wire facts of WeChat Pay API v2 shared by the adapter and the v2 sandbox (payments.md §2, §5.1; WeChat's API
 * pages as mirrored in GitHub wechatpay-im/website openapi/v2): paths, times, the trade bill's columns.
 */
export const V2_PATHS = {
  micropay: '/pay/micropay',
  orderquery: '/pay/orderquery',
  /** Mutual TLS with the merchant's API certificate. */
  reverse: '/secapi/pay/reverse',
  /** Mutual TLS with the merchant's API certificate. */
  refund: '/secapi/pay/refund',
  refundquery: '/pay/refundquery',
  downloadbill: '/pay/downloadbill',
} as const;

/** `time_end` and the like: yyyyMMddHHmmss in Beijing time (UTC+8, no daylight saving). */
const BEIJING_OFFSET_MS = 8 * 3600_000;

export function beijingCompact(at: Date): string {
  return new Date(at.getTime() + BEIJING_OFFSET_MS).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

export function instantOfBeijingCompact(text: string): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (!m) return null;
  const at = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) - BEIJING_OFFSET_MS;
  return Number.isNaN(at) ? null : new Date(at);
}

/** The trade bill (downloadbill, bill_type ALL): these columns, every cell prefixed by a backtick, CRLF rows. */
export const BILL_COLUMNS = [
  '交易时间', '公众账号ID', '商户号', '特约商户号', '设备号', '微信订单号', '商户订单号', '用户标识', '交易类型', '交易状态',
  '付款银行', '货币种类', '应结订单金额', '代金券金额', '微信退款单号', '商户退款单号', '退款金额', '充值券退款金额', '退款类型',
  '退款状态', '商品名称', '商户数据包', '手续费', '费率', '订单金额', '申请退款金额', '费率备注',
] as const;
export const BILL_TRAILER_COLUMNS = ['总交易单数', '应结订单总金额', '退款总金额', '充值券退款总金额', '手续费总金额', '订单总金额', '申请退款总金额'] as const;

/** Yuan with two decimals as the bill writes them ("0.01"), to fen; null unless exactly that. */
export function fenOfYuan(text: string): number | null {
  const m = /^(\d{1,8})\.(\d{2})$/.exec(text);
  return m ? Number(m[1]) * 100 + Number(m[2]) : null;
}

export function yuanOfFen(fen: number): string {
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}

/**
 * Wire facts of Alipay's OpenAPI gateway (`gateway.do`, API 1.0) shared by the provider and the sandbox
 * (payments.md §3, §5.2; opendocs.alipay.com, alipay.trade.* pages): method names, result codes, amounts, times.
 */
export const ALIPAY_METHODS = {
  pay: 'alipay.trade.pay',
  precreate: 'alipay.trade.precreate',
  query: 'alipay.trade.query',
  cancel: 'alipay.trade.cancel',
  refund: 'alipay.trade.refund',
  refundQuery: 'alipay.trade.fastpay.refund.query',
  billUrl: 'alipay.data.dataservice.bill.downloadurl.query',
} as const;
export type AlipayMethod = (typeof ALIPAY_METHODS)[keyof typeof ALIPAY_METHODS];

/** The reply's node: `alipay.trade.pay` answers in `alipay_trade_pay_response`. */
export const responseKeyOf = (method: string): string => `${method.replaceAll('.', '_')}_response`;

/** Gateway result codes (payments.md §3.2). */
export const ALIPAY_CODES = {
  success: '10000',
  /** Waiting for the customer (PIN): query. */
  paying: '10003',
  /** Service unavailable, result unknown (isp.unknow-error): query. */
  unknown: '20000',
  /** Parameter / signature / permission errors of the gateway (isv.*): nothing was done. */
  invalidArguments: '40002',
  /** Business failure: sub_code says which. */
  businessFailed: '40004',
} as const;

/** `total_amount` and friends: the amount in the currency's major unit with exactly its ISO 4217 decimals ("8.88"; JPY "888"). */
export function amountText(minor: number, exponent: number): string {
  if (!Number.isSafeInteger(minor) || minor < 0) throw new RangeError(`not an amount in minor units: ${minor}`);
  if (exponent === 0) return String(minor);
  const digits = String(minor).padStart(exponent + 1, '0');
  return `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

/**
 * An amount as Alipay writes it ("8.88", "8.8", "8"), in minor units; null unless it is that and has at most `exponent`
 * decimals. The documentation's examples write Price fields as JSON numbers (120.88): a number is read by its shortest
 * decimal form, which is the literal as written.
 */
export function minorOfAmountText(value: unknown, exponent: number): number | null {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof text !== 'string') return null;
  const m = /^(\d{1,12})(?:\.(\d+))?$/.exec(text);
  if (!m) return null;
  const fraction = m[2] ?? '';
  if (fraction.length > exponent) return null;
  const minor = Number(m[1]! + fraction.padEnd(exponent, '0'));
  return Number.isSafeInteger(minor) ? minor : null;
}

/** Alipay's times: `yyyy-MM-dd HH:mm:ss` in Beijing time (UTC+8, no daylight saving). */
const BEIJING_OFFSET_MS = 8 * 3600_000;

export function beijingTime(at: Date): string {
  return new Date(at.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

export function instantOfBeijingTime(text: unknown): Date | null {
  if (typeof text !== 'string') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!m) return null;
  const at = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) - BEIJING_OFFSET_MS;
  return Number.isNaN(at) ? null : new Date(at);
}

/** The content a gateway request's RSA2 `sign` covers: every non-empty parameter but `sign`, sorted by name, `k=v` joined by `&` (payments.md §3.8). */
export function requestSignContent(params: Readonly<Record<string, string>>): string {
  return Object.keys(params)
    .filter((k) => k !== 'sign' && params[k] !== '' && params[k] !== undefined)
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
}

/** A payment code Alipay takes at the till (payments.md §1.1): 25–30 then 14–22 digits. */
export const ALIPAY_AUTH_CODE = /^(2[5-9]|30)\d{14,22}$/;
/** out_trade_no / out_request_no: up to 64 letters, digits and underscores. */
export const ALIPAY_ORDER_NO = /^[0-9A-Za-z_]{1,64}$/;

/** The business bill (bill_type trade, 业务明细) columns, as the downloaded CSV names them (payments.md §5.2). */
export const BILL_COLUMNS = [
  '支付宝交易号', '商户订单号', '业务类型', '商品名称', '创建时间', '完成时间', '门店编号', '门店名称', '操作员', '终端号', '对方账户',
  '订单金额（元）', '商家实收（元）', '支付宝红包（元）', '集分宝（元）', '支付宝优惠（元）', '商家优惠（元）', '券核销金额（元）', '券名称',
  '商家红包消费金额（元）', '卡消费金额（元）', '退款批次号/请求号', '服务费（元）', '分润（元）', '备注',
] as const;

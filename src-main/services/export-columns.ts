/**
 * The CSV exports' column names and readable values, in Chinese or English: an owner's spreadsheet reads
 * 单号 / 现金 / 微信支付 and 已完成, not receipt_no, `cash:29.50` and `completed`.
 */
import type { ExportKind } from '../../src-common/calls/owner';
import type { Language } from '../../src-common/schemas';

/** A sale's tenders, one column each (sale_tender.kind), in this order. */
export const TENDER_COLUMNS = ['cash', 'wechat', 'alipay', 'unionpay', 'ecny', 'jdpay', 'bestpay', 'other'] as const;
export type TenderColumn = (typeof TENDER_COLUMNS)[number];

type Words = Readonly<Record<string, readonly [zh: string, en: string]>>;

const COMMON: Words = {
  receipt_no: ['单号', 'Receipt no.'],
  business_date: ['营业日', 'Business date'],
  status: ['状态', 'Status'],
  gross: ['商品金额', 'Gross'],
  discounts: ['优惠', 'Discounts'],
  tax: ['税额', 'Tax'],
  refunded: ['已退款', 'Refunded'],
};

const TENDERS: Readonly<Record<TenderColumn, readonly [string, string]>> = {
  cash: ['现金', 'Cash'],
  wechat: ['微信支付', 'WeChat Pay'],
  alipay: ['支付宝', 'Alipay'],
  unionpay: ['云闪付', 'UnionPay QuickPass'],
  ecny: ['数字人民币', 'e-CNY'],
  jdpay: ['京东支付', 'JD Pay'],
  bestpay: ['翼支付', 'BestPay'],
  other: ['其他', 'Other'],
};

const COLUMNS: Readonly<Record<ExportKind, Words>> = {
  sales: {
    receipt_no: COMMON.receipt_no!,
    business_date: COMMON.business_date!,
    closed_at: ['结账时间', 'Closed at'],
    status: COMMON.status!,
    cashier: ['收银员', 'Cashier'],
    lines: ['行数', 'Lines'],
    gross: COMMON.gross!,
    discounts: COMMON.discounts!,
    total: ['应收', 'Total'],
    rounding: ['抹零', 'Rounding'],
    tax: COMMON.tax!,
    ...TENDERS,
    change: ['找零', 'Change'],
    refunded: COMMON.refunded!,
    void_reason: ['作废原因', 'Void reason'],
    currency: ['币种', 'Currency'],
  },
  payments: {
    order_no: ['商户订单号', 'Order no.'],
    business_date: COMMON.business_date!,
    created_at: ['发起时间', 'Started at'],
    kind: ['方式', 'Method'],
    wallet: ['钱包', 'Wallet'],
    amount: ['金额', 'Amount'],
    currency: ['币种', 'Currency'],
    status: COMMON.status!,
    acquirer_sn: ['收单流水号', 'Acquirer sn'],
    finished_at: ['完成时间', 'Finished at'],
    failure_code: ['失败原因', 'Failure'],
    receipt_no: COMMON.receipt_no!,
    refunded: COMMON.refunded!,
    // Cross-border wallet payments: the customer's side as the wallet's reply gave it (empty otherwise).
    payer_currency: ['顾客币种', 'Customer currency'],
    payer_amount: ['顾客支付', 'Customer paid'],
    rate: ['汇率', 'Rate'],
    // What its refunds' replies said went back in the customer's currency, and how many refunds gave no such amount.
    payer_refunded: ['退回顾客', 'Back to customer'],
    payer_refunds_missing: ['未给出顾客金额的退款数', 'Refunds without customer amount'],
  },
  zreports: {
    z_no: ['Z 报表号', 'Z no.'],
    business_date: COMMON.business_date!,
    from: ['起', 'From'],
    to: ['止', 'To'],
    sales_count: ['销售笔数', 'Sales'],
    gross: COMMON.gross!,
    discounts: COMMON.discounts!,
    refunds: ['退款', 'Refunds'],
    net: ['净额', 'Net'],
    tax: COMMON.tax!,
    currency: ['币种', 'Currency'],
    // Cross-border: the wallet tenders' customer side as the replies said (report.payers), per payer currency.
    payer_currency: ['顾客币种', 'Customer currency'],
    payer_paid: ['顾客支付', 'Customers paid'],
    payer_refunded: ['退回顾客', 'Back to customers'],
    payer_refunds_missing: ['未给出顾客金额的退款数', 'Refunds without customer amount'],
    payer_net: ['顾客实付净额', 'Customers paid, net'],
  },
};

/** Each kind's columns, in file order. */
export const EXPORT_COLUMNS: Readonly<Record<ExportKind, readonly string[]>> = {
  sales: Object.keys(COLUMNS.sales),
  payments: Object.keys(COLUMNS.payments),
  zreports: Object.keys(COLUMNS.zreports),
};

export function exportHeader(kind: ExportKind, language: Language): string[] {
  const at = language === 'zh-CN' ? 0 : 1;
  return EXPORT_COLUMNS[kind].map((column) => COLUMNS[kind][column]![at]);
}

const VALUES: Words = {
  // sale.status
  completed: ['已完成', 'completed'],
  voided: ['已作废', 'voided'],
  open: ['未结', 'open'],
  suspended: ['挂单', 'parked'],
  // payment.kind
  code: ['扫付款码', 'payment code'],
  qr: ['收款码', 'merchant QR'],
  // payment.status
  submitted: ['已提交', 'submitted'],
  pending: ['等待支付', 'pending'],
  unknown: ['待确认', 'unknown'],
  cancelling: ['撤销中', 'cancelling'],
  paid: ['已支付', 'paid'],
  failed: ['失败', 'failed'],
  reversed: ['已撤销', 'reversed'],
  needs_attention: ['需人工处理', 'needs attention'],
};

/** A status, payment kind or wallet in words; anything else as it is. */
export function exportValue(value: string, language: Language): string {
  const at = language === 'zh-CN' ? 0 : 1;
  const words = VALUES[value] ?? (Object.hasOwn(TENDERS, value) ? TENDERS[value as TenderColumn] : undefined);
  return words ? words[at] : value;
}

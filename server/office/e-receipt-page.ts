/**
 * The e-receipt page a customer's phone opens (server/office/e-receipt.ts finds the receipt): plain HTML, no script,
 * one inline style allowed by its hash (E_RECEIPT_CSP), zh-CN with English beside each label. Every text that came
 * from a till (product and store names above all) goes through `escapeHtml`: a name cannot become markup.
 */
import { createHash } from 'node:crypto';
import { formatPayerAmount, formatRate } from '../../src-common/cross-border';
import { E_RECEIPT_DAYS } from '../../src-common/e-receipt';
import { formatMoney } from '../../src-common/money';
import { formatQuantity } from '../../src-common/quantity';

export interface EReceiptView {
  readonly storeName: string;
  readonly storeAddress: string | null;
  readonly receiptNumber: string;
  /** When the sale closed, as the store's clock reads (already formatted). */
  readonly closedAt: string;
  readonly currency: string;
  readonly lines: readonly {
    readonly name: string;
    readonly quantityMilli: number;
    readonly unit: 'each' | 'kg';
    readonly unitPrice: number;
    readonly gross: number;
    /** Promotions and discounts on the line (positive), 0 if none. */
    readonly saving: number;
    readonly net: number;
  }[];
  readonly subtotal: number;
  /** Everything taken off the lines (promotions and discounts), positive. */
  readonly savings: number;
  readonly total: number;
  readonly rounding: number;
  readonly taxes: readonly { readonly rateBp: number; readonly tax: number }[];
  readonly tenders: readonly {
    readonly kind: string;
    readonly amount: number;
    readonly lastFour: string | null;
    /** A cross-border wallet payment's customer side, as the wallet's reply gave it (src-common/cross-border.ts). */
    readonly crossBorder?: {
      readonly payerCurrency: string;
      readonly payerAmount: number;
      readonly rate: { readonly text: string; readonly scale: number } | null;
      readonly transactionId: string | null;
    } | null;
  }[];
  readonly change: number;
  readonly refunds: readonly {
    readonly amount: number;
    readonly tenderKind: string;
    readonly at: string;
    /** Cross-border: what went back to the customer's wallet in its currency, when the refund's reply said. */
    readonly payer?: { readonly currency: string; readonly amount: number } | null;
  }[];
  readonly voided: boolean;
}

const TENDERS: Readonly<Record<string, string>> = {
  cash: '现金 Cash',
  wechat: '微信支付 WeChat Pay',
  alipay: '支付宝 Alipay',
  unionpay: '云闪付 UnionPay',
  ecny: '数字人民币 e-CNY',
  jdpay: '京东支付 JD Pay',
  bestpay: '翼支付 BestPay',
  other: '其他 Other',
};

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;background:#f1f5f9;color:#0f172a;font:16px/1.45 system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif}
main{max-width:480px;margin:0 auto;padding:16px 12px 32px}
.card{background:#fff;border-radius:12px;padding:20px 16px;box-shadow:0 1px 3px rgba(15,23,42,.12)}
h1{font-size:22px;margin:0 0 2px;text-align:center;overflow-wrap:anywhere}
.address{margin:0;text-align:center;color:#475569;font-size:14px;overflow-wrap:anywhere}
.meta{display:grid;grid-template-columns:auto 1fr;gap:2px 12px;margin:16px 0 0;font-size:14px}
.meta dt{color:#64748b}.meta dd{margin:0;text-align:right;font-variant-numeric:tabular-nums}
h2{font-size:14px;color:#64748b;font-weight:600;margin:20px 0 6px;padding-bottom:4px;border-bottom:1px solid #e2e8f0}
ul{list-style:none;margin:0;padding:0}
.line{padding:8px 0;border-bottom:1px dashed #e2e8f0}
.line:last-child{border-bottom:0}
.name{font-weight:600;overflow-wrap:anywhere}
.row{display:flex;justify-content:space-between;gap:12px;font-variant-numeric:tabular-nums}
.qty{color:#475569}
.saving{color:#b45309;font-size:14px}
.sum .row{padding:3px 0}
.total{font-size:20px;font-weight:700;border-top:1px solid #cbd5e1;margin-top:4px;padding-top:8px!important}
.muted{color:#64748b;font-size:14px}
.voided{background:#fee2e2;color:#991b1b;border-radius:8px;padding:8px 12px;margin:12px 0 0;text-align:center;font-weight:600}
.refund{color:#991b1b}
footer{margin-top:16px;text-align:center;color:#64748b;font-size:13px}
.notfound{text-align:center;padding:48px 16px}
.notfound h1{font-size:24px}
`;

/** The one inline style, allowed by its hash: no other style, script, frame, form or fetch. */
export const E_RECEIPT_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

const row = (label: string, value: string, className = '', testId = '') =>
  `<div class="row${className ? ` ${className}` : ''}"${testId ? ` data-testid="${testId}"` : ''}><span>${label}</span><span>${value}</span></div>`;

function taxRate(rateBp: number): string {
  const whole = Math.floor(rateBp / 100);
  const fraction = String(rateBp % 100).padStart(2, '0').replace(/0+$/, '');
  return `${whole}${fraction ? `.${fraction}` : ''}%`;
}

export function renderEReceipt(v: EReceiptView): string {
  const money = (amount: number) => escapeHtml(formatMoney(amount, v.currency));
  const lines = v.lines
    .map((l) => {
      const qty = formatQuantity(l.quantityMilli, l.unit, { kgDecimals: 'trimmed' });
      const saving = l.saving !== 0 ? `<div class="row saving"><span>优惠 Saving</span><span>-${money(l.saving)}</span></div>` : '';
      return `<li class="line" data-testid="e-receipt-line"><div class="name">${escapeHtml(l.name)}</div>
<div class="row"><span class="qty">${escapeHtml(qty)} × ${money(l.unitPrice)}</span><span data-testid="e-receipt-line-gross">${money(l.gross)}</span></div>${saving}</li>`;
    })
    .join('\n');
  const taxes = v.taxes.filter((t) => t.tax !== 0).map((t) => row(`含税 Tax incl. ${escapeHtml(taxRate(t.rateBp))}`, money(t.tax), 'muted'));
  const tenders = v.tenders.map((t) => {
    const tender = row(`${escapeHtml(TENDERS[t.kind] ?? t.kind)}${t.lastFour ? ` <span class="muted">尾号 ending ${escapeHtml(t.lastFour)}</span>` : ''}`, money(t.amount), '', 'e-receipt-tender');
    const cb = t.crossBorder;
    if (!cb) return tender;
    // What the customer's wallet charged and at which rate, as its reply said; the priced amount with its currency's code.
    return [
      tender,
      row('标价 Priced', escapeHtml(formatPayerAmount(t.amount, v.currency)), 'muted', 'e-receipt-priced'),
      row('顾客支付 Customer paid', escapeHtml(formatPayerAmount(cb.payerAmount, cb.payerCurrency)), 'muted', 'e-receipt-payer'),
      ...(cb.rate ? [row('汇率 Rate', escapeHtml(formatRate(v.currency, { currency: cb.payerCurrency, rate: cb.rate.text, rateScale: cb.rate.scale })), 'muted', 'e-receipt-rate')] : []),
      ...(cb.transactionId ? [row('交易号 Transaction', escapeHtml(cb.transactionId), 'muted', 'e-receipt-transaction')] : []),
    ].join('\n');
  });
  const refunds = v.refunds.map((r) => {
    const refund = row(`${escapeHtml(r.at)} · ${escapeHtml(TENDERS[r.tenderKind] ?? r.tenderKind)}`, `-${money(r.amount)}`, 'refund', 'e-receipt-refund');
    return r.payer ? `${refund}\n${row('退回顾客 Refunded to customer', escapeHtml(formatPayerAmount(r.payer.amount, r.payer.currency)), 'muted', 'e-receipt-refund-payer')}` : refund;
  });
  const body = `<article class="card" data-testid="e-receipt">
<h1 data-testid="e-receipt-store">${escapeHtml(v.storeName)}</h1>
${v.storeAddress ? `<p class="address">${escapeHtml(v.storeAddress)}</p>` : ''}
<p class="address">电子小票 · E-receipt</p>
${v.voided ? '<p class="voided" data-testid="e-receipt-voided">此单已作废 · This sale was voided</p>' : ''}
<dl class="meta">
<dt>单号 No.</dt><dd data-testid="e-receipt-number">${escapeHtml(v.receiptNumber)}</dd>
<dt>时间 Time</dt><dd data-testid="e-receipt-time">${escapeHtml(v.closedAt)}</dd>
</dl>
<h2>商品 Items</h2>
<ul>
${lines}
</ul>
<h2>合计 Totals</h2>
<div class="sum">
${row('小计 Subtotal', money(v.subtotal))}
${v.savings !== 0 ? row('优惠 Savings', `-${money(v.savings)}`, 'saving') : ''}
${row('合计 Total', money(v.total), 'total', 'e-receipt-total')}
${v.rounding !== 0 ? `${row('抹零 Rounding', money(v.rounding))}\n${row('应付 Amount due', money(v.total + v.rounding), '', 'e-receipt-due')}` : ''}
${taxes.join('\n')}
</div>
<h2>支付 Payment</h2>
<div class="sum">
${tenders.join('\n')}
${v.change !== 0 ? row('找零 Change', money(v.change)) : ''}
</div>
${refunds.length ? `<h2>退款 Refunds</h2>\n<div class="sum">\n${refunds.join('\n')}\n</div>` : ''}
</article>
<footer>谢谢惠顾 · Thank you</footer>`;
  return page(`${v.storeName} · 电子小票 E-receipt ${v.receiptNumber}`, body);
}

/** The same page for a forged, expired or unknown token: nothing in it tells them apart. */
export function renderNotFound(): string {
  return page('未找到 Not found', `<section class="card notfound" data-testid="e-receipt-not-found">
<h1>未找到小票</h1>
<p>Receipt not found</p>
<p class="muted">链接有误或已过期（小票保留 ${E_RECEIPT_DAYS} 天），请向门店索取纸质小票。<br>The link is wrong or has expired (receipts are kept for ${E_RECEIPT_DAYS} days); ask the store for a paper receipt.</p>
</section>`);
}

/** The store's database is away: the receipt is there, try again shortly. */
export function renderUnavailable(): string {
  return page('请稍后再试 Try again shortly', `<section class="card notfound" data-testid="e-receipt-unavailable">
<h1>暂时无法显示小票</h1>
<p>The receipt cannot be shown right now</p>
<p class="muted">请稍后刷新本页。<br>Please reload this page in a minute.</p>
</section>`);
}

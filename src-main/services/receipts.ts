import type { Database } from 'better-sqlite3';
import { PosError } from '../../src-common/errors';
import { tillNameOf, type ReceiptCrossBorder, type ReceiptDocument } from '../../src-common/receipt';
import type { Settings } from '../../src-common/schemas';
import { findPayment, type PaymentRow } from '../../db/queries/payments';
import { saleLinePromotions } from '../../db/queries/promotions';
import { completedSaleLines, completedSaleTaxes, completedSaleTenders, findSale } from '../../db/queries/sales';
import { formatMoney } from '../../src-common/money';
import { findUser } from '../../db/queries/users';
import { eReceiptUrl } from '../../src-common/e-receipt';
import { eReceiptBaseOf } from '../sync/link';
import { formatReceiptNumber } from './receipt-number';
import { balanceAfterSale, memberOfSale, pointsOfSale } from '../../db/queries/members';
import { maskPhone } from '../../src-common/mask';

/** The receipt of a completed sale, rebuilt from what was stored (so a reprint says exactly what the first print said). */
export function buildReceipt(db: Database, options: { saleId: string; terminalId: string; settings: Settings }): ReceiptDocument {
  const { saleId, terminalId, settings } = options;
  const sale = findSale(db, saleId);
  if (!sale || sale.status !== 'completed' || sale.receipt_no === null) throw new PosError('not_found', 'No completed sale with that id', { saleId });
  const cashier = sale.closed_by ? (findUser(db, sale.closed_by)?.name ?? '') : '';
  const english = settings.receiptLanguage === 'en';
  const tenders = completedSaleTenders(db, saleId);
  // What the shop itself funded of the wallet payment (the acquirer's payment_list): the customer paid that much less.
  const merchantDiscount = tenders.reduce((sum, t) => sum + (t.paymentId ? (findPayment(db, t.paymentId)?.merchant_discount ?? 0) : 0), 0);
  const receiptNumber = formatReceiptNumber(terminalId, sale.receipt_no);
  const issuedAt = sale.closed_at ?? sale.opened_at;
  const points = receiptPoints(db, saleId, sale.currency, english);
  // What each line got from promotions, as the sale stored it; a 满减's shares are summed into one order line.
  const promotions = saleLinePromotions(db, saleId);
  const orderPromotions = new Map<string, { name: string; saving: number }>();
  for (const p of promotions.filter((p) => p.kind === 'spend_save')) {
    const row = orderPromotions.get(p.promotionId) ?? { name: p.name, saving: 0 };
    row.saving += p.saving;
    orderPromotions.set(p.promotionId, row);
  }
  const promotionTotal = promotions.reduce((sum, p) => sum + p.saving, 0);
  const discountLine = merchantDiscount > 0 ? [english ? `Merchant discount: ${formatMoney(merchantDiscount, sale.currency)}` : `商户优惠：${formatMoney(merchantDiscount, sale.currency)}`] : [];
  return {
    language: settings.receiptLanguage,
    currency: sale.currency,
    kind: 'sale',
    header: {
      storeName: settings.storeName,
      ...(settings.storeAddress ? { address: settings.storeAddress } : {}),
      ...(settings.taxId ? { taxId: settings.taxId } : {}),
      lines: settings.receiptHeader,
    },
    receiptNumber,
    tillName: tillNameOf(settings.tillName, terminalId, settings.receiptLanguage),
    cashier,
    issuedAt,
    lines: completedSaleLines(db, saleId).map((l, i) => ({
      name: l.name,
      promotions: promotions.filter((p) => p.lineNo === i + 1 && p.kind !== 'spend_save').map((p) => ({ name: p.name, saving: p.saving })),
      quantityMilli: l.quantityMilli,
      unit: l.unit,
      unitPrice: l.unitPrice,
      gross: l.gross,
      discount: l.lineDiscount + l.orderDiscount,
      net: l.net,
      taxRateBp: l.taxRateBp,
    })),
    subtotal: sale.subtotal ?? 0,
    promotions: [...orderPromotions.values()],
    discountTotal: (sale.discount_total ?? 0) - promotionTotal,
    total: sale.total ?? 0,
    rounding: sale.rounding ?? 0,
    taxes: completedSaleTaxes(db, saleId),
    tenders: [
      ...points.tenders,
      ...tenders.map((t) => {
        const crossBorder = t.paymentId ? crossBorderOf(findPayment(db, t.paymentId)) : null;
        return {
          kind: t.kind,
          // Cash shows what was handed over; change is its own line.
          amount: t.kind === 'cash' ? t.tendered : t.amount,
          ...(t.reference ? { reference: t.reference } : {}),
          ...(crossBorder ? { crossBorder } : {}),
        };
      }),
    ],
    change: sale.change_given ?? 0,
    footer: [...discountLine, ...points.lines, ...(settings.receiptFooter.length ? settings.receiptFooter : [english ? 'Thank you, come again' : '谢谢惠顾，欢迎再次光临'])],
    // With a store server: the e-receipt's URL as a QR (a phone opens it; the till's scanner finds the sale by it at
    // the refund dialog). Without one nothing a phone could open: the receipt number as a barcode the scanner reads.
    ...receiptCode(db, receiptNumber, sale.receipt_token),
  };
}

/** A cross-border wallet payment's customer side as its paid reply gave it (migration 0035), or null (CNY stores, older payments). */
export function crossBorderOf(payment: PaymentRow | undefined): ReceiptCrossBorder | null {
  if (!payment || payment.payer_currency === null || payment.payer_amount === null) return null;
  return {
    payerCurrency: payment.payer_currency,
    payerAmount: payment.payer_amount,
    ...(payment.payer_rate !== null ? { rate: { text: payment.payer_rate, scale: payment.payer_rate_scale ?? 0 } } : {}),
    ...(payment.acquirer_sn ? { transactionId: payment.acquirer_sn } : {}),
  };
}

function receiptCode(db: Database, receiptNumber: string, token: string | null): { qr: string } | { barcode: string } {
  const base = eReceiptBaseOf(db);
  return base && token ? { qr: eReceiptUrl(base, token) } : { barcode: receiptNumber };
}

/**
 * A member's lines on the receipt: the phone masked, the points redeemed and earned, and the balance after this
 * sale (its own ledger rows and those before them, so a reprint says what the first print said). Points redeemed
 * as a tender are a tender line of their own.
 */
function receiptPoints(db: Database, saleId: string, currency: string, english: boolean): { lines: string[]; tenders: { kind: string; amount: number }[] } {
  const member = memberOfSale(db, saleId);
  if (!member) return { lines: [], tenders: [] };
  const rows = pointsOfSale(db, saleId).filter((p) => p.reason === 'earn' || p.reason === 'redeem');
  const redeem = rows.find((p) => p.reason === 'redeem');
  const earned = rows.find((p) => p.reason === 'earn')?.delta ?? 0;
  const phone = member.phone === null ? (english ? '(deleted)' : '（已注销）') : maskPhone(member.phone);
  const lines = [english ? `Member: ${phone}` : `会员：${phone}`];
  if (redeem) {
    const worth = formatMoney(redeem.amount, currency);
    lines.push(english ? `Points redeemed: ${-redeem.delta} (${worth})` : `积分抵扣：${-redeem.delta} 分（${worth}）`);
  }
  lines.push(english ? `Points earned: ${earned}` : `本单积分：${earned}`);
  lines.push(english ? `Points balance: ${balanceAfterSale(db, member.id, saleId)}` : `积分余额：${balanceAfterSale(db, member.id, saleId)}`);
  const tenders = redeem?.redeemed_as === 'tender' ? [{ kind: 'points', amount: redeem.amount }] : [];
  return { lines, tenders };
}

import type { Database } from 'better-sqlite3';
import { PosError } from '../../src-common/errors';
import { tillNameOf, type ReceiptDocument } from '../../src-common/receipt';
import type { Settings } from '../../src-common/schemas';
import { findPayment } from '../../db/queries/payments';
import { saleLinePromotions } from '../../db/queries/promotions';
import { completedSaleLines, completedSaleTaxes, completedSaleTenders, findSale } from '../../db/queries/sales';
import { formatMoney } from '../../src-common/money';
import { findUser } from '../../db/queries/users';
import { eReceiptText } from './kiosk-receipt';
import { formatReceiptNumber } from './receipt-number';

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
    tenders: tenders.map((t) => ({
      kind: t.kind,
      // Cash shows what was handed over; change is its own line.
      amount: t.kind === 'cash' ? t.tendered : t.amount,
      ...(t.reference ? { reference: t.reference } : {}),
    })),
    change: sale.change_given ?? 0,
    footer: [...discountLine, ...(settings.receiptFooter.length ? settings.receiptFooter : [english ? 'Thank you, come again' : '谢谢惠顾，欢迎再次光临'])],
    // The kiosk's e-receipt text as a QR: scanned at the till's refund dialog it finds this sale, and proves it genuine.
    qr: eReceiptText({ saleId, receiptNumber, total: sale.total ?? 0, closedAt: issuedAt }),
  };
}

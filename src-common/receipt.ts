/**
 * The receipt document: what a sale's receipt says, independent of how it is shown. Built in main
 * from a completed sale; rendered as an on-screen preview, plain text and ESC/POS bytes.
 * Amounts are integer minor units of `currency`; quantities are thousandths (1 each = 1000).
 */
import type { Language } from './contract';

export interface ReceiptLine {
  readonly name: string;
  /** Thousandths of the unit: 2 each = 2000; 0.532 kg = 532. */
  readonly quantityMilli: number;
  readonly unit: 'each' | 'kg';
  readonly unitPrice: number;
  /** Before discounts. */
  readonly gross: number;
  /** The line's promotions (specials, member price, Nth item, bundles) and what each saved (positive). */
  readonly promotions?: readonly ReceiptPromotion[];
  /** Manual discount (line and share of the order's; positive), 0 if none. */
  readonly discount: number;
  /** gross − promotions − discount (the order's 满减 share included). */
  readonly net: number;
  readonly taxRateBp: number;
}

export interface ReceiptPromotion {
  readonly name: string;
  readonly saving: number;
}

export interface ReceiptTender {
  /** 'cash' or a wallet family ('wechat', 'alipay', 'unionpay', 'ecny', 'jdpay', 'bestpay'). */
  readonly kind: string;
  readonly amount: number;
  /** Masked payment code or acquirer reference, never a whole code. */
  readonly reference?: string;
  /**
   * A cross-border wallet tender (src-common/cross-border.ts): the store priced in `ReceiptDocument.currency` and the
   * customer's wallet charged them in `payerCurrency`, at the rate its reply gave; all of it as the wallet's reply said.
   */
  readonly crossBorder?: ReceiptCrossBorder;
}

export interface ReceiptCrossBorder {
  readonly payerCurrency: string;
  /** Minor units of payerCurrency. */
  readonly payerAmount: number;
  /** The rate as the wallet wrote it and the places its decimal point is shifted; absent when the reply gave none. */
  readonly rate?: { readonly text: string; readonly scale: number };
  /** The wallet's transaction id (WeChat transaction_id, Alipay trade_no). */
  readonly transactionId?: string;
}

export interface ReceiptTaxRow {
  readonly rateBp: number;
  /** Tax-inclusive amount taxed at this rate. */
  readonly taxable: number;
  /** The tax contained in `taxable`. */
  readonly tax: number;
}

export interface ReceiptDocument {
  readonly language: Language;
  readonly currency: string;
  readonly kind: 'sale' | 'refund' | 'void';
  readonly header: {
    readonly storeName: string;
    readonly address?: string;
    readonly taxId?: string;
    readonly lines: readonly string[];
  };
  /** As printed, and as history, refunds and exports show it. */
  readonly receiptNumber: string;
  /** The till's short name (a setting, e.g. 1号收银台; see tillNameOf), never the terminal's id. */
  readonly tillName: string;
  readonly cashier: string;
  /** ISO 8601 with offset, as printed. */
  readonly issuedAt: string;
  readonly lines: readonly ReceiptLine[];
  /** Sum of line gross. */
  readonly subtotal: number;
  /** Order promotions (满减), each as its own line. */
  readonly promotions?: readonly ReceiptPromotion[];
  /** The manual line discounts plus the order discount (positive); promotions are not in it. */
  readonly discountTotal: number;
  /** What the customer owes before cash rounding. */
  readonly total: number;
  /** Cash rounding adjustment (negative when rounded down), 0 if none. */
  readonly rounding: number;
  readonly taxes: readonly ReceiptTaxRow[];
  readonly tenders: readonly ReceiptTender[];
  readonly change: number;
  readonly footer: readonly string[];
  /** Printed as a QR code under the footer, when present: the e-receipt's URL (src-common/e-receipt.ts). */
  readonly qr?: string;
  /** Printed as a CODE128 barcode under the footer, when present: the receipt number, for the refund lookup. */
  readonly barcode?: string;
}

/** Longest till name, in display columns (a CJK character is 2): it shares a receipt line with the cashier's name. */
export const TILL_NAME_COLUMNS = 16;

/**
 * The till's name as printed: the technician's setting, or by default the receipt number's own prefix (the
 * terminal id's last four characters, as in 7K3Q-000123), so an unnamed till is still told apart on paper.
 */
export function tillNameOf(setting: string, terminalId: string, language: Language): string {
  const named = setting.trim();
  if (named) return named;
  const suffix = terminalId.slice(-4);
  return language === 'zh-CN' ? `收银台 ${suffix}` : `Till ${suffix}`;
}

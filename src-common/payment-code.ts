/**
 * Classification of a scanned customer payment code (付款码 / auth_code / dynamic_id) before anything is
 * sent to an acquirer. Rules are the strict, disjoint ones of payments.md §1: a code matches at most one
 * wallet. Nothing here logs or keeps the code (it is a bearer credential; see mask.ts).
 */
import { validateRetailBarcode } from './barcode';

/** The wallets, declared once: `Wallet` here, and schemas.ts's `WalletKind` enum is built from this list. */
export const WALLETS = ['wechat', 'alipay', 'unionpay', 'ecny', 'jdpay', 'bestpay'] as const;
export type Wallet = (typeof WALLETS)[number];

export type CodeClass =
  | { ok: true; wallet: Wallet; kind: 'barcode' | 'face' }
  | { ok: false; reason: 'empty' | 'not_a_payment_code' | 'too_long' | 'bad_characters' };

export interface PaymentCodeRule {
  readonly wallet: Wallet;
  readonly kind: 'barcode' | 'face';
  readonly pattern: RegExp;
}

/**
 * One rule per code format (payments.md §1.1), pairwise disjoint. WeChat stays 10–15: widening it to 16–19
 * would collide with JD's 18. Every 62 + 17-digit code (UnionPay QuickPass, bank apps such as CCB 龙支付,
 * JD's UnionPay-format codes) goes to the UnionPay channel, as aggregators route them.
 */
export const PAYMENT_CODE_RULES: readonly PaymentCodeRule[] = Object.freeze([
  { wallet: 'wechat', kind: 'barcode', pattern: /^1[0-5]\d{16}$/ },
  { wallet: 'alipay', kind: 'barcode', pattern: /^(2[5-9]|30)\d{14,22}$/ },
  { wallet: 'alipay', kind: 'face', pattern: /^fp[A-Za-z0-9]{33}$/ },
  { wallet: 'unionpay', kind: 'barcode', pattern: /^62\d{17}$/ },
  { wallet: 'ecny', kind: 'barcode', pattern: /^01\d{17}$/ },
  { wallet: 'jdpay', kind: 'barcode', pattern: /^18\d{16}$/ },
  { wallet: 'bestpay', kind: 'barcode', pattern: /^51\d{16}$/ },
]);

/** Longer input is refused before any pattern runs. */
export const MAX_CODE_LENGTH = 64;

/** The acquirer's `dynamic_id` is String(32), "不超过32字节" (Shouqianba pay.md): ASCII codes, so 32 characters. */
export const MAX_DYNAMIC_ID_BYTES = 32;

/**
 * Why a recognised payment code cannot be sent to the acquirer, or null. An Alipay face token (fp + 33, 35
 * characters) is longer than `dynamic_id` allows and the public API documents no other field for it, so the
 * till refuses it before anything is sent and asks for the code in the wallet app instead.
 */
export function acquirerRefusalOf(raw: string): 'too_long_for_acquirer' | null {
  return normalize(raw).length > MAX_DYNAMIC_ID_BYTES ? 'too_long_for_acquirer' : null;
}

const ALLOWED = /^[A-Za-z0-9]+$/;

/** Strips surrounding whitespace, which includes a scanner's CR / LF / Tab suffix; nothing inside is touched. */
function normalize(raw: string): string {
  return raw.trim();
}

/** Never throws. */
export function classifyPaymentCode(raw: string): CodeClass {
  const code = normalize(raw);
  if (code.length === 0) return { ok: false, reason: 'empty' };
  if (code.length > MAX_CODE_LENGTH) return { ok: false, reason: 'too_long' };
  if (!ALLOWED.test(code)) return { ok: false, reason: 'bad_characters' };
  const rule = PAYMENT_CODE_RULES.find((r) => r.pattern.test(code));
  return rule ? { ok: true, wallet: rule.wallet, kind: rule.kind } : { ok: false, reason: 'not_a_payment_code' };
}

/**
 * True when a code at the pay step is plainly a product barcode rather than a payment code: an EAN-13,
 * UPC-A, EAN-8 or UPC-E whose check digit holds (scale labels are EAN-13s in the 20–29 range, so they are
 * included), so the UI can say "that's a product, not a payment code". Payment codes are 16+ characters,
 * so the two never overlap.
 */
export function looksLikeProductBarcode(raw: string): boolean {
  const code = normalize(raw);
  return !classifyPaymentCode(code).ok && validateRetailBarcode(code).ok;
}

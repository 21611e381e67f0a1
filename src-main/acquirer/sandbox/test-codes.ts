/**
 * The sandbox acquirer's payment codes: which wallet a code belongs to and what paying with it does.
 *
 * Wallet (by prefix and length, payments.md §1.1; anything else is refused with PAY_FAIL INVALID_BARCODE):
 *
 *   WeChat Pay  10–15, 18 digits     Alipay    25–30, 16–24 digits    UnionPay  62, 19 digits
 *   e-CNY       01, 19 digits        JD Pay    18, 18 digits          BestPay   51, 18 digits
 *
 * Behaviour, by the LAST FOUR DIGITS of a valid code (delays are multiplied by the sandbox's `speed.scale`):
 *
 *   0000  paid at once: PAY_SUCCESS, order PAID.
 *   1NNN  the customer enters a PIN: PAY_IN_PROGRESS (pay.md's in-progress shape), order CREATED; it becomes
 *         PAID NNN/10 s later (1030 → 3.0 s, 1000 → at once). Query to learn it. A PIN wait of 40 s or more
 *         (1400–1999) is a PIN never entered: the order closes at 40 s (PIN_TIMEOUT_MS, pay.md Q3) as
 *         PAY_CANCELED with TRADE_TIMEOUT, nothing charged.
 *   2NNN  PIN wait, then the customer cancels: PAY_IN_PROGRESS, order CREATED; NNN/10 s later (at most 40 s)
 *         it becomes PAY_CANCELED with TRADE_FAILED (TRADE_TIMEOUT at 40 s); no money moved.
 *   3000  PAY_FAIL INSUFFICIENT_FUND (order PAY_CANCELED).
 *   4000  PAY_FAIL EXPIRED_BARCODE (order PAY_CANCELED).
 *   5000  the pay request hangs: no reply ever (the client times out). The order is CREATED and turns PAID
 *         2 s later, so a later query finds it paid; a cancel before or after that reverses it.
 *   6000  HTTP 500 with result_code "500" UNKNOWN_SYSTEM_ERROR; no order is created (query: not found).
 *   7000  the order is PAID, then the connection is destroyed before any reply: the classic lost reply.
 *   8000  the order is PAID and the reply is cut off: HTTP 200 with only the first half of its JSON (an
 *         unreadable reply; replies carry no signature, so a garbled one is the fault to play).
 *   9NNN  paid at once with a merchant-funded discount of NNN fen (at most the amount less 1 fen):
 *         PAY_SUCCESS whose data carries pay.md's `payment_list`, [{ BANKCARD_DEBIT, amount − NNN },
 *         { DISCOUNT_CHANNEL_MCH, NNN }]; total_amount and net_amount stay the amount asked (9000 = 0000).
 *   any other suffix behaves like 0000.
 *
 * A code is single-use, as in real life: once an order was made with it (whatever the outcome), paying
 * another client_sn with it gives PAY_FAIL INVALID_BARCODE. `sandboxPaymentCode()` makes fresh ones.
 */
import { randomInt } from 'node:crypto';
import type { Wallet } from '../../../src-common/payment-code';

export interface SandboxWalletRule {
  readonly wallet: Wallet;
  readonly prefix: string;
  readonly lengths: readonly number[];
  readonly pattern: RegExp;
}

export const SANDBOX_WALLET_RULES: readonly SandboxWalletRule[] = [
  { wallet: 'wechat', prefix: '10–15', lengths: [18], pattern: /^1[0-5]\d{16}$/ },
  { wallet: 'alipay', prefix: '25–30', lengths: [16, 17, 18, 19, 20, 21, 22, 23, 24], pattern: /^(2[5-9]|30)\d{14,22}$/ },
  { wallet: 'unionpay', prefix: '62', lengths: [19], pattern: /^62\d{17}$/ },
  { wallet: 'ecny', prefix: '01', lengths: [19], pattern: /^01\d{17}$/ },
  { wallet: 'jdpay', prefix: '18', lengths: [18], pattern: /^18\d{16}$/ },
  { wallet: 'bestpay', prefix: '51', lengths: [18], pattern: /^51\d{16}$/ },
];

export function walletOfCode(code: string): Wallet | null {
  return SANDBOX_WALLET_RULES.find((r) => r.pattern.test(code))?.wallet ?? null;
}

export type SandboxBehaviour =
  | { kind: 'paid' }
  | { kind: 'pin_then_paid'; waitMs: number }
  | { kind: 'pin_then_cancelled'; waitMs: number }
  | { kind: 'insufficient_funds' }
  | { kind: 'expired_code' }
  | { kind: 'hang'; paidAfterMs: number }
  | { kind: 'server_error' }
  | { kind: 'drop_reply' }
  | { kind: 'cut_reply' }
  | { kind: 'paid_with_discount'; discount: number };

export interface SandboxTestCode {
  /** The last four digits: literal, or `1NNN` / `2NNN` where NNN is tenths of a second. */
  readonly suffix: string;
  readonly behaviour: SandboxBehaviour['kind'];
  /** What the pay request gets back. */
  readonly reply: string;
  /** What the sandbox ledger holds afterwards. */
  readonly ledger: string;
  /** What the adapter makes of it (the acquirer port's outcome). */
  readonly outcome: string;
}

export const SANDBOX_TEST_CODES: readonly SandboxTestCode[] = [
  { suffix: '0000', behaviour: 'paid', reply: 'PAY_SUCCESS', ledger: 'PAID', outcome: 'paid' },
  { suffix: '1NNN', behaviour: 'pin_then_paid', reply: 'PAY_IN_PROGRESS', ledger: 'CREATED, PAID after NNN/10 s (≥ 40 s: PAY_CANCELED TRADE_TIMEOUT at 40 s)', outcome: 'pending; query → paid (or failed)' },
  { suffix: '2NNN', behaviour: 'pin_then_cancelled', reply: 'PAY_IN_PROGRESS', ledger: 'CREATED, PAY_CANCELED TRADE_FAILED after NNN/10 s', outcome: 'pending; query → failed' },
  { suffix: '3000', behaviour: 'insufficient_funds', reply: 'PAY_FAIL INSUFFICIENT_FUND', ledger: 'PAY_CANCELED', outcome: 'failed insufficient_funds' },
  { suffix: '4000', behaviour: 'expired_code', reply: 'PAY_FAIL EXPIRED_BARCODE', ledger: 'PAY_CANCELED', outcome: 'failed code_expired' },
  { suffix: '5000', behaviour: 'hang', reply: 'none (the request hangs)', ledger: 'CREATED, PAID after 2 s', outcome: 'unknown (timeout); query → pending/paid; cancel → cancelled' },
  { suffix: '6000', behaviour: 'server_error', reply: 'HTTP 500, result_code 500', ledger: 'nothing', outcome: 'unknown; query → not_found' },
  { suffix: '7000', behaviour: 'drop_reply', reply: 'none (connection destroyed)', ledger: 'PAID', outcome: 'unknown; query → paid' },
  { suffix: '8000', behaviour: 'cut_reply', reply: 'HTTP 200, half of the PAY_SUCCESS JSON', ledger: 'PAID', outcome: 'unknown; query → paid' },
  { suffix: '9NNN', behaviour: 'paid_with_discount', reply: 'PAY_SUCCESS with payment_list', ledger: 'PAID, merchant discount NNN fen', outcome: 'paid, discount in payment_list' },
];

export const HANG_PAID_AFTER_MS = 2000;
/** "40s左右没输入密码支付会提示超时" (pay.md Q3): a PIN wait ends here, unpaid. */
export const PIN_TIMEOUT_MS = 40_000;

/** The behaviour of a valid payment code; `scale` multiplies its delays. */
export function behaviourOfCode(code: string, scale = 1): SandboxBehaviour {
  const suffix = code.slice(-4);
  const tenths = Number(suffix.slice(1));
  switch (suffix) {
    case '3000':
      return { kind: 'insufficient_funds' };
    case '4000':
      return { kind: 'expired_code' };
    case '5000':
      return { kind: 'hang', paidAfterMs: HANG_PAID_AFTER_MS * scale };
    case '6000':
      return { kind: 'server_error' };
    case '7000':
      return { kind: 'drop_reply' };
    case '8000':
      return { kind: 'cut_reply' };
    default:
      if (suffix.startsWith('9')) return tenths === 0 ? { kind: 'paid' } : { kind: 'paid_with_discount', discount: tenths };
      if (suffix.startsWith('1')) return { kind: 'pin_then_paid', waitMs: tenths * 100 * scale };
      if (suffix.startsWith('2')) return { kind: 'pin_then_cancelled', waitMs: tenths * 100 * scale };
      return { kind: 'paid' };
  }
}

const FIRST_DIGITS: Readonly<Record<Wallet, readonly string[]>> = {
  wechat: ['10', '11', '12', '13', '14', '15'],
  alipay: ['25', '26', '27', '28', '29', '30'],
  unionpay: ['62'],
  ecny: ['01'],
  jdpay: ['18'],
  bestpay: ['51'],
};

const LENGTH: Readonly<Record<Wallet, number>> = { wechat: 18, alipay: 18, unionpay: 19, ecny: 19, jdpay: 18, bestpay: 18 };

/**
 * A fresh valid payment code of `wallet` ending in `suffix` (four digits, e.g. '0000', '1030'), random in
 * between, for tests and demos.
 */
export function sandboxPaymentCode(wallet: Wallet, suffix: string): string {
  if (!/^\d{4}$/.test(suffix)) throw new RangeError(`suffix must be four digits, got ${suffix}`);
  const prefixes = FIRST_DIGITS[wallet];
  const prefix = prefixes[randomInt(prefixes.length)]!;
  let middle = '';
  for (let i = prefix.length + suffix.length; i < LENGTH[wallet]; i++) middle += String(randomInt(10));
  return prefix + middle + suffix;
}

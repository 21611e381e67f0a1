/**
 * Wire-format facts of the Shouqianba terminal API (payments.md §4.1) shared by the adapter and the
 * sandbox acquirer: paths, payway numbers, fen strings, the statement CSV.
 */
import { acquirerDateOf } from '../../src-common/business-day';
import type { Wallet } from '../../src-common/payment-code';

export const PATHS = {
  activate: '/terminal/activate',
  checkin: '/terminal/checkin',
  pay: '/upay/v2/pay',
  precreate: '/upay/v2/precreate',
  query: '/upay/v2/query',
  cancel: '/upay/v2/cancel',
  revoke: '/upay/v2/revoke',
  refund: '/upay/v2/refund',
  /** Sandbox extension (Shouqianba itself has no statement endpoint in the terminal API). */
  statement: '/sandbox/statement',
} as const;

/**
 * A GET (the statement) has no body: the signed text is the request target, path and query string, e.g.
 * `Authorization: <terminal_sn> <md5hex("/sandbox/statement?date=2025-01-31" + terminal_key)>`.
 */
export function signedTextOfGet(pathAndQuery: string): string {
  return pathAndQuery;
}

/**
 * payway numbers (annex/payway.md; precreate.md lists 1 for Alipay, payway.md both 1 and 2: 1 is sent, both
 * are read). The adapter sends no payway for pay (the acquirer routes by the code, pay.md), so this matters
 * for precreate and for reading replies. e-CNY has no number in the public documentation: 23 is the
 * sandbox's, read in replies only; the adapter refuses an e-CNY merchant QR rather than guess a number
 * (`PRECREATE_PAYWAY`).
 */
export const PAYWAY_BY_WALLET: Readonly<Record<Wallet, string>> = {
  alipay: '1',
  wechat: '3',
  jdpay: '5',
  unionpay: '17',
  bestpay: '18',
  ecny: '23',
};

const WALLET_BY_PAYWAY: Readonly<Record<string, Wallet>> = {
  '1': 'alipay',
  '2': 'alipay',
  '3': 'wechat',
  '5': 'jdpay',
  '17': 'unionpay',
  '18': 'bestpay',
  '23': 'ecny',
};

/** The payways precreate.md / payway.md document, by wallet: the ones a merchant QR may be asked for. */
export const PRECREATE_PAYWAY: Readonly<Partial<Record<Wallet, string>>> = {
  alipay: '1',
  wechat: '3',
  jdpay: '5',
  unionpay: '17',
  bestpay: '18',
};

export function walletOfPayway(payway: string | undefined | null): Wallet | null {
  return payway === undefined || payway === null ? null : (WALLET_BY_PAYWAY[payway] ?? null);
}

export const PAYWAY_NAMES: Readonly<Record<Wallet, string>> = {
  alipay: '支付宝',
  wechat: '微信',
  jdpay: '京东钱包',
  unionpay: '银联云闪付',
  bestpay: '翼支付',
  ecny: '数字人民币',
};

/** At most ten digits of fen, as Shouqianba allows (total_amount String(10)). */
export const MAX_FEN = 9_999_999_999;
const FEN_STRING = /^\d{1,10}$/;

/** Strict: only 1–10 ASCII digits, else null (no sign, no decimals, no spaces, no exponent). */
export function parseFen(value: unknown): number | null {
  if (typeof value !== 'string' || !FEN_STRING.test(value)) return null;
  return Number(value);
}

export function isValidAmount(fen: number): boolean {
  return Number.isSafeInteger(fen) && fen > 0 && fen <= MAX_FEN;
}

export function fenString(fen: number): string {
  if (!Number.isSafeInteger(fen) || fen < 0 || fen > MAX_FEN) throw new RangeError(`not an amount in fen: ${fen}`);
  return String(fen);
}

/** Statement CSV: UTF-8 with BOM, CRLF rows, this header, one row per money movement (see sandbox/server.ts). */
export const STATEMENT_COLUMNS = ['finished_at', 'client_sn', 'sn', 'type', 'payway', 'amount_fen', 'status', 'refund_request_no'] as const;

/** The acquirer's business date (Beijing's calendar day) of an instant, YYYY-MM-DD: the one acquirer-day rule. */
export const beijingDate: (at: Date) => string = acquirerDateOf;


export const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

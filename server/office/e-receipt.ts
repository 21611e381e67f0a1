/**
 * GET /r/<token>: a receipt on the customer's phone (src-common/e-receipt.ts says what the token is). No sign-in:
 * the token is the credential, so the page shows that one receipt and nothing else, and answers the same plain
 * 404 page for a token that is malformed, unknown, held by two stores, or older than E_RECEIPT_DAYS.
 * The receipt is read from the sale's fact as the till sent it (lines, taxes, tenders; rebuilt from its projections:
 * api/sale-payload.ts), with the store's name,
 * the sale's void and refunds, and the last four characters of each wallet payment's order number.
 */
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { PayerCurrency, PayerMinor, RateText } from '../../src-common/cross-border';
import { E_RECEIPT_TOKEN, eReceiptLive } from '../../src-common/e-receipt';
import type { SaleFact } from '../../src-common/sync-protocol';
import { isUnavailable, type Db } from '../database';
import { salePayloadSql } from '../api/sale-payload';
import { E_RECEIPT_CSP, renderEReceipt, renderNotFound, renderUnavailable, type EReceiptView } from './e-receipt-page';

export const E_RECEIPT_PREFIX = '/r/';
const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

interface Found {
  terminal_id: string;
  payload: SaleFact;
  store_name: string;
  voided: boolean;
  settings: Record<string, unknown> | null;
  refunds: { amount: number; tenderKind: string; at: string; payerCurrency: string | null; payerAmount: number | null }[];
  payments: { paymentId: string; clientSn: string; payment: unknown }[];
}

/** What a payment fact says of a cross-border payment (issue 18): absent from CNY stores' and older tills' facts. */
const CrossBorderFact = z.object({
  acquirerSn: z.string().nullable(),
  payerCurrency: PayerCurrency,
  payerAmount: PayerMinor,
  rate: RateText.optional(),
  rateScale: z.number().int().min(0).max(12).optional(),
});

function crossBorderOf(payment: unknown): EReceiptView['tenders'][number]['crossBorder'] {
  const parsed = CrossBorderFact.safeParse(payment);
  if (!parsed.success) return null;
  const p = parsed.data;
  return { payerCurrency: p.payerCurrency, payerAmount: p.payerAmount, rate: p.rate !== undefined ? { text: p.rate, scale: p.rateScale ?? 0 } : null, transactionId: p.acquirerSn };
}

/** The receipt of `token`, or null for every kind of "no". */
export async function findEReceipt(db: Db, token: string, now: Date): Promise<EReceiptView | null> {
  if (!E_RECEIPT_TOKEN.test(token)) return null;
  const held = await db.query<{ store_id: string; sale_id: string; closed_at: Date }>(`SELECT store_id, sale_id, closed_at FROM e_receipt WHERE token = $1 LIMIT 2`, [token]);
  // Two stores holding one token: one of them copied it (128 random bits do not meet by chance); show neither.
  if (held.rows.length !== 1) return null;
  const { store_id: storeId, sale_id: saleId, closed_at: closedAt } = held.rows[0]!;
  if (!eReceiptLive(closedAt, now)) return null;
  const { rows } = await db.query<Found>(
    `WITH f AS (SELECT f.terminal_id, ${salePayloadSql('f')} AS payload FROM fact f WHERE f.store_id = $1 AND f.fact_id = $2 AND f.kind = 'sale')
     SELECT f.terminal_id, f.payload,
            (SELECT name FROM store WHERE store_id = $1) AS store_name,
            EXISTS (SELECT 1 FROM sale_void v WHERE v.store_id = $1 AND v.sale_id = $2) AS voided,
            (SELECT jsonb_object_agg(key, value) FROM store_setting WHERE store_id = $1 AND key IN ('storeAddress', 'timeZone')) AS settings,
            (SELECT coalesce(jsonb_agg(jsonb_build_object('amount', r.amount, 'tenderKind', r.tender_kind, 'at', r.finished_at,
                      'payerCurrency', rf.payload->>'payerCurrency', 'payerAmount', rf.payload->'payerAmount') ORDER BY r.finished_at), '[]')
               FROM refund r LEFT JOIN fact rf ON rf.store_id = r.store_id AND rf.fact_id = r.refund_id AND rf.kind = 'refund'
              WHERE r.store_id = $1 AND r.sale_id = $2) AS refunds,
            -- The payment facts by the keys the tenders name (an array, not a join on the tenders' set: Citus 13 fails
            -- that join, "invalid attnum 2 for relation t").
            (SELECT coalesce(jsonb_agg(jsonb_build_object('paymentId', p.payload->>'paymentId', 'clientSn', p.payload->>'clientSn', 'payment', p.payload)), '[]')
               FROM fact p
              WHERE p.store_id = $1 AND p.fact_id = ANY (ARRAY(SELECT (t->>'paymentId') || ':paid' FROM jsonb_array_elements(f.payload->'tenders') t))) AS payments
       FROM f`,
    [storeId, saleId],
  );
  const found = rows[0];
  if (!found) return null;
  return view(found, closedAt);
}

function view(found: Found, closedAt: Date): EReceiptView {
  const sale = found.payload;
  const settings = found.settings ?? {};
  const timeZone = typeof settings.timeZone === 'string' && validZone(settings.timeZone) ? settings.timeZone : DEFAULT_TIME_ZONE;
  const address = typeof settings.storeAddress === 'string' && settings.storeAddress.trim() ? settings.storeAddress : null;
  const clientSn = new Map(found.payments.map((p) => [p.paymentId, p.clientSn]));
  const crossBorder = new Map(found.payments.map((p) => [p.paymentId, crossBorderOf(p.payment)]));
  const lines = sale.lines.map((l) => ({ name: l.name, quantityMilli: l.quantityMilli, unit: l.unit, unitPrice: l.unitPrice, gross: l.gross, saving: l.gross - l.net, net: l.net }));
  return {
    storeName: found.store_name,
    storeAddress: address,
    receiptNumber: `${found.terminal_id.slice(-4)}-${String(sale.receiptNo).padStart(6, '0')}`,
    closedAt: wallClock(closedAt, timeZone),
    currency: sale.currency,
    lines,
    subtotal: sale.subtotal,
    savings: lines.reduce((sum, l) => sum + l.saving, 0),
    total: sale.total,
    rounding: sale.rounding,
    taxes: sale.taxes.map((t) => ({ rateBp: t.rateBp, tax: t.tax })),
    tenders: sale.tenders.map((t) => {
      const sn = t.paymentId ? clientSn.get(t.paymentId) : undefined;
      // Cash shows what was handed over (change is its own line), as the paper receipt does.
      return {
        kind: t.kind,
        amount: t.kind === 'cash' ? t.tendered : t.amount,
        lastFour: sn && sn.length >= 4 ? sn.slice(-4) : null,
        crossBorder: t.paymentId ? (crossBorder.get(t.paymentId) ?? null) : null,
      };
    }),
    change: sale.changeGiven,
    refunds: found.refunds.map((r) => ({
      amount: r.amount,
      tenderKind: r.tenderKind,
      at: wallClock(new Date(r.at), timeZone),
      // Cross-border: what went back to the customer's wallet, as the refund's reply said (the fact was validated on upload).
      payer: r.payerCurrency !== null && typeof r.payerAmount === 'number' ? { currency: r.payerCurrency, amount: r.payerAmount } : null,
    })),
    voided: found.voided,
  };
}

function validZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** 2026-12-05 14:03, on the store's clock. */
function wallClock(at: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

const HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': E_RECEIPT_CSP,
  // A receipt is the customer's: never cached by a proxy, never sent on as a referrer, never framed or indexed.
  'cache-control': 'private, no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'x-robots-tag': 'noindex, nofollow',
};

/** Serves GET /r/<token>; returns the status sent. */
export async function serveEReceipt(db: Db, pathname: string, res: ServerResponse, now = new Date()): Promise<number> {
  const token = pathname.slice(E_RECEIPT_PREFIX.length);
  let receipt: EReceiptView | null;
  try {
    receipt = await findEReceipt(db, token, now);
  } catch (error) {
    if (!isUnavailable(error)) throw error;
    // A phone gets a page, not the API's JSON: the store's database is away for now.
    return send(res, 503, renderUnavailable(), { 'retry-after': '30' });
  }
  return receipt ? send(res, 200, renderEReceipt(receipt)) : send(res, 404, renderNotFound());
}

function send(res: ServerResponse, status: number, html: string, extra: Record<string, string> = {}): number {
  const body = Buffer.from(html, 'utf8');
  res.writeHead(status, { ...HEADERS, ...extra, 'content-length': body.length });
  res.end(body);
  return status;
}

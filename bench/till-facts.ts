/**
 * The facts the benches' simulated tills upload (bench/server-sync.ts, bench/server-ingest-controlled.ts): a sale of
 * two lines of 50 products, cash or WeChat, with its e-receipt token; and, as a real till sends beside it, a stock
 * movement a line (`adjustStock`, src-main/services/sales.ts) and a payment fact for a wallet tender.
 */
import { randomBytes } from 'node:crypto';
import { ulid } from 'ulid';
import type { Fact } from '../src-common/sync-protocol';
import { saleFact, stockFact } from '../server/testing/facts';

/** What a till's facts are numbered and varied by. */
export interface SellingTill {
  seq: number;
  sold: number;
}

/** A sale as a till of this version sends it: with its e-receipt's token. */
export function tillSale(till: SellingTill): Fact {
  till.seq += 1;
  const i = till.sold++;
  const fact = saleFact(till.seq, { lines: [{ productId: `P${i % 50}`, price: 100 + (i % 900) }, { productId: `P${(i + 7) % 50}`, price: 250 }], tender: i % 3 === 0 ? 'cash' : 'wechat' });
  return { ...fact, payload: { ...fact.payload, receiptToken: randomBytes(16).toString('base64url') } };
}

/** A sale and, `withStock`, the facts a real till sends beside it (its lines' stock movements, a wallet payment). */
export function tillFacts(till: SellingTill, withStock: boolean): Fact[] {
  const sale = tillSale(till);
  if (!withStock || sale.kind !== 'sale') return [sale];
  const facts: Fact[] = [sale];
  for (const line of sale.payload.lines) {
    till.seq += 1;
    const movement = stockFact(till.seq, line.productId, -line.quantityMilli);
    facts.push({ ...movement, payload: { ...movement.payload, ref: sale.id, at: sale.payload.closedAt } });
  }
  const tender = sale.payload.tenders[0]!;
  if (tender.paymentId) {
    till.seq += 1;
    facts.push({
      seq: till.seq, id: ulid(), kind: 'payment', recordedAt: sale.recordedAt,
      payload: { paymentId: tender.paymentId, saleId: sale.id, wallet: tender.kind, amount: tender.amount, status: 'paid', clientSn: randomBytes(12).toString('hex'), acquirerSn: randomBytes(14).toString('hex'), finishedAt: sale.payload.closedAt },
    });
  }
  return facts;
}

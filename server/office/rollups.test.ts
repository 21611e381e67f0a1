/**
 * The dashboard's rollups (server/migrations/0014_sales_rollups.sql, kept by the upload's statement) against the facts,
 * to the fen, on real PostgreSQL through the real HTTPS server: three tills of two stores upload seeded random sales
 * (several lines, discounts, cash rounding, every tender kind, sales of earlier business dates), refunds (one sent
 * twice under two fact ids), voids (of sales stored earlier, of sales in the same batch, and one that arrives before
 * its sale, from the till's other stream), in batches interleaved across tills, with retries of whole batches,
 * overlapping batches and batches beyond a gap (which store nothing). After each round the rollups must equal what a
 * plain sum in this file makes of the facts that were acknowledged, and what the projected tables sum to.
 */
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fact } from '../../src-common/sync-protocol';
import { openPool, type Db } from '../database';
import { startTestServer, type TestServer } from '../testing/server';
import { storeWithTills } from '../testing/stores';
import { salesByHour, salesByHourFromSales, topSellersFromLines, topSellersOf } from './areas/dashboard';
import { addDays, factCells, factCellsFromSales, sumCells, type Cell } from './figures';

type SaleFactT = Extract<Fact, { kind: 'sale' }>;
const KINDS = ['cash', 'wechat', 'alipay', 'unionpay', 'ecny', 'jdpay', 'bestpay', 'other'] as const;
const TODAY = '2026-12-04';
const DATES = Array.from({ length: 10 }, (_, i) => new Date(Date.parse(`${TODAY}T00:00:00Z`) - i * 86_400_000).toISOString().slice(0, 10));

/** mulberry32: the same facts at every run. */
function random(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)), pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]! };
}
type Random = ReturnType<typeof random>;

function sale(r: Random, seq: number, receiptNo: number): SaleFactT {
  const saleId = ulid();
  // Business dates up to nine days back (a till offline for days); closed within that date in Shanghai, any minute.
  const businessDate = r.next() < 0.6 ? TODAY : r.pick(DATES);
  const closedAt = new Date(Date.parse(`${businessDate}T00:00:00+08:00`) + r.int(0, 86_399) * 1000).toISOString();
  const lines = Array.from({ length: r.int(1, 3) }, (_, i) => {
    const qty = r.int(1, 3);
    const unitPrice = r.int(1, 9999);
    const gross = unitPrice * qty;
    const lineDiscount = r.next() < 0.2 ? r.int(0, Math.floor(gross / 5)) : 0;
    const productId = `P${r.int(1, 12)}`;
    return { lineNo: i + 1, productId, sku: productId, name: `商品 ${productId}`, unit: 'each' as const, quantityMilli: qty * 1000, unitPrice, gross, lineDiscount, orderDiscount: 0, net: gross - lineDiscount, taxRateBp: 1300 };
  });
  const subtotal = lines.reduce((s, l) => s + l.gross, 0);
  const total = lines.reduce((s, l) => s + l.net, 0);
  const tax = Math.round((total * 1300) / 11300);
  const kind = r.pick(KINDS);
  const rounding = kind === 'cash' ? -(total % 10) : 0;
  // Some sales split across two tenders.
  const split = r.next() < 0.25 ? r.int(0, total + rounding) : total + rounding;
  const second = r.pick(KINDS);
  const tenders = [
    { tenderId: ulid(), seq: 1, kind, amount: split, tendered: split, paymentId: null, merchantDiscount: 0 },
    ...(split < total + rounding ? [{ tenderId: ulid(), seq: 2, kind: second, amount: total + rounding - split, tendered: total + rounding - split, paymentId: null, merchantDiscount: 0 }] : []),
  ];
  return {
    seq, id: saleId, kind: 'sale', recordedAt: closedAt,
    payload: {
      saleId, receiptNo, businessDate, openedAt: closedAt, closedAt, currency: 'CNY', subtotal, discountTotal: subtotal - total, total, rounding,
      taxTotal: tax, changeGiven: 0, cashierId: 'U1', shiftId: null, lines, taxes: [{ rateBp: 1300, taxable: total - tax, tax }], tenders,
    },
  };
}

function refund(r: Random, seq: number, of: SaleFactT, refundId = ulid()): Extract<Fact, { kind: 'refund' }> {
  const tender = of.payload.tenders[0]!;
  const amount = r.int(1, Math.max(1, tender.amount));
  // Refunded on a later day than the sale at times: it counts on its own business date.
  const businessDate = r.next() < 0.3 ? TODAY : of.payload.businessDate;
  return {
    seq, id: `${refundId}${seq}`, kind: 'refund', recordedAt: `${businessDate}T09:00:00.000Z`,
    payload: {
      refundId, saleId: of.payload.saleId, receiptNo: of.payload.receiptNo, businessDate, kind: tender.kind === 'cash' ? 'cash' : 'wallet', tenderKind: tender.kind,
      amount, walletAmount: tender.kind === 'cash' ? 0 : amount, cashAmount: tender.kind === 'cash' ? amount : 0, reason: 'customer', approvedBy: 'U9',
      finishedAt: `${businessDate}T09:00:00.000Z`, lines: [],
    },
  };
}

const voidOf = (seq: number, of: SaleFactT): Fact => ({
  seq, id: `void:${of.payload.saleId}:${seq}`, kind: 'sale_void', recordedAt: `${TODAY}T10:00:00.000Z`,
  payload: { saleId: of.payload.saleId, reason: 'restored', voidedBy: null, at: `${TODAY}T10:00:00.000Z` },
});

/** One till's stream of facts: sales, then refunds and voids of its earlier sales among later ones. */
function tillFacts(r: Random, count: number): Fact[] {
  const facts: Fact[] = [];
  const sold: SaleFactT[] = [];
  for (let seq = 1; seq <= count; seq += 1) {
    const roll = r.next();
    if (sold.length > 3 && roll < 0.12) {
      const of = r.pick(sold);
      const f = refund(r, seq, of);
      facts.push(f);
      // The same refund again under another fact id (a till resending it after a restore): stored once.
      if (r.next() < 0.3 && seq < count) {
        seq += 1;
        facts.push({ ...f, seq, id: `${f.payload.refundId}${seq}` });
      }
    } else if (sold.length > 3 && roll < 0.18) {
      facts.push(voidOf(seq, r.pick(sold)));
    } else {
      const s = sale(r, seq, seq);
      sold.push(s);
      facts.push(s);
      // A void right behind its sale (often in the same batch).
      if (r.next() < 0.05 && seq < count) {
        seq += 1;
        facts.push(voidOf(seq, s));
      }
    }
  }
  return facts;
}

/** What the dashboard must show, summed here from the facts the server acknowledged. */
function expectedCells(uploaded: readonly { storeId: string; terminalId: string; fact: Fact }[]): Map<string, Omit<Cell, 'tenders'> & { tenders: Record<string, { amount: number; refunds: number }> }> {
  const voided = new Set(uploaded.flatMap((u) => (u.fact.kind === 'sale_void' ? [`${u.storeId}/${u.fact.payload.saleId}`] : [])));
  const refunds = new Set<string>();
  const cells = new Map<string, Omit<Cell, 'tenders'> & { tenders: Record<string, { amount: number; refunds: number }> }>();
  const cell = (storeId: string, businessDate: string, terminalId: string) => {
    const k = `${storeId}/${businessDate}/${terminalId}`;
    if (!cells.has(k)) cells.set(k, { storeId, businessDate, terminalId, salesCount: 0, gross: 0, discounts: 0, sales: 0, rounding: 0, tax: 0, refundCount: 0, refunds: 0, tenders: {} });
    return cells.get(k)!;
  };
  const tender = (c: ReturnType<typeof cell>, kind: string) => (c.tenders[kind] ??= { amount: 0, refunds: 0 });
  for (const { storeId, terminalId, fact } of uploaded) {
    if (fact.kind === 'sale' && !voided.has(`${storeId}/${fact.payload.saleId}`)) {
      const p = fact.payload;
      const c = cell(storeId, p.businessDate, terminalId);
      c.salesCount += 1;
      c.gross += p.subtotal;
      c.discounts += p.discountTotal;
      c.sales += p.total;
      c.rounding += p.rounding;
      c.tax += p.taxTotal;
      for (const t of p.tenders) tender(c, t.kind).amount += t.amount;
    }
    if (fact.kind === 'refund' && !refunds.has(`${storeId}/${fact.payload.refundId}`)) {
      refunds.add(`${storeId}/${fact.payload.refundId}`);
      const c = cell(storeId, fact.payload.businessDate, terminalId);
      c.refundCount += 1;
      c.refunds += fact.payload.amount;
      tender(c, fact.payload.tenderKind).refunds += fact.payload.amount;
    }
  }
  return cells;
}

const plain = (cells: readonly Cell[]) =>
  Object.fromEntries(
    cells
      .map((c) => [`${c.storeId}/${c.businessDate}/${c.terminalId}`, { ...c, tenders: Object.fromEntries([...c.tenders].sort(([a], [b]) => a.localeCompare(b))) }] as const)
      .sort(([a], [b]) => a.localeCompare(b)),
  );

describe('dashboard rollups equal the facts to the fen', () => {
  let t: TestServer;
  let db: Db;
  const stores: { storeId: string; tills: { terminalId: string; credential: string }[] }[] = [];
  const uploaded: { storeId: string; terminalId: string; fact: Fact }[] = [];

  beforeAll(async () => {
    t = await startTestServer();
    db = openPool(t.server.databaseUrl);
    for (const [name, tills] of [['一号店', ['R-A1', 'R-A2']], ['二号店', ['R-B1']]] as const) {
      const s = await storeWithTills(t, name, [...tills]);
      stores.push({ storeId: s.storeId, tills: s.tills.map((x, i) => ({ terminalId: tills[i]!, credential: x.credential })) });
    }
  });
  afterAll(async () => {
    await db?.end();
    await t?.stop();
  });

  const post = async (credential: string, stream: string, facts: Fact[]) => {
    const reply = await t.as(credential).call('POST', '/v1/facts', { body: { stream, facts } });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return reply.body.ackedSeq as number;
  };
  const ids = () => stores.map((s) => s.storeId);
  const from = DATES.at(-1)!;

  /** Every figure the dashboard reads from a rollup against the facts and the projected tables. */
  const checkAll = async () => {
    const fromRollups = await factCells(db, ids(), from, TODAY);
    expect(plain(fromRollups)).toEqual(plain(await factCellsFromSales(db, ids(), from, TODAY)));
    const expected = expectedCells(uploaded);
    expect(plain(fromRollups)).toEqual(
      Object.fromEntries([...expected].filter(([, c]) => c.salesCount > 0 || c.refundCount > 0).sort(([a], [b]) => a.localeCompare(b)).map(([k, c]) => [k, { ...c, tenders: Object.fromEntries(Object.entries(c.tenders).sort(([a], [b]) => a.localeCompare(b))) }])),
    );
    // The till rows' own refund sums are their tender kinds' (one of the two is read).
    const mismatched = await db.query(
      `SELECT d.store_id FROM sale_till_day d
         LEFT JOIN (SELECT store_id, business_date, terminal_id, sum(refund_count) AS n, sum(refunds) AS amount FROM sale_tender_till_day GROUP BY 1, 2, 3) k
           USING (store_id, business_date, terminal_id)
        WHERE d.refund_count <> coalesce(k.n, 0) OR d.refunds <> coalesce(k.amount, 0)`,
    );
    expect(mismatched.rows).toEqual([]);
    for (const [a, b] of [[from, TODAY], [TODAY, TODAY], [DATES[3]!, DATES[1]!]] as const) {
      for (const tz of ['Asia/Shanghai', 'UTC', 'America/New_York', 'Asia/Kolkata']) {
        // With the week before (overlapping a range longer than a week), as the dashboard asks.
        const [ca, cb] = [addDays(a, -7), addDays(b, -7)];
        const [hours, compare] = await salesByHour(db, ids(), { from: a, to: b }, { from: ca, to: cb }, tz);
        const shown = (m: Map<number, { n: number; amount: number }>) => Object.fromEntries([...m].filter(([, h]) => h.n > 0));
        expect(shown(hours), `${a}..${b} ${tz}`).toEqual(shown(await salesByHourFromSales(db, ids(), a, b, tz)));
        expect(shown(compare), `${ca}..${cb} ${tz}`).toEqual(shown(await salesByHourFromSales(db, ids(), ca, cb, tz)));
      }
      const top = (await topSellersOf(db, ids(), a, b)).map(({ productId, quantityMilli, net }) => ({ productId, quantityMilli, net }));
      expect(top).toEqual(await topSellersFromLines(db, ids(), a, b));
      for (const s of stores) {
        const one = (await topSellersOf(db, [s.storeId], a, b)).map(({ productId, quantityMilli, net }) => ({ productId, quantityMilli, net }));
        expect(one).toEqual(await topSellersFromLines(db, [s.storeId], a, b));
      }
    }
    return fromRollups;
  };

  it('after uploads interleaved across tills, retried, overlapping and beyond gaps, with late facts, refunds and voids', async () => {
    const r = random(20261206);
    const streams = stores.flatMap((s) => s.tills.map((till) => ({ storeId: s.storeId, ...till, stream: `main-${till.terminalId}`, facts: tillFacts(r, 160), acked: 0 })));
    let round = 0;
    while (streams.some((s) => s.acked < s.facts.length)) {
      const s = r.pick(streams.filter((x) => x.acked < x.facts.length));
      const size = r.int(1, 20);
      const next = s.facts.slice(s.acked, s.acked + size);
      const roll = r.next();
      if (roll < 0.15 && s.acked + size < s.facts.length) {
        // Beyond a gap: stored nothing, answered the acknowledged seq.
        expect(await post(s.credential, s.stream, s.facts.slice(s.acked + size, s.acked + size + 3))).toBe(s.acked);
      }
      // Overlapping what is held (a retry whose reply was lost, then more).
      const overlap = roll > 0.7 && s.acked > 0 ? s.facts.slice(Math.max(0, s.acked - r.int(1, 5)), s.acked) : [];
      const acked = await post(s.credential, s.stream, [...overlap, ...next]);
      expect(acked).toBe(next.at(-1)!.seq);
      for (const fact of next) uploaded.push({ storeId: s.storeId, terminalId: s.terminalId, fact });
      s.acked = acked;
      // The same batch again: a retry, stored once.
      if (r.next() < 0.25) expect(await post(s.credential, s.stream, next)).toBe(acked);
      round += 1;
      if (round % 15 === 0) await checkAll();
    }
    const cells = await checkAll();
    const totals = sumCells(cells);
    // The scenario is what it says: many sales, refunds (one sent twice), voids, several dates and every kind.
    expect(totals.salesCount).toBeGreaterThan(300);
    expect(totals.refundCount).toBeGreaterThan(20);
    expect(uploaded.filter((u) => u.fact.kind === 'sale_void').length).toBeGreaterThan(15);
    expect(new Set(cells.map((c) => c.businessDate)).size).toBe(DATES.length);
    expect(totals.tenders.map((x) => x.kind).sort()).toEqual([...KINDS].sort());
  });

  it('takes a void that arrives before its sale (the till’s other stream) and a late day’s sale into the right day', async () => {
    const [store] = stores;
    const till = store!.tills[1]!;
    const r = random(7);
    const early = sale(r, 1, 9001);
    early.payload.businessDate = DATES[8]!;
    const kept = sale(r, 2, 9002);
    kept.payload.businessDate = DATES[8]!;
    const before = sumCells((await factCells(db, [store!.storeId], DATES[8]!, DATES[8]!)));
    // The void first, from the till's new stream (restored from a backup) …
    expect(await post(till.credential, `restored-${till.terminalId}`, [voidOf(1, early)])).toBe(1);
    uploaded.push({ storeId: store!.storeId, terminalId: till.terminalId, fact: voidOf(1, early) });
    // … then the old timeline's sales, nine days late.
    expect(await post(till.credential, `old-${till.terminalId}`, [{ ...early, seq: 1 }, { ...kept, seq: 2 }])).toBe(2);
    uploaded.push({ storeId: store!.storeId, terminalId: till.terminalId, fact: early }, { storeId: store!.storeId, terminalId: till.terminalId, fact: kept });
    const after = sumCells(await factCells(db, [store!.storeId], DATES[8]!, DATES[8]!));
    expect(after.salesCount).toBe(before.salesCount + 1);
    expect(after.sales - before.sales).toBe(kept.payload.total);
    expect(after.net - before.net).toBe(kept.payload.total + kept.payload.rounding);
    await checkAll();
  });

  it('keeps them equal when the tills of one store upload at the same time (the same products’ rows)', async () => {
    const till = ['R-C1', 'R-C2', 'R-C3', 'R-C4'];
    const s = await storeWithTills(t, '三号店', till);
    stores.push({ storeId: s.storeId, tills: s.tills.map((x, i) => ({ terminalId: till[i]!, credential: x.credential })) });
    const r = random(99);
    await Promise.all(
      stores.at(-1)!.tills.map(async (x) => {
        // Sales only (no voids): the rows of five products, all four tills adding to them at once, batch after batch.
        const facts = Array.from({ length: 120 }, (_, i) => {
          const f = sale(r, i + 1, i + 1);
          f.payload.lines.forEach((l) => Object.assign(l, { productId: `P${1 + (i % 5)}`, sku: `P${1 + (i % 5)}` }));
          return f;
        });
        for (let from = 0; from < facts.length; from += 12) {
          const batch = facts.slice(from, from + 12);
          expect(await post(x.credential, `main-${x.terminalId}`, batch)).toBe(batch.at(-1)!.seq);
          for (const fact of batch) uploaded.push({ storeId: s.storeId, terminalId: x.terminalId, fact });
        }
      }),
    );
    const cells = await checkAll();
    expect(sumCells(cells.filter((c) => c.storeId === s.storeId)).salesCount).toBe(4 * 120);
  });

  it('leaves a batch refused whole out of the rollups', async () => {
    const [store] = stores;
    const till = store!.tills[0]!;
    const before = plain(await factCells(db, ids(), from, TODAY));
    const r = random(11);
    const good = sale(r, 1, 9101);
    const clash = sale(r, 2, 9102);
    // A tender id another sale holds: 400, and nothing of the batch is stored.
    clash.payload.tenders[0]!.tenderId = good.payload.tenders[0]!.tenderId;
    const reply = await t.as(till.credential).call('POST', '/v1/facts', { body: { stream: 'clash', facts: [good, clash] } });
    expect(reply.status).toBe(400);
    expect(plain(await factCells(db, ids(), from, TODAY))).toEqual(before);
  });
});

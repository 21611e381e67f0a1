/**
 * Makes a terminal database of N completed sales (1,000,000 for the bench) spread over ~90 days: a
 * realistic mix of items (1–6 lines, a few weighed), tax rates (13 %, 9 %, 6 %, 0 %), discounts, tenders
 * (cash with change and 抹零 rounding, WeChat, Alipay, UnionPay, e-CNY, JD Pay, BestPay, with their wallet
 * payments), shop hours with a lunch and an evening peak, several cashiers, ~1.5 % refunds (cash and
 * wallet, by line), ~0.5 % voided carts, the day totals the sales service keeps, and one Z report per
 * day but the last (taken with the real report code), so the bench's Z covers exactly one full day.
 *
 * Rows are inserted with prepared statements in transactions of 20,000 sales, with synchronous=OFF, statement
 * journals in memory and foreign keys off while loading (restored after); each sale before its lines, taxes and tender, as the
 * sales service writes them, so migration 0011's triggers keep the quarter-hour totals as they would. Cart events (sale_event) are not generated: no
 * report reads them. Deterministic for a seed.
 *
 * CLI (built): node out/main/bench.js generate-sales --sales 1000000 --out /tmp/sales.sqlite [--days 90]
 */
import { existsSync, rmSync } from 'node:fs';
import type { Database } from 'better-sqlite3';
import { openDatabase } from '../db/open';
import { inclusiveTax } from '../src-common/money';
import type { Session } from '../src-common/roles';
import { createAuditService } from '../src-main/services/audit';
import { createReportsService } from '../src-main/services/reports';
import { addDays, businessDateOf, defaultBusinessDayRule } from '../src-common/business-day';

export interface GenerateOptions {
  path: string;
  sales: number;
  days?: number;
  /** The last day of the data (local, 'YYYY-MM-DD'); default today. */
  lastDay?: string;
  seed?: number;
  /** Take a Z report at the end of every day but the last. */
  zReports?: boolean;
  log?: (line: string) => void;
}

export interface GeneratedDatabase {
  path: string;
  terminalId: string;
  ownerId: string;
  sales: number;
  days: string[];
  lastDay: string;
  seconds: number;
}

export const GENERATED_TERMINAL_ID = 'BENCH0000000000000000000001';

const TENDER_MIX: readonly [string, number][] = [
  ['cash', 0.34],
  ['wechat', 0.33],
  ['alipay', 0.24],
  ['unionpay', 0.04],
  ['ecny', 0.025],
  ['jdpay', 0.015],
  ['bestpay', 0.01],
];
/** Relative traffic per hour of the day (the shop opens at 7, closes at 23). */
const HOUR_WEIGHT = [0, 0, 0, 0, 0, 0, 0, 2, 5, 6, 6, 8, 12, 10, 6, 5, 6, 8, 12, 14, 11, 7, 4, 1];
const RATES = [1300, 1300, 1300, 900, 900, 600, 0];

/** A small fast PRNG (mulberry32): deterministic data for a seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, weighted: readonly (readonly [T, number])[]): T {
  const total = weighted.reduce((s, [, w]) => s + w, 0);
  let r = random() * total;
  for (const [value, w] of weighted) {
    r -= w;
    if (r < 0) return value;
  }
  return weighted.at(-1)![0];
}

export async function generateSalesDatabase(options: GenerateOptions): Promise<GeneratedDatabase> {
  const started = process.hrtime.bigint();
  const log = options.log ?? (() => {});
  const dayCount = options.days ?? 90;
  const random = prng(options.seed ?? 20261122);
  if (existsSync(options.path)) rmSync(options.path);
  for (const suffix of ['-wal', '-shm']) rmSync(options.path + suffix, { force: true });
  const db = openDatabase(options.path);
  db.pragma('synchronous = OFF');
  db.pragma('foreign_keys = OFF');
  // Each insert that fires triggers keeps a statement journal; in a transaction of 20,000 sales it outgrows SQLite's
  // 64 kB in memory and goes to a temporary file: ~90 writes a sale, a third of the time. Kept in memory here.
  db.pragma('temp_store = MEMORY');
  const created = '2026-01-01T00:00:00.000Z';

  const rule = defaultBusinessDayRule();
  const lastDay = options.lastDay ?? businessDateOf(new Date(), rule);
  const days = Array.from({ length: dayCount }, (_, i) => addDays(lastDay, -(dayCount - 1 - i)));

  // People, products.
  const ownerId = 'BENCHUSER-OWNER';
  const cashiers = ['BENCHUSER-C1', 'BENCHUSER-C2', 'BENCHUSER-C3'];
  db.transaction(() => {
    db.prepare('INSERT INTO terminal (singleton, terminal_id, created_at) VALUES (1, ?, ?) ON CONFLICT DO NOTHING').run(GENERATED_TERMINAL_ID, created);
    const user = db.prepare("INSERT INTO user (id, name, role, pin_hash, created_at) VALUES (?, ?, ?, 'x', ?)");
    user.run(ownerId, '店长', 'owner', created);
    cashiers.forEach((id, i) => user.run(id, `收银员 0${i + 1}`, 'cashier', created));
    const product = db.prepare(
      "INSERT INTO product (id, sku, name, price, tax_rate_bp, unit, pinyin_initials, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'sp', ?, ?)",
    );
    for (let i = 0; i < 400; i++) {
      const weighed = i % 20 === 0;
      product.run(`BP${i}`, `SKU${i}`, `商品${i}`, weighed ? 1000 + Math.floor(random() * 5000) : 150 + Math.floor(random() * 6000), RATES[i % RATES.length]!, weighed ? 'kg' : 'each', created, created);
    }
  })();
  const products = db.prepare('SELECT id, sku, name, price, tax_rate_bp AS rate, unit FROM product').all() as {
    id: string;
    sku: string;
    name: string;
    price: number;
    rate: number;
    unit: 'each' | 'kg';
  }[];

  const insSale = db.prepare(
    `INSERT INTO sale (id, terminal_id, status, currency, opened_at, opened_by, closed_at, closed_by, receipt_no, business_date, subtotal, discount_total, total,
       rounding, tax_total, change_given, void_reason) VALUES (?, ?, ?, 'CNY', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insLine = db.prepare(
    `INSERT INTO sale_line (sale_id, line_no, line_id, product_id, sku, name, unit, quantity_milli, unit_price, gross, line_discount, order_discount, net, tax_rate_bp)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
  );
  const insTax = db.prepare('INSERT INTO sale_tax (sale_id, rate_bp, taxable, tax) VALUES (?, ?, ?, ?)');
  const insTender = db.prepare('INSERT INTO sale_tender (id, sale_id, seq, kind, amount, tendered, reference, payment_id, created_at) VALUES (?, ?, 1, ?, ?, ?, NULL, ?, ?)');
  const insPayment = db.prepare(
    "INSERT INTO payment (id, sale_id, client_sn, kind, wallet, amount, status, state, acquirer_sn, user_id, created_at, updated_at, finished_at) VALUES (?, ?, ?, 'code', ?, ?, 'paid', '{}', ?, ?, ?, ?, ?)",
  );
  const insRefund = db.prepare(
    `INSERT INTO refund (id, sale_id, payment_id, refund_request_no, kind, tender_kind, amount, wallet_amount, cash_amount, status, reason, approved_by, user_id,
       deadline_at, receipt_no, business_date, created_at, updated_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'refunded', '退货', ?, ?, 0, ?, ?, ?, ?, ?)`,
  );
  const insRefundLine = db.prepare('INSERT INTO refund_line (refund_id, sale_id, line_no, quantity_milli, amount) VALUES (?, ?, 1, ?, ?)');

  // Day totals as the sales service keeps them, summed here and written at the end.
  const dayTotals = new Map<string, { count: number; gross: number; discounts: number; net: number; rounding: number; tax: number; voids: number }>();
  const dayTenders = new Map<string, { count: number; amount: number }>();
  const dayTaxes = new Map<string, { taxable: number; tax: number }>();
  const dayRefunds = new Map<string, { count: number; amount: number }>();
  const add = <T extends Record<string, number>>(map: Map<string, T>, key: string, zero: T, delta: Partial<T>) => {
    const row = map.get(key) ?? { ...zero };
    for (const [k, v] of Object.entries(delta)) (row as Record<string, number>)[k] = (row as Record<string, number>)[k]! + (v as number);
    map.set(key, row);
  };

  const perDay = Math.floor(options.sales / dayCount);
  const hourWeights = HOUR_WEIGHT.map((w, h) => [h, w] as const);
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  let receiptNo = 0;
  let refundNo = 0;
  let n = 0;
  const BATCH = 20_000;
  const writeSale = (day: string, dayStart: Date) => {
    n += 1;
    const id = `S${pad(n, 9)}`;
    const hour = pick(random, hourWeights);
    const closedMs = dayStart.getTime() + hour * 3600_000 + Math.floor(random() * 3600_000);
    const closedAt = new Date(closedMs).toISOString();
    const openedAt = new Date(closedMs - 30_000 - Math.floor(random() * 90_000)).toISOString();
    const cashier = cashiers[Math.floor(random() * cashiers.length)]!;
    if (random() < 0.005) {
      insSale.run(id, GENERATED_TERMINAL_ID, 'voided', openedAt, cashier, closedAt, cashier, null, day, null, null, null, null, null, null, '顾客不要了');
      add(dayTotals, day, { count: 0, gross: 0, discounts: 0, net: 0, rounding: 0, tax: 0, voids: 0 }, { voids: 1 });
      return;
    }
    const lineCount = 1 + Math.floor(random() * random() * 6);
    let subtotal = 0;
    let discounts = 0;
    const taxable = new Map<number, number>();
    const lines: { net: number; qty: number; unit: string }[] = [];
    // Written after the sale row, as the sales service does (the report triggers read the sale's time).
    const lineRows: unknown[][] = [];
    const taxRows: unknown[][] = [];
    for (let l = 1; l <= lineCount; l++) {
      const p = products[Math.floor(random() * products.length)]!;
      const qty = p.unit === 'kg' ? 100 + Math.floor(random() * 1500) : 1000 * (1 + Math.floor(random() * random() * 4));
      const gross = Math.round((p.price * qty) / 1000);
      const discount = random() < 0.05 ? Math.floor(gross * 0.1) : 0;
      const net = gross - discount;
      lineRows.push([id, l, `${id}L${l}`, p.id, p.sku, p.name, p.unit, qty, p.price, gross, discount, net, p.rate]);
      subtotal += gross;
      discounts += discount;
      taxable.set(p.rate, (taxable.get(p.rate) ?? 0) + net);
      lines.push({ net, qty, unit: p.unit });
    }
    const total = subtotal - discounts;
    let taxTotal = 0;
    for (const [rate, amount] of taxable) {
      const tax = inclusiveTax(amount, rate);
      taxTotal += tax;
      taxRows.push([id, rate, amount, tax]);
      add(dayTaxes, `${day}|${rate}`, { taxable: 0, tax: 0 }, { taxable: amount, tax });
    }
    const kind = pick(random, TENDER_MIX);
    receiptNo += 1;
    let rounding = 0;
    let change = 0;
    let paymentId: string | null = null;
    let tendered: number;
    if (kind === 'cash') {
      rounding = -(total % 10); // 抹零: the fen under 0.1 yuan dropped
      const due = total + rounding;
      tendered = random() < 0.6 ? Math.ceil(due / 10_000) * 10_000 || 10_000 : due;
      if (tendered < due) tendered = due;
      change = tendered - due;
    } else {
      tendered = total;
      paymentId = `P${pad(n, 9)}`;
      insPayment.run(paymentId, id, `${day.replaceAll('-', '')}${pad(n, 10)}`, kind, total, `A${pad(n, 12)}`, cashier, closedAt, closedAt, closedAt);
    }
    const amount = tendered - change;
    insSale.run(id, GENERATED_TERMINAL_ID, 'completed', openedAt, cashier, closedAt, cashier, receiptNo, day, subtotal, discounts, total, rounding, taxTotal, change, null);
    for (const row of lineRows) insLine.run(...row);
    for (const row of taxRows) insTax.run(...row);
    insTender.run(`T${pad(n, 9)}`, id, kind, amount, tendered, paymentId, closedAt);
    add(dayTotals, day, { count: 0, gross: 0, discounts: 0, net: 0, rounding: 0, tax: 0, voids: 0 }, { count: 1, gross: subtotal, discounts, net: total, rounding, tax: taxTotal });
    add(dayTenders, `${day}|${kind}`, { count: 0, amount: 0 }, { count: 1, amount });

    // ~1.5 % come back in part (the first line, one unit or the whole weighed line), some hours later.
    if (random() < 0.015 && lines[0]!.net > 0) {
      refundNo += 1;
      const line = lines[0]!;
      const qty = line.unit === 'kg' ? line.qty : 1000;
      const refunded = Math.round((line.net * qty) / line.qty);
      if (refunded > 0 && refunded <= amount) {
        const finished = new Date(closedMs + 60_000 + Math.floor(random() * 3 * 3600_000));
        const refundDay = businessDateOf(finished, rule);
        const rid = `R${pad(n, 9)}`;
        const wallet = kind !== 'cash';
        insRefund.run(rid, id, wallet ? paymentId : null, `RN${pad(refundNo, 12)}`, wallet ? 'wallet' : 'cash', kind, refunded, wallet ? refunded : 0, wallet ? 0 : refunded, ownerId, cashier, refundNo, refundDay, finished.toISOString(), finished.toISOString(), finished.toISOString());
        insRefundLine.run(rid, id, qty, refunded);
        add(dayRefunds, `${refundDay}|${kind}`, { count: 0, amount: 0 }, { count: 1, amount: refunded });
      }
    }
  };

  for (let d = 0; d < days.length; d++) {
    const day = days[d]!;
    const [y, m, dd] = day.split('-').map(Number) as [number, number, number];
    const dayStart = new Date(y, m - 1, dd);
    const count = d === days.length - 1 ? options.sales - perDay * (days.length - 1) : perDay;
    let left = count;
    while (left > 0) {
      const batch = Math.min(BATCH, left);
      db.transaction(() => {
        for (let i = 0; i < batch; i++) writeSale(day, dayStart);
      })();
      left -= batch;
    }
    if ((d + 1) % 10 === 0) log(`generate-sales: ${d + 1}/${days.length} days, ${n} sales`);
  }

  db.transaction(() => {
    const total = db.prepare(
      'INSERT INTO daily_total (business_date, sales_count, gross, discounts, net, rounding, tax, voids_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    for (const [day, t] of dayTotals) total.run(day, t.count, t.gross, t.discounts, t.net, t.rounding, t.tax, t.voids);
    const tender = db.prepare('INSERT INTO daily_tender_total (business_date, kind, count, amount) VALUES (?, ?, ?, ?)');
    for (const [key, t] of dayTenders) tender.run(...key.split('|'), t.count, t.amount);
    const tax = db.prepare('INSERT INTO daily_tax_total (business_date, rate_bp, taxable, tax) VALUES (?, ?, ?, ?)');
    for (const [key, t] of dayTaxes) {
      const [day, rate] = key.split('|');
      tax.run(day, Number(rate), t.taxable, t.tax);
    }
    const refund = db.prepare('INSERT INTO daily_refund_total (business_date, kind, count, amount) VALUES (?, ?, ?, ?)');
    for (const [key, t] of dayRefunds) refund.run(...key.split('|'), t.count, t.amount);
  })();
  db.pragma('foreign_keys = ON');
  // The next sale made on this database takes the receipt number after the last generated one.
  db.prepare('INSERT INTO receipt_counter (terminal_id, last_no) SELECT terminal_id, max(receipt_no) FROM sale WHERE receipt_no IS NOT NULL GROUP BY terminal_id ON CONFLICT (terminal_id) DO UPDATE SET last_no = excluded.last_no').run();
  db.exec('ANALYZE');

  if (options.zReports !== false) takeDailyZReports(db, days.slice(0, -1), ownerId);
  db.pragma('synchronous = FULL');
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  log(`generate-sales: ${n} sales in ${seconds.toFixed(1)} s`);
  return { path: options.path, terminalId: GENERATED_TERMINAL_ID, ownerId, sales: n, days, lastDay, seconds };
}

/** One Z per day, at its last instant, with the real report code (so each covers exactly its day). */
function takeDailyZReports(db: Database, days: readonly string[], ownerId: string) {
  let now = new Date(0);
  const clock = { now: () => now };
  const reports = createReportsService({ db, clock, audit: createAuditService({ db, clock }), terminalId: GENERATED_TERMINAL_ID, currency: () => 'CNY', language: () => 'zh-CN', businessDay: defaultBusinessDayRule });
  const session: Session = { caller: { role: 'owner', userId: ownerId } };
  for (const day of days) {
    const [y, m, d] = day.split('-').map(Number) as [number, number, number];
    now = new Date(new Date(y, m - 1, d + 1).getTime() - 1);
    reports.takeZ(session);
  }
}

/** `generate-sales --sales N --out PATH [--days D] [--last-day YYYY-MM-DD]` */
export async function generateSalesCli(argv: readonly string[]): Promise<GeneratedDatabase> {
  const arg = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const out = arg('out');
  if (!out) throw new Error('generate-sales --sales N --out PATH [--days D] [--last-day YYYY-MM-DD]');
  return generateSalesDatabase({
    path: out,
    sales: Number(arg('sales') ?? 1_000_000),
    days: Number(arg('days') ?? 90),
    ...(arg('last-day') ? { lastDay: arg('last-day')! } : {}),
    log: (line) => process.stderr.write(`${line}\n`),
  });
}

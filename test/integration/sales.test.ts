import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gtinCheckDigit } from '../../src-common/barcode';
import { newSession, type Session } from '../../src-common/roles';
import type { Product } from '../../src-common/schemas';
import { startTestPos, type TestPos } from '../helpers/pos';

/** A scale label in the default layout: flag 20, 5-digit PLU, 5-digit price in fen, check digit. */
function scaleLabel(plu: string, priceFen: number): string {
  const body = `20${plu.padStart(5, '0')}${String(priceFen).padStart(5, '0')}`;
  return body + gtinCheckDigit(body);
}

describe('selling on a real SQLite file', () => {
  let t: TestPos;
  let cashier: Session;
  let owner: Session;
  let piece: Product;
  let other: Product;
  let weighed: Product;

  beforeAll(async () => {
    t = await startTestPos();
    cashier = await t.signedIn('cashier');
    owner = await t.signedIn('owner');
    const products = await t.ok(cashier, 'catalog.search', { query: 'kkkl', limit: 5 });
    piece = products.find((p) => p.unit === 'each' && p.barcodes.length > 0)!;
    const all = t.query<{ id: string }>("SELECT id FROM product WHERE unit = 'each' AND id != ? AND active = 1 LIMIT 1", piece.id);
    other = (await t.ok(cashier, 'catalog.search', { query: t.query<{ sku: string }>('SELECT sku FROM product WHERE id = ?', all[0]!.id)[0]!.sku }))[0]!;
    const weighedId = t.query<{ id: string }>("SELECT id FROM product WHERE unit = 'kg' AND plu IS NOT NULL AND active = 1 LIMIT 1")[0]!.id;
    weighed = (await t.ok(cashier, 'catalog.search', { query: t.query<{ sku: string }>('SELECT sku FROM product WHERE id = ?', weighedId)[0]!.sku }))[0]!;
  });
  afterAll(() => t?.close());

  it('loads the demo catalog on first start', () => {
    expect(t.query<{ n: number }>('SELECT count(*) AS n FROM product WHERE active = 1')[0]!.n).toBeGreaterThanOrEqual(300);
    expect(piece.name).toContain('可口可乐');
  });

  it('refuses selling to a screen nobody signed in on', async () => {
    expect(await t.call(newSession(), 'sale.scan', { code: piece.barcodes[0]! })).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
  });

  it('refuses an unknown or misread barcode and changes nothing', async () => {
    const before = t.query<{ n: number }>('SELECT (SELECT count(*) FROM sale) + (SELECT count(*) FROM sale_event) AS n')[0]!.n;
    const unknown = '6900000000014'; // valid check digit, in no catalog
    expect(await t.call(cashier, 'sale.scan', { code: unknown })).toMatchObject({ ok: false, error: { code: 'not_found', details: { code: unknown } } });
    const misread = piece.barcodes[0]!.slice(0, 12) + ((Number(piece.barcodes[0]!.at(-1)) + 1) % 10);
    expect(await t.call(cashier, 'sale.scan', { code: misread })).toMatchObject({
      ok: false,
      error: { code: 'validation_failed', details: { reason: 'bad_check_digit' } },
    });
    expect(await t.call(cashier, 'sale.scan', { code: 'DROP TABLE sale;' })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(t.query<{ n: number }>('SELECT (SELECT count(*) FROM sale) + (SELECT count(*) FROM sale_event) AS n')[0]!.n).toBe(before);
  });

  it('rings up items, a scale label, a quantity change and an approved discount, then takes cash to the fen', async () => {
    const stockBefore = (id: string) => t.query<{ s: number }>('SELECT stock_milli AS s FROM product WHERE id = ?', id)[0]!.s;
    const [pieceStock, otherStock, weighedStock] = [stockBefore(piece.id), stockBefore(other.id), stockBefore(weighed.id)];

    await t.ok(cashier, 'sale.scan', { code: piece.barcodes[0]! });
    let cart = await t.ok(cashier, 'sale.scan', { code: piece.barcodes[0]! });
    expect(cart.lines).toHaveLength(1);
    expect(cart.lines[0]!.quantityMilli).toBe(2000);

    await t.ok(cashier, 'sale.addProduct', { productId: other.id });
    const labelPrice = 1234;
    cart = await t.ok(cashier, 'sale.scan', { code: scaleLabel(weighed.plu!, labelPrice) });
    expect(cart.lines).toHaveLength(3);
    const weighedLine = cart.lines[2]!;
    expect(weighedLine).toMatchObject({ productId: weighed.id, weighed: true, gross: labelPrice, net: labelPrice });
    expect(await t.call(cashier, 'sale.setQuantity', { lineId: weighedLine.lineId, quantityMilli: 2000 })).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });

    cart = await t.ok(cashier, 'sale.setQuantity', { lineId: cart.lines[1]!.lineId, quantityMilli: 3000 });
    expect(cart.lines[1]!.gross).toBe(3 * other.price);

    const discount = { kind: 'amount' as const, amount: 100 };
    expect(await t.call(cashier, 'sale.setOrderDiscount', { discount })).toMatchObject({
      ok: false,
      error: { code: 'forbidden', details: { needsApproval: true } },
    });
    const ownerId = await t.userId('owner');
    expect(await t.call(cashier, 'sale.setOrderDiscount', { discount, approval: { userId: ownerId, pin: '0000' } })).toMatchObject({
      ok: false,
      error: { code: 'wrong_pin' },
    });
    cart = await t.ok(cashier, 'sale.setOrderDiscount', { discount, approval: { userId: ownerId, pin: '8888' } });

    const expectedTotal = 2 * piece.price + 3 * other.price + labelPrice - 100;
    expect(cart.subtotal).toBe(2 * piece.price + 3 * other.price + labelPrice);
    expect(cart.orderDiscount).toBe(100);
    expect(cart.total).toBe(expectedTotal);
    expect(cart.lines.reduce((sum, l) => sum + l.net, 0)).toBe(expectedTotal);
    expect(cart.taxes.reduce((sum, r) => sum + r.taxable, 0)).toBe(expectedTotal);

    const short = await t.call(cashier, 'sale.complete', { tenders: [{ kind: 'cash', amount: expectedTotal - 1 }] });
    expect(short).toMatchObject({ ok: false, error: { code: 'validation_failed', details: { remaining: 1 } } });

    const tendered = Math.ceil(expectedTotal / 10000) * 10000;
    const done = await t.ok(cashier, 'sale.complete', { tenders: [{ kind: 'cash', amount: tendered }] });
    expect(done).toMatchObject({ total: expectedTotal, change: tendered - expectedTotal, receiptNo: 1 });
    expect(done.receipt.tenders).toEqual([{ kind: 'cash', amount: tendered }]);
    expect(done.receipt.change).toBe(tendered - expectedTotal);
    expect(done.receipt.lines.map((l) => l.net)).toEqual(cart.lines.map((l) => l.net));

    const [sale] = t.query<Record<string, unknown>>('SELECT * FROM sale WHERE id = ?', done.saleId);
    expect(sale).toMatchObject({ status: 'completed', receipt_no: 1, total: expectedTotal, change_given: tendered - expectedTotal, discount_total: 100 });
    expect(t.query('SELECT kind, amount, tendered FROM sale_tender WHERE sale_id = ?', done.saleId)).toEqual([
      { kind: 'cash', amount: expectedTotal, tendered },
    ]);
    expect(stockBefore(piece.id)).toBe(pieceStock - 2000);
    expect(stockBefore(other.id)).toBe(otherStock - 3000);
    expect(stockBefore(weighed.id)).toBe(weighedStock - weighedLine.quantityMilli);
    const [day] = t.query<{ sales_count: number; net: number; discounts: number }>('SELECT sales_count, net, discounts FROM daily_total');
    expect(day).toMatchObject({ sales_count: 1, net: expectedTotal, discounts: 100 });
    expect(t.query('SELECT kind, count, amount FROM daily_tender_total')).toEqual([{ kind: 'cash', count: 1, amount: expectedTotal }]);
    expect(await t.ok(cashier, 'sale.current', {})).toBeNull();
  });

  it('renders the receipt as text and an SVG preview', async () => {
    const [sale] = t.query<{ id: string }>("SELECT id FROM sale WHERE status = 'completed' ORDER BY receipt_no LIMIT 1");
    const receipt = await t.ok(cashier, 'sale.receipt', { saleId: sale!.id });
    expect(receipt.text).toContain(piece.name);
    expect(receipt.text).toContain('找零');
    expect(receipt.svg).toMatch(/^<svg/);
  });

  it('says so when a reprint is asked for and no printer is configured', async () => {
    const [sale] = t.query<{ id: string }>("SELECT id FROM sale WHERE status = 'completed' LIMIT 1");
    expect(await t.call(cashier, 'sale.reprint', { saleId: sale!.id })).toMatchObject({ ok: false, error: { code: 'unavailable', details: { reason: 'no_printer' } } });
  });

  it('numbers receipts without gaps, even when a completion fails', async () => {
    await t.ok(cashier, 'sale.scan', { code: piece.barcodes[0]! });
    await t.call(cashier, 'sale.complete', { tenders: [{ kind: 'cash', amount: 1 }] });
    const second = await t.ok(cashier, 'sale.complete', { tenders: [{ kind: 'cash', amount: piece.price }] });
    await t.ok(owner, 'sale.scan', { code: piece.barcodes[0]! });
    const third = await t.ok(owner, 'sale.complete', { tenders: [{ kind: 'cash', amount: piece.price }] });
    expect([second.receiptNo, third.receiptNo]).toEqual([2, 3]);
    expect(second.change).toBe(0);
  });

  it('finds a completed sale by the number printed on its receipt, in any of its printed forms', async () => {
    const [sale] = t.query<{ id: string; receipt_no: number; terminal_id: string }>("SELECT id, receipt_no, terminal_id FROM sale WHERE receipt_no = 2");
    const printed = `${sale!.terminal_id.slice(-4)}-000002`;
    for (const text of [printed, printed.toLowerCase(), '000002', '2']) {
      expect(await t.ok(cashier, 'sale.findByReceipt', { receiptNumber: text })).toMatchObject({ saleId: sale!.id, receiptNumber: printed });
    }
    expect(await t.call(cashier, 'sale.findByReceipt', { receiptNumber: 'ZZZZ-000002' })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(await t.call(cashier, 'sale.findByReceipt', { receiptNumber: '999' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('takes no wallet tender as a bare amount: wallets are paid through the payments engine only', async () => {
    await t.ok(cashier, 'sale.scan', { code: piece.barcodes[0]! });
    expect(await t.call(cashier, 'sale.complete', { tenders: [{ kind: 'wechat', amount: piece.price }] })).toMatchObject({
      ok: false,
      error: { code: 'validation_failed', details: { kind: 'wechat' } },
    });
    expect((await t.ok(cashier, 'sale.current', {}))!.lines).toHaveLength(1);
  });

  it('splits a total between another tender and cash', async () => {
    const cart = (await t.ok(cashier, 'sale.current', {}))!;
    const done = await t.ok(cashier, 'sale.complete', {
      tenders: [
        { kind: 'other', amount: 100 },
        { kind: 'cash', amount: cart.total },
      ],
    });
    expect(done.change).toBe(100);
    expect(t.query('SELECT kind, amount, tendered FROM sale_tender WHERE sale_id = ? ORDER BY seq', done.saleId)).toEqual([
      { kind: 'other', amount: 100, tendered: 100 },
      { kind: 'cash', amount: cart.total - 100, tendered: cart.total },
    ]);
  });

  it('parks a sale, serves another, and resumes the first', async () => {
    await t.ok(cashier, 'sale.scan', { code: piece.barcodes[0]! });
    await t.ok(cashier, 'sale.suspend', {});
    expect(await t.ok(cashier, 'sale.current', {})).toBeNull();
    await t.ok(cashier, 'sale.addProduct', { productId: other.id });
    expect(await t.call(cashier, 'sale.resume', { saleId: (await t.ok(cashier, 'sale.listSuspended', {}))[0]!.saleId })).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });
    await t.ok(cashier, 'sale.void', { reason: '顾客不要了' });
    const parked = await t.ok(cashier, 'sale.listSuspended', {});
    expect(parked).toHaveLength(1);
    expect(parked[0]!.total).toBe(piece.price);
    const resumed = await t.ok(cashier, 'sale.resume', { saleId: parked[0]!.saleId });
    expect(resumed.lines.map((l) => l.productId)).toEqual([piece.id]);
    expect(t.query("SELECT void_reason FROM sale WHERE status = 'voided'")).toEqual([{ void_reason: '顾客不要了' }]);
  });

  it('keeps managers-only calls from a cashier', async () => {
    expect(await t.call(cashier, 'catalog.importCsv', { csv: 'sku\n' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('locks a user out after five wrong PINs', async () => {
    const userId = await t.userId('technician');
    for (let i = 0; i < 4; i++) {
      expect(await t.call(newSession(), 'auth.signIn', { userId, pin: '0000' })).toMatchObject({ ok: false, error: { code: 'wrong_pin' } });
    }
    expect(await t.call(newSession(), 'auth.signIn', { userId, pin: '0000' })).toMatchObject({ ok: false, error: { code: 'locked' } });
    expect(await t.call(newSession(), 'auth.signIn', { userId, pin: '9999' })).toMatchObject({ ok: false, error: { code: 'locked' } });
  });
});

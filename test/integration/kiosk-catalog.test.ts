import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../src-common/roles';
import { newSession } from '../../src-common/roles';
import { until } from '../helpers/transport';
import { startTestPos, type TestPos } from '../helpers/pos';

interface Row {
  id: string;
  name: string;
  pinyin_initials: string;
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** What the kiosk offers from the catalog, on a real terminal database: best sellers first, and search. */
describe('the kiosk’s catalog', () => {
  let t: TestPos;
  let kiosk: Session;
  let cashier: Session;

  beforeAll(async () => {
    t = await startTestPos({ kioskMode: true });
    await until(() => t.query('SELECT 1 FROM acquirer_terminal').length > 0);
    kiosk = newSession();
    await t.ok(kiosk, 'kiosk.begin', {});
    cashier = await t.signedIn('cashier');
  });
  afterAll(() => t?.close());

  const sell = async (productId: string, quantityMilli: number) => {
    const cart = await t.ok(cashier, 'sale.addProduct', { productId, quantityMilli });
    await t.ok(cashier, 'sale.complete', { tenders: [{ kind: 'cash', amount: cart.cashDue }] });
  };

  it('lists each category’s products by units sold, then by name; a voided sale does not count', async () => {
    const before = (await t.ok(kiosk, 'kiosk.menu', {})).categories[1]!;
    const names = before.products.map((p) => p.name);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    const [a, b, c] = before.products.slice(-3);
    await sell(a!.id, 2000);
    await sell(b!.id, 5000);
    // Voided at the till: never sold.
    await t.ok(cashier, 'sale.addProduct', { productId: c!.id, quantityMilli: 9000 });
    await t.ok(cashier, 'sale.void', { reason: 'customer changed mind' });
    const after = (await t.ok(kiosk, 'kiosk.menu', {})).categories[1]!;
    expect(after.products.slice(0, 2).map((p) => p.id)).toEqual([b!.id, a!.id]);
    expect(after.products.slice(2).map((p) => p.id)).toEqual(before.products.filter((p) => p.id !== a!.id && p.id !== b!.id).map((p) => p.id));
  });

  it('finds products by pinyin initials and English names, never one sold by weight or without a price', async () => {
    // The search index is built in the search worker once the terminal has started.
    await eventually(async () => (await t.ok(kiosk, 'kiosk.search', { query: 'kkkl' })).products.length > 0);
    const byInitials = await t.ok(kiosk, 'kiosk.search', { query: 'kkkl' });
    expect(byInitials.products.length).toBeGreaterThan(0);
    for (const p of byInitials.products) expect(p.name).toMatch(/^可口可乐/);
    expect(byInitials.products.every((p) => p.picture === 'drinks')).toBe(true);

    expect((await t.ok(kiosk, 'kiosk.search', { query: 'Coca' })).products.map((p) => p.nameEn)).toContain('Coca-Cola 330ml can');

    const [weighed] = t.query<Row>("SELECT id, name, pinyin_initials FROM product WHERE unit = 'kg' AND active = 1 ORDER BY sku LIMIT 1");
    // The till finds it; the kiosk (no scale, no staff) does not.
    await eventually(async () => (await t.ok(cashier, 'catalog.search', { query: weighed!.name })).some((p) => p.id === weighed!.id));
    expect((await t.ok(kiosk, 'kiosk.search', { query: weighed!.name })).products.map((p) => p.id)).not.toContain(weighed!.id);
    expect((await t.ok(kiosk, 'kiosk.search', { query: 'zzzzzz' })).products).toEqual([]);
  });

  it('is a kiosk call: refused to the cashier, and to a blank query', async () => {
    expect(await t.call(cashier, 'kiosk.search', { query: 'kl' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await t.call(kiosk, 'kiosk.search', { query: '  ' })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
  });
});

/**
 * The receipt's language is the store's setting, not the cashier's screen language: a cashier who switches
 * the till to English still prints Chinese receipts until the owner changes the receipt language.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../src-common/roles';
import { startTestPos, type TestPos } from '../helpers/pos';

describe('receipt language', () => {
  let t: TestPos;
  let cashier: Session;
  let owner: Session;
  let saleId: string;

  beforeAll(async () => {
    t = await startTestPos();
    cashier = await t.signedIn('cashier');
    owner = await t.signedIn('owner');
    const product = t.query<{ id: string }>("SELECT id FROM product WHERE unit = 'each' AND active = 1 ORDER BY sku LIMIT 1")[0]!;
    await t.ok(cashier, 'sale.addProduct', { productId: product.id, quantityMilli: 1000 });
    const cart = (await t.ok(cashier, 'sale.current', {}))!;
    saleId = cart.saleId;
    await t.ok(cashier, 'sale.complete', { tenders: [{ kind: 'cash', amount: cart.cashDue }] });
  });
  afterAll(() => t?.close());

  const receiptText = async () => (await t.ok(cashier, 'sale.receipt', { saleId })).text;

  it('stays Chinese when the cashier switches the screen to English', async () => {
    await t.ok(cashier, 'settings.setLanguage', { language: 'en' });
    const text = await receiptText();
    expect(text).toContain('合计');
    expect(text).not.toContain('Total');
  });

  it("follows the owner's receipt language setting, whatever the screen language", async () => {
    await t.ok(owner, 'admin.updateSettings', { receiptLanguage: 'en' });
    expect(await receiptText()).toContain('Total');
    await t.ok(cashier, 'settings.setLanguage', { language: 'zh-CN' });
    expect(await receiptText()).toContain('Total');
    expect(await t.call(cashier, 'admin.updateSettings', { receiptLanguage: 'zh-CN' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});

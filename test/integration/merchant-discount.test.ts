/**
 * Merchant discounts in the acquirer's `payment_list` reach the payment, the day report and its print.
 * The whole terminal runs against a local acquirer that answers as pay.md's own success example
 * (spec-fixtures/pay-success.json: BANKCARD_DEBIT + DISCOUNT_CHANNEL_MCH 100 fen), with this order's
 * client_sn and amount put in; activation and checkin are the spec's examples too.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../src-common/roles';
import { layoutReport } from '../../src-main/services/reports';
import { startTestPos, type TestPos } from '../helpers/pos';

const FIXTURES = join(__dirname, '../../src-main/acquirer/spec-fixtures');
const fixture = (name: string) => readFileSync(join(FIXTURES, `${name}.json`), 'utf8');

/** pay.md's success example for this order: its client_sn and amount, the customer's part the amount less 100 fen of merchant discount. */
function paySuccessFor(clientSn: string, amount: number): string {
  return fixture('pay-success')
    .replaceAll('"w145206259311176"', JSON.stringify(clientSn))
    .replace('"total_amount": "101"', `"total_amount": "${amount}"`)
    .replace('"net_amount": "101"', `"net_amount": "${amount}"`)
    .replace('"amount_total": "1"', `"amount_total": "${amount - 100}"`);
}

describe('merchant discounts from payment_list', () => {
  let server: Server;
  let t: TestPos;
  let cashier: Session;
  let owner: Session;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, string>;
        const reply =
          req.url === '/terminal/activate' ? fixture('activate')
          : req.url === '/terminal/checkin' ? fixture('checkin')
          : req.url === '/upay/v2/pay' ? paySuccessFor(body.client_sn!, Number(body.total_amount))
          : fixture('unknown-system-error');
        res.writeHead(200, { 'content-type': 'application/json;charset=UTF-8' }).end(reply);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t = await startTestPos({ acquirer: { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` } });
    cashier = await t.signedIn('cashier');
    owner = await t.signedIn('owner');
  });
  afterAll(async () => {
    await t?.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('keeps the discount on the payment and shows it on the receipt, the X report and its print', async () => {
    const before = await t.ok(owner, 'report.x', {});
    expect(before.merchantDiscounts ?? 0).toBe(0);
    const [product] = await t.ok(cashier, 'catalog.search', { query: 'kkkl' });
    do await t.ok(cashier, 'sale.scan', { code: product!.barcodes[0]! });
    while ((await t.ok(cashier, 'sale.current', {}))!.total <= 100);
    const cart = (await t.ok(cashier, 'sale.current', {}))!;

    const payment = await t.ok(cashier, 'payment.payByCode', { code: '134567890123456789' });
    expect(payment).toMatchObject({ status: 'paid', amount: cart.total });
    expect(t.query('SELECT merchant_discount, payment_list FROM payment WHERE id = ?', payment.paymentId)).toEqual([
      {
        merchant_discount: 100,
        payment_list: JSON.stringify([
          { type: 'BANKCARD_DEBIT', amount: cart.total - 100 },
          { type: 'DISCOUNT_CHANNEL_MCH', amount: 100 },
        ]),
      },
    ]);

    const receipt = await t.ok(cashier, 'sale.receipt', { saleId: cart.saleId });
    expect(receipt.text).toContain('商户优惠：');
    expect(receipt.text).toMatch(/商户优惠：\D*1\.00/);

    const report = await t.ok(owner, 'report.x', {});
    expect(report.merchantDiscounts).toBe(100);
    // The wallet tender still counts the whole sale: the discount is what the shop funds out of it.
    const wechat = (r: typeof report) => r.wallets.find((w) => w.kind === 'wechat')?.amount ?? 0;
    expect(wechat(report) - wechat(before)).toBe(cart.total);
    const lines = layoutReport(report, 48, 'zh-CN', 'Asia/Shanghai').flatMap((b) => (b.kind === 'text' ? [b.text] : []));
    expect(lines.find((l) => l.includes('商户优惠'))).toMatch(/1\.00$/);
  });
});

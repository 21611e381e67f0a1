import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Wallet } from '../../src-common/payment-code';
import { AcquirerError, type AcquirerPort, type TerminalCredentials } from '../../src-main/acquirer/port';
import {
  SANDBOX_ACTIVATION_CODE,
  SANDBOX_APP_ID,
  SANDBOX_VENDOR_KEY,
  SANDBOX_VENDOR_SN,
  startSandboxAcquirer,
  type SandboxAcquirer,
} from '../../src-main/acquirer/sandbox/server';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import { createShouqianbaAdapter } from '../../src-main/acquirer/shouqianba';
import { md5BodySign } from '../../src-main/acquirer/signing';
import { beijingDate, REPLY_SIGNATURE_HEADER } from '../../src-main/acquirer/wire';
import { tempDir } from '../helpers/host';

/** Every simulated delay ×0.02: a 1030 PIN wait is 60 ms, the 5000 hang pays after 40 ms, a QR lives 4.8 s. */
const SCALE = 0.02;
const PAY_TIMEOUT_MS = 300;
const log = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The wall clock, plus an offset the tests can move forward (a day later, past a QR's expiry). */
const clock = { offsetMs: 0, now: () => new Date(Date.now() + clock.offsetMs) };

let sandbox: SandboxAcquirer;
let adapter: AcquirerPort;
let creds: TerminalCredentials;
let seq = 0;
const clientSn = (tag: string) => `T${Date.now().toString(36)}${(seq++).toString(36)}-${tag}`.slice(0, 32);
const code = (suffix: string, wallet: Wallet = 'wechat') => sandboxPaymentCode(wallet, suffix);
const payInput = (amount: number, authCode: string, sn = clientSn('pay')) => ({ clientSn: sn, amount, authCode, subject: '测试商品', operator: 'cashier-1' });

/** What the adapter told us, to be compared with the sandbox's own ledger at the end. */
const reported = { paid: new Map<string, number>(), refunded: new Map<string, number>(), reversed: new Map<string, number>() };

function adapterFor(baseUrl: string, overrides: Partial<Parameters<typeof createShouqianbaAdapter>[0]> = {}): AcquirerPort {
  return createShouqianbaAdapter({
    baseUrl,
    vendorSn: SANDBOX_VENDOR_SN,
    vendorKey: SANDBOX_VENDOR_KEY,
    appId: SANDBOX_APP_ID,
    timeouts: { payMs: PAY_TIMEOUT_MS, queryMs: 2000, otherMs: 2000 },
    log,
    clock,
    ...overrides,
  });
}

beforeAll(async () => {
  sandbox = await startSandboxAcquirer({ dbPath: join(tempDir('acquirer-it-'), 'sandbox.sqlite'), port: 0, log, clock, speed: { scale: SCALE } });
  adapter = adapterFor(sandbox.url);
  creds = await adapter.activate({ code: SANDBOX_ACTIVATION_CODE, deviceId: 'POS-IT-1', name: '集成测试收银台' });
});
afterAll(() => sandbox?.close());

describe('terminal activation and checkin', () => {
  it('activates with the sandbox code and vendor credentials', () => {
    expect(creds.terminalSn).toMatch(/^\d{11}$/);
    expect(creds.terminalKey).toMatch(/^[0-9a-f]{32}$/);
    expect(creds.keyDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(sandbox.ledger.terminal(creds.terminalSn)).toMatchObject({ deviceId: 'POS-IT-1', name: '集成测试收银台', key: creds.terminalKey });
  });

  it('refuses a wrong activation code, an exhausted one and a wrong vendor key', async () => {
    await expect(adapter.activate({ code: 'NOPE-0000', deviceId: 'X', name: 'x' })).rejects.toMatchObject({ name: 'AcquirerError', code: 'INVALID_PARAMS' });
    sandbox.ledger.addActivationCode('ONE-USE-0001', 1);
    await adapter.activate({ code: 'ONE-USE-0001', deviceId: 'POS-IT-9', name: 'once' });
    await expect(adapter.activate({ code: 'ONE-USE-0001', deviceId: 'POS-IT-10', name: 'twice' })).rejects.toMatchObject({ code: 'INVALID_PARAMS' });
    const impostor = adapterFor(sandbox.url, { vendorKey: '0'.repeat(32) });
    await expect(impostor.activate({ code: SANDBOX_ACTIVATION_CODE, deviceId: 'X', name: 'x' })).rejects.toMatchObject({ code: 'ILLEGAL_SIGN' });
  });

  it('checkin rotates the key: the old key is refused, except for one checkin retry', async () => {
    const first = await adapter.activate({ code: SANDBOX_ACTIVATION_CODE, deviceId: 'POS-IT-2', name: 'rotation' });
    const second = await adapter.checkin(first, 'POS-IT-2');
    expect(second.terminalSn).toBe(first.terminalSn);
    expect(second.terminalKey).not.toBe(first.terminalKey);

    // The old key no longer signs business requests: a pay is refused before execution, nothing charged.
    const refused = await adapter.pay(first, payInput(100, code('0000')));
    expect(refused).toMatchObject({ kind: 'failed', code: 'other' });
    expect((refused as { message: string }).message).toContain('ILLEGAL_SIGN');
    expect(await adapter.query(first, 'anything')).toMatchObject({ kind: 'unknown' });
    expect((await adapter.pay(second, payInput(100, code('0000')))).kind).toBe('paid');

    // The checkin reply was "lost": the terminal retries with the old key, once.
    const third = await adapter.checkin(first, 'POS-IT-2');
    expect(third.terminalKey).not.toBe(second.terminalKey);
    await expect(adapter.checkin(first, 'POS-IT-2')).rejects.toMatchObject({ code: 'ILLEGAL_SIGN' });
    await expect(adapter.checkin(second, 'POS-IT-2')).rejects.toBeInstanceOf(AcquirerError);
    const fourth = await adapter.checkin(third, 'POS-IT-2');
    expect((await adapter.pay(fourth, payInput(101, code('0000')))).kind).toBe('paid');
  });
});

describe('test codes through the adapter', () => {
  it('0000 pays at once, for every wallet, to the fen', async () => {
    const wallets: Wallet[] = ['wechat', 'alipay', 'unionpay', 'ecny', 'jdpay', 'bestpay'];
    for (const [i, wallet] of wallets.entries()) {
      const input = payInput(1234 + i, code('0000', wallet));
      const outcome = await adapter.pay(creds, input);
      expect(outcome).toMatchObject({ kind: 'paid', amount: 1234 + i, wallet });
      if (outcome.kind !== 'paid') throw new Error('not paid');
      reported.paid.set(input.clientSn, outcome.amount);
      const order = sandbox.ledger.order(input.clientSn)!;
      expect(order).toMatchObject({ status: 'PAID', amount: 1234 + i, sn: outcome.acquirerSn });
      expect(outcome.payerRef).toBeTruthy();
      expect(Date.parse(outcome.finishedAt)).toBeGreaterThan(0);
    }
  });

  it('1NNN: pending while the customer types the PIN, then query → paid', async () => {
    const input = payInput(2599, code('1030')); // 3.0 s × SCALE = 60 ms
    const outcome = await adapter.pay(creds, input);
    expect(outcome).toMatchObject({ kind: 'pending' });
    expect(sandbox.ledger.order(input.clientSn)!.status).toBe('CREATED');
    await sleep(100);
    const queried = await adapter.query(creds, input.clientSn);
    expect(queried).toMatchObject({ kind: 'paid', amount: 2599, wallet: 'wechat', acquirerSn: (outcome as { acquirerSn: string }).acquirerSn });
    reported.paid.set(input.clientSn, 2599);
  });

  it('1NNN with a long PIN wait stays pending until then', async () => {
    const input = payInput(300, code('1999')); // 99.9 s × SCALE ≈ 2 s
    expect((await adapter.pay(creds, input)).kind).toBe('pending');
    expect((await adapter.query(creds, input.clientSn)).kind).toBe('pending');
    // The cashier gives up: cancel before the PIN comes in.
    expect(await adapter.cancel(creds, input.clientSn)).toEqual({ kind: 'cancelled' });
    expect(await adapter.query(creds, input.clientSn)).toEqual({ kind: 'cancelled' });
    expect(sandbox.ledger.order(input.clientSn)!.status).toBe('CANCELED');
    expect(sandbox.ledger.transactions({ clientSn: input.clientSn })).toEqual([]);
  });

  it('2NNN: pending, then the customer cancels → query says failed, nothing charged', async () => {
    const input = payInput(4500, code('2020')); // 2.0 s × SCALE = 40 ms
    expect((await adapter.pay(creds, input)).kind).toBe('pending');
    await sleep(80);
    expect(await adapter.query(creds, input.clientSn)).toMatchObject({ kind: 'failed', code: 'declined' });
    expect(sandbox.ledger.order(input.clientSn)).toMatchObject({ status: 'PAY_CANCELED', errorCode: 'BUYER_CANCELED' });
    expect(sandbox.ledger.transactions({ clientSn: input.clientSn })).toMatchObject([{ type: 'pay', status: 'FAIL_CANCELED', amount: 4500 }]);
  });

  it('3000 and 4000 fail with the right code and charge nothing', async () => {
    const poor = payInput(99_999, code('3000', 'alipay'));
    expect(await adapter.pay(creds, poor)).toMatchObject({ kind: 'failed', code: 'insufficient_funds', message: expect.stringContaining('INSUFFICIENT_FUND') });
    const stale = payInput(500, code('4000', 'unionpay'));
    expect(await adapter.pay(creds, stale)).toMatchObject({ kind: 'failed', code: 'code_expired' });
    expect(sandbox.ledger.order(poor.clientSn)!.status).toBe('PAY_CANCELED');
    expect(sandbox.ledger.order(stale.clientSn)!.status).toBe('PAY_CANCELED');
    expect(await adapter.query(creds, poor.clientSn)).toMatchObject({ kind: 'failed', code: 'insufficient_funds' });
  });

  it('5000: the request hangs → unknown after the client timeout; query finds it paid and cancel reverses it', async () => {
    const input = payInput(8800, code('5000'));
    const started = Date.now();
    const outcome = await adapter.pay(creds, input);
    const elapsed = Date.now() - started;
    expect(outcome).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('timeout') });
    expect(elapsed).toBeGreaterThanOrEqual(PAY_TIMEOUT_MS - 20);
    expect(elapsed).toBeLessThan(PAY_TIMEOUT_MS + 1000);
    // 2 s × SCALE = 40 ms after the request, the order turned PAID.
    expect(await adapter.query(creds, input.clientSn)).toMatchObject({ kind: 'paid', amount: 8800 });
    expect(await adapter.cancel(creds, input.clientSn)).toEqual({ kind: 'cancelled' });
    expect(await adapter.query(creds, input.clientSn)).toEqual({ kind: 'cancelled' });
    reported.paid.set(input.clientSn, 8800);
    reported.reversed.set(input.clientSn, 8800);
    expect(sandbox.ledger.transactions({ clientSn: input.clientSn }).map((t) => [t.type, t.status, t.amount])).toEqual([
      ['pay', 'SUCCESS', 8800],
      ['cancel', 'SUCCESS', 8800],
    ]);
  });

  it('6000: HTTP 500 → unknown; no order exists, and after a cancel that client_sn can never pay', async () => {
    const input = payInput(700, code('6000'));
    expect(await adapter.pay(creds, input)).toMatchObject({ kind: 'unknown', reason: 'HTTP 500' });
    expect(await adapter.query(creds, input.clientSn)).toEqual({ kind: 'not_found' });
    expect(sandbox.ledger.order(input.clientSn)).toBeNull();
    expect(await adapter.cancel(creds, input.clientSn)).toEqual({ kind: 'cancelled' });
    // A late duplicate of the lost request arrives: refused, nothing charged.
    expect(await adapter.pay(creds, { ...input, authCode: code('0000') })).toMatchObject({ kind: 'failed', code: 'order_conflict' });
    expect(sandbox.ledger.order(input.clientSn)).toBeNull();
  });

  it('7000: paid, but the reply is lost → unknown; query → paid, charged exactly once', async () => {
    const input = payInput(1999, code('7000', 'jdpay'));
    const outcome = await adapter.pay(creds, input);
    expect(outcome.kind).toBe('unknown');
    expect(await adapter.query(creds, input.clientSn)).toMatchObject({ kind: 'paid', amount: 1999, wallet: 'jdpay' });
    reported.paid.set(input.clientSn, 1999);
    expect(sandbox.ledger.transactions({ clientSn: input.clientSn })).toMatchObject([{ type: 'pay', status: 'SUCCESS', amount: 1999 }]);
  });

  it('8000: a reply header the real service never sends (x-upay-sign) is not read: PAY_SUCCESS → paid (sign.md signs requests only)', async () => {
    const input = payInput(4321, code('8000', 'bestpay'));
    expect(await adapter.pay(creds, input)).toMatchObject({ kind: 'paid', amount: 4321, wallet: 'bestpay' });
    expect(await adapter.query(creds, input.clientSn)).toMatchObject({ kind: 'paid', amount: 4321, wallet: 'bestpay' });
    reported.paid.set(input.clientSn, 4321);
  });

  it('a code of no known wallet → failed code_invalid, no order', async () => {
    const input = payInput(100, '991234567890123456');
    expect(await adapter.pay(creds, input)).toMatchObject({ kind: 'failed', code: 'code_invalid' });
    expect(sandbox.ledger.order(input.clientSn)).toBeNull();
  });
});

describe('one code, one order; one client_sn, one charge', () => {
  it('a payment code reused for a new client_sn is refused and charges nothing', async () => {
    const authCode = code('0000');
    const first = payInput(1500, authCode);
    expect((await adapter.pay(creds, first)).kind).toBe('paid');
    reported.paid.set(first.clientSn, 1500);
    const before = sandbox.ledger.totals(creds.terminalSn);
    const again = payInput(1500, authCode);
    expect(await adapter.pay(creds, again)).toMatchObject({ kind: 'failed', code: 'code_invalid' });
    expect(sandbox.ledger.order(again.clientSn)).toBeNull();
    expect(sandbox.ledger.totals(creds.terminalSn)).toEqual(before);
  });

  it('a failed code is used up too', async () => {
    const authCode = code('3000');
    expect((await adapter.pay(creds, payInput(100, authCode))).kind).toBe('failed');
    expect(await adapter.pay(creds, payInput(100, authCode))).toMatchObject({ kind: 'failed', code: 'code_invalid' });
  });

  it('a repeated client_sn is a conflict, never a second charge', async () => {
    const input = payInput(2000, code('0000'));
    expect((await adapter.pay(creds, input)).kind).toBe('paid');
    reported.paid.set(input.clientSn, 2000);
    expect(await adapter.pay(creds, { ...input, authCode: code('0000') })).toMatchObject({ kind: 'failed', code: 'order_conflict' });
    expect(await adapter.pay(creds, { ...input, amount: 1 })).toMatchObject({ kind: 'failed', code: 'order_conflict' });
    expect(sandbox.ledger.order(input.clientSn)).toMatchObject({ amount: 2000, status: 'PAID' });
    expect(sandbox.ledger.transactions({ clientSn: input.clientSn })).toHaveLength(1);
  });
});

describe('cancel (冲正)', () => {
  it('reverses a paid order once, however often it is asked', async () => {
    const input = payInput(3600, code('0000', 'alipay'));
    expect((await adapter.pay(creds, input)).kind).toBe('paid');
    reported.paid.set(input.clientSn, 3600);
    expect(await adapter.cancel(creds, input.clientSn)).toEqual({ kind: 'cancelled' });
    reported.reversed.set(input.clientSn, 3600);
    expect(await adapter.cancel(creds, input.clientSn)).toEqual({ kind: 'cancelled' });
    expect(await adapter.cancel(creds, input.clientSn)).toEqual({ kind: 'cancelled' });
    expect(sandbox.ledger.order(input.clientSn)!.status).toBe('CANCELED');
    expect(sandbox.ledger.transactions({ clientSn: input.clientSn }).map((t) => [t.type, t.amount])).toEqual([
      ['pay', 3600],
      ['cancel', 3600],
    ]);
    expect(await adapter.query(creds, input.clientSn)).toEqual({ kind: 'cancelled' });
    // A reversed order cannot be refunded on top.
    expect(await adapter.refund(creds, { clientSn: input.clientSn, refundRequestNo: 'R-after-cancel', amount: 1, operator: 'o' })).toMatchObject({
      kind: 'failed',
      code: 'not_refundable',
    });
  });

  it('refuses to reverse a partly refunded order', async () => {
    const input = payInput(1000, code('0000'));
    expect((await adapter.pay(creds, input)).kind).toBe('paid');
    reported.paid.set(input.clientSn, 1000);
    expect(await adapter.refund(creds, { clientSn: input.clientSn, refundRequestNo: 'RP1', amount: 100, operator: 'o' })).toEqual({ kind: 'refunded', refundedTotal: 100 });
    reported.refunded.set(input.clientSn, 100);
    expect(await adapter.cancel(creds, input.clientSn)).toMatchObject({ kind: 'failed', message: expect.stringContaining('UPAY_CANCEL_INVALID_ORDER_STATE') });
    expect(sandbox.ledger.order(input.clientSn)).toMatchObject({ status: 'PARTIAL_REFUNDED', refunded: 100 });
  });

  it("refuses to reverse yesterday's order", async () => {
    const input = payInput(1100, code('0000'));
    expect((await adapter.pay(creds, input)).kind).toBe('paid');
    reported.paid.set(input.clientSn, 1100);
    clock.offsetMs = 24 * 3600_000;
    try {
      expect(await adapter.cancel(creds, input.clientSn)).toMatchObject({ kind: 'failed' });
    } finally {
      clock.offsetMs = 0;
    }
    expect(sandbox.ledger.order(input.clientSn)!.status).toBe('PAID');
  });
});

describe('refund', () => {
  it('is idempotent by refund_request_no and never exceeds the paid amount', async () => {
    const input = payInput(1000, code('0000', 'ecny'));
    expect((await adapter.pay(creds, input)).kind).toBe('paid');
    reported.paid.set(input.clientSn, 1000);
    const refund = (refundRequestNo: string, amount: number) => adapter.refund(creds, { clientSn: input.clientSn, refundRequestNo, amount, operator: 'owner' });

    expect(await refund('R1', 300)).toEqual({ kind: 'refunded', refundedTotal: 300 });
    expect(await refund('R1', 300)).toEqual({ kind: 'refunded', refundedTotal: 300 });
    expect(sandbox.ledger.refunds(input.clientSn)).toMatchObject([{ refundRequestNo: 'R1', amount: 300 }]);
    expect(await refund('R1', 301)).toMatchObject({ kind: 'failed', code: 'other' });

    expect(await refund('R2', 700)).toEqual({ kind: 'refunded', refundedTotal: 1000 });
    expect(await refund('R3', 1)).toMatchObject({ kind: 'failed', code: 'not_enough_refundable' });
    expect(await refund('R2', 700)).toEqual({ kind: 'refunded', refundedTotal: 1000 });
    reported.refunded.set(input.clientSn, 1000);

    expect(sandbox.ledger.refunds(input.clientSn).map((r) => [r.refundRequestNo, r.amount])).toEqual([
      ['R1', 300],
      ['R2', 700],
    ]);
    expect(sandbox.ledger.order(input.clientSn)).toMatchObject({ status: 'REFUNDED', refunded: 1000 });
    expect(await adapter.query(creds, input.clientSn)).toEqual({ kind: 'refunded', refundedAmount: 1000, amount: 1000 });
  });

  it('refuses an order that was never paid', async () => {
    const input = payInput(1000, code('4000'));
    await adapter.pay(creds, input);
    expect(await adapter.refund(creds, { clientSn: input.clientSn, refundRequestNo: 'R9', amount: 1, operator: 'o' })).toMatchObject({ kind: 'failed', code: 'not_refundable' });
    expect(await adapter.refund(creds, { clientSn: 'no-such-order', refundRequestNo: 'R9', amount: 1, operator: 'o' })).toMatchObject({ kind: 'failed', code: 'other' });
  });
});

describe('precreate (the customer scans the merchant QR)', () => {
  it('QR code → the sandbox scan page → paid', async () => {
    const sn = clientSn('qr');
    const created = await adapter.precreate(creds, { clientSn: sn, amount: 888, wallet: 'alipay', subject: '扫码测试', operator: 'c1' });
    expect(created).toMatchObject({ kind: 'created', qrCode: expect.stringMatching(new RegExp(`^${sandbox.url}/sandbox/scan/\\d{16}$`)) });
    if (created.kind !== 'created') throw new Error('not created');
    expect(await adapter.query(creds, sn)).toEqual({ kind: 'pending', acquirerSn: created.acquirerSn });

    const page = await fetch(created.qrCode);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('¥8.88');
    expect(html).toContain('<form method="post"');

    expect((await fetch(`${created.qrCode}?wallet=wechat`, { method: 'POST' })).status).toBe(409);
    expect((await fetch(`${created.qrCode}?wallet=alipay`, { method: 'POST' })).status).toBe(200);
    expect((await fetch(`${created.qrCode}?wallet=alipay`, { method: 'POST' })).status).toBe(409);
    expect(await adapter.query(creds, sn)).toMatchObject({ kind: 'paid', amount: 888, wallet: 'alipay', acquirerSn: created.acquirerSn });
    reported.paid.set(sn, 888);
  });

  it('an unpaid QR order closes after 4 minutes (scaled)', async () => {
    const sn = clientSn('qr-exp');
    const created = await adapter.precreate(creds, { clientSn: sn, amount: 50, wallet: 'wechat', subject: 'x', operator: 'c1' });
    expect(created.kind).toBe('created');
    clock.offsetMs = 4 * 60_000 * SCALE + 10;
    try {
      expect(await adapter.query(creds, sn)).toMatchObject({ kind: 'failed', message: expect.stringContaining('TRADE_TIMEOUT') });
    } finally {
      clock.offsetMs = 0;
    }
    expect((await fetch(`${(created as { qrCode: string }).qrCode}?wallet=wechat`)).status).toBe(409);
  });

  it('refuses a client_sn already used', async () => {
    const sn = clientSn('qr-dup');
    expect((await adapter.precreate(creds, { clientSn: sn, amount: 50, wallet: 'wechat', subject: 'x', operator: 'c1' })).kind).toBe('created');
    expect(await adapter.precreate(creds, { clientSn: sn, amount: 50, wallet: 'wechat', subject: 'x', operator: 'c1' })).toMatchObject({
      kind: 'failed',
      message: expect.stringContaining('CLIENT_SN_CONFLICT'),
    });
  });
});

describe('statement', () => {
  it("lists exactly the day's money movements of the terminal, as documented CSV the adapter parses", async () => {
    const own = await adapter.activate({ code: SANDBOX_ACTIVATION_CODE, deviceId: 'POS-IT-STMT', name: 'statement' });
    const paid = payInput(1001, code('0000'));
    const failed = payInput(1002, code('3000'));
    const refunded = payInput(1003, code('0000', 'alipay'));
    const reversed = payInput(1004, code('0000', 'unionpay'));
    expect((await adapter.pay(own, paid)).kind).toBe('paid');
    expect((await adapter.pay(own, failed)).kind).toBe('failed');
    expect((await adapter.pay(own, refunded)).kind).toBe('paid');
    expect(await adapter.refund(own, { clientSn: refunded.clientSn, refundRequestNo: 'S1', amount: 3, operator: 'o' })).toEqual({ kind: 'refunded', refundedTotal: 3 });
    expect((await adapter.pay(own, reversed)).kind).toBe('paid');
    expect(await adapter.cancel(own, reversed.clientSn)).toEqual({ kind: 'cancelled' });

    const today = beijingDate(clock.now());
    const rows = await adapter.statement(own, today);
    expect(rows.map((r) => [r.type, r.clientSn, r.wallet, r.amount, r.status, r.refundRequestNo])).toEqual([
      ['pay', paid.clientSn, 'wechat', 1001, 'SUCCESS', null],
      ['pay', refunded.clientSn, 'alipay', 1003, 'SUCCESS', null],
      ['refund', refunded.clientSn, 'alipay', 3, 'SUCCESS', 'S1'],
      ['pay', reversed.clientSn, 'unionpay', 1004, 'SUCCESS', null],
      ['cancel', reversed.clientSn, 'unionpay', 1004, 'SUCCESS', null],
    ]);
    for (const row of rows) {
      expect(row.acquirerSn).toBe(sandbox.ledger.order(row.clientSn)!.sn);
      expect(Math.abs(Date.parse(row.finishedAt) - Date.now())).toBeLessThan(60_000);
    }
    const net = rows.reduce((sum, r) => sum + (r.type === 'pay' ? r.amount : -r.amount), 0);
    expect(net).toBe(sandbox.ledger.totals(own.terminalSn).net);
    expect(net).toBe(1001 + 1003 - 3);

    expect(await adapter.statement(own, '2001-01-01')).toEqual([]);

    // The raw file: BOM, the documented header, CRLF rows, signed.
    const target = `/sandbox/statement?date=${today}`;
    const res = await fetch(sandbox.url + target, { headers: { authorization: `${own.terminalSn} ${md5BodySign(target, own.terminalKey)}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = new TextDecoder().decode(bytes.slice(3));
    expect(csv.split('\r\n')[0]).toBe('finished_at,client_sn,sn,type,payway,amount_fen,status,refund_request_no');
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(6);
    expect(csv).toMatch(/\+08:00,/);
    expect(res.headers.get(REPLY_SIGNATURE_HEADER)).toBe(`${own.terminalSn} ${md5BodySign(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes), own.terminalKey)}`);

    const unsigned = await fetch(sandbox.url + target, { headers: { authorization: `${own.terminalSn} ${'0'.repeat(32)}` } });
    expect(unsigned.status).toBe(401);
  });
});

describe('request checks', () => {
  it('refuses a bad signature and bad amounts before executing anything', async () => {
    const post = async (path: string, body: unknown, key = creds.terminalKey) => {
      const text = JSON.stringify(body);
      const res = await fetch(sandbox.url + path, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `${creds.terminalSn} ${md5BodySign(text, key)}` }, body: text });
      return (await res.json()) as { result_code: string; error_code?: string; biz_response?: { result_code: string } };
    };
    const pay = { terminal_sn: creds.terminalSn, client_sn: clientSn('raw'), total_amount: '100', dynamic_id: code('0000'), subject: 's', operator: 'o' };
    expect(await post('/upay/v2/pay', pay, 'f'.repeat(32))).toMatchObject({ result_code: '400', error_code: 'ILLEGAL_SIGN' });
    for (const total_amount of ['0', '-1', '1.00', '01', '12345678901', ' 1', '1e3', '']) {
      expect(await post('/upay/v2/pay', { ...pay, total_amount })).toMatchObject({ result_code: '400', error_code: 'INVALID_PARAMS' });
    }
    expect(await post('/upay/v2/pay', { ...pay, total_amount: 100 })).toMatchObject({ result_code: '400', error_code: 'INVALID_PARAMS' });
    expect(await post('/upay/v2/refund', { terminal_sn: creds.terminalSn, client_sn: 'x', refund_request_no: 'r', refund_amount: '0', operator: 'o' })).toMatchObject({
      result_code: '400',
      error_code: 'INVALID_PARAMS',
    });
    expect(sandbox.ledger.order(pay.client_sn)).toBeNull();
    expect(await post('/upay/v2/pay', pay)).toMatchObject({ result_code: '200', biz_response: { result_code: 'PAY_SUCCESS' } });
    reported.paid.set(pay.client_sn, 100);
  });

  it('the adapter refuses to send a bad amount or client_sn at all', async () => {
    expect(await adapter.pay(creds, payInput(0, code('0000')))).toMatchObject({ kind: 'failed', code: 'other', message: expect.stringContaining('not sent') });
    expect(await adapter.pay(creds, payInput(12.5, code('0000')))).toMatchObject({ kind: 'failed', message: expect.stringContaining('not sent') });
    expect(await adapter.pay(creds, payInput(10_000_000_000, code('0000')))).toMatchObject({ kind: 'failed', message: expect.stringContaining('not sent') });
    expect(await adapter.pay(creds, payInput(1, code('0000'), 'x'.repeat(33)))).toMatchObject({ kind: 'failed', message: expect.stringContaining('not sent') });
  });

  it('an unreachable acquirer: pay is definitely not sent, query is unknown', async () => {
    const closed = await startSandboxAcquirer({ dbPath: join(tempDir('acquirer-it-'), 'gone.sqlite'), port: 0, log });
    const url = closed.url;
    await closed.close();
    const offline = adapterFor(url);
    expect(await offline.pay(creds, payInput(100, code('0000')))).toMatchObject({ kind: 'failed', code: 'other', message: expect.stringContaining('nothing was sent') });
    expect(await offline.query(creds, 'x')).toMatchObject({ kind: 'unknown' });
    await expect(offline.checkin(creds, 'd')).rejects.toMatchObject({ code: 'network' });
  });
});

describe('the books balance', () => {
  it("the sandbox ledger totals equal what the adapter reported, to the fen", () => {
    const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
    const totals = sandbox.ledger.totals(creds.terminalSn);
    expect(totals.paid).toBe(sum(reported.paid));
    expect(totals.successfulPays).toBe(reported.paid.size);
    expect(totals.refunded).toBe(sum(reported.refunded));
    expect(totals.reversed).toBe(sum(reported.reversed));
    expect(totals.net).toBe(sum(reported.paid) - sum(reported.refunded) - sum(reported.reversed));
    // Every successful pay in the ledger is one the adapter reported as paid, with the same amount.
    const pays = sandbox.ledger.transactions({ terminalSn: creds.terminalSn }).filter((t) => t.type === 'pay' && t.status === 'SUCCESS');
    expect(new Map(pays.map((t) => [t.clientSn, t.amount]))).toEqual(reported.paid);
  });
});

/** Built by `npm run build` (electron-vite main entry `sandbox`); POS_SANDBOX_ENTRY points elsewhere. */
const SANDBOX_ENTRY = process.env.POS_SANDBOX_ENTRY ?? resolve('out/main/sandbox.js');

describe('the sandbox CLI', () => {
  it.skipIf(!existsSync(SANDBOX_ENTRY))('prints its ready line and stops on SIGTERM', async () => {
    const dbPath = join(tempDir('acquirer-cli-'), 'cli.sqlite');
    const child = spawn(process.execPath, [SANDBOX_ENTRY, '--port', '0', '--db', dbPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    const line = await new Promise<string>((r) => createInterface({ input: child.stdout! }).once('line', r));
    const ready = JSON.parse(line) as { url: string; port: number; dbPath: string; vendorSn: string; activationCode: string };
    expect(ready).toMatchObject({ dbPath, vendorSn: SANDBOX_VENDOR_SN, activationCode: SANDBOX_ACTIVATION_CODE });
    const remote = adapterFor(ready.url);
    const terminal = await remote.activate({ code: ready.activationCode, deviceId: 'CLI', name: 'cli' });
    expect((await remote.pay(terminal, payInput(100, code('0000')))).kind).toBe('paid');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});

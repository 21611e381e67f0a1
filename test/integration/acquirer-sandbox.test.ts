/**
 * The sandbox acquirer's own behaviours over real HTTP: every test code, one code one order, one client_sn
 * one charge, reversal, refunds, the merchant QR and its scan page, the sandbox-only statement, the CLI,
 * and the ledger's books. Requests are made and signed by ./sandbox-client.ts, written from the public
 * documentation, so the sandbox is checked against the spec and never against our adapter
 * (./sandbox-spec.test.ts checks the documented shapes and codes one by one).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Wallet } from '../../src-common/payment-code';
import {
  SANDBOX_ACTIVATION_CODE,
  SANDBOX_APP_ID,
  SANDBOX_VENDOR_KEY,
  SANDBOX_VENDOR_SN,
  startSandboxAcquirer,
  type SandboxAcquirer,
} from '../../src-main/acquirer/sandbox/server';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import { tempDir } from '../helpers/host';
import { SpecTerminal, specCall, specSign, type SpecReply } from './sandbox-client';

/** Every simulated delay ×0.02: a 1030 PIN wait is 60 ms, the 5000 hang pays after 40 ms, a QR lives 4.8 s. */
const SCALE = 0.02;
const PAY_TIMEOUT_MS = 300;
const log = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const VENDOR = { sn: SANDBOX_VENDOR_SN, key: SANDBOX_VENDOR_KEY, appId: SANDBOX_APP_ID };

/** The wall clock, plus an offset the tests can move forward (past a QR's expiry). */
const clock = { offsetMs: 0, now: () => new Date(Date.now() + clock.offsetMs) };

let sandbox: SandboxAcquirer;
let pos: SpecTerminal;
let seq = 0;
const clientSn = (tag: string) => `T${Date.now().toString(36)}${(seq++).toString(36)}-${tag}`.slice(0, 32);
const code = (suffix: string, wallet: Wallet = 'wechat') => sandboxPaymentCode(wallet, suffix);
const payParams = (amount: number, dynamicId: string, sn = clientSn('pay')) => ({ client_sn: sn, total_amount: String(amount), dynamic_id: dynamicId, subject: '测试商品', operator: 'cashier-1' });
const biz = (r: SpecReply) => r.json?.biz_response ?? {};
const data = (r: SpecReply) => biz(r).data ?? {};
const pay = (params: Record<string, unknown>, terminal = pos) => terminal.call('/upay/v2/pay', params, PAY_TIMEOUT_MS);
const query = (sn: string, terminal = pos) => terminal.call('/upay/v2/query', { client_sn: sn });
const cancel = (sn: string, terminal = pos) => terminal.call('/upay/v2/cancel', { client_sn: sn });
const refund = (sn: string, refundRequestNo: string, amount: number, terminal = pos) =>
  terminal.call('/upay/v2/refund', { client_sn: sn, refund_request_no: refundRequestNo, refund_amount: String(amount), operator: 'owner' });

/** What the sandbox said over the wire, to be compared with its own ledger at the end. */
const reported = { paid: new Map<string, number>(), refunded: new Map<string, number>(), reversed: new Map<string, number>() };

beforeAll(async () => {
  sandbox = await startSandboxAcquirer({ dbPath: join(tempDir('acquirer-it-'), 'sandbox.sqlite'), port: 0, log, clock, speed: { scale: SCALE } });
  pos = await SpecTerminal.activate(sandbox.url, VENDOR, SANDBOX_ACTIVATION_CODE, 'POS-IT-1');
});
afterAll(() => sandbox?.close());

describe('terminal activation and checkin', () => {
  it('activates with the sandbox code and vendor credentials', () => {
    expect(pos.terminalSn).toMatch(/^\d{11}$/);
    expect(pos.terminalKey).toMatch(/^[0-9a-f]{32}$/);
    expect(sandbox.ledger.terminal(pos.terminalSn)).toMatchObject({ deviceId: 'POS-IT-1', name: 'spec test', key: pos.terminalKey });
  });

  it('refuses a wrong activation code, an exhausted one and a wrong vendor key', async () => {
    const activate = (codeText: string, key = VENDOR.key) => specCall(sandbox.url, '/terminal/activate', { app_id: SANDBOX_APP_ID, code: codeText, device_id: 'X' }, VENDOR.sn, key);
    expect((await activate('NOPE-0000')).json).toMatchObject({ result_code: '400', error_code: 'INVALID_PARAMS' });
    sandbox.ledger.addActivationCode('ONE-USE-0001', 1);
    expect(biz(await activate('ONE-USE-0001')).terminal_sn).toMatch(/^\d+$/);
    expect((await activate('ONE-USE-0001')).json).toMatchObject({ result_code: '400', error_code: 'INVALID_PARAMS' });
    expect((await activate(SANDBOX_ACTIVATION_CODE, '0'.repeat(32))).json).toMatchObject({ result_code: '400', error_code: 'ILLEGAL_SIGN' });
  });

  it('checkin rotates the key: the old key is refused, except for one checkin retry', async () => {
    const till = await SpecTerminal.activate(sandbox.url, VENDOR, SANDBOX_ACTIVATION_CODE, 'POS-IT-2');
    const first = till.terminalKey;
    await till.checkin('POS-IT-2');
    const second = till.terminalKey;
    expect(second).not.toBe(first);
    const withKey = (key: string) => new SpecTerminal(sandbox.url, till.terminalSn, key);

    // The old key no longer signs business requests: a pay is refused before execution, nothing charged.
    const refused = payParams(100, code('0000'));
    expect((await pay(refused, withKey(first))).json).toMatchObject({ result_code: '400', error_code: 'ILLEGAL_SIGN' });
    expect(sandbox.ledger.order(refused.client_sn)).toBeNull();
    expect(biz(await pay(payParams(100, code('0000')), withKey(second))).result_code).toBe('PAY_SUCCESS');

    // The checkin reply was "lost": the terminal retries with the old key, once.
    const retry = withKey(first);
    await retry.checkin('POS-IT-2');
    const third = retry.terminalKey;
    expect(third).not.toBe(second);
    expect((await withKey(first).checkin('POS-IT-2')).json).toMatchObject({ result_code: '400', error_code: 'ILLEGAL_SIGN' });
    expect((await withKey(second).checkin('POS-IT-2')).json).toMatchObject({ result_code: '400', error_code: 'ILLEGAL_SIGN' });
    const latest = withKey(third);
    await latest.checkin('POS-IT-2');
    expect(biz(await pay(payParams(101, code('0000')), latest)).result_code).toBe('PAY_SUCCESS');
  });
});

describe('test codes', () => {
  it('0000 pays at once, for every wallet, to the fen', async () => {
    const wallets: Wallet[] = ['wechat', 'alipay', 'unionpay', 'ecny', 'jdpay', 'bestpay'];
    for (const [i, wallet] of wallets.entries()) {
      const params = payParams(1234 + i, code('0000', wallet));
      const reply = await pay(params);
      expect(biz(reply).result_code).toBe('PAY_SUCCESS');
      expect(data(reply)).toMatchObject({ client_sn: params.client_sn, status: 'SUCCESS', order_status: 'PAID', total_amount: String(1234 + i) });
      reported.paid.set(params.client_sn, 1234 + i);
      expect(sandbox.ledger.order(params.client_sn)).toMatchObject({ status: 'PAID', amount: 1234 + i, sn: data(reply).sn });
      expect(data(reply).payer_uid).toBeTruthy();
      expect(Number(data(reply).finish_time)).toBeGreaterThan(0);
    }
  });

  it('1NNN: in progress while the customer types the PIN, then query → PAID', async () => {
    const params = payParams(2599, code('1030')); // 3.0 s × SCALE = 60 ms
    const reply = await pay(params);
    expect(biz(reply).result_code).toBe('PAY_IN_PROGRESS');
    expect(sandbox.ledger.order(params.client_sn)!.status).toBe('CREATED');
    await sleep(100);
    expect(data(await query(params.client_sn))).toMatchObject({ sn: data(reply).sn, order_status: 'PAID', total_amount: '2599' });
    reported.paid.set(params.client_sn, 2599);
  });

  it('1NNN with a long PIN wait stays in progress; a cancel before the PIN stops it, nothing charged', async () => {
    const params = payParams(300, code('1999')); // capped at 40 s × SCALE = 800 ms
    expect(biz(await pay(params)).result_code).toBe('PAY_IN_PROGRESS');
    expect(data(await query(params.client_sn)).order_status).toBe('CREATED');
    expect(biz(await cancel(params.client_sn))).toMatchObject({ result_code: 'CANCEL_ABORT_SUCCESS', data: { order_status: 'CANCELED' } });
    expect(data(await query(params.client_sn)).order_status).toBe('CANCELED');
    expect(sandbox.ledger.transactions({ clientSn: params.client_sn })).toEqual([]);
  });

  it('2NNN: in progress, then the customer cancels → PAY_CANCELED, nothing charged', async () => {
    const params = payParams(4500, code('2020')); // 2.0 s × SCALE = 40 ms
    expect(biz(await pay(params)).result_code).toBe('PAY_IN_PROGRESS');
    await sleep(80);
    expect(biz(await query(params.client_sn))).toMatchObject({ result_code: 'SUCCESS', error_code: 'TRADE_FAILED', data: { order_status: 'PAY_CANCELED', status: 'FAIL_CANCELED' } });
    expect(sandbox.ledger.transactions({ clientSn: params.client_sn })).toMatchObject([{ type: 'pay', status: 'FAIL_CANCELED', amount: 4500 }]);
  });

  it('3000 and 4000 fail with the documented codes and charge nothing', async () => {
    const poor = payParams(99_999, code('3000', 'alipay'));
    expect(biz(await pay(poor))).toMatchObject({ result_code: 'PAY_FAIL', error_code: 'INSUFFICIENT_FUND', error_message: '账户金额不足', data: { order_status: 'PAY_CANCELED' } });
    const stale = payParams(500, code('4000', 'unionpay'));
    expect(biz(await pay(stale))).toMatchObject({ result_code: 'PAY_FAIL', error_code: 'EXPIRED_BARCODE', error_message: '过期的支付条码', data: { status: 'FAIL_CANCELED' } });
    expect(sandbox.ledger.order(poor.client_sn)!.status).toBe('PAY_CANCELED');
    expect(sandbox.ledger.order(stale.client_sn)!.status).toBe('PAY_CANCELED');
    expect(biz(await query(poor.client_sn))).toMatchObject({ error_code: 'INSUFFICIENT_FUND', data: { order_status: 'PAY_CANCELED' } });
  });

  it('5000: the request hangs until the client gives up; query finds it PAID and cancel reverses it', async () => {
    const params = payParams(8800, code('5000'));
    await expect(pay(params)).rejects.toMatchObject({ name: 'TimeoutError' });
    await sleep(60); // 2 s × SCALE = 40 ms after the request, the order turned PAID.
    expect(data(await query(params.client_sn))).toMatchObject({ order_status: 'PAID', total_amount: '8800' });
    expect(biz(await cancel(params.client_sn))).toMatchObject({ result_code: 'CANCEL_SUCCESS', data: { order_status: 'CANCELED' } });
    expect(data(await query(params.client_sn)).order_status).toBe('CANCELED');
    reported.paid.set(params.client_sn, 8800);
    reported.reversed.set(params.client_sn, 8800);
    expect(sandbox.ledger.transactions({ clientSn: params.client_sn }).map((t) => [t.type, t.status, t.amount])).toEqual([
      ['pay', 'SUCCESS', 8800],
      ['cancel', 'SUCCESS', 8800],
    ]);
  });

  it('6000: HTTP 500, no order; after a cancel that client_sn can never pay', async () => {
    const params = payParams(700, code('6000'));
    const reply = await pay(params);
    expect(reply.http).toBe(500);
    expect(reply.json).toEqual({ result_code: '500', error_code: 'UNKNOWN_SYSTEM_ERROR', error_message: '未知的系统错误' });
    expect(biz(await query(params.client_sn)).error_code).toBe('UPAY_ORDER_NOT_EXISTS');
    expect(biz(await cancel(params.client_sn)).error_code).toBe('UPAY_ORDER_NOT_EXISTS');
    // A late duplicate of the lost request arrives: refused, nothing charged.
    expect(biz(await pay({ ...params, dynamic_id: code('0000') }))).toMatchObject({ result_code: 'FAIL', error_code: 'CLIENT_SN_CONFLICT' });
    expect(sandbox.ledger.order(params.client_sn)).toBeNull();
  });

  it('7000: paid, but the connection drops before the reply; query → PAID, charged exactly once', async () => {
    const params = payParams(1999, code('7000', 'jdpay'));
    await expect(pay(params)).rejects.toThrow();
    expect(data(await query(params.client_sn))).toMatchObject({ order_status: 'PAID', total_amount: '1999', payway: '5' });
    reported.paid.set(params.client_sn, 1999);
    expect(sandbox.ledger.transactions({ clientSn: params.client_sn })).toMatchObject([{ type: 'pay', status: 'SUCCESS', amount: 1999 }]);
  });

  it('8000: paid, the reply cut off mid-JSON; query → PAID', async () => {
    const params = payParams(4321, code('8000', 'bestpay'));
    const reply = await pay(params);
    expect(reply.json).toBeUndefined();
    expect(reply.text.length).toBeGreaterThan(0);
    expect(data(await query(params.client_sn))).toMatchObject({ order_status: 'PAID', total_amount: '4321' });
    reported.paid.set(params.client_sn, 4321);
  });

  it('9NNN: paid with a merchant discount in payment_list', async () => {
    const params = payParams(2000, code('9250', 'alipay'));
    expect(data(await pay(params))).toMatchObject({
      order_status: 'PAID',
      total_amount: '2000',
      payment_list: [
        { type: 'BANKCARD_DEBIT', amount_total: '1750' },
        { type: 'DISCOUNT_CHANNEL_MCH', amount_total: '250' },
      ],
    });
    reported.paid.set(params.client_sn, 2000);
  });

  it('a code of no known wallet → PAY_FAIL INVALID_BARCODE, no order', async () => {
    const params = payParams(100, '991234567890123456');
    expect(biz(await pay(params))).toEqual({ result_code: 'PAY_FAIL', error_code: 'INVALID_BARCODE', error_message: '条码错误' });
    expect(sandbox.ledger.order(params.client_sn)).toBeNull();
  });
});

describe('one code, one order; one client_sn, one charge', () => {
  it('a payment code reused for a new client_sn is refused and charges nothing', async () => {
    const authCode = code('0000');
    const first = payParams(1500, authCode);
    expect(biz(await pay(first)).result_code).toBe('PAY_SUCCESS');
    reported.paid.set(first.client_sn, 1500);
    const before = sandbox.ledger.totals(pos.terminalSn);
    const again = payParams(1500, authCode);
    expect(biz(await pay(again))).toMatchObject({ result_code: 'PAY_FAIL', error_code: 'INVALID_BARCODE' });
    expect(sandbox.ledger.order(again.client_sn)).toBeNull();
    expect(sandbox.ledger.totals(pos.terminalSn)).toEqual(before);
  });

  it('a failed code is used up too', async () => {
    const authCode = code('3000');
    expect(biz(await pay(payParams(100, authCode))).result_code).toBe('PAY_FAIL');
    expect(biz(await pay(payParams(100, authCode)))).toMatchObject({ result_code: 'PAY_FAIL', error_code: 'INVALID_BARCODE' });
  });

  it('a repeated client_sn is a conflict, never a second charge', async () => {
    const params = payParams(2000, code('0000'));
    expect(biz(await pay(params)).result_code).toBe('PAY_SUCCESS');
    reported.paid.set(params.client_sn, 2000);
    expect(biz(await pay({ ...params, dynamic_id: code('0000') })).error_code).toBe('CLIENT_SN_CONFLICT');
    expect(biz(await pay({ ...params, total_amount: '1', dynamic_id: code('0000') })).error_code).toBe('CLIENT_SN_CONFLICT');
    expect(sandbox.ledger.order(params.client_sn)).toMatchObject({ amount: 2000, status: 'PAID' });
    expect(sandbox.ledger.transactions({ clientSn: params.client_sn })).toHaveLength(1);
  });
});

describe('cancel (冲正)', () => {
  it('reverses a paid order once, however often it is asked', async () => {
    const params = payParams(3600, code('0000', 'alipay'));
    expect(biz(await pay(params)).result_code).toBe('PAY_SUCCESS');
    reported.paid.set(params.client_sn, 3600);
    expect(biz(await cancel(params.client_sn)).result_code).toBe('CANCEL_SUCCESS');
    reported.reversed.set(params.client_sn, 3600);
    expect(biz(await cancel(params.client_sn)).error_code).toBe('UPAY_CANCEL_ORDER_NOOP');
    expect(biz(await cancel(params.client_sn)).error_code).toBe('UPAY_CANCEL_ORDER_NOOP');
    expect(sandbox.ledger.order(params.client_sn)!.status).toBe('CANCELED');
    expect(sandbox.ledger.transactions({ clientSn: params.client_sn }).map((t) => [t.type, t.amount])).toEqual([
      ['pay', 3600],
      ['cancel', 3600],
    ]);
    // A reversed order cannot be refunded on top.
    expect(biz(await refund(params.client_sn, 'R-after-cancel', 1))).toMatchObject({ result_code: 'FAIL', error_code: 'UPAY_REFUND_INVALID_ORDER_STATE' });
  });

  it('refuses to reverse a partly refunded order', async () => {
    const params = payParams(1000, code('0000'));
    expect(biz(await pay(params)).result_code).toBe('PAY_SUCCESS');
    reported.paid.set(params.client_sn, 1000);
    expect(data(await refund(params.client_sn, 'RP1', 100))).toMatchObject({ order_status: 'PARTIAL_REFUNDED', net_amount: '900' });
    reported.refunded.set(params.client_sn, 100);
    expect(biz(await cancel(params.client_sn))).toMatchObject({ result_code: 'CANCEL_ERROR', error_code: 'UPAY_CANCEL_INVALID_ORDER_STATE' });
    expect(sandbox.ledger.order(params.client_sn)).toMatchObject({ status: 'PARTIAL_REFUNDED', refunded: 100 });
  });
});

describe('refund', () => {
  it('never refunds a refund_request_no twice and never exceeds the paid amount', async () => {
    const params = payParams(1000, code('0000', 'ecny'));
    expect(biz(await pay(params)).result_code).toBe('PAY_SUCCESS');
    reported.paid.set(params.client_sn, 1000);

    expect(data(await refund(params.client_sn, 'R1', 300))).toMatchObject({ order_status: 'PARTIAL_REFUNDED', net_amount: '700', client_tsn: 'R1' });
    expect(biz(await refund(params.client_sn, 'R1', 300)).error_code).toBe('UPAY_REFUND_ORDER_NOOP');
    expect(biz(await refund(params.client_sn, 'R1', 301)).error_code).toBe('UPAY_REFUND_ORDER_NOOP');
    expect(sandbox.ledger.refunds(params.client_sn)).toMatchObject([{ refundRequestNo: 'R1', amount: 300, clientTsn: 'R1' }]);

    expect(data(await refund(params.client_sn, 'R2', 700))).toMatchObject({ order_status: 'REFUNDED', net_amount: '0' });
    expect(biz(await refund(params.client_sn, 'R3', 1)).error_code).toBe('UPAY_REFUND_INVALID_ORDER_STATE');
    expect(biz(await refund(params.client_sn, 'R2', 700)).error_code).toBe('UPAY_REFUND_ORDER_NOOP');
    reported.refunded.set(params.client_sn, 1000);

    expect(sandbox.ledger.refunds(params.client_sn).map((r) => [r.refundRequestNo, r.amount])).toEqual([
      ['R1', 300],
      ['R2', 700],
    ]);
    expect(sandbox.ledger.order(params.client_sn)).toMatchObject({ status: 'REFUNDED', refunded: 1000 });
    expect(data(await query(params.client_sn))).toMatchObject({ order_status: 'REFUNDED', total_amount: '1000', net_amount: '0', client_tsn: 'R2' });
  });

  it('refuses an order that was never paid, and one that does not exist', async () => {
    const params = payParams(1000, code('4000'));
    await pay(params);
    expect(biz(await refund(params.client_sn, 'R9', 1)).error_code).toBe('UPAY_REFUND_INVALID_ORDER_STATE');
    expect(biz(await refund('no-such-order', 'R9', 1)).error_code).toBe('UPAY_ORDER_NOT_EXISTS');
  });
});

describe('precreate (the customer scans the merchant QR)', () => {
  const precreate = (sn: string, amount: number, payway: string) => pos.call('/upay/v2/precreate', { client_sn: sn, total_amount: String(amount), payway, subject: '扫码测试', operator: 'c1' });

  it('QR code → the sandbox scan page → PAID', async () => {
    const sn = clientSn('qr');
    const created = await precreate(sn, 888, '1');
    expect(biz(created).result_code).toBe('PRECREATE_SUCCESS');
    const qrCode = String(data(created).qr_code);
    expect(qrCode).toMatch(new RegExp(`^${sandbox.url}/sandbox/scan/\\d{16}$`));
    expect(data(await query(sn))).toMatchObject({ sn: data(created).sn, order_status: 'CREATED', status: 'IN_PROG' });

    const page = await fetch(qrCode);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('¥8.88');
    expect(html).toContain('<form method="post"');

    expect((await fetch(`${qrCode}?wallet=wechat`, { method: 'POST' })).status).toBe(409);
    expect((await fetch(`${qrCode}?wallet=alipay`, { method: 'POST' })).status).toBe(200);
    expect((await fetch(`${qrCode}?wallet=alipay`, { method: 'POST' })).status).toBe(409);
    expect(data(await query(sn))).toMatchObject({ order_status: 'PAID', total_amount: '888', payway: '1' });
    reported.paid.set(sn, 888);
  });

  it('an unpaid QR order closes after 4 minutes (scaled): PAY_CANCELED TRADE_TIMEOUT', async () => {
    const sn = clientSn('qr-exp');
    const created = await precreate(sn, 50, '3');
    expect(biz(created).result_code).toBe('PRECREATE_SUCCESS');
    clock.offsetMs = 4 * 60_000 * SCALE + 10;
    try {
      expect(biz(await query(sn))).toMatchObject({ error_code: 'TRADE_TIMEOUT', data: { order_status: 'PAY_CANCELED' } });
    } finally {
      clock.offsetMs = 0;
    }
    expect((await fetch(`${String(data(created).qr_code)}?wallet=wechat`)).status).toBe(409);
  });

  it('refuses a client_sn already used, and a payway it does not know', async () => {
    const sn = clientSn('qr-dup');
    expect(biz(await precreate(sn, 50, '3')).result_code).toBe('PRECREATE_SUCCESS');
    expect(biz(await precreate(sn, 50, '3'))).toMatchObject({ result_code: 'FAIL', error_code: 'CLIENT_SN_CONFLICT' });
    expect(biz(await precreate(clientSn('qr-99'), 50, '99'))).toMatchObject({ result_code: 'PRECREATE_FAIL', error_code: 'UNEXPECTED_PROVIDER_ERROR' });
  });
});

describe('statement (sandbox-only)', () => {
  it("lists exactly the day's money movements of the terminal as CSV, unsigned", async () => {
    const own = await SpecTerminal.activate(sandbox.url, VENDOR, SANDBOX_ACTIVATION_CODE, 'POS-IT-STMT');
    const paid = payParams(1001, code('0000'));
    const failed = payParams(1002, code('3000'));
    const refunded = payParams(1003, code('0000', 'alipay'));
    const reversed = payParams(1004, code('0000', 'unionpay'));
    expect(biz(await pay(paid, own)).result_code).toBe('PAY_SUCCESS');
    expect(biz(await pay(failed, own)).result_code).toBe('PAY_FAIL');
    expect(biz(await pay(refunded, own)).result_code).toBe('PAY_SUCCESS');
    expect(biz(await refund(refunded.client_sn, 'S1', 3, own)).result_code).toBe('REFUND_SUCCESS');
    expect(biz(await pay(reversed, own)).result_code).toBe('PAY_SUCCESS');
    expect(biz(await cancel(reversed.client_sn, own)).result_code).toBe('CANCEL_SUCCESS');

    const today = new Date(clock.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10);
    const get = (date: string, key = own.terminalKey) => {
      const target = `/sandbox/statement?date=${date}`;
      return fetch(sandbox.url + target, { headers: { authorization: `${own.terminalSn} ${specSign(target, key)}` } });
    };
    const res = await get(today);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const names: string[] = [];
    res.headers.forEach((_value, name) => names.push(name));
    expect(names.filter((h) => /sign/i.test(h))).toEqual([]);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes.slice(3)).split('\r\n').filter(Boolean);
    expect(lines[0]).toBe('finished_at,client_sn,sn,type,payway,amount_fen,status,refund_request_no');
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows.map(([, sn, , type, payway, amount, status, no]) => [type, sn, payway, Number(amount), status, no])).toEqual([
      ['pay', paid.client_sn, '3', 1001, 'SUCCESS', ''],
      ['pay', refunded.client_sn, '1', 1003, 'SUCCESS', ''],
      ['refund', refunded.client_sn, '1', 3, 'SUCCESS', 'S1'],
      ['pay', reversed.client_sn, '17', 1004, 'SUCCESS', ''],
      ['cancel', reversed.client_sn, '17', 1004, 'SUCCESS', ''],
    ]);
    for (const row of rows) {
      expect(row[0]).toMatch(/\+08:00$/);
      expect(row[2]).toBe(sandbox.ledger.order(row[1]!)!.sn);
    }
    const net = rows.reduce((sum, r) => sum + (r[3] === 'pay' ? Number(r[5]) : -Number(r[5])), 0);
    expect(net).toBe(sandbox.ledger.totals(own.terminalSn).net);
    expect(net).toBe(1001 + 1003 - 3);

    expect(new TextDecoder().decode((await (await get('2001-01-01')).arrayBuffer()).slice(3)).split('\r\n').filter(Boolean)).toHaveLength(1);
    expect((await get(today, '0'.repeat(32))).status).toBe(401);
  });
});

describe('request checks', () => {
  it('refuses a bad signature and bad amounts before executing anything', async () => {
    const params = payParams(100, code('0000'));
    expect((await specCall(sandbox.url, '/upay/v2/pay', { terminal_sn: pos.terminalSn, ...params }, pos.terminalSn, 'f'.repeat(32))).json).toMatchObject({
      result_code: '400',
      error_code: 'ILLEGAL_SIGN',
    });
    for (const total_amount of ['0', '1.00', '01', '12345678901', ' 1', '1e3']) {
      expect((await pay({ ...params, total_amount })).json, total_amount).toMatchObject({ result_code: '400', error_code: 'INVALID_PARAMS' });
    }
    for (const total_amount of ['-1', '', 100]) {
      expect((await pay({ ...params, total_amount })).json, String(total_amount)).toMatchObject({ result_code: '400', error_code: expect.stringMatching(/^INVALID_PARAM(S|ETER)$/) });
    }
    expect((await pos.call('/upay/v2/refund', { client_sn: 'x', refund_request_no: 'r', refund_amount: '0', operator: 'o' })).json).toMatchObject({
      result_code: '400',
      error_code: 'INVALID_PARAMS',
    });
    expect(sandbox.ledger.order(params.client_sn)).toBeNull();
    expect(biz(await pay(params)).result_code).toBe('PAY_SUCCESS');
    reported.paid.set(params.client_sn, 100);
  });
});

describe('the books balance', () => {
  it('the sandbox ledger totals equal what its replies said, to the fen', () => {
    const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
    const totals = sandbox.ledger.totals(pos.terminalSn);
    expect(totals.paid).toBe(sum(reported.paid));
    expect(totals.successfulPays).toBe(reported.paid.size);
    expect(totals.refunded).toBe(sum(reported.refunded));
    expect(totals.reversed).toBe(sum(reported.reversed));
    expect(totals.net).toBe(sum(reported.paid) - sum(reported.refunded) - sum(reported.reversed));
    // Every successful pay in the ledger is one a reply (or query) reported as paid, with the same amount.
    const pays = sandbox.ledger.transactions({ terminalSn: pos.terminalSn }).filter((t) => t.type === 'pay' && t.status === 'SUCCESS');
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
    const terminal = await SpecTerminal.activate(ready.url, VENDOR, ready.activationCode, 'CLI');
    expect(biz(await pay(payParams(100, code('0000')), terminal)).result_code).toBe('PAY_SUCCESS');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});

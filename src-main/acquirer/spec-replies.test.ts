/**
 * The adapter against the public documentation's own example replies (spec-fixtures/, sources in SOURCES.md),
 * served byte for byte by a local HTTP server with no reply signature, as the real service sends them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TerminalCredentials } from './port';
import { createShouqianbaAdapter } from './shouqianba';
import { md5BodySign } from './signing';

const FIXTURES = join(__dirname, 'spec-fixtures');
const fixture = (name: string) => readFileSync(join(FIXTURES, `${name}.json`), 'utf8');

interface Served {
  status: number;
  name: string;
}
interface Received {
  path: string;
  authorization: string | undefined;
  text: string;
  body: Record<string, string>;
}

let server: Server;
let baseUrl = '';
/** What the next request gets, whatever its path (unless `byPath` names its path). */
let next: Served = { status: 200, name: 'activate' };
let byPath: Record<string, { status: number; body: string }> = {};
let received: Received[] = [];

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });

beforeAll(async () => {
  server = createServer((req, res) => {
    void readBody(req).then((text) => {
      received.push({ path: req.url ?? '', authorization: req.headers.authorization, text, body: JSON.parse(text) as Record<string, string> });
      const special = byPath[req.url ?? ''];
      const bytes = Buffer.from(special ? special.body : fixture(next.name), 'utf8');
      res.writeHead(special ? special.status : next.status, { 'content-type': 'application/json;charset=UTF-8', 'content-length': bytes.length });
      res.end(bytes);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  received = [];
  byPath = {};
});

const VENDOR_SN = '91800000001';
const VENDOR_KEY = '5a9e0c1f3b7d4e2a8c6f0b1d3e5a7c9f';
const adapter = () =>
  createShouqianbaAdapter({
    baseUrl,
    vendorSn: VENDOR_SN,
    vendorKey: VENDOR_KEY,
    appId: '2025000000000001',
    timeouts: { payMs: 2000, queryMs: 2000, otherMs: 2000 },
    log: pino({ level: 'silent' }),
  });
const creds: TerminalCredentials = { terminalSn: '10298371039', terminalKey: '68d499beda5f72116592f5c527465656', keyDate: '2026-12-04' };
const serve = (name: string, status = 200) => (next = { name, status });
const payInput = (clientSn: string, amount: number) => ({ clientSn, amount, authCode: '134567890123456789', subject: 'Pizza', operator: 'test' });

describe('the documentation’s example replies, byte for byte, unsigned', () => {
  it('activate and checkin give the terminal and its key; the requests are signed as sign.md says', async () => {
    serve('activate');
    const activated = await adapter().activate({ code: '00000000', deviceId: 'POS-1', name: 'till' });
    expect(activated).toMatchObject({ terminalSn: '10298371039', terminalKey: '68d499beda5f72116592f5c527465656' });
    expect(received[0]!.path).toBe('/terminal/activate');
    expect(received[0]!.authorization).toBe(`${VENDOR_SN} ${md5BodySign(received[0]!.text, VENDOR_KEY)}`);

    serve('checkin');
    expect(await adapter().checkin(creds, 'POS-1')).toMatchObject({ terminalSn: '10298371039', terminalKey: '68d499beda5f72116592f5c527465656' });
    expect(received[1]!.authorization).toBe(`${creds.terminalSn} ${md5BodySign(received[1]!.text, creds.terminalKey)}`);
  });

  it('pay success → paid, with the payment_list and its merchant discount (DISCOUNT_CHANNEL_MCH)', async () => {
    serve('pay-success');
    expect(await adapter().pay(creds, payInput('w145206259311176', 101))).toEqual({
      kind: 'paid',
      acquirerSn: '7893259247405832',
      amount: 101,
      wallet: 'wechat',
      payerRef: 'oyBevtwYm70JVPTFyGlvmKW3IO9U',
      finishedAt: new Date(1492506702864).toISOString(),
      paymentList: [
        { type: 'BANKCARD_DEBIT', amount: 1 },
        { type: 'DISCOUNT_CHANNEL_MCH', amount: 100 },
      ],
      merchantDiscount: 100,
    });
    expect(received[0]!.body).toMatchObject({ client_sn: 'w145206259311176', total_amount: '101', dynamic_id: '134567890123456789' });
    expect(received[0]!.body).not.toHaveProperty('payway');
  });

  it('pay in progress (no usable total_amount, ctime not a timestamp) → pending, not unknown', async () => {
    serve('pay-in-progress');
    expect(await adapter().pay(creds, payInput('230202l2-2-2002', 1000))).toEqual({ kind: 'pending', acquirerSn: '789200393929142' });
  });

  it('pay fail (EXPIRED_BARCODE, PAY_CANCELED) → failed code_expired; 400 INVALID_PARAMS → failed at once', async () => {
    serve('pay-fail');
    expect(await adapter().pay(creds, payInput('12345677767776', 1))).toEqual({ kind: 'failed', code: 'code_expired', message: 'EXPIRED_BARCODE: 过期的支付条码' });
    serve('pay-invalid-params');
    expect(await adapter().pay(creds, payInput('12345677767776', 1))).toMatchObject({ kind: 'failed', code: 'other', message: expect.stringContaining('INVALID_PARAMS') });
  });

  it.each([200, 400])('the annex’s 400 examples (trailing comma and all), over HTTP %i → failed at once, never polled', async (status) => {
    for (const name of ['terminal-not-exists', 'invalid-parameter']) {
      serve(name, status);
      expect(await adapter().pay(creds, payInput('C1', 100))).toMatchObject({ kind: 'failed', code: 'other' });
      expect(await adapter().refund(creds, { clientSn: 'C1', refundRequestNo: 'R1', amount: 1, operator: 'o' })).toMatchObject({ kind: 'failed' });
      expect(await adapter().cancel(creds, 'C1')).toMatchObject({ kind: 'failed' });
    }
    serve('terminal-not-exists', status);
    await expect(adapter().checkin(creds, 'POS-1')).rejects.toMatchObject({ code: 'TERMINAL_NOT_EXISTS' });
  });

  it.each([200, 500])('the annex’s 500 examples over HTTP %i → unknown (the order may exist)', async (status) => {
    for (const name of ['unknown-system-error', 'maintenance-inprogress']) {
      serve(name, status);
      expect(await adapter().pay(creds, payInput('C1', 100))).toMatchObject({ kind: 'unknown' });
    }
  });

  it('precreate → created with the QR; Alipay is asked for with payway 1 (precreate.md)', async () => {
    serve('precreate-success');
    expect(await adapter().precreate(creds, { clientSn: '765432112', amount: 1, wallet: 'alipay', subject: 'coca cola', operator: '张三丰' })).toEqual({
      kind: 'created',
      qrCode: 'https://qr.alipay.com/bax8z75ihyoqpgkv5f',
      acquirerSn: '7894259244096169',
    });
    expect(received[0]!.body).toMatchObject({ payway: '1', sub_payway: '2', total_amount: '1' });
  });

  it('precreate for a wallet the documentation gives no payway (e-CNY) is refused before anything is sent', async () => {
    serve('precreate-success');
    expect(await adapter().precreate(creds, { clientSn: '765432112', amount: 1, wallet: 'ecny', subject: 'x', operator: 'o' })).toMatchObject({
      kind: 'failed',
      message: expect.stringContaining('not sent'),
    });
    expect(received).toEqual([]);
  });

  it('query → paid (payway 2 read as Alipay), with its payment_list', async () => {
    serve('query-success');
    expect(await adapter().query(creds, 'test')).toMatchObject({
      kind: 'paid',
      acquirerSn: '7895259867120667',
      amount: 300000,
      wallet: 'alipay',
      merchantDiscount: 100,
    });
  });

  it('refund success → refunded; the request carries client_tsn and refund_request_no; the fully-refunded failure → not_refundable', async () => {
    serve('refund-success');
    expect(await adapter().refund(creds, { clientSn: '12345677767776', refundRequestNo: '20261204R0000001', amount: 1, operator: 'o' })).toEqual({
      kind: 'refunded',
      refundedTotal: 1,
    });
    expect(received[0]!.body).toMatchObject({ client_sn: '12345677767776', refund_request_no: '20261204R0000001', client_tsn: '20261204R0000001', refund_amount: '1' });
    serve('refund-fail');
    expect(await adapter().refund(creds, { clientSn: '12345677767776', refundRequestNo: 'R2', amount: 1, operator: 'o' })).toMatchObject({
      kind: 'failed',
      code: 'not_refundable',
    });
  });

  it('cancel and revoke (one reply shape) → cancelled, each on its own path; CANCEL_ERROR UPAY_TCP_ORDER_NOT_REFUNDABLE → failed', async () => {
    serve('cancel-success');
    expect(await adapter().cancel(creds, '22345677767776')).toEqual({ kind: 'cancelled' });
    expect(await adapter().revoke(creds, '22345677767776')).toEqual({ kind: 'cancelled' });
    expect(received.map((r) => r.path)).toEqual(['/upay/v2/cancel', '/upay/v2/revoke']);
    serve('cancel-error');
    expect(await adapter().revoke(creds, '22345677767776')).toEqual({ kind: 'failed', message: 'UPAY_TCP_ORDER_NOT_REFUNDABLE: 订单7894259244061958参与了活动并且无法撤销' });
  });
});

const DOC_DIR = process.env.SQB_DOC_DIR ?? '/tmp/sqb-doc';
const SOURCES: Record<string, string> = {
  activate: 'zh-cn/api/interface/activate.md',
  checkin: 'zh-cn/api/interface/checkin.md',
  'pay-success': 'zh-cn/api/interface/pay.md',
  'pay-in-progress': 'zh-cn/api/interface/pay.md',
  'pay-fail': 'zh-cn/api/interface/pay.md',
  'pay-invalid-params': 'zh-cn/api/interface/pay.md',
  'precreate-success': 'zh-cn/api/interface/precreate.md',
  'query-success': 'zh-cn/api/interface/query.md',
  'refund-success': 'zh-cn/api/interface/refund.md',
  'refund-fail': 'zh-cn/api/interface/refund.md',
  'cancel-success': 'zh-cn/api/interface/revoke&cancel.md',
  'cancel-error': 'zh-cn/api/interface/revoke&cancel.md',
  'terminal-not-exists': 'zh-cn/api/annex/responseExample.md',
  'invalid-parameter': 'zh-cn/api/annex/responseExample.md',
  'unknown-system-error': 'zh-cn/api/annex/responseExample.md',
  'maintenance-inprogress': 'zh-cn/api/annex/responseExample.md',
};

/** The ```json blocks of a Markdown page, each without its fence's indentation. */
function jsonBlocks(markdown: string): string[] {
  const blocks: string[] = [];
  for (const m of markdown.matchAll(/^([ \t]*)```json[ \t]*\n([\s\S]*?)^[ \t]*```/gm)) {
    const indent = m[1]!;
    const lines = m[2]!.split('\n').map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l.trim() === '' ? '' : l));
    blocks.push(`${lines.join('\n').trimEnd()}\n`);
  }
  return blocks;
}

describe.skipIf(!existsSync(DOC_DIR))(`the fixtures are the documentation’s own text (checkout at ${DOC_DIR}; set SQB_DOC_DIR)`, () => {
  it.each(Object.entries(SOURCES))('%s is a block of %s verbatim', (name, source) => {
    expect(jsonBlocks(readFileSync(join(DOC_DIR, source), 'utf8'))).toContain(fixture(name));
  });
});

/**
 * The e-receipt page on real PostgreSQL through the real HTTPS server: a sale uploaded as a till sends it (with its
 * token) opens as a page with its lines, totals, tax, payment and refund to the fen; a hostile product name stays
 * text; forged, malformed, unknown, expired and doubly-held tokens all get the same 404 page; the token never
 * reaches the log; the pull carries the server's public URL to the tills.
 */
import { randomBytes } from 'node:crypto';
import { request } from 'node:https';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E_RECEIPT_BASE_URL_SETTING, E_RECEIPT_DAYS } from '../../src-common/e-receipt';
import type { Fact } from '../../src-common/sync-protocol';
import { refundFact, saleFact } from '../testing/facts';
import { startTestServer, type TestServer } from '../testing/server';
import { storeWithTills } from '../testing/stores';

const token = () => randomBytes(16).toString('base64url');
const HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> & 可乐';

interface Page {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

describe('e-receipt page', () => {
  let t: TestServer;
  const logged: string[] = [];
  let storeA: { storeId: string; tills: { credential: string; terminalId: string }[] };
  let storeB: { storeId: string; tills: { credential: string; terminalId: string }[] };
  const seq = { A: 0, B: 0 };

  const page = (path: string): Promise<Page> =>
    new Promise((done, fail) => {
      const req = request(new URL(path, t.server.url), { method: 'GET', ca: t.server.tls.cert, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
        res.on('error', fail);
      });
      req.on('error', fail);
      req.end();
    });

  const upload = async (store: 'A' | 'B', facts: Fact[]) => {
    const till = (store === 'A' ? storeA : storeB).tills[0]!;
    const reply = await t.as(till.credential).call('POST', '/v1/facts', { body: { stream: `stream-${store}`, facts } });
    expect(reply.status).toBe(200);
  };
  const sale = (store: 'A' | 'B', receiptToken: string, spec: Parameters<typeof saleFact>[1] = {}) => {
    seq[store] += 1;
    const fact = saleFact(seq[store], spec);
    return { ...fact, payload: { ...fact.payload, receiptToken } } as Extract<Fact, { kind: 'sale' }>;
  };

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, next) {
        logged.push(chunk.toString('utf8'));
        next();
      },
    });
    t = await startTestServer(undefined, { log: pino({ level: 'info' }, sink), publicUrl: 'https://receipts.example.cn/jz/' });
    storeA = await storeWithTills(t, '一号店 <b>旗舰</b>', ['TILL-A1X9']);
    storeB = await storeWithTills(t, '二号店', ['TILL-B1Q2']);
  });
  afterAll(() => t?.stop());

  it('shows a sale’s lines, totals, tax, masked payment and refund to the fen, with a strict policy and no script', async () => {
    const now = new Date(Date.now() - 3600_000).toISOString();
    const tok = token();
    const base = sale('A', tok, { at: now, tender: 'wechat', lines: [{ productId: 'P1', price: 350, qty: 2 }, { productId: 'P2', price: 1299 }] });
    // A promotion on the second line: 1.00 off (its net is what the customer paid for it).
    const lines = base.payload.lines.map((l) => (l.lineNo === 2 ? { ...l, name: HOSTILE, lineDiscount: 100, net: l.gross - 100 } : { ...l, name: '农夫山泉 550ml' }));
    const total = lines.reduce((s, l) => s + l.net, 0); // 700 + 1199 = 1899
    const tender = { ...base.payload.tenders[0]!, amount: total, tendered: total };
    const fact: Extract<Fact, { kind: 'sale' }> = {
      ...base,
      payload: { ...base.payload, lines, subtotal: 700 + 1299, discountTotal: 100, total, taxTotal: 218, taxes: [{ rateBp: 1300, taxable: total, tax: 218 }], tenders: [tender] },
    };
    seq.A += 1;
    const payment: Fact = {
      seq: seq.A, id: `${tender.paymentId}:paid`, kind: 'payment', recordedAt: now,
      payload: { paymentId: tender.paymentId!, saleId: fact.payload.saleId, wallet: 'wechat', amount: total, status: 'paid', clientSn: 'JZ20261205000047311', acquirerSn: '4200001234567890', finishedAt: now },
    };
    seq.A += 1;
    const refund = refundFact(seq.A, fact, 350);
    await upload('A', [fact, payment, refund]);

    const shown = await page(`/r/${tok}`);
    expect(shown.status).toBe(200);
    expect(shown.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(shown.headers['content-security-policy']);
    expect(csp).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+';/);
    expect(csp).not.toContain('unsafe');
    expect(shown.headers['cache-control']).toBe('private, no-store');
    expect(shown.headers['referrer-policy']).toBe('no-referrer');
    const html = shown.body;
    expect(html).not.toMatch(/<script|<img|<b>/i);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; &amp; 可乐');
    expect(html).toContain('一号店 &lt;b&gt;旗舰&lt;/b&gt;');
    expect(html).toContain(`A1X9-${String(fact.payload.receiptNo).padStart(6, '0')}`);
    expect(html).toContain('农夫山泉 550ml');
    expect(html).toContain('2 × ¥3.50');
    expect(html).toContain('¥7.00');
    expect(html).toContain('¥12.99');
    expect(html).toContain('-¥1.00');
    expect(html).toMatch(/合计 Total<\/span><span>¥18\.99</);
    expect(html).toContain('¥2.18'); // the tax included
    expect(html).toMatch(/微信支付 WeChat Pay <span class="muted">尾号 ending 7311<\/span><\/span><span>¥18\.99/);
    expect(html).not.toContain('JZ20261205000047311');
    expect(html).not.toContain('4200001234567890');
    expect(html).toMatch(/data-testid="e-receipt-refund"><span>2026-12-04 19:00 · 微信支付 WeChat Pay<\/span><span>-¥3\.50/);
    // Nothing about the till's staff or other sales.
    expect(html).not.toContain('U1');
    expect(html).not.toContain(fact.payload.saleId);
  });

  it('answers one plain 404 page for a forged, malformed, unknown or expired token', async () => {
    const day = 24 * 3600_000;
    const young = token();
    const old = token();
    await upload('A', [
      sale('A', young, { at: new Date(Date.now() - (E_RECEIPT_DAYS - 1) * day).toISOString() }),
      sale('A', old, { at: new Date(Date.now() - (E_RECEIPT_DAYS + 1) * day).toISOString() }),
    ]);
    expect((await page(`/r/${young}`)).status).toBe(200);

    const notFound = await page(`/r/${token()}`);
    expect(notFound.status).toBe(404);
    expect(notFound.body).toContain('未找到小票');
    expect(notFound.body).toContain('Receipt not found');
    expect(notFound.headers['content-security-policy']).toMatch(/^default-src 'none'/);
    for (const path of [`/r/${old}`, `/r/${young.slice(1)}`, `/r/${young}x`, `/r/${young}/`, '/r/', '/r/%3Cscript%3E', `/r/${young.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))}`]) {
      const reply = await page(path);
      expect({ path, status: reply.status }).toEqual({ path, status: 404 });
      expect(reply.body, path).toBe(notFound.body);
    }
  });

  it('opens nothing for a token two stores hold (a till copying another store’s receipt), and never one store’s sale as another’s', async () => {
    const shared = token();
    const own = token();
    await upload('A', [sale('A', shared, { at: new Date().toISOString() }), sale('A', own, { at: new Date().toISOString() })]);
    expect((await page(`/r/${shared}`)).status).toBe(200);
    await upload('B', [sale('B', shared, { at: new Date().toISOString(), lines: [{ productId: 'EVIL', price: 1 }] })]);
    const copied = await page(`/r/${shared}`);
    expect(copied.status).toBe(404);
    expect(copied.body).not.toContain('EVIL');
    // Store A's other receipts are untouched, and show store A.
    const mine = await page(`/r/${own}`);
    expect(mine.status).toBe(200);
    expect(mine.body).toContain('一号店');
    expect(mine.body).not.toContain('二号店');
  });

  it('shows cash rounding and the amount due after it, as the paper receipt does', async () => {
    const tok = token();
    await upload('A', [sale('A', tok, { at: new Date().toISOString(), lines: [{ productId: 'P1', price: 1237 }], rounding: -7 })]);
    const html = (await page(`/r/${tok}`)).body;
    expect(html).toMatch(/合计 Total<\/span><span>¥12\.37</);
    expect(html).toMatch(/抹零 Rounding<\/span><span>-¥0\.07</);
    expect(html).toMatch(/data-testid="e-receipt-due"><span>应付 Amount due<\/span><span>¥12\.30</);
  });

  it('shows a voided sale as voided', async () => {
    const tok = token();
    const fact = sale('A', tok, { at: new Date().toISOString() });
    seq.A += 1;
    const voided: Fact = { seq: seq.A, id: `void:${fact.payload.saleId}`, kind: 'sale_void', recordedAt: fact.recordedAt, payload: { saleId: fact.payload.saleId, reason: 'restored', voidedBy: null, at: fact.recordedAt } };
    await upload('A', [fact, voided]);
    const shown = await page(`/r/${tok}`);
    expect(shown.status).toBe(200);
    expect(shown.body).toContain('此单已作废');
  });

  it('keeps sales without a token (older tills) out of it', async () => {
    seq.A += 1;
    const tokenless = saleFact(seq.A);
    await upload('A', [tokenless]);
    expect(await t.sql(`SELECT sale_id FROM sale WHERE sale_id = $1`, [tokenless.payload.saleId])).toHaveLength(1);
    expect(await t.sql(`SELECT token FROM e_receipt WHERE sale_id = $1`, [tokenless.payload.saleId])).toEqual([]);
  });

  it('never writes a token to the log', async () => {
    const tokens = (await t.sql<{ token: string }>(`SELECT token FROM e_receipt`)).map((r) => r.token);
    expect(tokens.length).toBeGreaterThan(3);
    const log = logged.join('');
    expect(log).toContain('"path":"/r/…"');
    for (const tok of tokens) expect(log).not.toContain(tok);
  });

  it('sends the public URL to the tills on every pull page, normalised', async () => {
    const till = storeA.tills[0]!;
    const first = await t.as(till.credential).call('GET', '/v1/pull?since=0');
    expect(first.status).toBe(200);
    expect(first.body.settings[E_RECEIPT_BASE_URL_SETTING]).toBe('https://receipts.example.cn/jz');
    const again = await t.as(till.credential).call('GET', `/v1/pull?since=${first.body.version}`);
    expect(again.body.settings).toEqual({ [E_RECEIPT_BASE_URL_SETTING]: 'https://receipts.example.cn/jz' });
  });

  it('refuses a bad public URL at start', async () => {
    await expect(startTestServer(undefined, { publicUrl: 'http://receipts.example.cn' })).rejects.toThrow();
  });
});


/**
 * The direct providers' built-in sandboxes in their own threads (the built out/main/direct-sandbox-worker.js, as the
 * core finds it): the first start makes an identity that is kept sealed (no key readable in the file), the sandbox
 * answers over HTTPS with a certificate from the CA made for it (and only that CA: the system's trust store does not
 * know it), a crashed thread comes back on the same address, and a new start finds the same identity and ledger.
 */
import { X509Certificate } from 'node:crypto';
import { readFile, rm, stat, writeFile, mkdtemp } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { openKeyring } from '../../keyring';
import { createDirectSandboxes, type DirectSandboxes } from './embedded';

let dir: string;
let sandboxes: DirectSandboxes | null = null;
afterEach(async () => {
  await sandboxes?.close();
  sandboxes = null;
  await rm(dir, { recursive: true, force: true });
});

const quiet = pino({ level: 'silent' });
const open = () => createDirectSandboxes({ dataDir: dir, keyring: openKeyring(dir), log: quiet, logLevel: 'warn', scale: 1 });

/** A form POST to the Alipay gateway over HTTPS, trusting `ca` only; the status and the body. */
function post(url: string, ca: string | undefined, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, ...(ca ? { ca } : {}) }, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += String(chunk)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('built-in direct sandboxes', () => {
  it('Alipay: made once and sealed, answers over HTTPS under its own CA, comes back after a crash, and again after a restart with the same identity and ledger', async () => {
    dir = await mkdtemp(join(tmpdir(), 'direct-sandboxes-'));
    sandboxes = open();
    expect(sandboxes.url('alipay')).toBeNull();
    const first = await sandboxes.start('alipay');
    expect(first.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/gateway\.do$/);
    expect(sandboxes.url('alipay')).toBe(first.url);
    expect(first.identity).toMatchObject({ provider: 'alipay', till: { appId: expect.stringMatching(/^\d{16}$/), caPem: first.identity.tls.caPem } });
    const ca = new X509Certificate(first.identity.tls.caPem);
    expect(ca.ca).toBe(true);
    expect(new X509Certificate(first.identity.tls.certPem).checkIssued(ca)).toBe(true);

    // Sealed at rest, readable by this user only.
    const file = join(dir, 'direct-sandboxes', 'alipay.identity');
    const sealed = await readFile(file, 'utf8');
    expect(sealed).not.toContain('PRIVATE KEY');
    expect(sealed).not.toContain(first.identity.till.appId);
    expect((await stat(file)).mode & 0o077).toBe(0);

    // The gateway answers (an unsigned request is refused in Alipay's words) under its CA; without it, TLS refuses.
    const answer = await post(first.url, first.identity.tls.caPem, 'method=alipay.trade.query');
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('isv.');
    await expect(post(first.url, undefined, 'method=alipay.trade.query')).rejects.toThrow(/certificate/i);

    await sandboxes.kill('alipay');
    await expect.poll(async () => (await post(first.url, first.identity.tls.caPem, 'method=alipay.trade.query').catch(() => null))?.status ?? 0, { timeout: 20_000, interval: 100 }).toBe(200);

    // An order in its ledger, then a new start of the terminal: the same identity, the ledger kept, a new port.
    const ledger = new Sqlite(join(dir, 'direct-sandboxes', 'alipay.sqlite'));
    ledger
      .prepare(
        `INSERT INTO ali_order (out_trade_no, trade_no, auth_code, total_amount, currency, subject, trade_status, buyer_logon_id, buyer_user_id, created_at, paid_at)
         VALUES ('T1', '2026120622001', '281234567890120000', 1234, 'CNY', 'test', 'TRADE_SUCCESS', 'a***@x', '2088', 1, 1)`,
      )
      .run();
    ledger.close();
    await sandboxes.close();
    sandboxes = open();
    expect(await sandboxes.resume('alipay')).toBe(true);
    const again = await sandboxes.start('alipay');
    expect(again.identity).toEqual(first.identity);
    const kept = new Sqlite(join(dir, 'direct-sandboxes', 'alipay.sqlite'), { readonly: true });
    expect(kept.prepare('SELECT out_trade_no, total_amount FROM ali_order').all()).toEqual([{ out_trade_no: 'T1', total_amount: 1234 }]);
    kept.close();
  }, 90_000);

  it('opens its ledger with the better-sqlite3 addon it is given (Electron’s ABI): a missing one fails the start, named', async () => {
    dir = await mkdtemp(join(tmpdir(), 'direct-sandboxes-'));
    const missing = join(dir, 'electron-abi', 'better_sqlite3.node');
    sandboxes = createDirectSandboxes({ dataDir: dir, keyring: openKeyring(dir), log: quiet, logLevel: 'warn', scale: 1, nativeBinding: missing });
    await expect(sandboxes.start('alipay')).rejects.toThrow(/electron-abi/);
    expect(sandboxes.url('alipay')).toBeNull();
  }, 90_000);

  it('resumes nothing without an identity, and refuses an identity file that another provider’s or another keyring sealed', async () => {
    dir = await mkdtemp(join(tmpdir(), 'direct-sandboxes-'));
    sandboxes = open();
    expect(await sandboxes.resume('wechat_v2')).toBe(false);
    expect(sandboxes.url('wechat_v2')).toBeNull();
    const made = await sandboxes.start('wechat_v2');
    expect(made.identity).toMatchObject({ provider: 'wechat_v2', till: { signType: 'HMAC-SHA256', apiKey: expect.stringMatching(/^[0-9a-f]{32}$/) } });
    await sandboxes.close();

    // wechat_v2's identity put where wechat_v3's belongs is refused, not started as v3.
    const sealed = await readFile(join(dir, 'direct-sandboxes', 'wechat_v2.identity'), 'utf8');
    await writeFile(join(dir, 'direct-sandboxes', 'wechat_v3.identity'), sealed);
    sandboxes = open();
    await expect(sandboxes.resume('wechat_v3')).rejects.toThrow(/wechat_v2's sandbox identity/);
    // A keyring that did not seal it cannot open it.
    await writeFile(join(dir, 'keys', 'terminal.key'), Buffer.alloc(32, 7));
    await sandboxes.close();
    sandboxes = open();
    await expect(sandboxes.resume('wechat_v2')).rejects.toThrow();
    expect(sandboxes.url('wechat_v2')).toBeNull();
  }, 90_000);
});

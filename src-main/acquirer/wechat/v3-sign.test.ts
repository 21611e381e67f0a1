import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import SIGN_MESSAGE from './spec-fixtures-v3/sign-message.json';
import { parseV3Authorization, rsaSha256Verify, signV3Reply, v3Authorization, v3KeyProblem, v3Message, verifyV3Reply } from './v3-sign';

const pair = () => generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const merchant = pair();
const platform = pair();
const stranger = pair();
const PLATFORM = { serial: 'PUB_KEY_ID_0114232134912410000000000000000', publicKey: platform.publicKey };
const NOW = new Date('2026-12-05T02:00:00.000Z');
const TS = String(NOW.getTime() / 1000);

describe('WeChat Pay v3 request signing', () => {
  it('builds the documented message: method, URL, timestamp, nonce and body, each line ended by \\n', () => {
    // 签名生成's own example (GET /v3/certificates, empty body).
    expect(v3Message(SIGN_MESSAGE.lines)).toBe(SIGN_MESSAGE.message);
  });

  it('signs with SHA256withRSA as openssl verifies it, in the documented Authorization form', () => {
    const body = '{"appid":"wxd678efh567hg6787","mchid":"1230000109","amount":{"total":100,"currency":"CNY"}}';
    const header = v3Authorization({ mchId: '1230000109', serialNo: '1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C', privateKey: merchant.privateKey }, { method: 'post', url: '/v3/pay/transactions/codepay', body }, { timestamp: TS, nonce: 'NONCE42' });
    expect(header).toMatch(/^WECHATPAY2-SHA256-RSA2048 mchid="1230000109",nonce_str="NONCE42",signature="[A-Za-z0-9+/]+={0,2}",timestamp="\d+",serial_no="1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C"$/);
    const parts = parseV3Authorization(header)!;
    expect(parts).toMatchObject({ mchid: '1230000109', nonce_str: 'NONCE42', timestamp: TS, serial_no: '1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C' });
    const message = `POST\n/v3/pay/transactions/codepay\n${TS}\nNONCE42\n${body}\n`;
    // An independent implementation: the system's openssl.
    const dir = mkdtempSync(join(tmpdir(), 'v3-sign-'));
    writeFileSync(join(dir, 'msg'), message);
    writeFileSync(join(dir, 'sig'), Buffer.from(parts.signature, 'base64'));
    writeFileSync(join(dir, 'pub.pem'), merchant.publicKey);
    expect(execFileSync('openssl', ['dgst', '-sha256', '-verify', join(dir, 'pub.pem'), '-signature', join(dir, 'sig'), join(dir, 'msg')]).toString()).toContain('Verified OK');
    expect(rsaSha256Verify(message, parts.signature, merchant.publicKey)).toBe(true);
    expect(rsaSha256Verify(message.replace('100', '101'), parts.signature, merchant.publicKey)).toBe(false);
  });

  it('reads no Authorization that is not the v3 scheme with all five parts', () => {
    expect(parseV3Authorization(undefined)).toBeNull();
    expect(parseV3Authorization('Bearer x')).toBeNull();
    expect(parseV3Authorization('WECHATPAY2-SHA256-RSA2048 mchid="1",nonce_str="n",timestamp="1",serial_no="s"')).toBeNull();
  });
});

describe('WeChat Pay v3 reply verification', () => {
  const body = '{"out_trade_no":"1217752501201407033233368018","trade_state":"SUCCESS","amount":{"total":100,"currency":"CNY"}}';
  const signed = (b = body, key = platform.privateKey, at = TS) => Object.fromEntries(Object.entries(signV3Reply(b, { serial: PLATFORM.serial, privateKey: key }, { timestamp: at, nonce: 'abc' })).map(([k, v]) => [k.toLowerCase(), v]));

  it('accepts a reply signed by the platform key over its exact body', () => {
    expect(verifyV3Reply(signed(), body, PLATFORM, NOW)).toEqual({ ok: true });
  });

  it('refuses a tampered body, a wrong key, another serial, a stale timestamp and missing headers', () => {
    expect(verifyV3Reply(signed(), body.replace('100', '1'), PLATFORM, NOW)).toEqual({ ok: false, reason: 'reply signature does not verify' });
    expect(verifyV3Reply(signed(body, stranger.privateKey), body, PLATFORM, NOW)).toEqual({ ok: false, reason: 'reply signature does not verify' });
    expect(verifyV3Reply({ ...signed(), 'wechatpay-serial': 'PUB_KEY_ID_OTHER' }, body, PLATFORM, NOW).ok).toBe(false);
    expect(verifyV3Reply(signed(body, platform.privateKey, String(Number(TS) - 301)), body, PLATFORM, NOW)).toMatchObject({ ok: false, reason: expect.stringContaining('5 minutes') });
    expect(verifyV3Reply(signed(body, platform.privateKey, String(Number(TS) + 301)), body, PLATFORM, NOW).ok).toBe(false);
    expect(verifyV3Reply(signed(body, platform.privateKey, String(Number(TS) - 299)), body, PLATFORM, NOW).ok).toBe(true);
    const { 'wechatpay-signature': _dropped, ...unsigned } = signed();
    expect(verifyV3Reply(unsigned, body, PLATFORM, NOW)).toEqual({ ok: false, reason: 'reply is not signed' });
    expect(verifyV3Reply({ ...signed(), 'wechatpay-signature': 'not base64!' }, body, PLATFORM, NOW).ok).toBe(false);
  });

  it('names what is wrong with the keys the technician typed', () => {
    expect(v3KeyProblem({ merchantKeyPem: merchant.privateKey, platformPublicKeyPem: platform.publicKey })).toBeNull();
    expect(v3KeyProblem({ merchantKeyPem: 'junk', platformPublicKeyPem: platform.publicKey })).toMatch(/private key cannot be read/);
    expect(v3KeyProblem({ merchantKeyPem: merchant.privateKey, platformPublicKeyPem: 'junk' })).toMatch(/platform public key/);
    const small = generateKeyPairSync('rsa', { modulusLength: 1024, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    expect(v3KeyProblem({ merchantKeyPem: small.privateKey, platformPublicKeyPem: platform.publicKey })).toMatch(/2048/);
  });
});

/**
 * A WeChat Pay v3 sandbox for tests: its HTTPS server certificate from the v2 helper's CA (127.0.0.1), a merchant
 * API certificate with an RSA 2048 key issued by openssl (v3 signs requests with that key, named by the
 * certificate's serial), and the platform key pair the sandbox signs replies with, named like WeChat's public key ids.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WechatV3Settings } from '../../src-common/payment-provider';
import { startWechatV3Sandbox, type WechatV3Sandbox } from '../../src-main/acquirer/wechat/sandbox-v3';
import { tempDir } from './host';
import { makeWechatCertificates, type WechatCertificates } from './wechat-sandbox';

export interface WechatV3Keys {
  tls: WechatCertificates;
  merchant: { certPem: string; keyPem: string; serialNo: string; publicKeyPem: string };
  platform: { serial: string; publicKeyPem: string; privateKeyPem: string };
}

/** `merchantDays`: how long the merchant API certificate lasts (negative: already expired, by openssl's -days 1 and a clock). */
export function makeWechatV3Keys(merchantDays = 30): WechatV3Keys {
  const dir = tempDir('wechat-v3-keys-');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'apiclient_key.pem'), '-out', join(dir, 'apiclient_cert.pem'), '-days', String(merchantDays), '-subj', '/CN=1230000109/O=WeChat Pay sandbox merchant'],
    { stdio: 'ignore' },
  );
  const certPem = readFileSync(join(dir, 'apiclient_cert.pem'), 'utf8');
  const keyPem = readFileSync(join(dir, 'apiclient_key.pem'), 'utf8');
  const cert = new X509Certificate(certPem);
  const platform = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  return {
    tls: makeWechatCertificates(),
    merchant: { certPem, keyPem, serialNo: cert.serialNumber.toUpperCase(), publicKeyPem: cert.publicKey.export({ type: 'spki', format: 'pem' }).toString() },
    platform: { serial: 'PUB_KEY_ID_0112300001092026120500000000000001', publicKeyPem: platform.publicKey, privateKeyPem: platform.privateKey },
  };
}

export const TEST_V3_MERCHANT = { appId: 'wxd678efa567ab6787', mchId: '1230000109' } as const;

/** A sub-merchant of the test merchant when it plays an institution at the global API. */
export const TEST_V3_SUB_MCHID = '1900000109';

export async function startTestWechatV3Sandbox(keys: WechatV3Keys, options: { scale?: number; dbPath?: string; cnyRates?: Record<string, string> } = {}): Promise<WechatV3Sandbox> {
  return startWechatV3Sandbox({
    dbPath: options.dbPath ?? join(tempDir('wechat-v3-sandbox-'), 'wechat-v3.sqlite'),
    tls: { cert: keys.tls.server.cert, key: keys.tls.server.key },
    merchant: { ...TEST_V3_MERCHANT, serialNo: keys.merchant.serialNo, publicKeyPem: keys.merchant.publicKeyPem, subMchId: TEST_V3_SUB_MCHID },
    ...(options.cnyRates ? { cnyRates: options.cnyRates } : {}),
    platform: { serial: keys.platform.serial, privateKeyPem: keys.platform.privateKeyPem },
    scale: options.scale ?? 1,
  });
}

/**
 * What the technician types for the test merchant at this sandbox; `global` adds what the global API needs (a store
 * not in CNY): common mode, or institutional mode for TEST_V3_SUB_MCHID.
 */
export function testWechatV3Settings(sandbox: { url: string }, keys: WechatV3Keys, global?: 'common' | 'institutional'): WechatV3Settings {
  return {
    ...(global ? { globalMode: global, merchantCategoryCode: '5499', ...(global === 'institutional' ? { subMchId: TEST_V3_SUB_MCHID } : {}) } : {}),
    baseUrl: sandbox.url,
    ...TEST_V3_MERCHANT,
    merchantSerialNo: keys.merchant.serialNo,
    merchantCertPem: keys.merchant.certPem,
    merchantKeyPem: keys.merchant.keyPem,
    platformPublicKeyPem: keys.platform.publicKeyPem,
    platformSerial: keys.platform.serial,
    caPem: keys.tls.serverCa,
  };
}

import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../db/migrate';
import { migrations } from '../../db/migrations';
import type { Session } from '../../src-common/roles';
import { openKeyring } from '../keyring';
import { createAuditService } from './audit';
import { createPaymentRoutesService } from './payment-routes';

const API_KEY = '192006250b4c09247ec02edce69f6a2d';

function selfSigned(dir: string, days: number) {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', String(days), '-subj', '/CN=1900000109'], { stdio: 'ignore' });
  return { certPem: readFileSync(join(dir, 'c.pem'), 'utf8'), keyPem: readFileSync(join(dir, 'k.pem'), 'utf8') };
}

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'routes-'));
  const db = new Sqlite(':memory:');
  migrate(db, migrations);
  let now = Date.now();
  const clock = { now: () => new Date(now) };
  const audit = createAuditService({ db, clock });
  const routes = createPaymentRoutesService({ db, clock, keyring: openKeyring(dir), audit });
  const session = { caller: { role: 'technician', userId: null } } as unknown as Session;
  const settings = { baseUrl: 'https://api.mch.weixin.qq.com', appId: 'wx8888888888888888', mchId: '1900000109', signType: 'MD5' as const, apiKey: API_KEY, ...selfSigned(dir, 365) };
  return { db, audit, routes, session, settings, later: (ms: number) => (now += ms) };
}

describe('payment routes and provider settings', () => {
  it('sends every wallet to the aggregator until told otherwise, and refuses a route to a provider not set up', () => {
    const { routes, session } = setup();
    expect(routes.status().routes.every((r) => r.provider === 'aggregator')).toBe(true);
    expect(routes.status().providers.find((p) => p.provider === 'wechat_v2')).toMatchObject({ configured: false, problems: ['not_configured'] });
    expect(() => routes.setRoutes([{ wallet: 'wechat', provider: 'wechat_v2' }], session)).toThrow(/not_configured/);
  });

  it('seals the API key and the certificate’s private key at rest, names the certificate’s end, and audits without secrets', () => {
    const { db, audit, routes, session, settings } = setup();
    const status = routes.setWechatV2(settings, session);
    expect(status.providers.find((p) => p.provider === 'wechat_v2')).toMatchObject({ configured: true, problems: [], settings: { appId: settings.appId, mchId: '1900000109', signType: 'MD5' } });
    const stored = JSON.stringify(db.prepare('SELECT * FROM payment_provider').all());
    expect(stored).not.toContain(API_KEY);
    expect(stored).not.toContain('PRIVATE KEY');
    expect(routes.wechatV2()?.settings).toEqual(settings);
    const logged = JSON.stringify(audit.list());
    expect(logged).toContain('gateway.setProvider');
    expect(logged).not.toContain(API_KEY);
    routes.setRoutes([{ wallet: 'wechat', provider: 'wechat_v2' }], session);
    expect(routes.status().routes.find((r) => r.wallet === 'wechat')?.provider).toBe('wechat_v2');
    expect(audit.list()[0]).toMatchObject({ action: 'gateway.setRoutes' });
  });

  it('names a certificate about to expire, then expired, before the first sale; an expired one takes no new route', () => {
    const { routes, session, settings, later } = setup();
    routes.setWechatV2(settings, session);
    later(340 * 24 * 3600_000);
    expect(routes.status().providers.find((p) => p.provider === 'wechat_v2')?.problems).toEqual(['certificate_expiring']);
    later(30 * 24 * 3600_000);
    expect(routes.status().providers.find((p) => p.provider === 'wechat_v2')?.problems).toEqual(['certificate_expired']);
    expect(() => routes.setRoutes([{ wallet: 'wechat', provider: 'wechat_v2' }], session)).toThrow(/certificate_expired/);
  });
});

describe('WeChat Pay v3 settings', () => {
  function v3Keys(dir: string, days: number) {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'v3k.pem'), '-out', join(dir, 'v3c.pem'), '-days', String(days), '-subj', '/CN=1230000109'], { stdio: 'ignore' });
    const certPem = readFileSync(join(dir, 'v3c.pem'), 'utf8');
    const platform = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
    return {
      baseUrl: 'https://api.mch.weixin.qq.com',
      appId: 'wxd678efa567ab6787',
      mchId: '1230000109',
      merchantSerialNo: new X509Certificate(certPem).serialNumber,
      merchantCertPem: certPem,
      merchantKeyPem: readFileSync(join(dir, 'v3k.pem'), 'utf8'),
      platformPublicKeyPem: platform.publicKey,
      platformSerial: 'PUB_KEY_ID_0112300001092026120500000000000001',
    };
  }

  it('seals the private key, names the merchant certificate’s end, and takes a route once set up', () => {
    const { db, audit, routes, session, later } = setup();
    const settings = v3Keys(mkdtempSync(join(tmpdir(), 'v3-')), 365);
    expect(routes.status().providers.find((p) => p.provider === 'wechat_v3')).toMatchObject({ configured: false, problems: ['not_configured'] });
    expect(() => routes.setRoutes([{ wallet: 'wechat', provider: 'wechat_v3' }], session)).toThrow(/not_configured/);
    const status = routes.setWechatV3(settings, session);
    expect(status.providers.find((p) => p.provider === 'wechat_v3')).toMatchObject({
      configured: true,
      problems: [],
      settings: { appId: settings.appId, mchId: settings.mchId, merchantSerialNo: settings.merchantSerialNo, platformSerial: settings.platformSerial },
      certificateNotAfter: new Date(new X509Certificate(settings.merchantCertPem).validTo).toISOString(),
    });
    const stored = JSON.stringify(db.prepare("SELECT * FROM payment_provider WHERE provider = 'wechat_v3'").all());
    expect(stored).not.toContain('PRIVATE KEY');
    expect(JSON.stringify(audit.list())).not.toContain('PRIVATE KEY');
    expect(routes.wechatV3()?.settings).toEqual(settings);
    routes.setRoutes([{ wallet: 'wechat', provider: 'wechat_v3' }], session);
    expect(routes.status().routes.find((r) => r.wallet === 'wechat')?.provider).toBe('wechat_v3');
    later(366 * 24 * 3600_000);
    expect(routes.status().providers.find((p) => p.provider === 'wechat_v3')?.problems).toEqual(['certificate_expired']);
  });

  it('watches a platform certificate’s end too, when one is given instead of the public key', () => {
    const { routes, session } = setup();
    const dir = mkdtempSync(join(tmpdir(), 'v3-'));
    const settings = v3Keys(dir, 365);
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'pk.pem'), '-out', join(dir, 'pc.pem'), '-days', '20', '-subj', '/CN=Tenpay.com Root CA'], { stdio: 'ignore' });
    const platformCert = readFileSync(join(dir, 'pc.pem'), 'utf8');
    const status = routes.setWechatV3({ ...settings, platformPublicKeyPem: platformCert, platformSerial: new X509Certificate(platformCert).serialNumber }, session);
    expect(status.providers.find((p) => p.provider === 'wechat_v3')).toMatchObject({
      certificateNotAfter: new Date(new X509Certificate(platformCert).validTo).toISOString(),
      problems: ['certificate_expiring'],
    });
  });

  it('refuses, changing nothing, a serial that is not the certificate’s, a key that is not the certificate’s, and keys that do not read', () => {
    const { db, routes, session } = setup();
    const dir = mkdtempSync(join(tmpdir(), 'v3-'));
    const settings = v3Keys(dir, 365);
    const other = v3Keys(mkdtempSync(join(tmpdir(), 'v3-')), 365);
    expect(() => routes.setWechatV3({ ...settings, merchantSerialNo: other.merchantSerialNo }, session)).toThrow(/serial/);
    expect(() => routes.setWechatV3({ ...settings, merchantKeyPem: other.merchantKeyPem }, session)).toThrow(/not for this private key/);
    expect(() => routes.setWechatV3({ ...settings, platformPublicKeyPem: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----' }, session)).toThrow(/platform public key/);
    expect(() => routes.setWechatV3({ ...settings, merchantCertPem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----' }, session)).toThrow(/cannot be read/);
    expect(db.prepare("SELECT count(*) FROM payment_provider WHERE provider = 'wechat_v3'").pluck().get()).toBe(0);
  });
});

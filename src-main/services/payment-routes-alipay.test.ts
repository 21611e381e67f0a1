import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../db/migrate';
import { migrations } from '../../db/migrations';
import type { AlipaySettings } from '../../src-common/payment-provider';
import type { Session } from '../../src-common/roles';
import { openKeyring } from '../keyring';
import { createAuditService } from './audit';
import { createPaymentRoutesService } from './payment-routes';

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'routes-alipay-'));
  const db = new Sqlite(':memory:');
  migrate(db, migrations);
  const clock = { now: () => new Date() };
  const audit = createAuditService({ db, clock });
  const routes = createPaymentRoutesService({ db, clock, keyring: openKeyring(dir), audit });
  const session = { caller: { role: 'technician', userId: null } } as unknown as Session;
  const app = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const alipay = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const settings: AlipaySettings = {
    gatewayUrl: 'https://openapi.alipay.com/gateway.do',
    appId: '2021000122671080',
    privateKeyPem: app.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    alipayPublicKeyPem: alipay.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
  return { db, audit, routes, session, settings };
}

describe('Alipay direct settings', () => {
  it('seals the app’s private key at rest, needs no certificate of its own, audits without secrets, and takes the Alipay route', () => {
    const { db, audit, routes, session, settings } = setup();
    expect(routes.status().providers.find((p) => p.provider === 'alipay')).toMatchObject({ configured: false, problems: ['not_configured'], wallets: ['alipay'] });
    expect(() => routes.setRoutes([{ wallet: 'alipay', provider: 'alipay' }], session)).toThrow(/not_configured/);

    const status = routes.setAlipay(settings, session);
    expect(status.providers.find((p) => p.provider === 'alipay')).toMatchObject({
      configured: true,
      problems: [],
      certificateNotAfter: null,
      capabilities: ['codePay', 'merchantQr', 'refund', 'reverse', 'statement'],
      settings: { gatewayUrl: settings.gatewayUrl, appId: settings.appId },
    });
    const stored = JSON.stringify(db.prepare('SELECT * FROM payment_provider').all());
    expect(stored).not.toContain('PRIVATE KEY');
    expect(routes.alipay()?.settings).toEqual(settings);
    const logged = JSON.stringify(audit.list());
    expect(logged).toContain('gateway.setProvider');
    expect(logged).not.toContain('PRIVATE KEY');

    routes.setRoutes([{ wallet: 'alipay', provider: 'alipay' }], session);
    expect(routes.status().routes.find((r) => r.wallet === 'alipay')?.provider).toBe('alipay');
  });

  it('refuses, changing nothing, keys that are not RSA keys, a bad app id or a plain-HTTP gateway; Alipay direct takes no other wallet', () => {
    const { db, routes, session, settings } = setup();
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => routes.setAlipay({ ...settings, privateKeyPem: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----' }, session)).toThrow(/RSA key/);
    expect(() => routes.setAlipay({ ...settings, privateKeyPem: ec.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() }, session)).toThrow(/RSA key/);
    expect(() => routes.setAlipay({ ...settings, appId: '202100012267108' }, session)).toThrow();
    expect(() => routes.setAlipay({ ...settings, gatewayUrl: 'http://openapi.alipay.com/gateway.do' }, session)).toThrow();
    expect(() => routes.setAlipay({ ...settings, caPem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----' }, session)).toThrow(/CA certificate/);
    expect(db.prepare('SELECT count(*) AS n FROM payment_provider').get()).toEqual({ n: 0 });
    routes.setAlipay(settings, session);
    expect(() => routes.setRoutes([{ wallet: 'wechat', provider: 'alipay' }], session)).toThrow();
  });
});

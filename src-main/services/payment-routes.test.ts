import { execFileSync } from 'node:child_process';
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

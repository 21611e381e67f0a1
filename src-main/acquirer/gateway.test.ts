import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../db/migrate';
import { migrations } from '../../db/migrations';
import { PROVIDER_CAPABILITIES } from '../../src-common/payment-provider';
import { aggregatorProvider, createPaymentGateway, routedByOrder, type PaymentProvider, type ProviderPort } from './gateway';
import type { AcquirerPort, TerminalCredentials } from './port';

const NOW = '2026-12-05T02:00:00.000Z';
const CREDS: TerminalCredentials = { terminalSn: 'T1', terminalKey: 'k', keyDate: '2026-12-05' };

/** A port that records who was asked what. */
function recordingAggregator(calls: string[]): AcquirerPort {
  const note = (what: string) => (creds: TerminalCredentials, input: unknown) => {
    calls.push(`aggregator.${what}:${creds.terminalSn}:${typeof input === 'string' ? input : (input as { clientSn: string }).clientSn}`);
    return Promise.resolve({ kind: 'cancelled' } as never);
  };
  return {
    activate: () => Promise.reject(new Error('no')),
    checkin: () => Promise.reject(new Error('no')),
    pay: note('pay'),
    precreate: note('precreate'),
    query: note('query'),
    cancel: note('cancel'),
    revoke: note('revoke'),
    refund: note('refund'),
    refundStatus: note('refundStatus'),
    statement: () => Promise.resolve([]),
  };
}

function recordingDirect(calls: string[]): PaymentProvider {
  const note = (what: string) => (input: unknown) => {
    calls.push(`wechat_v2.${what}:${typeof input === 'string' ? input : (input as { clientSn: string }).clientSn}`);
    return Promise.resolve({ kind: 'cancelled' } as never);
  };
  const port: ProviderPort = { pay: note('pay'), precreate: note('precreate'), query: note('query'), cancel: note('cancel'), revoke: note('revoke'), refund: note('refund'), refundStatus: note('refundStatus'), statement: () => Promise.resolve([]) };
  return { id: 'wechat_v2', capabilities: new Set(PROVIDER_CAPABILITIES.wechat_v2), connect: () => Promise.resolve(port) };
}

function setup(directConfigured = true) {
  const db = new Sqlite(':memory:');
  migrate(db, migrations);
  db.prepare("INSERT INTO sale (id, terminal_id, status, currency, opened_at, total) VALUES ('S1', 'T', 'open', 'CNY', ?, 900)").run(NOW);
  const pay = db.prepare(`INSERT INTO payment (id, sale_id, client_sn, kind, wallet, amount, status, state, created_at, updated_at, provider) VALUES (?, 'S1', ?, 'code', 'wechat', 900, 'pending', '{}', ?, ?, ?)`);
  pay.run('P1', 'SN-AGG', NOW, NOW, 'aggregator');
  pay.run('P2', 'SN-WX', NOW, NOW, 'wechat_v2');
  const calls: string[] = [];
  const aggregatorPort = recordingAggregator(calls);
  const gateway = createPaymentGateway({ db, aggregator: aggregatorProvider(aggregatorPort, () => Promise.resolve(CREDS)), direct: () => (directConfigured ? recordingDirect(calls) : null) });
  return { db, calls, gateway, routed: routedByOrder(db, aggregatorPort, gateway) };
}

describe('the payment gateway', () => {
  it('routes a wallet by the table, the aggregator when there is no row', () => {
    const { db, gateway } = setup();
    expect(gateway.providerFor('wechat')).toBe('aggregator');
    db.prepare("INSERT INTO payment_route (wallet, provider, updated_at) VALUES ('wechat', 'wechat_v2', ?)").run(NOW);
    expect(gateway.providerFor('wechat')).toBe('wechat_v2');
    expect(gateway.providerFor('alipay')).toBe('aggregator');
  });

  it('offers a merchant QR only where the wallet’s provider can make one, and nothing for a provider not set up', () => {
    const { db, gateway } = setup(false);
    expect(gateway.offers('wechat', 'merchantQr')).toBe(true);
    db.prepare("INSERT INTO payment_route (wallet, provider, updated_at) VALUES ('wechat', 'wechat_v2', ?)").run(NOW);
    expect(gateway.offers('wechat', 'merchantQr')).toBe(false);
    expect(gateway.offers('wechat', 'codePay')).toBe(false);
    expect(() => gateway.provider('wechat_v2')).toThrow(/not set up/);
    expect(setup(true).gateway.provider('wechat_v2').capabilities.has('codePay')).toBe(true);
  });

  it('sends each order’s calls to the provider that took it (refunds, voids, queries), whatever the routing says', async () => {
    const { routed, calls } = setup();
    await routed.query(CREDS, 'SN-AGG');
    await routed.query(CREDS, 'SN-WX');
    await routed.refund(CREDS, { clientSn: 'SN-WX', refundRequestNo: 'R1', amount: 100, operator: 'u' });
    await routed.revoke(CREDS, 'SN-AGG');
    await routed.refundStatus(CREDS, { clientSn: 'SN-WX', refundRequestNo: 'R1', amount: 100, refundedBefore: 0 });
    expect(calls).toEqual(['aggregator.query:T1:SN-AGG', 'wechat_v2.query:SN-WX', 'wechat_v2.refund:SN-WX', 'aggregator.revoke:T1:SN-AGG', 'wechat_v2.refundStatus:SN-WX']);
  });
});

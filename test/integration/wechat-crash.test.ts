import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WechatV2Sandbox } from '../../src-main/acquirer/wechat/sandbox-v2';
import type { HostProcess } from '../helpers/host';
import { killMidPayment } from '../helpers/direct-provider-crash';
import { makeWechatCertificates, startTestWechatSandbox, testWechatSettings, type WechatCertificates } from '../helpers/wechat-sandbox';

/**
 * Fault injection for WeChat Pay direct, as payment-crash.test.ts for the aggregator: the terminal is killed
 * (SIGKILL) after a WeChat payment is committed and sent to WeChat (the v2 sandbox, in this test's process, lives
 * on), before its answer is recorded. After a restart the payment must be paid once or reversed at WeChat.
 */
describe('a terminal killed in the middle of a WeChat Pay direct payment', () => {
  let certs: WechatCertificates;
  const sandboxes: WechatV2Sandbox[] = [];
  const hosts: HostProcess[] = [];

  beforeAll(() => {
    certs = makeWechatCertificates();
  });
  afterAll(async () => {
    for (const h of hosts) await h.stop();
    for (const s of sandboxes) await s.close();
  });

  /** `scale`: how slowly WeChat pays the held request (5000: 2 s × scale). */
  async function crashDuringPayment(scale: number, timings: Record<string, number>) {
    const sandbox = await startTestWechatSandbox(certs, { scale });
    sandboxes.push(sandbox);
    const { status, clientSn, total } = await killMidPayment({
      hosts,
      wallet: 'wechat',
      provider: 'wechat_v2',
      timings,
      hasOrder: (clientSn) => Boolean(sandbox.order(clientSn)),
      setUp: async (api) => {
        expect((await api.call('gateway.setWechatV2', testWechatSettings(sandbox, certs, 'MD5'))).ok).toBe(true);
        expect((await api.call('gateway.setRoutes', { routes: [{ wallet: 'wechat', provider: 'wechat_v2' }] })).ok).toBe(true);
      },
    });
    return { status, order: sandbox.order(clientSn), total, orders: sandbox.orders().filter((o) => o.outTradeNo === clientSn).length };
  }

  it('finds the payment paid after the restart and completes the sale, charged once', async () => {
    const { status, order, total, orders } = await crashDuringPayment(1, { pollIntervalMs: 100, pollDeadlineMs: 10_000, cancelRetryMs: 100, maxCancelAttempts: 5 });
    expect(status).toEqual({ status: 'paid', sale_status: 'completed' });
    expect(orders).toBe(1);
    expect(order).toMatchObject({ tradeState: 'SUCCESS', totalFee: total, refunded: 0 });
  });

  it('reverses at WeChat (mutual TLS) a payment still unconfirmed at the deadline; the sale stays open', async () => {
    // WeChat would pay it only after 40 s: the terminal's deadline (200 ms) has passed by the time it is back up.
    const { status, order, total } = await crashDuringPayment(20, { pollIntervalMs: 100, pollDeadlineMs: 200, cancelRetryMs: 100, maxCancelAttempts: 5 });
    expect(status).toEqual({ status: 'reversed', sale_status: 'open' });
    expect(order).toMatchObject({ tradeState: 'REVOKED', totalFee: total });
  });
});

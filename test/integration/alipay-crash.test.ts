import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlipaySandbox } from '../../src-main/acquirer/alipay/sandbox';
import type { HostProcess } from '../helpers/host';
import { killMidPayment } from '../helpers/direct-provider-crash';
import { makeAlipayKeys, startTestAlipaySandbox, testAlipaySettings, type AlipayKeys } from '../helpers/alipay-sandbox';

/**
 * Fault injection for Alipay direct, as wechat-crash.test.ts for WeChat Pay: the terminal is killed (SIGKILL) after
 * an Alipay payment is committed and sent to the gateway (the sandbox, in this test's process, lives on), before its
 * answer is recorded. After a restart the payment must be paid once or cancelled at Alipay.
 */
describe('a terminal killed in the middle of an Alipay direct payment', () => {
  let keys: AlipayKeys;
  const sandboxes: AlipaySandbox[] = [];
  const hosts: HostProcess[] = [];

  beforeAll(() => {
    keys = makeAlipayKeys();
  });
  afterAll(async () => {
    for (const h of hosts) await h.stop();
    for (const s of sandboxes) await s.close();
  });

  /** `scale`: how slowly Alipay pays the held request (5000: 2 s × scale). */
  async function crashDuringPayment(scale: number, timings: Record<string, number>) {
    const sandbox = await startTestAlipaySandbox(keys, { scale });
    sandboxes.push(sandbox);
    const { status, clientSn, total } = await killMidPayment({
      hosts,
      wallet: 'alipay',
      provider: 'alipay',
      timings,
      hasOrder: (clientSn) => Boolean(sandbox.order(clientSn)),
      setUp: async (api) => {
        expect((await api.call('gateway.setAlipay', testAlipaySettings(sandbox, keys))).ok).toBe(true);
        expect((await api.call('gateway.setRoutes', { routes: [{ wallet: 'alipay', provider: 'alipay' }] })).ok).toBe(true);
      },
    });
    return { status, order: sandbox.order(clientSn), total, orders: sandbox.orders().filter((o) => o.outTradeNo === clientSn).length };
  }

  it('finds the payment paid after the restart and completes the sale, charged once', async () => {
    const { status, order, total, orders } = await crashDuringPayment(1, { pollIntervalMs: 100, pollDeadlineMs: 10_000, cancelRetryMs: 100, maxCancelAttempts: 5 });
    expect(status).toEqual({ status: 'paid', sale_status: 'completed' });
    expect(orders).toBe(1);
    expect(order).toMatchObject({ tradeStatus: 'TRADE_SUCCESS', totalAmount: total, refunded: 0 });
  });

  it('cancels at Alipay (trade.cancel) a payment still unconfirmed at the deadline; the sale stays open, nothing charged', async () => {
    // Alipay would pay it only after 40 s: the terminal's deadline (200 ms) has passed by the time it is back up.
    const { status, order, total } = await crashDuringPayment(20, { pollIntervalMs: 100, pollDeadlineMs: 200, cancelRetryMs: 100, maxCancelAttempts: 5 });
    expect(status).toEqual({ status: 'reversed', sale_status: 'open' });
    expect(order).toMatchObject({ tradeStatus: 'TRADE_CLOSED', closedBy: 'cancel', totalAmount: total, refunded: 0 });
  });
});

/**
 * What the direct-provider tests (WeChat Pay v2, v3, Alipay) share: a till whose payment timings are scaled down to
 * the sandboxes' speed, a sale of N scans, and a payment waited for until it is final (and, paid, its sale completed).
 */
import type { Session } from '../../src-common/roles';
import type { PaymentView } from '../../src-common/schemas';
import { startTestPos, type TestPos } from './pos';

const FINAL: readonly PaymentView['status'][] = ['paid', 'failed', 'reversed', 'needs_attention'];

/** A till with the payment engine's timings scaled to sandboxes that answer 50× faster than the real ones. */
export function startDirectProviderTill(): Promise<TestPos> {
  return startTestPos({
    acquirer: {
      sandboxSpeed: 0.02,
      timeouts: { payMs: 400, queryMs: 1000, otherMs: 1000 },
      timings: { pollIntervalMs: 40, pollDeadlineMs: 1500, cancelRetryMs: 40, maxCancelAttempts: 5 },
    },
  });
}

/** The open sale after scanning `barcode` `items` times. */
export async function saleOf(t: TestPos, cashier: Session, barcode: string, items: number) {
  for (let i = 0; i < items; i++) await t.ok(cashier, 'sale.scan', { code: barcode });
  return (await t.ok(cashier, 'sale.current', {}))!;
}

export interface SettledPayment {
  status: PaymentView['status'];
  failure_code: string | null;
  sale_status: string;
  provider: string;
  client_sn: string;
  amount: number;
  acquirer_sn: string | null;
}

/** The payment's row once it is final (and its sale completed when paid); throws after `timeoutMs`. */
export async function settledPayment(t: TestPos, paymentId: string, timeoutMs = 10_000): Promise<SettledPayment> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const [row] = t.query<SettledPayment>(
      'SELECT p.status, p.failure_code, s.status AS sale_status, p.provider, p.client_sn, p.amount, p.acquirer_sn FROM payment p JOIN sale s ON s.id = p.sale_id WHERE p.id = ?',
      paymentId,
    );
    if (row && FINAL.includes(row.status) && (row.status !== 'paid' || row.sale_status === 'completed')) return row;
    if (Date.now() > until) throw new Error(`payment ${paymentId} still ${row?.status}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

import { describe, expect, it } from 'vitest';
import { awaitingDurability } from './durable-port';

describe('an acquirer port awaiting durability', () => {
  it('sends nothing until what was committed before the call is on disk, then passes the call and its answer through', async () => {
    const order: string[] = [];
    let release!: () => void;
    const port = {
      name: 'sandbox',
      async pay(input: { clientSn: string }) {
        order.push(`pay ${input.clientSn}`);
        return { kind: 'paid' as const, clientSn: input.clientSn };
      },
    };
    const wrapped = awaitingDurability(port, () => {
      order.push('flush');
      return new Promise<void>((r) => (release = r));
    });
    expect(wrapped.name).toBe('sandbox');
    const answer = wrapped.pay({ clientSn: 'S1' });
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['flush']);
    release();
    expect(await answer).toEqual({ kind: 'paid', clientSn: 'S1' });
    expect(order).toEqual(['flush', 'pay S1']);
  });

  it('lets reads (query, refund status, statement) go at once: they change nothing at the acquirer', async () => {
    let flushes = 0;
    const port = { query: async (sn: string) => ({ kind: 'paid' as const, sn }), refund: async () => ({ kind: 'refunded' as const }) };
    const wrapped = awaitingDurability(port, async () => void flushes++);
    expect(await wrapped.query('S1')).toEqual({ kind: 'paid', sn: 'S1' });
    expect(flushes).toBe(0);
    await wrapped.refund();
    expect(flushes).toBe(1);
  });
});

import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { CallSpec } from '../src-common/contract';
import { PosError } from '../src-common/errors';
import { newSession, type Session } from '../src-common/roles';
import { createDispatcher, type HandlerMap } from './dispatch';

const contract = {
  'demo.echo': { input: z.object({ n: z.number().int() }).strict(), output: z.object({ n: z.number() }), access: 'any', summary: '' },
  'demo.ownerOnly': { input: z.object({}).strict(), output: z.literal('ok'), access: ['owner'], summary: '' },
  'demo.fails': { input: z.object({ kind: z.enum(['expected', 'bug', 'contract']) }), output: z.string(), access: 'any', summary: '' },
} as const satisfies Record<string, CallSpec>;

let echoed = 0;
const handlers: HandlerMap<typeof contract> = {
  'demo.echo': ({ n }) => {
    echoed += 1;
    return { n };
  },
  'demo.ownerOnly': () => 'ok' as const,
  'demo.fails': ({ kind }) => {
    if (kind === 'expected') throw new PosError('conflict', 'sale already completed', { saleId: 'S1' });
    if (kind === 'bug') throw new TypeError('undefined is not a function');
    return 42 as unknown as string;
  },
};

const dispatcher = createDispatcher(contract, handlers, pino({ level: 'silent' }));
const cashier: Session = { caller: { role: 'cashier', userId: 'U1' } };
const owner: Session = { caller: { role: 'owner', userId: 'U2' } };
const anonymous: Session = newSession();

describe('dispatcher', () => {
  it('answers a valid call with its value', async () => {
    expect(await dispatcher.dispatch('demo.echo', { n: 5 }, anonymous)).toEqual({ ok: true, value: { n: 5 } });
  });

  it('refuses a call the contract does not list', async () => {
    const result = await dispatcher.dispatch('__proto__', {}, owner);
    expect(result).toMatchObject({ ok: false, error: { code: 'unknown_call' } });
    expect(await dispatcher.dispatch(42, {}, owner)).toMatchObject({ ok: false, error: { code: 'unknown_call' } });
  });

  it('checks the role in main: anonymous is unauthenticated, a cashier is forbidden, the owner passes', async () => {
    expect(await dispatcher.dispatch('demo.ownerOnly', {}, anonymous)).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    expect(await dispatcher.dispatch('demo.ownerOnly', {}, cashier)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await dispatcher.dispatch('demo.ownerOnly', {}, owner)).toEqual({ ok: true, value: 'ok' });
  });

  it('rejects malformed input with details and never runs the handler', async () => {
    const before = echoed;
    const result = await dispatcher.dispatch('demo.echo', { n: 1.5, extra: true }, anonymous);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('validation_failed');
    expect(result.error.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'n' }), expect.objectContaining({ path: '(root)' })]),
    );
    expect(echoed).toBe(before);
  });

  it('turns a PosError into its code and details', async () => {
    expect(await dispatcher.dispatch('demo.fails', { kind: 'expected' }, anonymous)).toEqual({
      ok: false,
      error: { code: 'conflict', message: 'sale already completed', details: { saleId: 'S1' } },
    });
  });

  it('hides an unexpected error behind internal, without its message', async () => {
    const result = await dispatcher.dispatch('demo.fails', { kind: 'bug' }, anonymous);
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(result)).not.toContain('undefined is not a function');
  });

  it('refuses to send an output that breaks the contract', async () => {
    expect(await dispatcher.dispatch('demo.fails', { kind: 'contract' }, anonymous)).toMatchObject({
      ok: false,
      error: { code: 'internal' },
    });
  });

  it('answers, and refuses, only after beforeAnswer (the durability barrier) has resolved', async () => {
    const order: string[] = [];
    let release!: () => void;
    const gated = createDispatcher(contract, handlers, pino({ level: 'silent' }), {
      beforeAnswer: () => {
        order.push('barrier');
        return new Promise<void>((r) => (release = r));
      },
    });
    let answered = false;
    const answer = gated.dispatch('demo.echo', { n: 7 }, cashier).then((a) => {
      order.push('answer');
      answered = true;
      return a;
    });
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['barrier']);
    expect(answered).toBe(false);
    release();
    expect(await answer).toEqual({ ok: true, value: { n: 7 } });
    const refusal = gated.dispatch('demo.fails', { kind: 'expected' }, cashier);
    await new Promise((r) => setImmediate(r));
    release();
    expect(await refusal).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(order).toEqual(['barrier', 'answer', 'barrier']);
  });
});

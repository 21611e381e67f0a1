import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isFinal, QR_POLLING, step, submitted, type AcquirerAnswer, type CancelAnswer, type PaymentInput, type PaymentState, type PaymentTimings } from './payment-state';

const T: PaymentTimings = { pollIntervalMs: 4000, pollDeadlineMs: 45_000, cancelRetryMs: 5000, maxCancelAttempts: 10 };
const start = () => submitted(1999, 0);
const answer = (a: AcquirerAnswer, at: number): PaymentInput => ({ type: 'answer', answer: a, at });
const cancelAnswer = (a: CancelAnswer, at: number): PaymentInput => ({ type: 'cancel_answer', answer: a, at });

describe('payment state machine', () => {
  it('is paid when the acquirer says paid with the right amount', () => {
    const r = step(start(), answer({ kind: 'paid', amount: 1999, acquirerSn: 'S1' }, 100), T);
    expect(r.state).toMatchObject({ status: 'paid', acquirerSn: 'S1' });
    expect(r.action).toEqual({ kind: 'none' });
  });

  it('never accepts a different amount as paid', () => {
    expect(step(start(), answer({ kind: 'paid', amount: 1998, acquirerSn: 'S1' }, 100), T).state.status).toBe('needs_attention');
  });

  it('polls while the customer enters the PIN, then cancels at the deadline', () => {
    let r = step(start(), answer({ kind: 'pending', acquirerSn: 'S1' }, 500), T);
    expect(r).toMatchObject({ state: { status: 'pending' }, action: { kind: 'query', at: 4500 } });
    r = step(r.state, answer({ kind: 'pending', acquirerSn: null }, 43_000), T);
    expect(r.action).toEqual({ kind: 'query', at: 45_000 }); // the last poll lands on the deadline, not past it
    r = step(r.state, answer({ kind: 'pending', acquirerSn: null }, 45_000), T);
    expect(r).toMatchObject({ state: { status: 'cancelling', acquirerSn: 'S1' }, action: { kind: 'cancel', at: 45_000 } });
    r = step(r.state, cancelAnswer({ kind: 'cancelled' }, 45_100), T);
    expect(r.state.status).toBe('reversed');
  });

  it('polls a merchant QR every 2 s for the first 30 s, then every 5 s, until its deadline (precreate.md)', () => {
    const qr: PaymentTimings = { ...T, ...QR_POLLING, pollDeadlineMs: 240_000 };
    let state = start();
    const polls: number[] = [];
    for (let at = 0; ; ) {
      const r = step(state, answer({ kind: 'pending', acquirerSn: 'S1' }, at), qr);
      if (r.action.kind !== 'query') break;
      polls.push(r.action.at);
      state = r.state;
      at = r.action.at;
    }
    expect(polls.slice(0, 16)).toEqual([2000, 4000, 6000, 8000, 10_000, 12_000, 14_000, 16_000, 18_000, 20_000, 22_000, 24_000, 26_000, 28_000, 30_000, 35_000]);
    expect(polls.at(-1)).toBe(240_000);
    expect(new Set(polls.slice(15).map((t, i, all) => (i === 0 ? 5000 : t - all[i - 1]!)))).toEqual(new Set([5000]));
    // A barcode payment keeps its own interval.
    expect(step(start(), answer({ kind: 'pending', acquirerSn: 'S1' }, 0), T).action).toEqual({ kind: 'query', at: 4000 });
  });

  it('takes a late payment when the cancel loses the race', () => {
    let r = step(start(), { type: 'cashier_cancel', at: 1000 }, T);
    expect(r.action).toEqual({ kind: 'cancel', at: 1000 });
    r = step(r.state, cancelAnswer({ kind: 'failed', message: 'already paid' }, 1100), T);
    expect(r.action).toEqual({ kind: 'query', at: 1100 });
    r = step(r.state, answer({ kind: 'paid', amount: 1999, acquirerSn: 'S9' }, 1200), T);
    expect(r.state.status).toBe('paid');
  });

  it('repeats the cancel while the acquirer asks, and gives up to a person after the limit', () => {
    let r = step(start(), { type: 'cashier_cancel', at: 0 }, T);
    for (let i = 1; i < T.maxCancelAttempts; i++) {
      r = step(r.state, cancelAnswer({ kind: 'in_progress' }, i * 5000), T);
      expect(r).toMatchObject({ state: { status: 'cancelling', cancelAttempts: i }, action: { kind: 'cancel', at: i * 5000 + T.cancelRetryMs } });
    }
    r = step(r.state, cancelAnswer({ kind: 'unknown', reason: 'timeout' }, 99_000), T);
    expect(r.state.status).toBe('needs_attention');
  });

  it('when the order was never found, cancels its client_sn at the deadline and fails only once the cancel is confirmed', () => {
    let r = step(start(), answer({ kind: 'unknown', reason: 'HTTP 500' }, 100), T);
    r = step(r.state, answer({ kind: 'not_found' }, 45_000), T);
    // A pay request still on the network would be paid after the cashier took cash: it is cancelled first.
    expect(r).toMatchObject({ state: { status: 'cancelling', failure: null }, action: { kind: 'cancel', at: 45_000 } });
    r = step(r.state, cancelAnswer({ kind: 'in_progress' }, 45_100), T);
    expect(r).toMatchObject({ state: { status: 'cancelling' }, action: { kind: 'cancel' } });
    r = step(r.state, cancelAnswer({ kind: 'cancelled' }, 50_100), T);
    expect(r.state).toMatchObject({ status: 'failed', failure: { code: 'other' } });
  });

  it('never declares a timed-out or lost payment failed without a confirmed cancel (property)', () => {
    const lost = fc.oneof(fc.constant<AcquirerAnswer>({ kind: 'unknown', reason: 'timeout' }), fc.constant<AcquirerAnswer>({ kind: 'not_found' }));
    fc.assert(
      fc.property(fc.array(fc.tuple(lost, fc.integer({ min: 1, max: 20_000 })), { minLength: 1, maxLength: 12 }), (answers) => {
        let s = start();
        let at = 0;
        let cancelConfirmed = false;
        for (const [a, dt] of answers) {
          at += dt;
          const r = step(s, answer(a, at), T);
          if (r.action.kind === 'cancel') {
            const c = step(r.state, cancelAnswer({ kind: 'cancelled' }, at), T);
            cancelConfirmed = true;
            s = c.state;
            break;
          }
          s = r.state;
        }
        if (s.status === 'failed') expect(cancelConfirmed).toBe(true);
      }),
    );
  });

  it('an order-number conflict is not a failure: the earlier order may be paid, so it asks', () => {
    const r = step(start(), answer({ kind: 'failed', code: 'order_conflict', message: 'CLIENT_SN_CONFLICT' }, 100), T);
    expect(r).toMatchObject({ state: { status: 'unknown' }, action: { kind: 'query' } });
  });

  it('a definite failure is final and keeps its reason', () => {
    const r = step(start(), answer({ kind: 'failed', code: 'insufficient_funds', message: '余额不足' }, 100), T);
    expect(r.state).toMatchObject({ status: 'failed', failure: { code: 'insufficient_funds' } });
    expect(step(r.state, answer({ kind: 'paid', amount: 1999, acquirerSn: 'x' }, 200), T).state.status).toBe('failed');
  });

  it('always ends in a final state, is paid only when told so with the right amount, and never waits past the deadline (property)', () => {
    const acquirerAnswer = fc.oneof(
      fc.constant<AcquirerAnswer>({ kind: 'pending', acquirerSn: 'S' }),
      fc.constant<AcquirerAnswer>({ kind: 'unknown', reason: 'timeout' }),
      fc.constant<AcquirerAnswer>({ kind: 'not_found' }),
      fc.constant<AcquirerAnswer>({ kind: 'cancelled' }),
      fc.constant<AcquirerAnswer>({ kind: 'failed', code: 'declined', message: 'no' }),
      fc.integer({ min: 1998, max: 2000 }).map<AcquirerAnswer>((amount) => ({ kind: 'paid', amount, acquirerSn: 'S' })),
    );
    const cancel = fc.oneof(
      fc.constant<CancelAnswer>({ kind: 'cancelled' }),
      fc.constant<CancelAnswer>({ kind: 'in_progress' }),
      fc.constant<CancelAnswer>({ kind: 'unknown', reason: 'x' }),
      fc.constant<CancelAnswer>({ kind: 'failed', message: 'x' }),
    );
    fc.assert(
      fc.property(fc.array(acquirerAnswer, { minLength: 200, maxLength: 200 }), fc.array(cancel, { minLength: 200, maxLength: 200 }), (answers, cancels) => {
        let state: PaymentState = start();
        let action = step(state, answers[0]!.kind === 'paid' ? answer({ kind: 'pending', acquirerSn: null }, 0) : answer(answers[0]!, 0), T);
        state = action.state;
        let sawRightPaid = false;
        for (let i = 1; i < 200 && !isFinal(state.status); i++) {
          const next = action.action;
          expect(next.kind).not.toBe('none');
          const at = next.kind === 'none' ? 0 : next.at;
          if (next.kind === 'query') {
            expect(state.status === 'cancelling' || at <= T.pollDeadlineMs).toBe(true);
            const a = answers[i]!;
            if (a.kind === 'paid' && a.amount === 1999) sawRightPaid = true;
            action = step(state, answer(a, at), T);
          } else {
            action = step(state, cancelAnswer(cancels[i]!, at), T);
          }
          state = action.state;
        }
        expect(isFinal(state.status)).toBe(true);
        if (state.status === 'paid') expect(sawRightPaid).toBe(true);
      }),
    );
  });
});

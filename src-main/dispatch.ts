import type { z } from 'zod';
import type { CallSpec } from '../src-common/contract';
import { describeIssues, PosError, type Result } from '../src-common/errors';
import { mayCall, type Caller, type Session } from '../src-common/roles';
import { runForSession } from './call-context';
import { diskFullError, isDiskFullError } from './disk-space';
import type { Logger } from './log';

/** A handler gets its input already validated, and the session whose role was already checked. */
export type HandlerMap<C extends Record<string, CallSpec>> = {
  [K in keyof C]: (input: z.output<C[K]['input']>, session: Session) => z.input<C[K]['output']> | Promise<z.input<C[K]['output']>>;
};

export interface Dispatcher {
  dispatch(call: unknown, input: unknown, session: Session): Promise<Result<unknown>>;
}

/**
 * The one gate every call passes, whatever the transport: name allow-listed, role checked,
 * input validated, output validated, and every failure turned into `{ ok: false, error }`.
 */
export function createDispatcher<C extends Record<string, CallSpec>>(
  contract: C,
  handlers: HandlerMap<C>,
  log: Logger,
  options: {
    /**
     * The caller as the database sees it now: a user deactivated or given another role since signing in
     * loses the old rights at their next call. Returns the same object when nothing changed.
     */
    currentCaller?: (caller: Caller) => Caller;
    /**
     * Awaited after a handler ran, before its answer (or its refusal) goes out: what the caller is told happened
     * is on disk first (the core's DurabilityBarrier, db/durability.ts).
     */
    beforeAnswer?: () => Promise<void>;
    /**
     * Awaited (when it returns a promise) before a handler runs: the SQL worker's write the handler would
     * otherwise wait for on the thread (db/write-gate.ts whenFree).
     */
    writeTurn?: () => Promise<void> | null;
  } = {},
): Dispatcher {
  return {
    async dispatch(call, input, session) {
      if (options.currentCaller) {
        const current = options.currentCaller(session.caller);
        if (current !== session.caller) {
          log.info({ userId: session.caller.userId, from: session.caller.role, to: current.role }, 'session caller changed since sign-in');
          session.caller = current;
        }
      }
      const caller = session.caller;
      if (typeof call !== 'string' || !Object.hasOwn(contract, call)) {
        return { ok: false, error: { code: 'unknown_call', message: `There is no call named ${JSON.stringify(String(call)).slice(0, 80)}` } };
      }
      const spec = contract[call]!;
      if (!mayCall(spec.access, caller)) {
        log.warn({ call, role: caller.role }, 'call refused: role');
        return caller.role === null
          ? { ok: false, error: { code: 'unauthenticated', message: `Sign in to use ${call}` } }
          : { ok: false, error: { code: 'forbidden', message: `The ${caller.role} role may not use ${call}` } };
      }
      const parsed = spec.input.safeParse(input);
      if (!parsed.success) {
        return {
          ok: false,
          error: { code: 'validation_failed', message: `Invalid input for ${call}`, details: describeIssues(parsed.error.issues) },
        };
      }
      const turn = options.writeTurn?.();
      if (turn) await turn;
      const answered = await run(call, handlers[call as keyof C] as (i: unknown, s: Session) => unknown, parsed.data, session);
      await options.beforeAnswer?.();
      return answered;
    },
  };

  /** Runs the handler and checks its answer against the contract: every failure becomes `{ ok: false, error }`. */
  async function run(call: string, handler: (i: unknown, s: Session) => unknown, input: unknown, session: Session): Promise<Result<unknown>> {
    try {
      const value = await runForSession(session, () => handler(input, session));
      const output = contract[call]!.output.safeParse(value);
      if (!output.success) {
        log.error({ call, issues: describeIssues(output.error.issues) }, 'handler output broke the contract');
        return { ok: false, error: { code: 'internal', message: 'The terminal produced an invalid answer; see the log' } };
      }
      return { ok: true, value: output.data };
    } catch (error) {
      if (error instanceof PosError) return { ok: false, error: error.toApiError() };
      // Nothing was recorded (the transaction rolled back): say why, rather than "internal".
      if (isDiskFullError(error)) {
        log.error({ call, err: error }, 'call refused: the disk is full');
        return { ok: false, error: diskFullError({ call }).toApiError() };
      }
      log.error({ call, err: error }, 'call failed');
      return { ok: false, error: { code: 'internal', message: 'Unexpected error; see the log' } };
    }
  }
}

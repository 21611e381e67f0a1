/**
 * The terminal's enrolment at the acquirer, in one place: activation (once per technician action), the terminal
 * key sealed at rest, and its daily rotation (checkin).
 *
 * - Activation uses up one of the activation code's limited uses (activate.md Q3, Q5), so it is sent only when a
 *   technician asks, once; the code and the vendor key are used for that one request and never stored, logged
 *   or retried. Only sandbox mode enrols by itself, with the sandbox's own compiled-in identity.
 * - The key expires with the acquirer's natural day (Beijing, checkin.md Q1): the terminal checks in at its first
 *   use on a new day, proactively just after the day turns (so the day's first customer does not wait for it), and
 *   once more after a reply refused our signature (ILLEGAL_SIGN). The proactive checkin is a job on the one runner
 *   (retried, kept over restarts, in the technician's job list), queued when it is due: a timer until the day turns,
 *   and at every start when the stored key is of an earlier day; no job sits queued in the meantime (the screens
 *   count queued jobs as pending work).
 */
import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import { acquirerDateOf, acquirerDayInterval } from '../../src-common/business-day';
import type { AcquirerMode } from '../../src-common/acquirer-endpoint';
import { PosError } from '../../src-common/errors';
import { maskCode } from '../../src-common/mask';
import type { Caller } from '../../src-common/roles';
import { openJobOfSubject } from '../../db/queries/jobs';
import { readAcquirerTerminal, writeEnrolment, writeRotatedKey } from '../../db/queries/acquirer-terminal';
import { AcquirerError, type AcquirerPort, type TerminalCredentials } from '../acquirer/port';
import type { Clock } from '../clock';
import type { JobRunner } from '../jobs/runner';
import type { Keyring } from '../keyring';
import type { Logger } from '../log';
import type { AuditService } from './audit';

/** What a technician types on the enrolment screen (the vendor's identity comes from the acquirer's onboarding). */
export interface ActivationInput {
  activationCode: string;
  vendorSn: string;
  vendorKey: string;
  appId: string;
}

/** Sends one activation request signed with the given vendor identity (a fresh adapter per enrolment). */
export type Activator = (vendor: { vendorSn: string; vendorKey: string; appId: string }, input: { code: string; deviceId: string; name: string }) => Promise<TerminalCredentials>;

export interface EnrolmentStatus {
  enrolled: boolean;
  /** Masked: the first and last four characters only. */
  terminalSn: string | null;
  /** The acquirer's (Beijing) day the key belongs to. */
  keyDate: string | null;
  /** The stored enrolment belongs to another acquirer address (after an endpoint change): enrol again. */
  otherEndpoint: boolean;
  activatedAt: string | null;
  /** When the key was last fetched (activation or checkin). */
  lastCheckinAt: string | null;
  /** The key stops working when its Beijing day ends. */
  keyExpiresAt: string | null;
  /** The next proactive checkin (the durable job's due time), null when none is queued. */
  nextCheckinAt: string | null;
  /** The last proactive checkin's error while it is being retried. */
  checkinError: string | null;
}

export interface EnrolmentService {
  /** The credentials for a call: checks in first when the key's day is over. Never activates outside sandbox mode. */
  credentials(): Promise<TerminalCredentials>;
  /**
   * One activation request, for the technician who asked. Live mode needs the vendor's identity typed with the code;
   * sandbox mode fills what is not typed from the sandbox's own.
   */
  enrol(input: Pick<ActivationInput, 'activationCode'> & Partial<ActivationInput>, actor: Caller): Promise<EnrolmentStatus>;
  status(): EnrolmentStatus;
  /** A reply refused the signature made with `used`: check in once more (once per key), then calls use the new key. */
  signatureRefused(used: TerminalCredentials): Promise<void>;
  /** Arms the proactive checkin (call once the runner is set up). */
  start(): void;
  stop(): void;
}

export const CHECKIN_JOB_KIND = 'acquirer.checkin';
const CHECKIN_SUBJECT = 'acquirer:checkin';
/** Just after the acquirer's day turns, spread so a shop's terminals do not all call at 00:00:00. */
const CHECKIN_AFTER_MIDNIGHT_MS = 60_000;
const CHECKIN_SPREAD_MS = 4 * 60_000;
const checkinPayload = z.object({ keyDate: z.string() }).strict();
/** setTimeout's longest delay; a longer wait is re-armed. */
const MAX_TIMER_MS = 2_147_000_000;

export interface Timers {
  set(callback: () => void, ms: number): { clear(): void };
}
const realTimers: Timers = {
  set(callback, ms) {
    const timer = setTimeout(callback, ms);
    timer.unref();
    return { clear: () => clearTimeout(timer) };
  },
};

/** Errors of ours (AcquirerError codes) that mean "no readable answer": the activation may have gone through. */
const UNREADABLE = new Set(['timeout', 'server_error', 'bad_reply', 'bad_signature']);

export function createEnrolmentService(deps: {
  db: Database;
  clock: Clock;
  log: Logger;
  keyring: Keyring;
  audit: AuditService;
  jobs: JobRunner;
  /** For checkins (signed with the terminal's own key). */
  acquirer: AcquirerPort;
  activator: Activator;
  mode: AcquirerMode;
  /** Which acquirer the stored enrolment belongs to (its address, or a fixed name for the embedded sandbox). */
  endpointId: string;
  deviceId: string;
  /** The name the acquirer shows for this terminal (the store's name). */
  terminalName: () => string;
  /** Sandbox mode only: the sandbox's own identity, with which the terminal enrols by itself. */
  sandboxIdentity?: ActivationInput;
  random?: () => number;
  timers?: Timers;
}): EnrolmentService {
  const { db, clock, log, keyring, audit, jobs, acquirer, endpointId, deviceId } = deps;
  const random = deps.random ?? Math.random;
  const timers = deps.timers ?? realTimers;
  let nextCheckin: { at: number; timer: { clear(): void } } | null = null;
  let stopped = false;
  if (deps.mode === 'live' && deps.sandboxIdentity) throw new Error('A live acquirer is never enrolled with the sandbox identity');
  let inflight: Promise<TerminalCredentials> | null = null;
  let checkinInflight: Promise<TerminalCredentials> | null = null;
  /** The key a refused signature already made us check in for (once per key, so a broken enrolment cannot loop). */
  let recheckedKey: string | null = null;

  const stored = () => {
    const row = readAcquirerTerminal(db);
    return row && row.base_url === endpointId ? row : undefined;
  };
  const unsealed = (row: NonNullable<ReturnType<typeof stored>>): TerminalCredentials => ({ terminalSn: row.terminal_sn, terminalKey: keyring.unseal(row.sealed_key), keyDate: row.key_date });

  function status(): EnrolmentStatus {
    const row = readAcquirerTerminal(db);
    const enrolled = row?.base_url === endpointId;
    const job = openJobOfSubject(db, CHECKIN_SUBJECT);
    return {
      enrolled,
      terminalSn: row ? maskCode(row.terminal_sn) : null,
      keyDate: row?.key_date ?? null,
      otherEndpoint: row !== undefined && !enrolled,
      activatedAt: row?.activated_at ?? null,
      lastCheckinAt: row?.checked_in_at ?? null,
      keyExpiresAt: row ? acquirerDayInterval(row.key_date).end.toISOString() : null,
      nextCheckinAt: !enrolled ? null : job ? new Date(job.run_at).toISOString() : nextCheckin ? new Date(nextCheckin.at).toISOString() : null,
      checkinError: enrolled ? (job?.last_error ?? null) : null,
    };
  }

  /** The proactive checkin of a key of `keyDate`: queued as a job just after that day ends in Beijing. */
  function armCheckin(keyDate: string) {
    nextCheckin?.timer.clear();
    nextCheckin = null;
    if (stopped) return;
    const at = acquirerDayInterval(keyDate).end.getTime() + CHECKIN_AFTER_MIDNIGHT_MS + Math.round(random() * CHECKIN_SPREAD_MS);
    const wait = at - clock.now().getTime();
    if (wait <= 0) return queueCheckin(keyDate);
    nextCheckin = { at, timer: timers.set(() => (wait > MAX_TIMER_MS ? armCheckin(keyDate) : queueCheckin(keyDate)), Math.min(wait, MAX_TIMER_MS)) };
  }

  function queueCheckin(keyDate: string) {
    nextCheckin = null;
    if (stopped) return;
    db.transaction(() => {
      if (!openJobOfSubject(db, CHECKIN_SUBJECT)) jobs.enqueue(CHECKIN_JOB_KIND, CHECKIN_SUBJECT, { keyDate });
    })();
    jobs.wake();
  }

  let activating = false;

  /** One activation request. The code is a parameter of this call only: never stored, logged or sent twice. */
  async function activate(input: ActivationInput, actor: Caller | null): Promise<EnrolmentStatus> {
    // Each activation uses up one of a code's uses: a second request while one is out is refused, not sent.
    if (activating) throw new PosError('conflict', 'An activation is already under way', { reason: 'activation_in_progress' });
    activating = true;
    try {
      return await activateOnce(input, actor);
    } finally {
      activating = false;
    }
  }

  async function activateOnce(input: ActivationInput, actor: Caller | null): Promise<EnrolmentStatus> {
    let creds: TerminalCredentials;
    try {
      creds = await deps.activator(
        { vendorSn: input.vendorSn, vendorKey: input.vendorKey, appId: input.appId },
        { code: input.activationCode, deviceId, name: deps.terminalName() },
      );
    } catch (error) {
      throw activationError(error);
    }
    const at = clock.now().toISOString();
    db.transaction(() => {
      writeEnrolment(db, { base_url: endpointId, terminal_sn: creds.terminalSn, sealed_key: keyring.seal(creds.terminalKey), key_date: creds.keyDate, at });
      // A person's enrolment is audited; the sandbox's own (no one asked) only logged, as before.
      if (actor) audit.record({ actor, action: 'admin.enrol', subject: endpointId, details: { terminalSn: maskCode(creds.terminalSn), vendorSn: input.vendorSn } });
    })();
    armCheckin(creds.keyDate);
    recheckedKey = null;
    log.info({ terminalSn: maskCode(creds.terminalSn) }, actor ? 'terminal enrolled by a technician' : 'terminal enrolled with the sandbox acquirer');
    return status();
  }

  async function checkin(creds: TerminalCredentials, why: string): Promise<TerminalCredentials> {
    checkinInflight ??= (async () => {
      try {
        const rotated = await acquirer.checkin(creds, deviceId);
        const at = clock.now().toISOString();
        if (!writeRotatedKey(db, { terminal_sn: rotated.terminalSn, sealed_key: keyring.seal(rotated.terminalKey), key_date: rotated.keyDate, at })) {
          throw new AcquirerError('bad_reply', 'the checkin answered for another terminal');
        }
        armCheckin(rotated.keyDate);
        log.info({ terminalSn: maskCode(rotated.terminalSn), keyDate: rotated.keyDate, why }, 'terminal key rotated (checkin)');
        return rotated;
      } finally {
        checkinInflight = null;
      }
    })();
    return checkinInflight;
  }

  async function resolve(): Promise<TerminalCredentials> {
    const row = stored();
    if (!row) {
      if (!deps.sandboxIdentity) {
        throw new PosError('unavailable', 'This terminal is not enrolled with the acquirer: a technician enrols it (技术员 → 终端设置 → 收单)', { reason: 'not_enrolled' });
      }
      await activate(deps.sandboxIdentity, null);
      return unsealed(stored()!);
    }
    const creds = unsealed(row);
    if (creds.keyDate === acquirerDateOf(clock.now())) return creds;
    return checkin(creds, 'first use on a new day');
  }

  jobs.register({
    kind: CHECKIN_JOB_KIND,
    payload: checkinPayload,
    concurrency: 1,
    backoff: (attempts) => Math.min(30 * 60_000, 30_000 * 2 ** Math.min(attempts, 6)),
    handler: async () => {
      const row = stored();
      // Not enrolled (or enrolled elsewhere since): nothing to rotate; the next enrolment queues its own.
      if (!row) return;
      const creds = unsealed(row);
      // Checked in at first use already (which armed the next one).
      if (creds.keyDate === acquirerDateOf(clock.now())) return;
      try {
        await checkin(creds, 'the day turned');
      } catch (error) {
        return { outcome: 'retry', error: (error as Error).message };
      }
    },
  });

  return {
    credentials() {
      inflight ??= resolve().finally(() => {
        inflight = null;
      });
      return inflight;
    },

    enrol(input, actor) {
      const typed = { vendorSn: input.vendorSn || undefined, vendorKey: input.vendorKey || undefined, appId: input.appId || undefined };
      const sandbox = deps.sandboxIdentity;
      if (sandbox) {
        return activate({ activationCode: input.activationCode, vendorSn: typed.vendorSn ?? sandbox.vendorSn, vendorKey: typed.vendorKey ?? sandbox.vendorKey, appId: typed.appId ?? sandbox.appId }, actor);
      }
      const missing = Object.entries(typed).filter(([, value]) => value === undefined);
      if (missing.length) {
        return Promise.reject(new PosError('validation_failed', 'A live acquirer needs the vendor’s identity', missing.map(([path]) => ({ path, message: 'required' }))));
      }
      return activate({ activationCode: input.activationCode, vendorSn: typed.vendorSn!, vendorKey: typed.vendorKey!, appId: typed.appId! }, actor);
    },

    status,

    async signatureRefused(used) {
      const row = stored();
      if (!row || row.terminal_sn !== used.terminalSn) return;
      const current = unsealed(row);
      // A checkin since the refused call already gave a new key; and once per key only.
      if (current.terminalKey !== used.terminalKey || recheckedKey === current.terminalKey) return;
      recheckedKey = current.terminalKey;
      log.warn({ terminalSn: maskCode(current.terminalSn) }, 'the acquirer refused our signature (ILLEGAL_SIGN): checking in once more');
      try {
        await checkin(current, 'ILLEGAL_SIGN');
      } catch (error) {
        log.warn({ err: error }, 'checkin after ILLEGAL_SIGN failed');
      }
    },

    start() {
      const row = stored();
      if (row) armCheckin(row.key_date);
    },

    stop() {
      stopped = true;
      nextCheckin?.timer.clear();
      nextCheckin = null;
    },
  };
}

/** What the technician is told when an activation did not give a terminal. */
function activationError(error: unknown): PosError {
  if (!(error instanceof AcquirerError)) {
    return new PosError('unavailable', `The activation could not be sent: ${(error as Error).message}`, { reason: 'activation_failed' });
  }
  if (error.code === 'network') {
    return new PosError('unavailable', 'The acquirer could not be reached; nothing was sent and the activation code is unused. Check the network and the address, then try again.', {
      reason: 'acquirer_unreachable',
    });
  }
  if (UNREADABLE.has(error.code)) {
    return new PosError(
      'unavailable',
      `The acquirer's answer could not be read (${error.message}). The activation may have gone through and used up one of this code's uses: check the terminal in the Shouqianba back office (商户系统) before retrying, and use a new activation code if it is listed there.`,
      { reason: 'activation_unconfirmed', acquirerCode: error.code },
    );
  }
  return new PosError('conflict', `The acquirer refused the activation: ${error.message}`, { reason: 'activation_refused', acquirerCode: error.code });
}

/**
 * The acquirer port as the terminal's services use it: a reply that refused our signature (ILLEGAL_SIGN: the key
 * expired or was rotated elsewhere) makes the terminal check in once more before the caller sees the outcome, so
 * the engine's next query, cancel or retry is signed with a fresh key.
 */
export function withKeyRecovery(port: AcquirerPort, enrolment: Pick<EnrolmentService, 'signatureRefused'>): AcquirerPort {
  const refusedSignature = (outcome: unknown) => {
    const text = typeof outcome === 'object' && outcome !== null ? `${(outcome as { message?: unknown }).message ?? ''} ${(outcome as { reason?: unknown }).reason ?? ''}` : '';
    return /\bILLEGAL_SIGN\b/.test(text);
  };
  const watched =
    <A extends unknown[], T>(call: (creds: TerminalCredentials, ...args: A) => Promise<T>) =>
    async (creds: TerminalCredentials, ...args: A): Promise<T> => {
      let outcome: T;
      try {
        outcome = await call(creds, ...args);
      } catch (error) {
        if (error instanceof AcquirerError && error.code === 'ILLEGAL_SIGN') await enrolment.signatureRefused(creds);
        throw error;
      }
      if (refusedSignature(outcome)) await enrolment.signatureRefused(creds);
      return outcome;
    };
  return {
    activate: (input) => port.activate(input),
    checkin: (creds, id) => port.checkin(creds, id),
    pay: watched(port.pay.bind(port)),
    precreate: watched(port.precreate.bind(port)),
    query: watched(port.query.bind(port)),
    cancel: watched(port.cancel.bind(port)),
    revoke: watched(port.revoke.bind(port)),
    refund: watched(port.refund.bind(port)),
    refundStatus: watched(port.refundStatus.bind(port)),
    statement: watched(port.statement.bind(port)),
  };
}

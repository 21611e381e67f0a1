/**
 * The terminal's enrolment at the acquirer, in one place: activation (once per technician action), the terminal
 * key sealed at rest, and its daily rotation (checkin).
 *
 * - Activation uses up one of the activation code's limited uses (activate.md Q3, Q5), so it is sent only when a
 *   technician asks, once; the code and the vendor key are used for that one request and never stored, logged
 *   or retried. Only sandbox mode enrols by itself, with the sandbox's own compiled-in identity.
 * - The key expires with the acquirer's natural day (Beijing, checkin.md Q1): the terminal checks in at its first
 *   use on a new day, proactively just after the day turns (a durable job on the one runner, so the day's first
 *   customer does not wait for it), and once more after a reply refused our signature (ILLEGAL_SIGN).
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
  /** One activation request, for the technician who asked. */
  enrol(input: ActivationInput, actor: Caller): Promise<EnrolmentStatus>;
  status(): EnrolmentStatus;
  /** A reply refused the signature made with `used`: check in once more (once per key), then calls use the new key. */
  signatureRefused(used: TerminalCredentials): Promise<void>;
  /** Queues the proactive checkin (call once the runner is set up). */
  start(): void;
}

export const CHECKIN_JOB_KIND = 'acquirer.checkin';
const CHECKIN_SUBJECT = 'acquirer:checkin';
/** Just after the acquirer's day turns, spread so a shop's terminals do not all call at 00:00:00. */
const CHECKIN_AFTER_MIDNIGHT_MS = 60_000;
const CHECKIN_SPREAD_MS = 4 * 60_000;
const checkinPayload = z.object({ keyDate: z.string() }).strict();

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
}): EnrolmentService {
  const { db, clock, log, keyring, audit, jobs, acquirer, endpointId, deviceId } = deps;
  const random = deps.random ?? Math.random;
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
      nextCheckinAt: enrolled && job ? new Date(job.run_at).toISOString() : null,
      checkinError: enrolled ? (job?.last_error ?? null) : null,
    };
  }

  /** Next proactive checkin: just after the acquirer's day of `keyDate` ends. */
  function scheduleCheckin(keyDate: string) {
    const open = openJobOfSubject(db, CHECKIN_SUBJECT);
    if (open && open.status === 'queued') return;
    const runAt = acquirerDayInterval(keyDate).end.getTime() + CHECKIN_AFTER_MIDNIGHT_MS + Math.round(random() * CHECKIN_SPREAD_MS);
    jobs.enqueue(CHECKIN_JOB_KIND, CHECKIN_SUBJECT, { keyDate }, { runAt });
  }

  /** One activation request. The code is a parameter of this call only: never stored, logged or sent twice. */
  async function activate(input: ActivationInput, actor: Caller | null): Promise<EnrolmentStatus> {
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
      audit.record({ actor, action: 'admin.enrol', subject: endpointId, details: { terminalSn: maskCode(creds.terminalSn), vendorSn: input.vendorSn } });
      scheduleCheckin(creds.keyDate);
    })();
    jobs.wake();
    recheckedKey = null;
    log.info({ terminalSn: maskCode(creds.terminalSn) }, actor ? 'terminal enrolled by a technician' : 'terminal enrolled with the sandbox acquirer');
    return status();
  }

  async function checkin(creds: TerminalCredentials, why: string): Promise<TerminalCredentials> {
    checkinInflight ??= (async () => {
      try {
        const rotated = await acquirer.checkin(creds, deviceId);
        const at = clock.now().toISOString();
        db.transaction(() => {
          if (!writeRotatedKey(db, { terminal_sn: rotated.terminalSn, sealed_key: keyring.seal(rotated.terminalKey), key_date: rotated.keyDate, at })) {
            throw new AcquirerError('bad_reply', 'the checkin answered for another terminal');
          }
          scheduleCheckin(rotated.keyDate);
        })();
        jobs.wake();
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
      // Checked in at first use already.
      if (creds.keyDate === acquirerDateOf(clock.now())) {
        db.transaction(() => scheduleCheckin(creds.keyDate))();
        return;
      }
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

    enrol: (input, actor) => activate(input, actor),

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
      if (!row) return;
      db.transaction(() => scheduleCheckin(row.key_date))();
      jobs.wake();
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
    refund: watched(port.refund.bind(port)),
    statement: watched(port.statement.bind(port)),
  };
}

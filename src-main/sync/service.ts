/**
 * The till's side of store sync: enrolment (certificate pinned, credential sealed), and two job kinds on the one
 * runner: `sync.upload` (facts up) and `sync.pull` (store data down). A light timer queues a job only when there
 * is something to do (a fact waiting) or a pull is due, so the job table records real runs, not idle polls.
 * Selling never waits on any of it.
 */
import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import type { SyncRun, SyncStatus } from '../../src-common/calls/sync';
import { PosError } from '../../src-common/errors';
import type { Caller } from '../../src-common/roles';
import { newId } from '../../db/ids';
import { attemptsOfJobs } from '../../db/queries/jobs';
import { stmt } from '../../db/statements';
import type { Clock } from '../clock';
import type { EventBus } from '../events';
import type { JobRunner } from '../jobs/runner';
import type { Keyring } from '../keyring';
import type { Logger } from '../log';
import type { AuditService } from '../services/audit';
import { createSyncClient, SyncServerError, type SyncClient } from './client';
import { deleteLink, factCounts, noteContact, readLink, setAlert, streamBaseNow, writeLink, type SyncLinkRow } from './link';
import { caCertificateOrRefuse } from './ca-certificate';
import { fetchServerCertificate, normaliseServerUrl, SyncTransportError, type PinnedServer, type ServerCertificate } from './pinned-https';
import { historyNumbering } from './backfill';
import { applyPull, type AppliedPull } from './pull';
import { uploadWaitingFacts } from './upload';

export const UPLOAD_JOB = 'sync.upload';
export const PULL_JOB = 'sync.pull';
const UPLOAD_SUBJECT = 'sync:upload';
const PULL_SUBJECT = 'sync:pull';
/** Pages of one pull run; a store that changed more than this goes on at the next run. */
const MAX_PULL_PAGES = 50;

export interface SyncTimings {
  /** How often the till looks for waiting facts (a cheap indexed query) and queues an upload. */
  uploadEveryMs: number;
  pullEveryMs: number;
  /** Backoff after a failed run: first, doubling to at most max. */
  retryFirstMs: number;
  retryMaxMs: number;
  requestTimeoutMs: number;
}

export const DEFAULT_SYNC_TIMINGS: SyncTimings = { uploadEveryMs: 2_000, pullEveryMs: 60_000, retryFirstMs: 2_000, retryMaxMs: 5 * 60_000, requestTimeoutMs: 15_000 };

export interface SyncServiceDeps {
  db: Database;
  clock: Clock;
  log: Logger;
  events: EventBus;
  jobs: JobRunner;
  keyring: Keyring;
  audit: AuditService;
  terminalId: string;
  appVersion: string;
  terminalName: () => string;
  /** After a pull changed the store's data: rebuild the catalog index, reload settings. */
  onStoreDataApplied: (applied: AppliedPull) => void;
  timings?: Partial<SyncTimings>;
}

export interface SyncService {
  status(): SyncStatus;
  isEnrolled(): boolean;
  inspect(serverUrl: string): Promise<{ serverUrl: string; fingerprint: string }>;
  /** With the fingerprint the technician confirmed (pinned), or with the CA certificate the server's chains to. */
  enrol(input: { serverUrl: string; code: string; fingerprint?: string | undefined; caCertificate?: string | undefined }, actor: Caller): Promise<SyncStatus>;
  unenrol(actor: Caller): SyncStatus;
  syncNow(): SyncStatus;
  /** The history numbered (src-main/sync/backfill.ts): the upload may start. */
  historyNumbered(): void;
  /** A fact was just committed (a sale): upload it now rather than at the next look (uploadEveryMs). */
  factWritten(): void;
  history(): z.infer<typeof SyncRun>[];
  start(): void;
  stop(): void;
}

export function createSyncService(deps: SyncServiceDeps): SyncService {
  const { db, clock, log, jobs, keyring } = deps;
  const timings = { ...DEFAULT_SYNC_TIMINGS, ...deps.timings };
  /** Certificates read by `inspect`, by server URL: enrolment pins exactly the one the technician looked at. */
  const inspected = new Map<string, ServerCertificate>();
  let timers: NodeJS.Timeout[] = [];
  let wakeTimer: NodeJS.Timeout | null = null;
  let lastPullQueuedAt = 0;

  const now = () => clock.now().toISOString();
  const backoff = (attempts: number) => Math.min(timings.retryMaxMs, timings.retryFirstMs * 2 ** Math.max(0, Math.min(attempts - 1, 16)));

  function clientOf(link: SyncLinkRow): SyncClient {
    const server: PinnedServer = { url: link.server_url, certificate: { pem: link.cert_pem, fingerprint: link.fingerprint }, trust: link.trust };
    return createSyncClient(server, keyring.unseal(link.sealed_credential), { timeoutMs: timings.requestTimeoutMs });
  }

  function status(): SyncStatus {
    const link = readLink(db);
    const counts = factCounts(db);
    return {
      state: stateOf(link),
      serverUrl: link?.server_url ?? null,
      fingerprint: link?.fingerprint ?? null,
      trust: link?.trust ?? null,
      storeId: link?.store_id ?? null,
      storeName: link?.store_name ?? null,
      enrolledAt: link?.enrolled_at ?? null,
      lastContactAt: link?.last_contact_at ?? null,
      lastUploadAt: link?.last_upload_at ?? null,
      lastPullAt: link?.last_pull_at ?? null,
      lastError: link?.last_error ?? null,
      alert: link?.alert ?? null,
      factsWaiting: counts.waiting,
      factsAcked: counts.acked,
      oldestWaitingAt: link ? counts.oldestWaitingAt : null,
      pulledVersion: link?.pulled_version ?? 0,
      streamId: link?.stream_id ?? null,
      numberingHistory: numberingHistory(),
    };
  }

  function numberingHistory(): { done: number; total: number } | null {
    const n = historyNumbering(db);
    return n.done < n.total ? { done: n.done, total: n.total } : null;
  }

  const publish = () => deps.events.emit('sync.changed', status());

  function failureText(error: unknown): string {
    if (error instanceof SyncTransportError) return `${error.reason}: ${error.message}`;
    if (error instanceof SyncServerError) return `${error.code}: ${error.message}`;
    return `internal: ${error instanceof Error ? error.message : String(error)}`;
  }

  function openJob(kind: string): boolean {
    return stmt(db, "SELECT 1 FROM job WHERE kind = ? AND status IN ('queued', 'running') LIMIT 1").pluck().get(kind) !== undefined;
  }

  /**
   * One queued run per kind at most. A run already going may have read the server before what is asked now (a pull
   * that started before a price changed): a new run is queued behind it.
   */
  function queue(kind: string, subject: string, runAt?: number) {
    if (!readLink(db)) return;
    const queued = stmt(db, "SELECT 1 FROM job WHERE kind = ? AND status = 'queued' LIMIT 1").pluck().get(kind) !== undefined;
    if (queued) {
      if (runAt === undefined) stmt(db, "UPDATE job SET run_at = min(run_at, ?) WHERE kind = ? AND status = 'queued'").run(clock.now().getTime(), kind);
    } else jobs.enqueue(kind, subject, {}, runAt === undefined ? {} : { runAt });
    jobs.wake();
  }

  function lookForWork() {
    try {
      if (!readLink(db)) return;
      // Upload waits for the history's numbers (they come before every newer fact); the panel shows how far.
      const numbering = numberingHistory() !== null;
      if (numbering) publish();
      const waiting = !numbering && stmt(db, 'SELECT 1 FROM sync_fact WHERE acked = 0 LIMIT 1').pluck().get() !== undefined;
      if (waiting && !openJob(UPLOAD_JOB)) queue(UPLOAD_JOB, UPLOAD_SUBJECT);
      if (clock.now().getTime() - lastPullQueuedAt >= timings.pullEveryMs && !openJob(PULL_JOB)) {
        lastPullQueuedAt = clock.now().getTime();
        queue(PULL_JOB, PULL_SUBJECT);
      }
    } catch (error) {
      log.error({ err: error }, 'could not look for sync work');
    }
  }

  jobs.register({
    kind: UPLOAD_JOB,
    payload: z.object({}).strict(),
    concurrency: 1,
    backoff,
    leaseMs: timings.requestTimeoutMs * 4,
    handler: async () => {
      const link = readLink(db);
      if (!link || numberingHistory()) return { outcome: 'done' };
      try {
        const outcome = await uploadWaitingFacts({ db, client: clientOf(link), terminalId: deps.terminalId, log, newStreamId: () => newId(clock.now().getTime()), now: () => clock.now().getTime() });
        noteContact(db, { at: now(), upload: outcome.batches > 0, error: null });
        log.info({ sent: outcome.sent, acked: outcome.acked, batches: outcome.batches, newStreams: outcome.newStreams }, 'facts uploaded');
        if (outcome.alert) return { outcome: 'retry', error: outcome.alert };
        return { outcome: 'done' };
      } catch (error) {
        noteContact(db, { at: now(), error: failureText(error) });
        return retryOutcome(error, failureText(error), clock.now().getTime());
      } finally {
        publish();
      }
    },
  });

  jobs.register({
    kind: PULL_JOB,
    payload: z.object({}).strict(),
    concurrency: 1,
    backoff,
    leaseMs: timings.requestTimeoutMs * 4,
    handler: async () => {
      const link = readLink(db);
      if (!link) return { outcome: 'done' };
      const client = clientOf(link);
      try {
        let since = link.pulled_version;
        for (let page = 0; page < MAX_PULL_PAGES; page++) {
          const reply = await client.pull(since);
          // Un-enrolled while the request was out: nothing of that store is applied.
          if (readLink(db)?.store_id !== link.store_id) return { outcome: 'done' };
          const applied = applyPull(db, reply, now());
          if (applied.refusedSettings.length) {
            setAlert(db, `setting_invalid: the server's ${applied.refusedSettings.join(', ')} cannot be used here; the till keeps its own`);
            log.warn({ settings: applied.refusedSettings }, 'store settings the till cannot use');
          } else if (applied.settings.length && readLink(db)?.alert?.startsWith('setting_invalid')) setAlert(db, null);
          if (applied.products || applied.users || applied.settings.length || applied.stock || applied.deleted || applied.promotions || applied.members) {
            log.info({ ...applied, settings: applied.settings.length }, 'store data applied');
            deps.onStoreDataApplied(applied);
          }
          since = reply.version;
          if (!reply.more) break;
        }
        noteContact(db, { at: now(), pull: true, error: null });
        return { outcome: 'done' };
      } catch (error) {
        noteContact(db, { at: now(), error: failureText(error) });
        return retryOutcome(error, failureText(error), clock.now().getTime());
      } finally {
        publish();
      }
    },
  });

  return {
    status,
    isEnrolled: () => readLink(db) !== null,

    async inspect(serverUrl) {
      const url = urlOrRefuse(serverUrl);
      let certificate: ServerCertificate;
      try {
        certificate = await fetchServerCertificate(url, timings.requestTimeoutMs);
      } catch (error) {
        throw new PosError('unavailable', `No TLS answer from ${url}`, { reason: 'server_unreachable', detail: error instanceof Error ? error.message : String(error) });
      }
      inspected.set(url, certificate);
      return { serverUrl: url, fingerprint: certificate.fingerprint };
    },

    async enrol(input, actor) {
      const url = urlOrRefuse(input.serverUrl);
      if (readLink(db)) throw new PosError('conflict', 'This till is already enrolled with a store server; un-enrol it first', { reason: 'already_enrolled' });
      const trust: 'pin' | 'ca' = input.caCertificate ? 'ca' : 'pin';
      let certificate: ServerCertificate;
      if (input.caCertificate) {
        certificate = caCertificateOrRefuse(input.caCertificate, clock.now());
      } else {
        const presented = inspected.get(url);
        if (!presented) throw new PosError('conflict', 'Read the server’s certificate first', { reason: 'not_inspected' });
        if (presented.fingerprint !== input.fingerprint)
          throw new PosError('conflict', 'The confirmed fingerprint is not the one the server presented', { reason: 'fingerprint_mismatch' });
        certificate = presented;
      }
      const client = createSyncClient({ url, certificate, trust }, null, { timeoutMs: timings.requestTimeoutMs });
      let reply;
      try {
        reply = await client.enrol({ code: input.code, terminalId: deps.terminalId, terminalName: deps.terminalName().slice(0, 40) || deps.terminalId, appVersion: deps.appVersion.slice(0, 40) });
      } catch (error) {
        if (error instanceof SyncServerError && error.code === 'enrolment_code_invalid') throw new PosError('conflict', 'The server refused the enrolment code (unknown, used or expired)', { reason: 'enrolment_code_invalid' });
        if (error instanceof SyncTransportError && error.reason === 'certificate_mismatch')
          throw trust === 'ca'
            ? new PosError('conflict', `The server’s certificate is not signed by the given CA for this address (${error.message})`, { reason: 'certificate_not_trusted' })
            : new PosError('conflict', 'The server no longer presents the certificate that was confirmed', { reason: 'fingerprint_mismatch' });
        throw new PosError('unavailable', `Enrolment failed: ${failureText(error)}`, { reason: 'server_unreachable' });
      }
      const at = now();
      db.transaction(() => {
        writeLink(db, {
          server_url: url,
          cert_pem: certificate.pem,
          fingerprint: certificate.fingerprint,
          trust,
          store_id: reply.storeId,
          store_name: reply.storeName,
          terminal_id: reply.terminalId,
          sealed_credential: keyring.seal(reply.credential),
          enrolled_at: at,
          stream_id: newId(clock.now().getTime()),
          stream_base: streamBaseNow(db),
          pulled_version: 0,
        });
        deps.audit.record({ actor, action: 'sync.enrol', subject: reply.storeId, details: { serverUrl: url, fingerprint: certificate.fingerprint, trust, storeName: reply.storeName } });
      })();
      inspected.delete(url);
      log.info({ serverUrl: url, storeId: reply.storeId, fingerprint: certificate.fingerprint }, 'enrolled with the store server');
      lastPullQueuedAt = clock.now().getTime();
      queue(PULL_JOB, PULL_SUBJECT);
      queue(UPLOAD_JOB, UPLOAD_SUBJECT);
      publish();
      return status();
    },

    unenrol(actor) {
      const link = readLink(db);
      if (!link) return status();
      db.transaction(() => {
        deleteLink(db);
        stmt(db, "UPDATE job SET status = 'done', lease_owner = NULL, lease_until = NULL, finished_at = ?, updated_at = ? WHERE kind IN (?, ?) AND status = 'queued'").run(now(), now(), UPLOAD_JOB, PULL_JOB);
        deps.audit.record({ actor, action: 'sync.unenrol', subject: link.store_id, details: { serverUrl: link.server_url, factsWaiting: factCounts(db).waiting } });
      })();
      log.info({ serverUrl: link.server_url, storeId: link.store_id }, 'un-enrolled from the store server');
      publish();
      return status();
    },

    syncNow() {
      if (!readLink(db)) throw new PosError('conflict', 'This till is not enrolled with a store server', { reason: 'sync_not_enrolled' });
      lastPullQueuedAt = clock.now().getTime();
      queue(UPLOAD_JOB, UPLOAD_SUBJECT);
      queue(PULL_JOB, PULL_SUBJECT);
      return status();
    },

    factWritten() {
      // Facts committed in the same turn go in one upload; an upload already running picks them up in its next batch.
      if (wakeTimer) return;
      wakeTimer = setTimeout(() => {
        wakeTimer = null;
        try {
          if (readLink(db) && !numberingHistory()) queue(UPLOAD_JOB, UPLOAD_SUBJECT);
        } catch (error) {
          log.error({ err: error }, 'could not queue the upload of a new fact');
        }
      }, 0);
      wakeTimer.unref();
    },

    historyNumbered() {
      if (readLink(db)) queue(UPLOAD_JOB, UPLOAD_SUBJECT);
      publish();
    },

    history() {
      const rows = stmt(db, 'SELECT id, kind, status, attempts, last_error, created_at, finished_at FROM job WHERE kind IN (?, ?) ORDER BY seq DESC LIMIT 50').all(UPLOAD_JOB, PULL_JOB) as {
        id: string;
        kind: 'sync.upload' | 'sync.pull';
        status: string;
        attempts: number;
        last_error: string | null;
        created_at: string;
        finished_at: string | null;
      }[];
      const attempts = attemptsOfJobs(db, rows.map((r) => r.id));
      return rows.map((r) => ({
        jobId: r.id,
        kind: r.kind,
        status: r.status,
        attempts: r.attempts,
        lastError: r.last_error,
        createdAt: r.created_at,
        finishedAt: r.finished_at,
        history: attempts.filter((a) => a.job_id === r.id).map((a) => ({ attempt: a.attempt, startedAt: a.started_at, endedAt: a.ended_at, outcome: a.outcome, error: a.error })),
      }));
    },

    start() {
      if (timers.length) return;
      const every = (ms: number) => {
        const t = setInterval(lookForWork, ms);
        t.unref();
        timers.push(t);
      };
      every(timings.uploadEveryMs);
      setImmediate(lookForWork);
    },

    stop() {
      timers.forEach(clearInterval);
      timers = [];
      if (wakeTimer) clearTimeout(wakeTimer);
      wakeTimer = null;
    },
  };
}

/** Longest wait a server's Retry-After is taken for (a bad header must not park the till's sync for days). */
const MAX_RETRY_AFTER_MS = 60 * 60_000;

/** A failed run goes again after the runner's backoff, or, when the server said how long to wait (Retry-After), then. */
export function retryOutcome(error: unknown, text: string, nowMs: number): { outcome: 'retry'; error: string; at?: number } {
  const after = error instanceof SyncServerError ? error.retryAfterMs : undefined;
  return { outcome: 'retry', error: text, ...(after !== undefined ? { at: nowMs + Math.min(after, MAX_RETRY_AFTER_MS) } : {}) };
}

function stateOf(link: SyncLinkRow | null): SyncStatus['state'] {
  if (!link) return 'not_enrolled';
  if (link.last_error) return /^(unreachable|timeout|unavailable|rate_limited)\b/.test(link.last_error) ? 'offline' : 'refused';
  return link.last_contact_at ? 'online' : 'connecting';
}

function urlOrRefuse(input: string): string {
  try {
    return normaliseServerUrl(input);
  } catch {
    throw new PosError('validation_failed', 'The server address must be https://host:port', { reason: 'not_https_url' });
  }
}

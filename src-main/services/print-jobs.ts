/**
 * Receipt printing as a kind of the one durable job runner (`print.receipt`, subject `print:<printer id>`, so a
 * printer's jobs print strictly in order). A job and its bytes are committed before anything is sent; the job
 * is held (not claimed, no attempt spent) while the printer is away, out of paper or open, and the device
 * manager's "ready" wakes the runner. A failed write is retried with backoff, its attempts and error kept.
 * Marked done only after the bytes were drained to the OS: a crash in between prints the job again once its
 * lease runs out (at-least-once: a duplicate receipt is harmless, a lost one is not).
 * The drawer kick and the caller's promise live only in this run's memory: a job printed after a restart, or
 * too late, never opens the drawer.
 */
import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import { countOpenPrintJobs, insertPrintBytes, PRINT_JOB_KIND, printBytesOf, pruneFinishedPrintBytes, releasePrintJobs } from '../../db/queries/print-jobs';
import { withoutStoredKick, type DrawerKick, type PrinterPort, type PrintQueue } from '../../drivers/devices/print-queue';
import { errorText } from '../../drivers/transport/transport';
import type { Clock } from '../clock';
import type { JobResult, JobRunner, RunningJob } from '../jobs/runner';
import type { Logger } from '../log';

const printJobPayload = z.object({ document: z.string().min(1).max(64) });
type PrintJobPayload = z.infer<typeof printJobPayload>;

/** Bytes of finished jobs kept for a look back; older ones are dropped (the job rows stay in the history). */
const KEEP_PRINTED_BYTES = 200;
const PRUNE_EVERY = 50;
/** Short, so a job cut short by a crash prints again soon after the restart (renewed while it prints). */
const PRINT_LEASE_MS = 5_000;

export interface PrintJobsDeps {
  db: Database;
  clock: Clock;
  log: Logger;
  jobs: JobRunner;
  /**
   * Awaited before the bytes go to the printer: the sale a receipt is for is on disk before the customer holds the
   * paper (the core's DurabilityBarrier, db/durability.ts).
   */
  durable?: () => Promise<void>;
  /** Backoff after a failed write: first delay, doubled per attempt up to max. */
  retry?: { firstMs: number; maxMs: number };
}

/** The device manager's print queue (its `printQueue` option): registers the kind on the runner. */
export function createPrintJobQueue(deps: PrintJobsDeps): (printer: PrinterPort) => PrintQueue {
  const { db, clock, log, jobs } = deps;
  const retry = deps.retry ?? { firstMs: 1_000, maxMs: 30_000 };
  return (printer) => {
    const live = new Map<string, { resolve: () => void; reject: (e: Error) => void; kick?: DrawerKick }>();
    let open = countOpenPrintJobs(db);
    let printedSincePrune = 0;
    let closed = false;

    const finished = () => {
      open = Math.max(0, open - 1);
      printer.showQueued(open);
    };

    async function print(job: RunningJob<PrintJobPayload>): Promise<JobResult> {
      const bytes = printBytesOf(db, job.id);
      if (!bytes) {
        finished();
        return { outcome: 'failed', error: 'the bytes of this print job are gone' };
      }
      try {
        await deps.durable?.();
        // Bytes stored by an older version may end with a drawer kick: never replayed.
        await printer.write(withoutStoredKick(bytes));
      } catch (error) {
        const message = errorText(error);
        log.warn({ jobId: job.id, attempt: job.attempt, error: message }, 'print job not printed; will retry');
        // The printer went away: due again at once, held by `ready` until it is back. Otherwise back off.
        return printer.ready() ? { outcome: 'retry', error: message } : { outcome: 'retry', error: message, at: clock.now().getTime() };
      }
      finished();
      const caller = live.get(job.id);
      live.delete(job.id);
      if (caller?.kick) await printer.kickAfterReceipt(caller.kick);
      caller?.resolve();
      if (++printedSincePrune >= PRUNE_EVERY) {
        printedSincePrune = 0;
        pruneFinishedPrintBytes(db, KEEP_PRINTED_BYTES);
      }
      return { outcome: 'done' };
    }

    jobs.register<PrintJobPayload>({
      kind: PRINT_JOB_KIND,
      payload: printJobPayload,
      // One printer, one job at a time (and its subject keeps them in order).
      concurrency: 1,
      backoff: (attempts) => Math.min(retry.firstMs * 2 ** Math.max(0, attempts - 1), retry.maxMs),
      leaseMs: PRINT_LEASE_MS,
      ready: () => !closed && printer.ready(),
      handler: print,
    });

    const stopListening = printer.onReady(() => {
      // Jobs waiting out a backoff go now: the printer is back.
      const now = clock.now();
      releasePrintJobs(db, now.getTime(), now.toISOString());
      jobs.wake();
    });

    return {
      add(document, bytes, kick) {
        const subject = `print:${printer.id() ?? 'printer'}`;
        const id = db.transaction(() => {
          const jobId = jobs.enqueue<PrintJobPayload>(PRINT_JOB_KIND, subject, { document });
          insertPrintBytes(db, jobId, bytes);
          return jobId;
        })();
        open += 1;
        printer.showQueued(open);
        const printed = new Promise<void>((resolve, reject) => live.set(id, { resolve, reject, ...(kick ? { kick } : {}) }));
        jobs.wake();
        return printed;
      },
      length: () => open,
      close() {
        closed = true;
        stopListening();
        for (const caller of live.values()) caller.reject(new Error('The terminal is stopping'));
        live.clear();
      },
    };
  };
}

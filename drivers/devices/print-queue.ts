/**
 * The print queue seam of the device manager. The manager owns the printer (a PrinterPort: write now, is it
 * ready, tell me when it is); a PrintQueue decides what to print when. The terminal's queue is a kind of its
 * durable job runner (src-main/services/print-jobs.ts); the queue here keeps jobs in a PrintJobStore (memory by
 * default) and drains on its own, for the manager used without a database.
 */
import { FEED_AND_CUT } from '../receipt/escpos';
import { errorText } from '../transport/transport';

/** A drawer kick to send right after a receipt, only while `until` (epoch ms) has not passed. Never stored. */
export interface DrawerKick {
  bytes: Uint8Array;
  until: number;
}

export interface PrinterPort {
  /** The configured printer's id, or null when there is none. */
  id(): string | null;
  /** A printer is configured, its port is open and it reports no paper out, cover open or error. */
  ready(): boolean;
  /** Called each time the printer may have become ready (its port opened, paper is back, configuration applied). */
  onReady(listener: () => void): () => void;
  /** Writes the bytes now (the printer's status shows it busy); rejects when it is not ready or the write fails. */
  write(bytes: Uint8Array): Promise<void>;
  /** Sends the kick of a receipt that just printed, or drops it when its window has passed (never retried). */
  kickAfterReceipt(kick: DrawerKick): Promise<void>;
  /** Shows how many jobs wait, on the printer's status. */
  showQueued(count: number): void;
}

export interface PrintQueue {
  /**
   * Keeps the job (stored before anything is sent) and resolves once it printed in this run. The kick stays in
   * memory: a job printed after a restart never opens the drawer.
   */
  add(kind: string, bytes: Uint8Array, kick?: DrawerKick): Promise<void>;
  /** Jobs not printed yet. */
  length(): number;
  /** Stops: jobs not printed stay stored, their promises reject. */
  close(): void;
}

/** Where the self-draining queue keeps its jobs. */
export interface PrintJobStore {
  /** Keeps the job (committed before it is sent) and returns its id. */
  add(kind: string, bytes: Uint8Array): string;
  /** The printer took the job (its bytes were drained to the OS). */
  printed(id: string): void;
  /** A send failed; the job stays queued. */
  failed(id: string, error: string): void;
  /** Jobs not printed yet, oldest first. */
  pending(): { id: string; bytes: Uint8Array }[];
}

export function memoryPrintJobStore(): PrintJobStore {
  const jobs = new Map<string, Uint8Array>();
  let next = 0;
  return {
    add(_kind, bytes) {
      const id = String(++next);
      jobs.set(id, bytes);
      return id;
    },
    printed: (id) => void jobs.delete(id),
    failed: () => undefined,
    pending: () => [...jobs].map(([id, bytes]) => ({ id, bytes })),
  };
}

interface QueuedJob {
  id: string;
  bytes: Uint8Array;
  settle?: { resolve: () => void; reject: (e: Error) => void };
  kick?: DrawerKick;
}

/** Prints a store's jobs in order whenever the printer is ready; a failed send is retried after `retryMs`. */
export function createStorePrintQueue(printer: PrinterPort, store: PrintJobStore, options: { retryMs: number }): PrintQueue {
  // Jobs left from before a restart print first, in their order, and never kick the drawer.
  const queue: QueuedJob[] = store.pending().map((j) => ({ id: j.id, bytes: withoutStoredKick(j.bytes) }));
  let retryTimer: NodeJS.Timeout | null = null;
  let draining = false;
  let closed = false;

  function scheduleRetry() {
    if (retryTimer || closed) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void drain();
    }, options.retryMs);
  }

  async function drain(): Promise<void> {
    if (draining || closed) return;
    draining = true;
    try {
      while (queue.length && !closed && printer.ready()) {
        const job = queue[0]!;
        try {
          await printer.write(job.bytes);
        } catch (error) {
          // Left at the head of the queue: it prints when the printer is back (receipts are never dropped).
          store.failed(job.id, errorText(error));
          scheduleRetry();
          return;
        }
        // Marked printed only after the bytes were drained to the OS. A crash between the write and this line
        // prints the job again on the next start: at-least-once is the right trade for receipts.
        queue.shift();
        store.printed(job.id);
        if (job.kick) await printer.kickAfterReceipt(job.kick);
        job.settle?.resolve();
        printer.showQueued(queue.length);
      }
    } finally {
      draining = false;
    }
  }

  const stopListening = printer.onReady(() => void drain());
  return {
    add(kind, bytes, kick) {
      const id = store.add(kind, bytes);
      return new Promise<void>((resolve, reject) => {
        queue.push({ id, bytes, settle: { resolve, reject }, ...(kick ? { kick } : {}) });
        printer.showQueued(queue.length);
        void drain();
      });
    },
    length: () => queue.length,
    close() {
      closed = true;
      stopListening();
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      for (const job of queue.splice(0)) job.settle?.reject(new Error('The terminal is stopping'));
    },
  };
}

/**
 * A stored job's bytes without a drawer kick at its end. Receipts queued before kicks were kept out of the
 * store end with the cut and then `ESC p m t1 t2` (twice for both pins): a job replayed at start must not open
 * the drawer, so that tail is dropped. Nothing else the terminal prints ends that way.
 */
export function withoutStoredKick(bytes: Uint8Array): Uint8Array {
  const kickAt = (i: number) => i >= 0 && bytes[i] === 0x1b && bytes[i + 1] === 0x70 && (bytes[i + 2] === 0 || bytes[i + 2] === 1);
  let end = bytes.length;
  for (let n = 0; n < 2 && kickAt(end - 5); n += 1) end -= 5;
  if (end === bytes.length || end < FEED_AND_CUT.length) return bytes;
  const cutAt = end - FEED_AND_CUT.length;
  return FEED_AND_CUT.every((b, i) => bytes[cutAt + i] === b) ? bytes.slice(0, end) : bytes;
}

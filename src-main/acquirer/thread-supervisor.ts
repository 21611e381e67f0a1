/**
 * Runs a sandbox in a worker thread of its own and keeps it running: the thread is told its port (chosen here
 * first, so the address is known at once), reports `ready`, relays its log lines to the core's log, and is started
 * again on the same port when it ends unasked (its ledger is a file, so nothing is lost). The aggregator's embedded
 * sandbox and the direct providers' built-in sandboxes run this way.
 */
import { createServer } from 'node:net';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../log';

const READY_TIMEOUT_MS = 30_000;
const CLOSE_TIMEOUT_MS = 3_000;
const RESTART_DELAYS_MS = [250, 1000, 5000];
const LEVELS: Record<number, 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal'> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/** What every sandbox thread says; a thread may say more (`onMessage`). */
export type SandboxThreadMessage = { type: 'ready' } | { type: 'log'; line: string } | { type: 'closed' } | { type: string };

export interface SupervisedThread {
  readonly port: number;
  /** Resolves once the thread answers on its port (at once when it already does); rejects when it could not start. */
  whenReady(): Promise<void>;
  close(): Promise<void>;
  /** Ends the thread as a crash would (tests): it is started again on the same port. */
  kill(): Promise<void>;
}

export interface SupervisedThreadOptions {
  readonly file: string;
  /** What the thread is, in log lines and errors ("the sandbox acquirer thread"). */
  readonly what: string;
  readonly log: Logger;
  /** The thread's workerData for a start on `port` (asked again at each restart). */
  workerData(port: number): unknown;
  /** Messages other than ready, log and closed. */
  onMessage?(message: SandboxThreadMessage): void;
  /** Ready in this long, or the start failed (30 s). */
  readonly readyTimeoutMs?: number;
}

export async function superviseThread(options: SupervisedThreadOptions): Promise<SupervisedThread> {
  const { log, what } = options;
  const readyTimeoutMs = options.readyTimeoutMs ?? READY_TIMEOUT_MS;
  let closing = false;
  let crashes = 0;
  let restartTimer: ReturnType<typeof setTimeout> | null = null;

  /** Writes a line the thread logged into the core's log (its level, message and fields). */
  function relay(line: string) {
    try {
      const { level, msg, time: _time, pid: _pid, hostname: _hostname, ...fields } = JSON.parse(line) as { level: number; msg?: string; time?: unknown; pid?: unknown; hostname?: unknown };
      log[LEVELS[level] ?? 'info'](fields, msg ?? '');
    } catch {
      log.warn({ line: line.slice(0, 200) }, `unreadable log line from ${what}`);
    }
  }

  function spawn(port: number): Promise<Worker> {
    const worker = new Worker(options.file, { workerData: options.workerData(port), stdout: false, stderr: false });
    worker.unref();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        void worker.terminate();
        reject(new Error(`${what} was not ready in ${readyTimeoutMs / 1000} s`));
      }, readyTimeoutMs);
      let ready = false;
      worker.on('message', (message: SandboxThreadMessage) => {
        if (message.type === 'log') relay((message as { line: string }).line);
        else if (message.type === 'ready') {
          if (ready) return;
          ready = true;
          clearTimeout(timer);
          resolve(worker);
        } else if (message.type !== 'closed') options.onMessage?.(message);
      });
      worker.on('error', (error) => {
        log.error({ err: error }, `${what} failed`);
        if (!ready) {
          clearTimeout(timer);
          reject(error);
        }
      });
      worker.on('exit', (code) => {
        if (!ready) {
          clearTimeout(timer);
          reject(new Error(`${what} ended before it was ready (exit ${code})`));
        } else if (!closing && current === worker) restart(code);
      });
    });
  }

  function restart(code: number) {
    const delay = RESTART_DELAYS_MS[Math.min(crashes, RESTART_DELAYS_MS.length - 1)]!;
    crashes += 1;
    log.error({ code, restartInMs: delay }, `${what} ended; starting it again on the same port`);
    restartTimer = setTimeout(() => {
      restartTimer = null;
      if (closing) return;
      spawn(port).then(
        (next) => {
          current = next;
          crashes = 0;
        },
        (error: unknown) => {
          log.error({ err: error }, `${what} could not be started again`);
          if (!closing) restart(-1);
        },
      );
    }, delay);
  }

  const port = await freeLoopbackPort();
  let current: Worker | null = null;
  const starting = spawn(port).then((worker) => {
    current = worker;
  });
  // A thread that could not start is reported by whoever awaits whenReady() (a payment then fails unsent).
  starting.catch((error: unknown) => log.error({ err: error }, `${what} could not be started`));

  return {
    port,
    whenReady: () => starting,
    async kill() {
      await starting;
      await current?.terminate();
    },
    async close() {
      closing = true;
      if (restartTimer) clearTimeout(restartTimer);
      await starting.catch(() => {});
      const worker = current;
      if (!worker) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => void worker.terminate().then(() => resolve()), CLOSE_TIMEOUT_MS);
        worker.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        worker.on('message', (message: SandboxThreadMessage) => {
          if (message.type !== 'closed') return;
          clearTimeout(timer);
          void worker.terminate().then(() => resolve());
        });
        worker.postMessage({ type: 'close' });
      });
    },
  };
}

/**
 * A free port on the loopback interface for the thread to listen on. Should another process take it before the
 * thread listens, the thread's start fails (EADDRINUSE): logged, and reported by whenReady().
 */
function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** `port` whose every method first awaits the thread: a request never races its start. */
export function afterReady<P extends object>(port: P, whenReady: () => Promise<void>): P {
  return new Proxy(port, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      const method = value as (...a: unknown[]) => unknown;
      return async (...args: unknown[]) => {
        await whenReady();
        return method.apply(target, args);
      };
    },
  });
}

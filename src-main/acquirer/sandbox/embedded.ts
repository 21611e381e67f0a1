/**
 * The sandbox acquirer embedded in the terminal (the default when no acquirer address is configured), run in a
 * thread of its own (thread.ts): the core only talks to it over HTTP, as to any acquirer. A thread that dies is
 * started again on the same port (the adapter keeps its address); its ledger is a file, so nothing is lost.
 *
 * The terminal does not wait for the thread to start (loading it and its ledger takes a quarter of a second on a
 * low-end till, all of it before the terminal could say it is ready): its port is chosen first, so the address is
 * known at once, and whatever talks to it awaits `whenReady()` (see `afterReady`).
 */
import { createServer } from 'node:net';
import { Worker } from 'node:worker_threads';
import { findBuiltEntry } from '../../built-entry';
import type { Logger } from '../../log';
import type { EmbeddedSandboxData, FromSandboxThread, ToSandboxThread } from './thread-protocol';

export const SANDBOX_THREAD_FILE = 'sandbox-worker.js';
const READY_TIMEOUT_MS = 30_000;
const CLOSE_TIMEOUT_MS = 3_000;
const RESTART_DELAYS_MS = [250, 1000, 5000];
const LEVELS: Record<number, 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal'> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

export interface EmbeddedSandbox {
  /** `http://127.0.0.1:<port>`, the adapter's baseUrl. */
  readonly url: string;
  /** Resolves once the thread answers on `url` (at once when it already does); rejects when it could not start. */
  whenReady(): Promise<void>;
  close(): Promise<void>;
  /** Ends the thread as a crash would (tests): it is started again on the same port. */
  kill(): Promise<void>;
}

export interface EmbeddedSandboxOptions {
  readonly dbPath: string;
  readonly scale: number;
  readonly logLevel: string;
  readonly log: Logger;
  /** The built thread entry; found beside the core's build when not given. */
  readonly file?: string;
}

export async function startEmbeddedSandbox(options: EmbeddedSandboxOptions): Promise<EmbeddedSandbox> {
  const file = options.file ?? (await findBuiltEntry(SANDBOX_THREAD_FILE, 'The embedded sandbox acquirer'));
  const { log } = options;
  let closing = false;
  let crashes = 0;
  let restartTimer: ReturnType<typeof setTimeout> | null = null;

  /** Writes a line the thread logged into the core's log (its level, message and fields). */
  function relay(line: string) {
    try {
      const { level, msg, time: _time, pid: _pid, hostname: _hostname, ...fields } = JSON.parse(line) as { level: number; msg?: string; time?: unknown; pid?: unknown; hostname?: unknown };
      log[LEVELS[level] ?? 'info'](fields, msg ?? '');
    } catch {
      log.warn({ line: line.slice(0, 200) }, 'unreadable log line from the sandbox acquirer thread');
    }
  }

  function spawn(port: number): Promise<{ worker: Worker; url: string; port: number }> {
    const data: EmbeddedSandboxData = { dbPath: options.dbPath, port, scale: options.scale, logLevel: options.logLevel };
    const worker = new Worker(file, { workerData: data, stdout: false, stderr: false });
    worker.unref();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        void worker.terminate();
        reject(new Error(`the sandbox acquirer thread was not ready in ${READY_TIMEOUT_MS / 1000} s`));
      }, READY_TIMEOUT_MS);
      let ready = false;
      worker.on('message', (message: FromSandboxThread) => {
        if (message.type === 'log') relay(message.line);
        else if (message.type === 'ready' && !ready) {
          ready = true;
          clearTimeout(timer);
          resolve({ worker, url: message.url, port: message.port });
        }
      });
      worker.on('error', (error) => {
        log.error({ err: error }, 'the sandbox acquirer thread failed');
        if (!ready) {
          clearTimeout(timer);
          reject(error);
        }
      });
      worker.on('exit', (code) => {
        if (!ready) {
          clearTimeout(timer);
          reject(new Error(`the sandbox acquirer thread ended before it was ready (exit ${code})`));
        } else if (!closing && current === worker) restart(code);
      });
    });
  }

  function restart(code: number) {
    const delay = RESTART_DELAYS_MS[Math.min(crashes, RESTART_DELAYS_MS.length - 1)]!;
    crashes += 1;
    log.error({ code, restartInMs: delay }, 'the sandbox acquirer thread ended; starting it again on the same port');
    restartTimer = setTimeout(() => {
      restartTimer = null;
      if (closing) return;
      spawn(port).then(
        (next) => {
          current = next.worker;
          crashes = 0;
        },
        (error: unknown) => {
          log.error({ err: error }, 'the sandbox acquirer thread could not be started again');
          if (!closing) restart(-1);
        },
      );
    }, delay);
  }

  const port = await freeLoopbackPort();
  let current: Worker | null = null;
  const starting = spawn(port).then((started) => {
    current = started.worker;
  });
  // A thread that could not start is reported by whoever awaits whenReady() (a payment then fails unsent).
  starting.catch((error: unknown) => log.error({ err: error }, 'the sandbox acquirer thread could not be started'));

  return {
    url: `http://127.0.0.1:${port}`,
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
        worker.on('message', (message: FromSandboxThread) => {
          if (message.type !== 'closed') return;
          clearTimeout(timer);
          void worker.terminate().then(() => resolve());
        });
        worker.postMessage({ type: 'close' } satisfies ToSandboxThread);
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

/** `port` whose every method first awaits the embedded sandbox's thread: a request never races its start. */
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

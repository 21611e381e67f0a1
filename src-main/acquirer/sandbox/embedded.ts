/**
 * The sandbox acquirer embedded in the terminal (the default when no acquirer address is configured), run in a
 * thread of its own (thread.ts): the core only talks to it over HTTP, as to any acquirer. A thread that dies is
 * started again on the same port (the adapter keeps its address); its ledger is a file, so nothing is lost.
 */
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
      spawn(first.port).then(
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

  const first = await spawn(0);
  let current: Worker = first.worker;

  return {
    url: first.url,
    async kill() {
      await current.terminate();
    },
    async close() {
      closing = true;
      if (restartTimer) clearTimeout(restartTimer);
      const worker = current;
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

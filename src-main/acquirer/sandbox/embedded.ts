/**
 * The sandbox acquirer embedded in the terminal (the default when no acquirer address is configured), run in a
 * thread of its own (thread.ts): the core only talks to it over HTTP, as to any acquirer. A thread that dies is
 * started again on the same port (the adapter keeps its address); its ledger is a file, so nothing is lost
 * (../thread-supervisor.ts).
 *
 * The terminal does not wait for the thread to start (loading it and its ledger takes a quarter of a second on a
 * low-end till, all of it before the terminal could say it is ready): its port is chosen first, so the address is
 * known at once, and whatever talks to it awaits `whenReady()` (see `afterReady`).
 */
import { findBuiltEntry } from '../../built-entry';
import type { Logger } from '../../log';
import { superviseThread } from '../thread-supervisor';
import type { EmbeddedSandboxData } from './thread-protocol';

export { afterReady } from '../thread-supervisor';

export const SANDBOX_THREAD_FILE = 'sandbox-worker.js';

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
  /** better-sqlite3's addon for a non-Node ABI (Electron): the thread opens its ledger with it. */
  readonly nativeBinding?: string;
}

export async function startEmbeddedSandbox(options: EmbeddedSandboxOptions): Promise<EmbeddedSandbox> {
  const file = options.file ?? (await findBuiltEntry(SANDBOX_THREAD_FILE, 'The embedded sandbox acquirer'));
  const thread = await superviseThread({
    file,
    what: 'the sandbox acquirer thread',
    log: options.log,
    workerData: (port): EmbeddedSandboxData => ({ dbPath: options.dbPath, port, scale: options.scale, logLevel: options.logLevel, ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}) }),
  });
  return { url: `http://127.0.0.1:${thread.port}`, whenReady: thread.whenReady, close: thread.close, kill: thread.kill };
}

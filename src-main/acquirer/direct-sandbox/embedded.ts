/**
 * The direct providers' built-in sandboxes (WeChat Pay v2, v3, Alipay), as the technician chooses them in sandbox
 * mode: each runs in a thread of its own (thread.ts, loaded by its built file's path only, never in the core's import
 * graph) over HTTPS on 127.0.0.1, with its ledger in `direct-sandboxes/<provider>.sqlite` and its identity (both
 * sides' keys and certificates, made the first time) sealed with the terminal's keyring in
 * `direct-sandboxes/<provider>.identity`. At the next start it comes back with both, on a new port.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findBuiltEntry } from '../../built-entry';
import type { Keyring } from '../../keyring';
import type { Logger } from '../../log';
import { superviseThread, type SupervisedThread } from '../thread-supervisor';
import { sandboxAddress, type DirectSandboxData, type DirectSandboxIdentity, type DirectSandboxProvider, type FromDirectSandboxThread } from './protocol';

export const DIRECT_SANDBOX_THREAD_FILE = 'direct-sandbox-worker.js';
export const DIRECT_SANDBOX_DIR = 'direct-sandboxes';
/** Making an identity runs openssl and RSA key generation: on a slow till, well beyond a plain start. */
const FIRST_START_TIMEOUT_MS = 120_000;

export interface RunningDirectSandbox {
  /** The address the till's settings name (https://127.0.0.1:<port>, Alipay's with /gateway.do). */
  readonly url: string;
  readonly identity: DirectSandboxIdentity;
}

export interface DirectSandboxes {
  /** Starts the provider's sandbox unless it runs (making its identity the first time); resolves once it answers. */
  start(provider: DirectSandboxProvider): Promise<RunningDirectSandbox>;
  /**
   * At the terminal's start, for a provider whose stored settings are the built-in sandbox's: starts its thread
   * with the stored identity, without waiting for it (requests wait: `whenReady`). False when there is no identity.
   */
  resume(provider: DirectSandboxProvider): Promise<boolean>;
  /** The running sandbox's address, or null. */
  url(provider: DirectSandboxProvider): string | null;
  /** Resolves once the provider's sandbox answers; null when none runs. */
  whenReady(provider: DirectSandboxProvider): (() => Promise<void>) | null;
  /** Ends a sandbox's thread as a crash would (tests): it is started again on the same port. */
  kill(provider: DirectSandboxProvider): Promise<void>;
  close(): Promise<void>;
}

export interface DirectSandboxesOptions {
  readonly dataDir: string;
  readonly keyring: Keyring;
  readonly log: Logger;
  readonly logLevel: string;
  /** Multiplies the sandboxes' simulated delays (acquirer.sandboxSpeed). */
  readonly scale: number;
  /** The built thread entry; found beside the core's build when not given. */
  readonly file?: string;
  /** better-sqlite3's addon for a non-Node ABI (Electron): the sandboxes open their ledgers with it. */
  readonly nativeBinding?: string;
}

interface Entry {
  thread: SupervisedThread;
  identity: DirectSandboxIdentity | null;
  /** The identity's sealed file written (the first start), or nothing to write. */
  saved: Promise<void>;
}

export function createDirectSandboxes(options: DirectSandboxesOptions): DirectSandboxes {
  const dir = join(options.dataDir, DIRECT_SANDBOX_DIR);
  const running = new Map<DirectSandboxProvider, Entry>();
  const starting = new Map<DirectSandboxProvider, Promise<Entry>>();
  const identityFile = (provider: DirectSandboxProvider) => join(dir, `${provider}.identity`);
  let closed = false;

  async function storedIdentity(provider: DirectSandboxProvider): Promise<DirectSandboxIdentity | null> {
    let sealed: string;
    try {
      sealed = await readFile(identityFile(provider), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    const identity = JSON.parse(options.keyring.unseal(sealed.trim())) as DirectSandboxIdentity;
    if (identity.provider !== provider) throw new Error(`${identityFile(provider)} holds ${identity.provider}'s sandbox identity`);
    return identity;
  }

  async function saveIdentity(identity: DirectSandboxIdentity): Promise<void> {
    const file = identityFile(identity.provider);
    await writeFile(`${file}.tmp`, options.keyring.seal(JSON.stringify(identity)), { mode: 0o600 });
    await rename(`${file}.tmp`, file);
  }

  async function launch(provider: DirectSandboxProvider, identity: DirectSandboxIdentity | null): Promise<Entry> {
    if (closed) throw new Error('the terminal is stopping');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const file = options.file ?? (await findBuiltEntry(DIRECT_SANDBOX_THREAD_FILE, 'The built-in direct payment sandbox'));
    const log = options.log.child({ module: `sandbox-${provider.replace('_', '-')}` });
    const entry: Entry = { thread: null as unknown as SupervisedThread, identity, saved: Promise.resolve() };
    entry.thread = await superviseThread({
      file,
      what: `the built-in ${provider} sandbox thread`,
      log,
      ...(identity ? {} : { readyTimeoutMs: FIRST_START_TIMEOUT_MS }),
      workerData: (port): DirectSandboxData => ({
        provider,
        dbPath: join(dir, `${provider}.sqlite`),
        port,
        scale: options.scale,
        logLevel: options.logLevel,
        ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
        identity: entry.identity,
      }),
      onMessage: (message) => {
        if (message.type !== 'identity') return;
        entry.identity = (message as FromDirectSandboxThread & { type: 'identity' }).identity;
        entry.saved = saveIdentity(entry.identity);
        entry.saved.catch((error: unknown) => log.error({ err: error }, 'the built-in sandbox identity could not be saved'));
      },
    });
    running.set(provider, entry);
    return entry;
  }

  return {
    async start(provider) {
      const failed = running.get(provider);
      if (failed && !(await failed.thread.whenReady().then(() => true, () => false))) {
        // A thread that could not start (at the terminal's start: a port taken) is started afresh.
        if (running.get(provider) === failed) running.delete(provider);
        await failed.thread.close();
      }
      let entry = running.get(provider);
      if (!entry) {
        let pending = starting.get(provider);
        if (!pending) {
          pending = storedIdentity(provider).then((identity) => launch(provider, identity));
          starting.set(provider, pending);
          void pending.finally(() => starting.delete(provider)).catch(() => {});
        }
        entry = await pending;
      }
      try {
        await entry.thread.whenReady();
        await entry.saved;
      } catch (error) {
        // A sandbox that could not start is forgotten: the technician may try again.
        if (running.get(provider) === entry) running.delete(provider);
        await entry.thread.close();
        throw error;
      }
      if (!entry.identity) throw new Error(`the built-in ${provider} sandbox started without an identity`);
      return { url: sandboxAddress(provider, entry.thread.port), identity: entry.identity };
    },
    async resume(provider) {
      if (running.has(provider)) return true;
      const identity = await storedIdentity(provider);
      if (!identity) {
        options.log.error({ provider, file: identityFile(provider) }, 'the built-in sandbox these settings name has no identity file: choose it again');
        return false;
      }
      await launch(provider, identity);
      return true;
    },
    url(provider) {
      const entry = running.get(provider);
      return entry ? sandboxAddress(provider, entry.thread.port) : null;
    },
    whenReady(provider) {
      const entry = running.get(provider);
      return entry ? entry.thread.whenReady : null;
    },
    async kill(provider) {
      await running.get(provider)?.thread.kill();
    },
    async close() {
      closed = true;
      await Promise.allSettled([...starting.values()]);
      await Promise.all([...running.values()].map((entry) => entry.thread.close()));
      running.clear();
    },
  };
}

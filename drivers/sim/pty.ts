/**
 * Virtual serial ports for tests and demos (../../../shared/TESTING.md): socat joins two pseudo-terminals, the code
 * under test opens end `a` with the real serialport driver and a device simulator holds end `b`.
 *
 * unplug() stops socat: both ends vanish, as when a USB serial adapter is pulled (the driver's reads fail
 * and the link names disappear). replug() starts socat again under the same link names.
 * Every socat started here is killed by close(), by killAllSocat() (call it in afterAll) and, as a last
 * resort, when the test process exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';

export interface PtyPair {
  /** The end the code under test opens. */
  readonly a: string;
  /** The simulator's end. */
  readonly b: string;
  /** Is socat running (plugged in)? */
  readonly plugged: boolean;
  /** Stops socat for good and removes the temp directory. */
  close(): Promise<void>;
  /** Stops socat: both ends vanish. */
  unplug(): Promise<void>;
  /** Starts socat again with the same link names. */
  replug(): Promise<void>;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

/** Kills every socat this process started and waits for them to exit. */
export async function killAllSocat(): Promise<void> {
  await Promise.all([...running].map((child) => stopChild(child)));
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      running.delete(child);
      resolve();
      return;
    }
    const force = setTimeout(() => child.kill('SIGKILL'), 2_000);
    child.once('exit', () => {
      clearTimeout(force);
      running.delete(child);
      resolve();
    });
    // SIGTERM lets socat remove its links, like a device node going away.
    child.kill('SIGTERM');
  });
}

async function startSocat(a: string, b: string): Promise<ChildProcess> {
  installExitHook();
  const child = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  running.add(child);
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
  let failure: string | null = null;
  child.once('error', (error: NodeJS.ErrnoException) => {
    failure = error.code === 'ENOENT' ? 'socat is not installed (apt-get install -y socat)' : `socat failed to start: ${error.message}`;
  });
  child.once('exit', (code, signal) => {
    running.delete(child);
    failure ??= `socat exited (${code ?? signal}) before the ptys were ready: ${stderr.trim()}`;
  });
  const deadline = Date.now() + 5_000;
  for (;;) {
    if (failure !== null) throw new Error(failure);
    if (stderr.includes('starting data transfer loop') && existsSync(a) && existsSync(b)) return child;
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`socat ptys not ready within 5 s: ${stderr.trim()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function createPtyPair(): Promise<PtyPair> {
  const dir = mkdtempSync(join(tmpdir(), 'pos-pty-'));
  const a = join(dir, 'a');
  const b = join(dir, 'b');
  let child: ChildProcess | null = await startSocat(a, b);

  async function unplug(): Promise<void> {
    const c = child;
    child = null;
    if (c) await stopChild(c);
    // socat removes its links on SIGTERM; after a SIGKILL they would dangle.
    for (const link of [a, b]) {
      try {
        unlinkSync(link);
      } catch {
        // already gone
      }
    }
  }

  return {
    a,
    b,
    get plugged() {
      return child !== null;
    },
    unplug,
    async replug() {
      if (child) return;
      child = await startSocat(a, b);
    },
    async close() {
      await unplug();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Peer {
  /** Every byte received so far (since the last clear()). */
  readonly received: Uint8Array;
  write(bytes: Uint8Array | string): Promise<void>;
  /** Resolves with everything received once `predicate` holds for it; rejects after `timeoutMs`. */
  readUntil(predicate: (received: Uint8Array) => boolean, timeoutMs?: number): Promise<Uint8Array>;
  clear(): void;
  close(): Promise<void>;
}

/** The simulator side: a plain serialport on `path` (end `b` of a pair) that collects what arrives. */
export async function openPeer(path: string, baudRate = 9600): Promise<Peer> {
  const port = new SerialPort({ path, baudRate, autoOpen: false });
  port.on('error', () => undefined);
  let chunks: Buffer[] = [];
  let size = 0;
  const wakers = new Set<() => void>();
  port.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    size += chunk.length;
    for (const wake of [...wakers]) wake();
  });
  await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));

  const received = (): Uint8Array => {
    if (chunks.length > 1) chunks = [Buffer.concat(chunks, size)];
    return new Uint8Array(chunks[0] ?? Buffer.alloc(0));
  };

  return {
    get received() {
      return received();
    },
    write(bytes) {
      return new Promise<void>((resolve, reject) => {
        port.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Buffer.from(bytes));
        port.drain((error) => (error ? reject(error) : resolve()));
      });
    },
    readUntil(predicate, timeoutMs = 2_000) {
      return new Promise<Uint8Array>((resolve, reject) => {
        const check = (): boolean => {
          const all = received();
          if (!predicate(all)) return false;
          done();
          resolve(all);
          return true;
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`peer on ${path}: condition not met within ${timeoutMs} ms (${size} bytes received)`));
        }, timeoutMs);
        const wake = (): void => void check();
        const done = (): void => {
          clearTimeout(timer);
          wakers.delete(wake);
        };
        wakers.add(wake);
        check();
      });
    },
    clear() {
      chunks = [];
      size = 0;
    },
    close() {
      return new Promise<void>((resolve) => {
        if (!port.isOpen) {
          port.destroy();
          resolve();
          return;
        }
        port.close(() => {
          port.destroy();
          resolve();
        });
      });
    },
  };
}

/** Byte helpers for assertions. */
export function bytesEqual(x: Uint8Array, y: Uint8Array): boolean {
  return x.length === y.length && Buffer.compare(x, y) === 0;
}


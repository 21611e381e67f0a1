import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import Sqlite from 'better-sqlite3';
import WebSocket from 'ws';
import type { CallInput, CallName, CallOutput } from '../../src-common/contract';
import type { Result } from '../../src-common/errors';
import { openTestShift } from './shift';

export const HOST_ENTRY = resolve('out/main/host.js');

export interface Ready {
  url: string;
  token: string;
  port: number;
  dataDir: string;
}

export interface HostProcess {
  readonly ready: Ready;
  readonly process: ChildProcess;
  stderr(): string;
  /** SIGTERM and wait; resolves with the exit code. */
  stop(): Promise<number | null>;
}

export function tempDir(prefix = 'pos-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Runs the built host as its own process, exactly as `npm run host` does. */
/**
 * The command that runs `command args` inside a cgroup (it joins the group before exec, so the process and all
 * it starts are confined and keep the pid a kill is sent to).
 */
export function inCgroup(cgroupDir: string | undefined, command: string, args: readonly string[]): [string, string[]] {
  if (!cgroupDir) return [command, [...args]];
  return ['sh', ['-c', `echo $$ > "${cgroupDir}/cgroup.procs" && exec "$0" "$@"`, command, ...args]];
}

export async function startHostProcess(
  /** openShift (default true): a shift is open on the till once it is ready (./shift.ts), as selling needs one. */
  options: { dataDir?: string; args?: string[]; config?: Record<string, unknown>; cgroupDir?: string; nodeArgs?: string[]; openShift?: boolean } = {},
): Promise<HostProcess> {
  if (!existsSync(HOST_ENTRY)) throw new Error(`${HOST_ENTRY} is missing: run npm run build (npm test builds first)`);
  const dataDir = options.dataDir ?? tempDir();
  if (options.config) writeFileSync(join(dataDir, 'config.json'), JSON.stringify(options.config));
  const [command, args] = inCgroup(options.cgroupDir, process.execPath, [...(options.nodeArgs ?? []), HOST_ENTRY, '--port', '0', '--data-dir', dataDir, ...(options.args ?? [])]);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));

  const ready = await new Promise<Ready>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`host not ready in 20 s; stderr: ${stderr}`)), 20_000);
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        resolveReady(JSON.parse(line) as Ready);
      } catch {
        reject(new Error(`host printed a non-JSON first line: ${line}`));
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`host exited with ${code} before ready; stderr: ${stderr}`));
    });
  });

  if (options.openShift !== false) {
    const api = await openApiSocket(ready);
    try {
      await openTestShift((name, input) => api.call(name, input));
    } finally {
      api.close();
    }
  }

  return {
    ready,
    process: child,
    stderr: () => stderr,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Runs the host expecting it to refuse to start; resolves with its exit code and stderr. */
export function runHostToExit(args: string[]): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, [HOST_ENTRY, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (c) => (stderr += String(c)));
    child.stdout.on('data', (c) => (stdout += String(c)));
    child.once('exit', (code) => resolveRun({ code, stderr, stdout }));
  });
}

export interface ApiSocket {
  call<K extends CallName>(name: K, input: CallInput<K> | unknown): Promise<Result<CallOutput<K>>>;
  send(raw: string): void;
  readonly messages: unknown[];
  /** Every frame the host sent on this connection, results included, as received. */
  readonly frames: string[];
  nextMessage(): Promise<unknown>;
  close(): void;
}

/** A WebSocket to the host's API; rejects with the HTTP status when the host refuses the upgrade. */
export function openApiSocket(
  ready: Ready,
  options: { token?: string | null; origin?: string; host?: string } = {},
): Promise<ApiSocket> {
  const token = options.token === undefined ? ready.token : options.token;
  const url = `ws://127.0.0.1:${ready.port}/api${token === null ? '' : `?token=${encodeURIComponent(token)}`}`;
  const headers: Record<string, string> = {};
  if (options.origin) headers.origin = options.origin;
  if (options.host) headers.host = options.host;
  const ws = new WebSocket(url, { headers });
  const messages: unknown[] = [];
  const frames: string[] = [];
  const waiters: ((m: unknown) => void)[] = [];
  let nextId = 1;
  const pending = new Map<number, (r: Result<never>) => void>();
  ws.on('message', (data) => {
    frames.push(String(data));
    const message = JSON.parse(String(data)) as { type: string; id?: number; result?: Result<never> };
    if (message.type === 'result' && pending.has(message.id!)) {
      pending.get(message.id!)!(message.result!);
      pending.delete(message.id!);
      return;
    }
    const waiter = waiters.shift();
    if (waiter) waiter(message);
    else messages.push(message);
  });
  return new Promise((resolveSocket, reject) => {
    ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`refused: ${res.statusCode}`), { status: res.statusCode })));
    ws.once('error', reject);
    ws.once('open', () =>
      resolveSocket({
        call: (name, input) =>
          new Promise((resolveCall) => {
            const id = nextId++;
            pending.set(id, resolveCall as (r: Result<never>) => void);
            ws.send(JSON.stringify({ id, call: name, input }));
          }),
        send: (raw) => ws.send(raw),
        messages,
        frames,
        nextMessage: () => (messages.length ? Promise.resolve(messages.shift()) : new Promise((r) => waiters.push(r))),
        close: () => ws.close(),
      }),
    );
  });
}

/** Reads a host's database as a person with the sqlite3 shell would: read-only, closed again at once. */
export function queryTerminalDb<T = Record<string, unknown>>(ready: { dataDir: string }, sql: string, ...params: unknown[]): T[] {
  const db = new Sqlite(join(ready.dataDir, 'pos.sqlite'), { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

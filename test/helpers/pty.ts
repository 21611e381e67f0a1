/** Virtual serial ports (socat) live in drivers/sim/pty.ts; this file adds what only tests need. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Peer } from '../../drivers/sim/pty';

export * from '../../drivers/sim/pty';

export interface ChildRun {
  /** null when it had to be killed. */
  readonly code: number | null;
  /** It did not exit by itself within the time allowed (a timer or handle left behind, or a hang). */
  readonly timedOut: boolean;
  /** What the body returned (JSON), when it got that far. */
  readonly result: unknown;
  readonly stderr: string;
}

/**
 * Runs `body` (JavaScript: the body of an async function given `load(repoRelativePath)`, which loads our
 * TypeScript modules through Vite) in a fresh Node process, and waits for that process to exit *by
 * itself*: that is how a test proves nothing crashed the process and nothing (a timer, a port, a socket)
 * was left keeping it alive. `env` replaces the child's environment (e.g. a PATH without udevadm).
 */
export async function runInChild(body: string, options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<ChildRun> {
  const root = resolvePath('.');
  const vite = pathToFileURL(createRequire(join(root, 'package.json')).resolve('vite')).href;
  const dir = mkdtempSync(join(tmpdir(), 'pos-child-'));
  const script = join(dir, 'child.mjs');
  writeFileSync(
    script,
    `const { createServer } = await import(${JSON.stringify(vite)});
const server = await createServer({ configFile: false, root: ${JSON.stringify(root)}, logLevel: 'silent', appType: 'custom',
  server: { middlewareMode: true, hmr: false, watch: null, ws: false }, optimizeDeps: { noDiscovery: true, include: [] } });
const load = (path) => server.ssrLoadModule(${JSON.stringify(root + '/')} + path);
let result;
try {
  result = await (async () => {\n${body}\n})();
} finally {
  await server.close();
}
process.stdout.write('RESULT ' + JSON.stringify(result ?? null) + '\\n');
`,
  );
  const timeoutMs = options.timeoutMs ?? 10_000;
  // Its own process group, so a kill also takes down any socat it started.
  const child = spawn(process.execPath, [script], { cwd: root, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += String(chunk)));
  child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  }, timeoutMs);
  const code = await new Promise<number | null>((resolveExit) => child.once('exit', (c) => resolveExit(c)));
  clearTimeout(timer);
  rmSync(dir, { recursive: true, force: true });
  const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
  return { code, timedOut, result: line ? (JSON.parse(line.slice('RESULT '.length)) as unknown) : undefined, stderr };
}

/**
 * A receipt printer simulator on the far end of a pseudo-terminal: it keeps what it is sent and answers
 * DLE EOT status requests like an Epson printer (0x12 = all clear; paper end → n=2: 0x32, n=4: 0x7E).
 */
export function simulatePrinter(peer: Peer) {
  let paperOut = false;
  let seen = 0;
  const timer = setInterval(() => {
    const bytes = peer.received;
    if (bytes.length < seen) seen = 0; // the test cleared what it had received
    for (; seen + 2 < bytes.length; seen++) {
      if (bytes[seen] === 0x10 && bytes[seen + 1] === 0x04) {
        const n = bytes[seen + 2];
        const reply = !paperOut ? 0x12 : n === 4 ? 0x7e : n === 2 ? 0x32 : 0x12;
        void peer.write(Uint8Array.of(reply));
        seen += 2;
      }
    }
  }, 10);
  return {
    setPaperOut: (value: boolean) => (paperOut = value),
    stop: () => clearInterval(timer),
  };
}

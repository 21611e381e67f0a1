import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const SANDBOX_ENTRY = resolve('out/main/sandbox.js');

export interface SandboxProcess {
  readonly url: string;
  readonly process: ChildProcess;
  stop(): void;
}

/** The built sandbox acquirer in a process of its own (it outlives a killed terminal), its ledger at `dbPath`. */
export function startSandboxProcess(dbPath: string, scale = 1): Promise<SandboxProcess> {
  const child = spawn(process.execPath, [SANDBOX_ENTRY, '--port', '0', '--db', dbPath, '--scale', String(scale)], { stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolveReady, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) =>
      resolveReady({ url: (JSON.parse(line) as { url: string }).url, process: child, stop: () => child.kill('SIGTERM') }),
    );
    child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
  });
}

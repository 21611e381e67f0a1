import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { inCgroup } from '../test/helpers/host';
import { summarize } from './stats';

interface Started {
  ms: number;
  rssMb: number;
}

/**
 * The environment a till's process starts in: this machine's, less NODE_EXTRA_CA_CERTS. Where it is set (a build
 * machine behind a proxy: the whole system bundle, ~140 certificates), Node parses it before any script runs, in
 * every process: ~80 ms of CPU, 0.1 s of a bare start, 0.4 s of one on a quarter core. No till sets it.
 */
function tillEnvironment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

/** The host's code cache (src-main/code-cache.ts) off: a till's first start after an install or update. */
const WITHOUT_CODE_CACHE = { JIEZHANG_CODE_CACHE_DIR: 'off' };

/** Time from spawn to the first stdout line, and the process's resident memory at that moment. */
function timeToFirstLine(args: string[], cgroupDir?: string, stopSignal: NodeJS.Signals = 'SIGTERM', env: NodeJS.ProcessEnv = {}): Promise<Started> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const [command, commandArgs] = inCgroup(cgroupDir, process.execPath, args);
    const child = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'ignore'], env: tillEnvironment(env) });
    child.once('error', reject);
    createInterface({ input: child.stdout }).once('line', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      let rssMb = NaN;
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        rssMb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024;
      } catch {
        // not Linux: no /proc
      }
      child.once('exit', () => resolve({ ms, rssMb }));
      child.kill(stopSignal);
    });
  });
}

/**
 * Host cold start to ready (fresh data dir: database created and migrated) and warm start (existing
 * data dir), beside the bare start of Node printing one line, measured in the same run. The first, unmeasured
 * start writes the code cache (src-main/code-cache.ts) as a till's first start after an install does; the
 * starts without it are measured too.
 */
export async function hostStart(hostEntry: string, runs = 7, cgroupDir?: string) {
  const bare: number[] = [];
  const cold: Started[] = [];
  const warm: Started[] = [];
  const uncached: Started[] = [];
  const warmDir = mkdtempSync(join(tmpdir(), 'pos-bench-warm-'));
  await timeToFirstLine([hostEntry, '--data-dir', warmDir], cgroupDir);
  for (let i = 0; i < runs; i++) {
    bare.push((await timeToFirstLine(['-e', 'console.log("{}"); setInterval(() => {}, 1000)'], cgroupDir)).ms);
    const dir = mkdtempSync(join(tmpdir(), 'pos-bench-cold-'));
    cold.push(await timeToFirstLine([hostEntry, '--data-dir', dir], cgroupDir));
    rmSync(dir, { recursive: true, force: true });
    warm.push(await timeToFirstLine([hostEntry, '--data-dir', warmDir], cgroupDir));
    const uncachedDir = mkdtempSync(join(tmpdir(), 'pos-bench-cold-'));
    uncached.push(await timeToFirstLine([hostEntry, '--data-dir', uncachedDir], cgroupDir, 'SIGTERM', WITHOUT_CODE_CACHE));
    rmSync(uncachedDir, { recursive: true, force: true });
  }
  rmSync(warmDir, { recursive: true, force: true });
  const bareP50 = summarize(bare).p50;
  const coldMs = summarize(cold.map((s) => s.ms));
  return {
    ...(process.env.NODE_EXTRA_CA_CERTS ? { environment: 'started without this machine’s NODE_EXTRA_CA_CERTS (no till sets it; Node parses the bundle it names at every start)' } : {}),
    coldStartToReadyMs: coldMs,
    warmStartToReadyMs: summarize(warm.map((s) => s.ms)),
    // The cold and warm starts above load the core's code from the code cache the first start made; this one does not.
    coldStartWithoutCodeCacheMs: summarize(uncached.map((s) => s.ms)),
    baselineBareNodeStartMs: summarize(bare),
    coldOverBareNodeP50: Number((coldMs.p50 / bareP50).toFixed(2)),
    idleRssMb: summarize(warm.map((s) => s.rssMb), 1),
  };
}

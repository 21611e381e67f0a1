/**
 * The built host compiles its own code through V8's code cache (src-main/code-cache.ts): the first start writes it,
 * the next one takes every file of the build from it, and a file V8 refuses is compiled as usual and written again.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { HOST_ENTRY } from '../helpers/host';

const dirs: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

interface CacheLine {
  files: number;
  fromCache: number;
  refused: number;
  written: number;
  bytes: number;
  pruned: number;
  failed: string | null;
  dir: string | null;
}

/** Starts the built host until it is ready, stops it, and returns its log line about the code cache. */
async function startOnce(cacheDir: string): Promise<CacheLine> {
  const dataDir = tempDir('pos-code-cache-data-');
  const child = spawn(process.execPath, [HOST_ENTRY, '--port', '0', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, JIEZHANG_CODE_CACHE_DIR: cacheDir },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('host not ready in 30 s')), 30_000);
    createInterface({ input: child.stdout! }).once('line', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  child.kill('SIGTERM');
  await exited;
  const logs = join(dataDir, 'logs');
  const lines = readdirSync(logs)
    .filter((f) => f.endsWith('.log') && f !== 'current.log')
    .flatMap((f) => readFileSync(join(logs, f), 'utf8').split('\n'))
    .filter((l) => l.includes('"msg":"code cache"'));
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!) as CacheLine;
}

describe.skipIf(!existsSync(HOST_ENTRY))('the built host’s code cache', () => {
  it('is written by the first start and read by the next, every file of the build from it', async () => {
    const cacheDir = join(tempDir('pos-code-cache-'), 'cache');
    const first = await startOnce(cacheDir);
    expect(first).toMatchObject({ fromCache: 0, refused: 0, failed: null, dir: cacheDir });
    expect(first.files).toBeGreaterThan(10);
    expect(first.written).toBe(first.files);
    expect(readdirSync(cacheDir).filter((f) => f.endsWith('.bin'))).toHaveLength(first.files);
    expect(readdirSync(cacheDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const second = await startOnce(cacheDir);
    expect(second).toMatchObject({ files: first.files, fromCache: first.files, refused: 0, written: 0 });
  });

  it('compiles a file whose cache V8 refuses as usual, and writes it again', async () => {
    const cacheDir = join(tempDir('pos-code-cache-'), 'cache');
    const first = await startOnce(cacheDir);
    const [spoiled] = readdirSync(cacheDir).filter((f) => f.endsWith('.bin'));
    writeFileSync(join(cacheDir, spoiled!), Buffer.alloc(4096, 7));
    const second = await startOnce(cacheDir);
    expect(second).toMatchObject({ files: first.files, fromCache: first.files - 1, refused: 1, written: 1 });
    expect(readFileSync(join(cacheDir, spoiled!)).equals(Buffer.alloc(4096, 7))).toBe(false);
  });

  it('prunes, when it writes, what an earlier build left: not what this start used, nor another runtime’s recent files', async () => {
    const cacheDir = join(tempDir('pos-code-cache-'), 'cache');
    const first = await startOnce(cacheDir);
    const ours = readdirSync(cacheDir);
    const runtime = ours[0]!.slice(ours[0]!.indexOf('-') + 1, -'.bin'.length);
    const daysAgo = (days: number) => new Date(Date.now() - days * 24 * 3600_000);
    const file = (name: string, age: Date | null = null) => {
      writeFileSync(join(cacheDir, name), Buffer.alloc(64, 1));
      if (age) utimesSync(join(cacheDir, name), age, age);
      return name;
    };
    const oldBuild = file(`${'0'.repeat(32)}-${runtime}.bin`);
    const otherRuntimeRecent = file(`${'1'.repeat(32)}-x64-11.3.244.8-electron1.bin`, daysAgo(3));
    const otherRuntimeOld = file(`${'2'.repeat(32)}-x64-11.3.244.8-electron1.bin`, daysAgo(40));
    const unfinishedWrite = file(`${'3'.repeat(32)}-${runtime}.bin.999.tmp`, daysAgo(1));
    const notOurs = file('README.txt', daysAgo(400));
    // A start that writes nothing prunes nothing.
    expect((await startOnce(cacheDir)).pruned).toBe(0);
    expect(readdirSync(cacheDir)).toContain(oldBuild);
    // One file spoiled: the next start writes it again, and prunes.
    writeFileSync(join(cacheDir, ours[0]!), Buffer.alloc(4096, 7));
    const third = await startOnce(cacheDir);
    expect(third).toMatchObject({ written: 1, pruned: 3, fromCache: first.files - 1 });
    expect(readdirSync(cacheDir).sort()).toEqual([...ours, otherRuntimeRecent, notOurs].sort());
    expect([oldBuild, otherRuntimeOld, unfinishedWrite].filter((f) => existsSync(join(cacheDir, f)))).toEqual([]);
  });

  it('is not kept when turned off', async () => {
    const off = await startOnce('off');
    expect(off).toMatchObject({ files: 0, fromCache: 0, written: 0, dir: null });
  });
});

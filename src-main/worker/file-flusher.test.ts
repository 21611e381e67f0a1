import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFileFlusher } from './file-flusher';

const MB = 1024 * 1024;
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'pos-flusher-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Holds this thread like a long statement: no await, so nothing of this thread's event loop runs meanwhile. */
function holdThread(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy
  }
}

describe('file flusher', () => {
  it('syncs a file in steps while the thread writing it is held, and leaves its content alone', async () => {
    const path = join(tempDir(), 'out.partial');
    const flusher = startFileFlusher(path, { stepBytes: 4 * MB, lookEveryMs: 5 });
    // The flusher's thread is up before the writer holds this one (as the SQL worker's statement would, for seconds).
    await new Promise((resolve) => setTimeout(resolve, 200));
    const fd = openSync(path, 'w');
    const chunk = Buffer.alloc(MB);
    for (let i = 0; i < 40; i++) {
      chunk.fill(i);
      writeSync(fd, chunk);
      holdThread(10);
    }
    closeSync(fd);
    const syncs = await flusher.stop();
    // 40 MB in 4 MB steps over ~400 ms, looked at every 5 ms: about ten; a loaded machine may look less often.
    expect(syncs).toBeGreaterThanOrEqual(3);
    expect(syncs).toBeLessThanOrEqual(10);
    const written = readFileSync(path);
    expect(written.length).toBe(40 * MB);
    expect([written[0], written[MB], written[39 * MB + 7]]).toEqual([0, 1, 39]);
  });

  it('makes no sync for a file that grows less than a step, nor for one that never appears or is removed', async () => {
    const dir = tempDir();
    const small = join(dir, 'small.partial');
    const smallFlusher = startFileFlusher(small, { stepBytes: 4 * MB, lookEveryMs: 5 });
    const fd = openSync(small, 'w');
    writeSync(fd, Buffer.alloc(MB));
    closeSync(fd);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await smallFlusher.stop()).toBe(0);

    const never = startFileFlusher(join(dir, 'never.partial'), { lookEveryMs: 5 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await never.stop()).toBe(0);

    const removed = join(dir, 'removed.partial');
    const removedFlusher = startFileFlusher(removed, { stepBytes: MB, lookEveryMs: 5 });
    const fd2 = openSync(removed, 'w');
    writeSync(fd2, Buffer.alloc(2 * MB));
    await new Promise((resolve) => setTimeout(resolve, 100));
    rmSync(removed);
    writeSync(fd2, Buffer.alloc(2 * MB));
    closeSync(fd2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // It synced the file it had open, removed or not, and stops without an error.
    expect(await removedFlusher.stop()).toBeGreaterThanOrEqual(1);
  });
});

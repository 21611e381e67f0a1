/**
 * The embedded sandbox acquirer in its own thread (the built out/main/sandbox-worker.js, as the core finds it):
 * it answers over HTTP, its log lines reach the core's log, a crashed thread comes back on the same address, and
 * close() stops it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedSandbox, type EmbeddedSandbox } from './embedded';

let dir: string;
let sandbox: EmbeddedSandbox | null = null;
afterEach(async () => {
  await sandbox?.close();
  sandbox = null;
  await rm(dir, { recursive: true, force: true });
});

function capturingLog() {
  const lines: { level: number; msg: string; module?: string }[] = [];
  const log = pino({ level: 'info' }, new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(JSON.parse(chunk.toString())), done()) })).child({ module: 'sandbox-acquirer' });
  return { log, lines };
}

/** An activation without a body: the sandbox answers it as the acquirer does (a JSON refusal), proving it is there. */
async function activate(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`${url}/terminal/activate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  return { status: res.status, body: await res.text() };
}

describe('the embedded sandbox acquirer thread', () => {
  it('answers over HTTP, logs through the core, comes back on the same address after a crash, and stops on close', async () => {
    dir = await mkdtemp(join(tmpdir(), 'embedded-sandbox-'));
    const { log, lines } = capturingLog();
    sandbox = await startEmbeddedSandbox({ dbPath: join(dir, 'sandbox.sqlite'), scale: 1, logLevel: 'info', log });
    await sandbox.whenReady();
    expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const first = await activate(sandbox.url);
    expect(first.status).toBeLessThan(500);
    expect(first.body).toContain('result_code');
    expect(lines).toContainEqual(expect.objectContaining({ level: 30, module: 'sandbox-acquirer', msg: 'sandbox acquirer listening' }));

    await sandbox.kill();
    await expect.poll(async () => (await activate(sandbox!.url).catch(() => null))?.status ?? 0, { timeout: 20_000, interval: 100 }).toBe(first.status);
    expect(lines).toContainEqual(expect.objectContaining({ level: 50, msg: 'the sandbox acquirer thread ended; starting it again on the same port' }));

    const url = sandbox.url;
    await sandbox.close();
    sandbox = null;
    await expect(activate(url)).rejects.toThrow();
  }, 60_000);
});

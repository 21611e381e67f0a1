import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/open';
import { attemptsOfJobs, findJob } from '../../db/queries/jobs';
import type { DrawerKick, PrinterPort, PrintQueue } from '../../drivers/devices/print-queue';
import { systemClock } from '../clock';
import { createJobRunner, type JobRunner } from '../jobs/runner';
import { createPrintJobQueue } from './print-jobs';

/**
 * The print queue on a real SQLite file and the real job runner; the printer is a scripted PrinterPort (the
 * seam the device manager provides; the manager over a real pty is covered in test/integration/print-jobs).
 */
interface ScriptedPrinter {
  isReady: boolean;
  failNext: string[];
  written: string[];
  kicked: DrawerKick[];
  queued: number[];
  port: PrinterPort;
  backInService(): void;
}

function scriptedPrinter(): ScriptedPrinter {
  const listeners = new Set<() => void>();
  const printer: ScriptedPrinter = {
    isReady: true,
    failNext: [] as string[],
    written: [] as string[],
    kicked: [] as DrawerKick[],
    queued: [] as number[],
    port: {
      id: () => 'front',
      ready: () => printer.isReady,
      onReady(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      async write(bytes) {
        const failure = printer.failNext.shift();
        if (failure) throw new Error(failure);
        printer.written.push(Buffer.from(bytes).toString());
      },
      async kickAfterReceipt(kick) {
        printer.kicked.push(kick);
      },
      showQueued(count) {
        printer.queued.push(count);
      },
    },
    backInService() {
      printer.isReady = true;
      listeners.forEach((l) => l());
    },
  };
  return printer;
}

const opened: { db: Database; runner: JobRunner; queue: PrintQueue }[] = [];
afterEach(() => {
  for (const { db, runner, queue } of opened.splice(0)) {
    queue.close();
    runner.stop();
    db.close();
  }
});

function rig(retry = { firstMs: 60_000, maxMs: 60_000 }, durable?: () => Promise<void>) {
  const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'pos-print-jobs-')), 'pos.sqlite'));
  const runner = createJobRunner({ db, clock: systemClock, log: pino({ level: 'silent' }) });
  const printer = scriptedPrinter();
  const queue = createPrintJobQueue({ db, clock: systemClock, log: pino({ level: 'silent' }), jobs: runner, retry, ...(durable ? { durable } : {}) })(printer.port);
  runner.start();
  opened.push({ db, runner, queue });
  return { db, runner, printer, queue };
}

const text = (s: string) => new TextEncoder().encode(s);

describe('the print queue on the job runner', () => {
  it('sends nothing to the printer until what was committed before is on disk (the durability barrier)', async () => {
    let release!: () => void;
    let asked = 0;
    const { printer, queue } = rig(undefined, () => {
      asked++;
      return new Promise<void>((r) => (release = r));
    });
    const done = queue.add('receipt', text('R1'));
    await new Promise((r) => setTimeout(r, 100));
    expect(asked).toBe(1);
    expect(printer.written).toEqual([]);
    release();
    await done;
    expect(printer.written).toEqual(['R1']);
  });

  it('keeps attempts and the last error of a failed write, and a printer back in service releases its backoff at once', async () => {
    const { db, printer, queue } = rig();
    printer.failNext.push('EIO: the printer jammed');
    const kick = { bytes: Uint8Array.of(0x1b, 0x70, 0, 25, 250), until: Date.now() + 30_000 };
    const printed = queue.add('receipt', text('receipt 1'), kick);
    await expect.poll(() => (db.prepare("SELECT attempts, last_error, status FROM job WHERE kind = 'print.receipt'").get() as object) ?? null).toEqual({
      attempts: 1,
      last_error: 'EIO: the printer jammed',
      status: 'queued',
    });
    // A minute's backoff: nothing printed. The device manager says the printer is ready: it prints now.
    expect(printer.written).toEqual([]);
    printer.backInService();
    await printed;
    expect(printer.written).toEqual(['receipt 1']);
    expect(printer.kicked).toEqual([kick]);
    const id = db.prepare("SELECT id FROM job WHERE kind = 'print.receipt'").pluck().get() as string;
    await expect.poll(() => findJob(db, id)?.status).toBe('done');
    expect(findJob(db, id)).toMatchObject({ attempts: 2, last_error: 'EIO: the printer jammed', subject: 'print:front' });
    expect(attemptsOfJobs(db, [id]).map((a) => [a.attempt, a.outcome, a.error])).toEqual([
      [1, 'retry', 'EIO: the printer jammed'],
      [2, 'done', null],
    ]);
    expect(queue.length()).toBe(0);
    expect(printer.queued.at(-1)).toBe(0);
  });

  it('holds jobs while the printer is not ready (no attempt spent) and prints them in order when it is', async () => {
    const { db, printer, queue } = rig();
    printer.isReady = false;
    const done = Promise.all(['A', 'B', 'C'].map((s) => queue.add('receipt', text(s))));
    await new Promise((r) => setTimeout(r, 200));
    expect(queue.length()).toBe(3);
    expect(db.prepare("SELECT attempts FROM job WHERE kind = 'print.receipt' ORDER BY seq").pluck().all()).toEqual([0, 0, 0]);
    printer.backInService();
    await done;
    expect(printer.written).toEqual(['A', 'B', 'C']);
  });

  it('prints a job left from an earlier run without its kick: the kick lived only in that run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pos-print-jobs-'));
    const first = openDatabase(join(dir, 'pos.sqlite'));
    const firstRunner = createJobRunner({ db: first, clock: systemClock, log: pino({ level: 'silent' }) });
    const firstPrinter = scriptedPrinter();
    firstPrinter.isReady = false;
    const firstQueue = createPrintJobQueue({ db: first, clock: systemClock, log: pino({ level: 'silent' }), jobs: firstRunner })(firstPrinter.port);
    firstRunner.start();
    const lost = firstQueue.add('receipt', text('left over'), { bytes: Uint8Array.of(0x1b, 0x70, 0, 25, 250), until: Date.now() + 30_000 }).catch((e: unknown) => e);
    firstQueue.close();
    firstRunner.stop();
    first.close();
    expect(await lost).toBeInstanceOf(Error);

    const db = openDatabase(join(dir, 'pos.sqlite'));
    const runner = createJobRunner({ db, clock: systemClock, log: pino({ level: 'silent' }) });
    const printer = scriptedPrinter();
    const queue = createPrintJobQueue({ db, clock: systemClock, log: pino({ level: 'silent' }), jobs: runner })(printer.port);
    opened.push({ db, runner, queue });
    expect(queue.length()).toBe(1);
    runner.start();
    await expect.poll(() => printer.written).toEqual(['left over']);
    expect(printer.kicked).toEqual([]);
  });
});

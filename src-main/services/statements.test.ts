import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/open';
import type { AcquirerPort, StatementRow } from '../acquirer/port';
import { createJobRunner } from '../jobs/runner';
import { createStatementsService } from './statements';

const row: StatementRow = {
  clientSn: 'C1',
  acquirerSn: 'S1',
  type: 'pay',
  wallet: 'wechat',
  amount: 1999,
  status: 'SUCCESS',
  finishedAt: '2026-11-22T10:00:00+08:00',
  refundRequestNo: null,
};

/** An acquirer whose statement endpoint fails `failures` times, then answers. */
function flakyAcquirer(failures: number) {
  let calls = 0;
  const port = {
    statement: async () => {
      calls += 1;
      if (calls <= failures) throw new Error(`connect ECONNREFUSED (${calls})`);
      return [row];
    },
  } as unknown as AcquirerPort;
  return { port, calls: () => calls };
}

const until = async (probe: () => boolean) => {
  for (let i = 0; i < 200 && !probe(); i++) await new Promise((r) => setTimeout(r, 10));
};

describe('statement downloads on the job runner', () => {
  it('retries with backoff until the statement lands, then stores it once and retires the job', async () => {
    const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'pos-stmt-')), 'pos.sqlite'));
    const acquirer = flakyAcquirer(2);
    const jobs = createJobRunner({ db, clock: { now: () => new Date() }, log: pino({ level: 'silent' }) });
    const service = createStatementsService({
      db,
      clock: { now: () => new Date() },
      log: pino({ level: 'silent' }),
      acquirer: acquirer.port,
      credentials: async () => ({ terminalSn: 'T', terminalKey: 'K', keyDate: '2026-11-22' }),
      retry: { firstMs: 5, maxMs: 20 },
      jobs,
    });
    jobs.start();
    expect(service.download('2026-11-22')).toMatchObject({ status: 'queued' });
    expect(service.download('2026-11-22').status).toBe('queued'); // asking twice queues one job
    await until(() => service.get('2026-11-22').status === 'downloaded');
    expect(acquirer.calls()).toBe(3);
    expect(service.get('2026-11-22')).toMatchObject({ status: 'downloaded', rows: [row] });
    expect(db.prepare("SELECT status, attempts, last_error FROM job WHERE kind = 'statement.download'").all()).toEqual([
      { status: 'done', attempts: 3, last_error: 'connect ECONNREFUSED (2)' },
    ]);
    service.stop();
    jobs.stop();
    db.close();
  });

  it('refuses a malformed date and queues nothing', () => {
    const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'pos-stmt-')), 'pos.sqlite'));
    const jobs = createJobRunner({ db, clock: { now: () => new Date() }, log: pino({ level: 'silent' }) });
    const service = createStatementsService({
      db,
      clock: { now: () => new Date() },
      log: pino({ level: 'silent' }),
      acquirer: flakyAcquirer(0).port,
      credentials: async () => ({ terminalSn: 'T', terminalKey: 'K', keyDate: '2026-11-22' }),
      retry: { firstMs: 5, maxMs: 20 },
      jobs,
    });
    jobs.start();
    expect(() => service.download('22/11/2026')).toThrow(/YYYY-MM-DD/);
    expect(db.prepare('SELECT count(*) AS n FROM job').get()).toEqual({ n: 0 });
    service.stop();
    jobs.stop();
    db.close();
  });
});

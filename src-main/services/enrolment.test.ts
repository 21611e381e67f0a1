import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/open';
import { PosError } from '../../src-common/errors';
import { startSandboxAcquirer, type SandboxAcquirer } from '../acquirer/sandbox/server';
import { SANDBOX_ACTIVATION_CODE, SANDBOX_APP_ID, SANDBOX_VENDOR_KEY, SANDBOX_VENDOR_SN } from '../acquirer/sandbox-identity';
import { createShouqianbaAdapter } from '../acquirer/shouqianba';
import type { Clock } from '../clock';
import { createJobRunner, type JobRunner } from '../jobs/runner';
import { openKeyring } from '../keyring';
import { createAuditService } from './audit';
import { createEnrolmentService, withKeyRecovery, type EnrolmentService } from './enrolment';

const TECHNICIAN = { role: 'technician' as const, userId: 'U-TECH' };
const VENDOR = { vendorSn: SANDBOX_VENDOR_SN, vendorKey: SANDBOX_VENDOR_KEY, appId: SANDBOX_APP_ID };
const TIMEOUTS = { payMs: 3000, queryMs: 3000, otherMs: 3000 };
/** 10:00 in Beijing on 3 December. */
const MORNING = new Date('2026-12-03T02:00:00.000Z');

/** A clock the test moves. */
function testClock(start: Date): Clock & { set(at: Date): void } {
  let now = start;
  return { now: () => now, set: (at) => (now = at) };
}

interface Setup {
  dir: string;
  db: ReturnType<typeof openDatabase>;
  clock: ReturnType<typeof testClock>;
  jobs: JobRunner;
  enrolment: EnrolmentService;
  /** Requests the acquirer received, by path. */
  seen: string[];
  logFile: string;
  baseUrl: string;
  sandbox: SandboxAcquirer | null;
  /** Runs the timers the service set and has not cleared (the test moves the clock, then fires them). */
  fireTimers(): void;
  /** The delays of the timers set so far, in ms. */
  timerDelays(): number[];
}

const opened: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of opened.splice(0).reverse()) await close();
});

/** A live-mode terminal's enrolment over real HTTP: to the sandbox acquirer, or to `server` when given. */
async function setup(options: { server?: Server } = {}): Promise<Setup> {
  const dir = mkdtempSync(join(tmpdir(), 'pos-enrol-'));
  const logFile = join(dir, 'pos.log');
  const log = pino({ level: 'debug' }, pino.destination({ dest: logFile, sync: true }));
  const clock = testClock(MORNING);
  const seen: string[] = [];
  let sandbox: SandboxAcquirer | null = null;
  let baseUrl: string;
  if (options.server) {
    const server = options.server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    server.on('request', (req) => seen.push(req.url ?? ''));
    baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    opened.push(() => new Promise((resolve) => server.close(() => resolve())));
  } else {
    const started = await startSandboxAcquirer({ dbPath: join(dir, 'sandbox.sqlite'), port: 0, log, clock, onRequest: (path) => seen.push(path) });
    sandbox = started;
    baseUrl = started.url;
    opened.push(() => started.close());
  }
  const db = openDatabase(join(dir, 'pos.sqlite'));
  const jobs = createJobRunner({ db, clock, log });
  opened.push(async () => {
    await jobs.stop();
    db.close();
  });
  const adapterOptions = { baseUrl, timeouts: TIMEOUTS, log, clock };
  const timers: { callback: () => void; ms: number; live: boolean }[] = [];
  const enrolment = createEnrolmentService({
    db,
    clock,
    log,
    keyring: openKeyring(dir),
    audit: createAuditService({ db, clock }),
    jobs,
    // Live mode: the terminal itself knows no vendor identity.
    acquirer: createShouqianbaAdapter({ ...adapterOptions, vendorSn: '', vendorKey: '', appId: '' }),
    activator: (vendor, input) => createShouqianbaAdapter({ ...adapterOptions, ...vendor }).activate(input),
    mode: 'live',
    endpointId: baseUrl,
    deviceId: 'TERMINAL-1',
    terminalName: () => '测试便利店',
    random: () => 0,
    timers: {
      set(callback, ms) {
        const timer = { callback, ms, live: true };
        timers.push(timer);
        return { clear: () => (timer.live = false) };
      },
    },
  });
  jobs.start();
  const fireTimers = () => {
    for (const timer of timers.filter((t) => t.live)) {
      timer.live = false;
      timer.callback();
    }
  };
  return { dir, db, clock, jobs, enrolment, seen, logFile, baseUrl, sandbox, fireTimers, timerDelays: () => timers.map((t) => t.ms) };
}

const activations = (s: Setup) => s.seen.filter((p) => p.startsWith('/terminal/activate')).length;
const checkins = (s: Setup) => s.seen.filter((p) => p.startsWith('/terminal/checkin')).length;

async function refusal(promise: Promise<unknown>): Promise<PosError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PosError);
  return error as PosError;
}

/** Every text value in every table of the terminal's database. */
function databaseText(path: string): string {
  const db = new Sqlite(path, { readonly: true });
  try {
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
    return tables.map((t) => JSON.stringify(db.prepare(`SELECT * FROM "${t}"`).all())).join('\n');
  } finally {
    db.close();
  }
}

describe('enrolment of a live terminal (real SQLite, real HTTP)', () => {
  it('never activates by itself: not at start, not before a payment; the technician’s enrolment sends one activation and keeps no code', async () => {
    const s = await setup();
    s.enrolment.start();
    const notEnrolled = await refusal(s.enrolment.credentials());
    expect(notEnrolled).toMatchObject({ code: 'unavailable', details: { reason: 'not_enrolled' } });
    await refusal(s.enrolment.credentials());
    expect(activations(s)).toBe(0);
    expect(s.enrolment.status()).toMatchObject({ enrolled: false, terminalSn: null, nextCheckinAt: null });

    // Two presses at once (two screens): one activation is sent, the other refused.
    const [first, second] = await Promise.allSettled([
      s.enrolment.enrol({ activationCode: SANDBOX_ACTIVATION_CODE, ...VENDOR }, TECHNICIAN),
      s.enrolment.enrol({ activationCode: SANDBOX_ACTIVATION_CODE, ...VENDOR }, TECHNICIAN),
    ]);
    expect(second).toMatchObject({ status: 'rejected', reason: { code: 'conflict', details: { reason: 'activation_in_progress' } } });
    expect(activations(s)).toBe(1);
    const status = (first as PromiseFulfilledResult<Awaited<ReturnType<EnrolmentService['enrol']>>>).value;
    expect(status).toMatchObject({ enrolled: true, keyDate: '2026-12-03', lastCheckinAt: MORNING.toISOString(), keyExpiresAt: '2026-12-03T16:00:00.000Z' });
    // The next checkin just after the key's Beijing day ends (00:01 on the 4th, Beijing).
    expect(status.nextCheckinAt).toBe('2026-12-03T16:01:00.000Z');
    const creds = await s.enrolment.credentials();
    expect(s.sandbox!.ledger.terminal(creds.terminalSn)?.key).toBe(creds.terminalKey);
    expect(activations(s)).toBe(1);

    // The code is nowhere: not in the database (the key is sealed too), not in the log.
    const text = databaseText(join(s.dir, 'pos.sqlite'));
    expect(text).not.toContain(SANDBOX_ACTIVATION_CODE);
    expect(text).not.toContain(SANDBOX_VENDOR_KEY);
    expect(text).not.toContain(creds.terminalKey);
    expect(text).toContain('admin.enrol');
    const log = readFileSync(s.logFile, 'utf8');
    expect(log).toContain('terminal enrolled by a technician');
    expect(log).not.toContain(SANDBOX_ACTIVATION_CODE);
    expect(log).not.toContain(SANDBOX_VENDOR_KEY);
  });

  it('a refused code says so; an unreachable acquirer says nothing was sent; neither is retried', async () => {
    const s = await setup();
    const refused = await refusal(s.enrolment.enrol({ activationCode: 'NOT-A-CODE', ...VENDOR }, TECHNICIAN));
    expect(refused).toMatchObject({ code: 'conflict', details: { reason: 'activation_refused' } });
    expect(activations(s)).toBe(1);
    expect(s.enrolment.status().enrolled).toBe(false);

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const nowhere = createEnrolmentService({
      db: s.db,
      clock: s.clock,
      log: pino({ level: 'silent' }),
      keyring: openKeyring(s.dir),
      audit: createAuditService({ db: s.db, clock: s.clock }),
      jobs: createJobRunner({ db: s.db, clock: s.clock, log: pino({ level: 'silent' }) }),
      acquirer: createShouqianbaAdapter({ baseUrl: `http://127.0.0.1:${port}`, timeouts: TIMEOUTS, log: pino({ level: 'silent' }), vendorSn: '', vendorKey: '', appId: '' }),
      activator: (vendor, input) => createShouqianbaAdapter({ baseUrl: `http://127.0.0.1:${port}`, timeouts: TIMEOUTS, log: pino({ level: 'silent' }), ...vendor }).activate(input),
      mode: 'live',
      endpointId: `http://127.0.0.1:${port}`,
      deviceId: 'TERMINAL-1',
      terminalName: () => 'x',
    });
    const unreachable = await refusal(nowhere.enrol({ activationCode: SANDBOX_ACTIVATION_CODE, ...VENDOR }, TECHNICIAN));
    expect(unreachable).toMatchObject({ code: 'unavailable', details: { reason: 'acquirer_unreachable' } });
    expect(unreachable.message).toMatch(/nothing was sent/);
  });

  it('a reply that cannot be read is reported with what to do, and the activation is not sent again', async () => {
    // The acquirer took the request (and may have used up one of the code's uses), but its answer is garbage.
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"result_code":"200","biz_response":{"terminal_sn":'));
    });
    const s = await setup({ server });
    const error = await refusal(s.enrolment.enrol({ activationCode: 'CODE-1234', ...VENDOR }, TECHNICIAN));
    expect(error).toMatchObject({ code: 'unavailable', details: { reason: 'activation_unconfirmed' } });
    expect(error.message).toMatch(/back office/);
    expect(error.message).toMatch(/may have gone through/);
    await refusal(s.enrolment.credentials());
    await new Promise((r) => setTimeout(r, 50));
    expect(activations(s)).toBe(1);
    expect(s.enrolment.status().enrolled).toBe(false);
  });
});

describe('the terminal key’s daily rotation', () => {
  it('checks in by itself just after midnight Beijing (a job queued when due), then again the next night', async () => {
    const s = await setup();
    await s.enrolment.enrol({ activationCode: SANDBOX_ACTIVATION_CODE, ...VENDOR }, TECHNICIAN);
    const before = await s.enrolment.credentials();
    // Nothing waits queued meanwhile (the screens count queued jobs as pending work).
    expect(s.db.prepare("SELECT count(*) AS n FROM job WHERE status IN ('queued', 'running')").get()).toEqual({ n: 0 });

    // A timer until 00:01 Beijing on the 4th, 14 h 01 min after 10:00.
    s.clock.set(new Date('2026-12-03T16:01:00.000Z'));
    const after = s.clock.now();
    s.fireTimers();
    await s.jobs.idle();
    expect(checkins(s)).toBe(1);
    const status = s.enrolment.status();
    expect(status).toMatchObject({ keyDate: '2026-12-04', lastCheckinAt: after.toISOString(), keyExpiresAt: '2026-12-04T16:00:00.000Z', nextCheckinAt: '2026-12-04T16:01:00.000Z', checkinError: null });
    const rotated = await s.enrolment.credentials();
    expect(rotated.terminalKey).not.toBe(before.terminalKey);
    expect(s.sandbox!.ledger.terminal(rotated.terminalSn)?.key).toBe(rotated.terminalKey);
    expect(checkins(s)).toBe(1);
    expect(activations(s)).toBe(1);
    expect(s.db.prepare("SELECT status, attempts FROM job WHERE kind = 'acquirer.checkin' ORDER BY seq").all()).toEqual([{ status: 'done', attempts: 1 }]);
    expect(s.timerDelays()).toEqual([14 * 3600_000 + 60_000, 24 * 3600_000]);
  });

  it('at a start after the key’s day is over (the till was off), queues the checkin at once', async () => {
    const s = await setup();
    await s.enrolment.enrol({ activationCode: SANDBOX_ACTIVATION_CODE, ...VENDOR }, TECHNICIAN);
    s.clock.set(new Date('2026-12-06T00:30:00.000Z'));
    s.enrolment.start();
    await s.jobs.idle();
    expect(checkins(s)).toBe(1);
    expect(s.enrolment.status()).toMatchObject({ keyDate: '2026-12-06', nextCheckinAt: '2026-12-06T16:01:00.000Z' });
  });

  it('checks in at the first use of a new day when the job has not run yet (the till was off at midnight)', async () => {
    const s = await setup();
    await s.enrolment.enrol({ activationCode: SANDBOX_ACTIVATION_CODE, ...VENDOR }, TECHNICIAN);
    await s.jobs.stop();
    s.clock.set(new Date('2026-12-04T01:30:00.000Z'));
    const creds = await s.enrolment.credentials();
    expect(creds.keyDate).toBe('2026-12-04');
    expect(checkins(s)).toBe(1);
    expect(s.sandbox!.ledger.terminal(creds.terminalSn)?.key).toBe(creds.terminalKey);
  });

  it('after a reply refusing our signature (ILLEGAL_SIGN) checks in once more, and only once per key', async () => {
    const s = await setup();
    await s.enrolment.enrol({ activationCode: SANDBOX_ACTIVATION_CODE, ...VENDOR }, TECHNICIAN);
    const stale = await s.enrolment.credentials();
    // The key is rotated behind the terminal's back (a checkin whose reply was lost): the stored key is now refused.
    const port = createShouqianbaAdapter({ baseUrl: s.baseUrl, timeouts: TIMEOUTS, log: pino({ level: 'silent' }), clock: s.clock, vendorSn: '', vendorKey: '', appId: '' });
    await port.checkin(stale, 'TERMINAL-1');
    const acquirer = withKeyRecovery(port, s.enrolment);

    const refused = await acquirer.query(stale, 'NO-SUCH-ORDER-1');
    expect(refused.kind).not.toBe('not_found');
    expect(checkins(s)).toBe(2);
    const fresh = await s.enrolment.credentials();
    expect(fresh.terminalKey).not.toBe(stale.terminalKey);
    expect(await acquirer.query(fresh, 'NO-SUCH-ORDER-2')).toMatchObject({ kind: 'not_found' });

    // A call still made with the old key (in flight meanwhile) does not rotate the new one again.
    await acquirer.query(stale, 'NO-SUCH-ORDER-3');
    expect(checkins(s)).toBe(2);
    expect(readFileSync(s.logFile, 'utf8')).toContain('ILLEGAL_SIGN');
  });
});

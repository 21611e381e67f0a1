import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import { DEFAULT_USERS } from '../../src-main/services/auth';
import { openApiSocket, startHostProcess, tempDir, type ApiSocket, type HostProcess } from './host';
import { startSandboxProcess, type SandboxProcess } from './sandbox-process';

/**
 * The crash matrix: the terminal is killed (SIGKILL) at a random moment of a payment, refund or void, restarted,
 * left to recover, and its records are then checked against the acquirer's ledger (the sandbox, in a process of
 * its own, lives on). Used by test/integration/crash-matrix.test.ts and by `npm run bench`.
 *
 * THE TABLE: every sandbox test code (src-main/acquirer/sandbox/test-codes.ts) as it is paid with, and the money
 * paths after a payment. A code renamed or added there is named here, and only here; the test checks that every
 * code of the sandbox's table has a row.
 */
export const CRASH_SCENARIOS = [
  { name: 'pay 0000 paid at once', kind: 'pay', suffix: '0000', killWithinMs: 300 },
  { name: 'pay 1NNN PIN then paid', kind: 'pay', suffix: '1010', killWithinMs: 1200 },
  { name: 'pay 2NNN PIN then cancelled', kind: 'pay', suffix: '2010', killWithinMs: 1200 },
  { name: 'pay 3000 insufficient funds', kind: 'pay', suffix: '3000', killWithinMs: 300 },
  { name: 'pay 4000 expired code', kind: 'pay', suffix: '4000', killWithinMs: 300 },
  { name: 'pay 5000 request hangs', kind: 'pay', suffix: '5000', killWithinMs: 1500 },
  { name: 'pay 6000 HTTP 500', kind: 'pay', suffix: '6000', killWithinMs: 300 },
  { name: 'pay 7000 reply lost', kind: 'pay', suffix: '7000', killWithinMs: 300 },
  { name: 'pay 8000 reply cut off', kind: 'pay', suffix: '8000', killWithinMs: 300 },
  { name: 'pay 9NNN merchant discount', kind: 'pay', suffix: '9150', killWithinMs: 300 },
  { name: 'refund part of a wallet sale', kind: 'refund-part', suffix: '0000', killWithinMs: 150 },
  { name: 'refund a whole wallet sale', kind: 'refund-all', suffix: '0000', killWithinMs: 150 },
  { name: 'void a wallet sale of today', kind: 'void', suffix: '0000', killWithinMs: 150 },
] as const;
export type CrashScenario = (typeof CRASH_SCENARIOS)[number];

/** The sandbox's own speed (its PIN waits and the hung request's 2 s are multiplied by it). */
const SANDBOX_SCALE = 0.5;
const ACQUIRER_CONFIG = {
  timeouts: { payMs: 3000, queryMs: 1000, otherMs: 1000 },
  timings: { pollIntervalMs: 100, pollDeadlineMs: 3000, cancelRetryMs: 100, maxCancelAttempts: 10 },
};
const RECOVERY_TIMEOUT_MS = 30_000;

/** mulberry32: a small seeded generator, so a failing run can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface CrashRun {
  readonly run: number;
  readonly scenario: string;
  readonly killAfterMs: number;
  /** What the killed terminal had recorded of the interrupted payment or refund: its status, or 'nothing'. */
  readonly leftAs: string;
  /** From the restart to the host's ready line: what a restart with nothing to recover costs. */
  readonly readyMs: number;
  /** From the restart until every payment and refund is final again (null: not in time). */
  readonly recoveryMs: number | null;
}

export interface CrashMatrixResult {
  readonly seed: number;
  readonly runs: CrashRun[];
  /** Money the acquirer took for a sale the terminal does not have as completed (or no payment of it at all). */
  readonly lost: string[];
  /** A sale charged by more than one order at the acquirer. */
  readonly doubleCharges: string[];
  /** One refund request number paid out more than once. */
  readonly refundsPaidTwice: string[];
  /** A payment whose money at the acquirer differs from the terminal's record, or day totals that differ. */
  readonly mismatches: string[];
  /** A run after which the terminal did not bring every payment and refund to a final state in time. */
  readonly stuck: string[];
}

function readAll<T>(path: string, sql: string, ...params: unknown[]): T[] {
  const db = new Sqlite(path, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(probe: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** Not final: a payment or refund the terminal still has to resolve; or a paid payment whose sale is not closed. */
function unresolved(posDb: string): string[] {
  return readAll<{ what: string }>(
    posDb,
    `SELECT 'payment ' || client_sn || ' ' || status AS what FROM payment WHERE status IN ('submitted', 'pending', 'unknown', 'cancelling')
     UNION ALL SELECT 'refund ' || refund_request_no || ' ' || status FROM refund WHERE status IN ('submitted', 'in_progress', 'unknown')
     UNION ALL SELECT 'paid payment ' || p.client_sn || ', sale ' || s.status FROM payment p JOIN sale s ON s.id = p.sale_id WHERE p.status = 'paid' AND s.status <> 'completed'`,
  ).map((r) => r.what);
}

function lastRow(posDb: string, kind: CrashScenario['kind']): { id: string; status: string } | undefined {
  const table = kind === 'pay' ? 'payment' : 'refund';
  return readAll<{ id: string; status: string }>(posDb, `SELECT id, status FROM ${table} ORDER BY created_at DESC, id DESC LIMIT 1`)[0];
}

/** The terminal's records against the acquirer's ledger: every finding, by kind. */
export function checkAgainstLedger(posDb: string, ledgerDb: string): Pick<CrashMatrixResult, 'lost' | 'doubleCharges' | 'refundsPaidTwice' | 'mismatches'> {
  const payments = readAll<{ client_sn: string; sale_id: string; status: string; amount: number; sale_status: string; refunded: number }>(
    posDb,
    `SELECT p.client_sn, p.sale_id, p.status, p.amount, s.status AS sale_status,
            coalesce((SELECT sum(r.wallet_amount) FROM refund r WHERE r.payment_id = p.id AND r.status = 'refunded'), 0) AS refunded
       FROM payment p JOIN sale s ON s.id = p.sale_id`,
  );
  // Money in (pay) and out (refund, cancel and any other reversal) per order, successful transactions only.
  const ledger = new Map(
    readAll<{ client_sn: string; charged: number; returned: number }>(
      ledgerDb,
      `SELECT client_sn, sum(CASE WHEN type = 'pay' THEN amount ELSE 0 END) AS charged, sum(CASE WHEN type = 'pay' THEN 0 ELSE amount END) AS returned
         FROM txn WHERE status = 'SUCCESS' GROUP BY client_sn`,
    ).map((r) => [r.client_sn, r]),
  );
  const lost: string[] = [];
  const mismatches: string[] = [];
  const chargedOrdersOfSale = new Map<string, string[]>();
  const local = new Map(payments.map((p) => [p.client_sn, p]));
  for (const [clientSn, money] of ledger) {
    const payment = local.get(clientSn);
    if (!payment) {
      if (money.charged - money.returned !== 0) lost.push(`${clientSn}: charged ${money.charged - money.returned} fen, no such payment at the terminal`);
      continue;
    }
    if (money.charged > 0) chargedOrdersOfSale.set(payment.sale_id, [...(chargedOrdersOfSale.get(payment.sale_id) ?? []), clientSn]);
  }
  let localNet = 0;
  for (const p of payments) {
    const money = ledger.get(p.client_sn);
    const atAcquirer = money ? money.charged - money.returned : 0;
    const atTerminal = p.status === 'paid' ? p.amount - p.refunded : 0;
    localNet += atTerminal;
    if (atAcquirer > 0 && (p.status !== 'paid' || p.sale_status !== 'completed')) {
      lost.push(`${p.client_sn}: ${atAcquirer} fen at the acquirer, payment ${p.status}, sale ${p.sale_status}`);
    } else if (atAcquirer !== atTerminal) {
      mismatches.push(`${p.client_sn}: acquirer ${atAcquirer} fen, terminal ${atTerminal} fen (payment ${p.status})`);
    }
  }
  const doubleCharges = [...chargedOrdersOfSale].filter(([, orders]) => orders.length > 1).map(([sale, orders]) => `sale ${sale}: charged by ${orders.join(', ')}`);
  const refundsPaidTwice = readAll<{ no: string; n: number }>(
    ledgerDb,
    "SELECT refund_request_no AS no, count(*) AS n FROM txn WHERE type = 'refund' AND status = 'SUCCESS' GROUP BY client_sn, refund_request_no HAVING count(*) > 1",
  ).map((r) => `refund ${r.no} paid ${r.n} times`);
  const [acquirerNet] = readAll<{ net: number }>(ledgerDb, "SELECT coalesce(sum(CASE WHEN type = 'pay' THEN amount ELSE -amount END), 0) AS net FROM txn WHERE status = 'SUCCESS'");
  if (acquirerNet!.net !== localNet) mismatches.push(`totals: acquirer ${acquirerNet!.net} fen, terminal ${localNet} fen`);
  return { lost, doubleCharges, refundsPaidTwice, mismatches };
}

class Till {
  host!: HostProcess;
  api!: ApiSocket;
  readyAt = 0;
  readonly posDb: string;
  private barcodes: string[] = [];

  constructor(
    readonly dataDir: string,
    private readonly config: Record<string, unknown>,
  ) {
    this.posDb = join(dataDir, 'pos.sqlite');
  }

  async start(): Promise<void> {
    this.host = await startHostProcess({ dataDir: this.dataDir, config: this.config });
    this.readyAt = Date.now();
    this.api = await openApiSocket(this.host.ready);
    const users = await this.api.call('auth.users', {});
    const owner = DEFAULT_USERS.find((u) => u.role === 'owner')!;
    const ownerId = users.ok ? users.value.find((u) => u.role === 'owner')!.id : '';
    must(await this.api.call('auth.signIn', { userId: ownerId, pin: owner.pin }), 'sign in');
    if (!this.barcodes.length) {
      const products = must(await this.api.call('catalog.search', { query: 'k' }), 'catalog');
      this.barcodes = products.flatMap((p) => p.barcodes.slice(0, 1)).slice(0, 20);
    }
  }

  async kill(): Promise<void> {
    this.host.process.kill('SIGKILL');
    await this.host.stop();
  }

  async scanSomething(random: () => number): Promise<void> {
    must(await this.api.call('sale.scan', { code: this.barcodes[Math.floor(random() * this.barcodes.length)]! }), 'scan');
  }

  /** A completed sale paid by wallet at once, not interrupted: what a refund or void then works on. */
  async walletSale(random: () => number): Promise<{ saleId: string; total: number }> {
    await this.scanSomething(random);
    const paid = must(await this.api.call('payment.payByCode', { code: sandboxPaymentCode('wechat', '0000') }), 'pay');
    await waitFor(
      () => (readAll(this.posDb, "SELECT 1 FROM sale WHERE id = ? AND status = 'completed'", paid.saleId).length ? true : undefined),
      'the wallet sale to complete',
      10_000,
    );
    return { saleId: paid.saleId, total: paid.amount };
  }
}

function must<T>(result: { ok: true; value: T } | { ok: false; error: { code: string; message: string } }, what: string): T {
  if (!result.ok) throw new Error(`${what}: ${result.error.code} ${result.error.message}`);
  return result.value;
}

/**
 * `runs` kills, each at a random moment of a scenario drawn from the table (every scenario at least once when
 * runs ≥ their number), on one terminal restarted after each kill.
 */
export async function runCrashMatrix(options: { runs: number; seed: number; onRun?: (run: CrashRun) => void }): Promise<CrashMatrixResult> {
  const random = seededRandom(options.seed);
  const ledgerDb = join(tempDir('pos-crash-matrix-acq-'), 'acquirer.sqlite');
  const sandbox: SandboxProcess = await startSandboxProcess(ledgerDb, SANDBOX_SCALE);
  const config = { acquirer: { mode: 'sandbox', baseUrl: sandbox.url, ...ACQUIRER_CONFIG } };
  const till = new Till(tempDir('pos-crash-matrix-'), config);
  const runs: CrashRun[] = [];
  const stuck: string[] = [];
  // Each finding once, named by the run after which it first appeared.
  const findings: ReturnType<typeof checkAgainstLedger> = { lost: [], doubleCharges: [], refundsPaidTwice: [], mismatches: [] };
  const seen = new Set<string>();
  const order = Array.from({ length: options.runs }, (_, i) => CRASH_SCENARIOS[i % CRASH_SCENARIOS.length]!);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  try {
    await till.start();
    for (const [index, scenario] of order.entries()) {
      // Squared: more kills in the first milliseconds, where a request is committed, sent and answered.
      const killAfterMs = Math.round(random() ** 2 * scenario.killWithinMs);
      if (scenario.kind === 'pay') {
        await till.scanSomething(random);
        void till.api.call('payment.payByCode', { code: sandboxPaymentCode('wechat', scenario.suffix) });
      } else {
        const sale = await till.walletSale(random);
        if (scenario.kind === 'void') void till.api.call('refund.voidSale', { saleId: sale.saleId, reason: 'crash matrix' });
        else void till.api.call('refund.request', { saleId: sale.saleId, amount: scenario.kind === 'refund-all' ? sale.total : Math.max(1, Math.floor(sale.total / 2)), reason: 'crash matrix' });
      }
      const before = lastRow(till.posDb, scenario.kind);
      await sleep(killAfterMs);
      await till.kill();
      const last = lastRow(till.posDb, scenario.kind);
      const leftAs = last && last.id !== before?.id ? last.status : 'nothing';

      const restartedAt = Date.now();
      await till.start();
      const readyMs = till.readyAt - restartedAt;
      let recoveryMs: number | null = null;
      try {
        await waitFor(() => (unresolved(till.posDb).length === 0 ? true : undefined), 'recovery', RECOVERY_TIMEOUT_MS);
        recoveryMs = Date.now() - restartedAt;
      } catch {
        stuck.push(`run ${index} (${scenario.name}, killed after ${killAfterMs} ms): ${unresolved(till.posDb).join('; ')}`);
      }
      const run = { run: index, scenario: scenario.name, killAfterMs, leftAs, readyMs, recoveryMs };
      for (const [kind, now] of Object.entries(checkAgainstLedger(till.posDb, ledgerDb)) as [keyof typeof findings, string[]][]) {
        for (const finding of now) if (!seen.has(finding)) {
          seen.add(finding);
          findings[kind].push(`run ${index} (${scenario.name}, killed after ${killAfterMs} ms): ${finding}`);
        }
      }
      runs.push(run);
      options.onRun?.(run);
      // A sale left open (its payment failed or reversed) is voided, as a cashier taking cash instead would not.
      const open = await till.api.call('sale.current', {});
      if (open.ok && open.value && recoveryMs !== null) must(await till.api.call('sale.void', { reason: 'crash matrix: next customer' }), 'void the open sale');
    }
    return { seed: options.seed, runs, stuck, ...findings };
  } finally {
    await till.host?.stop();
    sandbox.stop();
  }
}

import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { checkAgainstLedger } from '../helpers/crash-matrix';
import { tempDir } from '../helpers/host';

/**
 * The crash matrix's judge, shown to fail: terminal records and acquirer ledgers made by hand (only the columns
 * it reads), one fault each, and the finding it must report.
 */
interface Case {
  sales: [id: string, status: string][];
  payments: [clientSn: string, saleId: string, status: string, amount: number][];
  refunds?: [clientSn: string, requestNo: string, walletAmount: number, status: string][];
  txns: [clientSn: string, type: string, amount: number, requestNo?: string][];
}

function judge(c: Case) {
  const dir = tempDir('pos-crash-judge-');
  const pos = new Sqlite(join(dir, 'pos.sqlite'));
  pos.exec(`CREATE TABLE sale (id TEXT PRIMARY KEY, status TEXT);
    CREATE TABLE payment (id TEXT PRIMARY KEY, client_sn TEXT, sale_id TEXT, status TEXT, amount INTEGER);
    CREATE TABLE refund (payment_id TEXT, refund_request_no TEXT, wallet_amount INTEGER, status TEXT);`);
  for (const s of c.sales) pos.prepare('INSERT INTO sale VALUES (?, ?)').run(...s);
  for (const [sn, sale, status, amount] of c.payments) pos.prepare('INSERT INTO payment VALUES (?, ?, ?, ?, ?)').run(`p-${sn}`, sn, sale, status, amount);
  for (const [sn, no, amount, status] of c.refunds ?? []) pos.prepare('INSERT INTO refund VALUES (?, ?, ?, ?)').run(`p-${sn}`, no, amount, status);
  pos.close();
  const ledger = new Sqlite(join(dir, 'acquirer.sqlite'));
  ledger.exec('CREATE TABLE txn (client_sn TEXT, type TEXT, amount INTEGER, status TEXT, refund_request_no TEXT)');
  for (const [sn, type, amount, no] of c.txns) ledger.prepare("INSERT INTO txn VALUES (?, ?, ?, 'SUCCESS', ?)").run(sn, type, amount, no ?? null);
  ledger.close();
  return checkAgainstLedger(join(dir, 'pos.sqlite'), join(dir, 'acquirer.sqlite'));
}

const none = { lost: [], doubleCharges: [], refundsPaidTwice: [], mismatches: [] };

describe("the crash matrix's check against the acquirer's ledger", () => {
  it('finds nothing when a paid sale, a reversed payment and a refund agree with the ledger', () => {
    expect(
      judge({
        sales: [['s1', 'completed'], ['s2', 'open']],
        payments: [['a', 's1', 'paid', 500], ['b', 's2', 'reversed', 300], ['c', 's2', 'failed', 300]],
        refunds: [['a', 'r1', 200, 'refunded']],
        txns: [['a', 'pay', 500], ['a', 'refund', 200, 'r1'], ['b', 'pay', 300], ['b', 'cancel', 300]],
      }),
    ).toEqual(none);
  });

  it('reports a lost sale: charged at the acquirer, failed at the terminal', () => {
    const found = judge({ sales: [['s1', 'open']], payments: [['a', 's1', 'failed', 500]], txns: [['a', 'pay', 500]] });
    expect(found.lost).toEqual([expect.stringContaining('a: 500 fen at the acquirer, payment failed')]);
  });

  it('reports a lost sale: paid, but the sale never completed', () => {
    expect(judge({ sales: [['s1', 'open']], payments: [['a', 's1', 'paid', 500]], txns: [['a', 'pay', 500]] }).lost).toHaveLength(1);
  });

  it('reports money taken by an order the terminal has no payment for', () => {
    expect(judge({ sales: [], payments: [], txns: [['x', 'pay', 100]] }).lost).toEqual([expect.stringContaining('no such payment')]);
  });

  it('reports a double charge: two orders of one sale charged', () => {
    const found = judge({
      sales: [['s1', 'completed']],
      payments: [['a', 's1', 'paid', 500], ['b', 's1', 'failed', 500]],
      txns: [['a', 'pay', 500], ['b', 'pay', 500]],
    });
    expect(found.doubleCharges).toEqual(['sale s1: charged by a, b']);
  });

  it('reports a refund paid twice, and the totals that no longer agree', () => {
    const found = judge({
      sales: [['s1', 'completed']],
      payments: [['a', 's1', 'paid', 500]],
      refunds: [['a', 'r1', 200, 'refunded']],
      txns: [['a', 'pay', 500], ['a', 'refund', 200, 'r1'], ['a', 'refund', 200, 'r1']],
    });
    expect(found.refundsPaidTwice).toEqual(['refund r1 paid 2 times']);
    expect(found.mismatches).toEqual(['a: acquirer 100 fen, terminal 300 fen (payment paid)', 'totals: acquirer 100 fen, terminal 300 fen']);
  });

  it('reports a refund the terminal recorded but the acquirer never paid, to the fen', () => {
    const found = judge({
      sales: [['s1', 'completed']],
      payments: [['a', 's1', 'paid', 500]],
      refunds: [['a', 'r1', 1, 'refunded']],
      txns: [['a', 'pay', 500]],
    });
    expect(found.mismatches).toEqual(['a: acquirer 500 fen, terminal 499 fen (payment paid)', 'totals: acquirer 500 fen, terminal 499 fen']);
  });
});

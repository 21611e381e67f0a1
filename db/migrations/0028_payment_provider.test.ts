import { describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { migrations } from '../migrations';
import { atVersion } from './testing';

const NOW = '2026-12-01T02:00:00.000Z';

/** A completed wallet sale S1 paid by PAY1 (900 fen), an owner U1, a wallet refund and a cash refund of it. */
function seededAt22() {
  const db = atVersion(27);
  db.prepare("INSERT INTO user (id, name, role, pin_hash, created_at) VALUES ('U1', '店长', 'owner', 'h', ?)").run(NOW);
  db.prepare("INSERT INTO sale (id, terminal_id, status, currency, opened_at, receipt_no, business_date, total) VALUES ('S1', 'T', 'completed', 'CNY', ?, 1, '2026-12-01', 900)").run(NOW);
  db.prepare(
    `INSERT INTO payment (id, sale_id, client_sn, kind, wallet, amount, status, state, created_at, updated_at)
     VALUES ('PAY1', 'S1', 'CSN1', 'code', 'wechat', 900, 'paid', '{}', ?, ?)`,
  ).run(NOW, NOW);
  insertRefund(db, { id: 'R1', refund_request_no: 'RQ1', kind: 'wallet', payment_id: 'PAY1', tender_kind: 'wechat', wallet_amount: 300, cash_amount: 0 });
  insertRefund(db, { id: 'R2', refund_request_no: 'RQ2', kind: 'cash', payment_id: null, tender_kind: 'cash', wallet_amount: 0, cash_amount: 300 });
  db.prepare("INSERT INTO acquirer_statement (business_date, downloaded_at, row_count) VALUES ('2026-12-01', ?, 1)").run(NOW);
  db.prepare(
    `INSERT INTO acquirer_statement_row (business_date, line_no, client_sn, acquirer_sn, type, wallet, amount, status, finished_at, refund_request_no)
     VALUES ('2026-12-01', 1, 'CSN1', 'SN1', 'pay', 'wechat', 900, 'SUCCESS', ?, NULL)`,
  ).run(NOW);
  return db;
}

function insertRefund(db: ReturnType<typeof atVersion>, r: { id: string; refund_request_no: string; kind: string; payment_id: string | null; tender_kind: string; wallet_amount: number; cash_amount: number }) {
  db.prepare(
    `INSERT INTO refund (id, sale_id, payment_id, refund_request_no, kind, tender_kind, amount, wallet_amount, cash_amount, status, reason, approved_by, user_id, deadline_at, created_at, updated_at)
     VALUES (@id, 'S1', @payment_id, @refund_request_no, @kind, @tender_kind, @amount, @wallet_amount, @cash_amount, 'submitted', '退货', 'U1', 'U1', 0, @at, @at)`,
  ).run({ ...r, amount: r.wallet_amount + r.cash_amount, at: NOW });
}

describe('0028_payment_provider', () => {
  it('gives every earlier payment, wallet refund and statement row the aggregator and CNY; a cash refund no provider', () => {
    const db = seededAt22();
    migrate(db, migrations.slice(0, 28));
    expect(db.prepare('SELECT provider, currency FROM payment').all()).toEqual([{ provider: 'aggregator', currency: 'CNY' }]);
    expect(db.prepare('SELECT id, provider, currency FROM refund ORDER BY id').all()).toEqual([
      { id: 'R1', provider: 'aggregator', currency: 'CNY' },
      { id: 'R2', provider: null, currency: 'CNY' },
    ]);
    expect(db.prepare('SELECT provider, currency FROM acquirer_statement_row').all()).toEqual([{ provider: 'aggregator', currency: 'CNY' }]);
  });

  it('records a new wallet refund under the provider and currency of its payment', () => {
    const db = seededAt22();
    migrate(db, migrations.slice(0, 28));
    db.prepare(
      `INSERT INTO payment (id, sale_id, client_sn, kind, wallet, amount, status, state, created_at, updated_at, provider, currency)
       VALUES ('PAY2', 'S1', 'CSN2', 'code', 'wechat', 500, 'paid', '{}', ?, ?, 'wechat_v2', 'JPY')`,
    ).run(NOW, NOW);
    insertRefund(db, { id: 'R3', refund_request_no: 'RQ3', kind: 'wallet', payment_id: 'PAY2', tender_kind: 'wechat', wallet_amount: 200, cash_amount: 0 });
    expect(db.prepare("SELECT provider, currency FROM refund WHERE id = 'R3'").get()).toEqual({ provider: 'wechat_v2', currency: 'JPY' });
  });

  it('refuses an unknown provider, a malformed currency and a route to a provider that does not take the wallet', () => {
    const db = atVersion(28);
    db.prepare("INSERT INTO sale (id, terminal_id, status, currency, opened_at, total) VALUES ('S1', 'T', 'open', 'CNY', ?, 900)").run(NOW);
    const pay = (provider: string, currency: string) =>
      db
        .prepare(
          `INSERT INTO payment (id, sale_id, client_sn, kind, wallet, amount, status, state, created_at, updated_at, provider, currency)
           VALUES (?, 'S1', ?, 'code', 'wechat', 900, 'submitted', '{}', ?, ?, ?, ?)`,
        )
        .run(`P-${provider}-${currency}`, `C-${provider}-${currency}`, NOW, NOW, provider, currency);
    expect(() => pay('paypal', 'CNY')).toThrow(/CHECK/);
    expect(() => pay('wechat_v2', 'cny')).toThrow(/CHECK/);
    expect(() => pay('wechat_v2', 'CNYX')).toThrow(/CHECK/);
    pay('wechat_v2', 'HKD');

    const route = db.prepare('INSERT INTO payment_route (wallet, provider, updated_at) VALUES (?, ?, ?)');
    expect(() => route.run('alipay', 'wechat_v2', NOW)).toThrow(/CHECK/);
    route.run('wechat', 'wechat_v2', NOW);
    route.run('alipay', 'aggregator', NOW);
    expect(() => route.run('wechat', 'aggregator', NOW)).toThrow(/UNIQUE/);
  });
});

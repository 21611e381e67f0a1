import { describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { migrations } from '../migrations';
import { atVersion } from './testing';

const NOW = '2026-12-01T02:00:00.000Z';

function seededAt31() {
  const db = atVersion(31);
  db.prepare("INSERT INTO user (id, name, role, pin_hash, created_at) VALUES ('U1', '店长', 'owner', 'h', ?)").run(NOW);
  db.prepare("INSERT INTO sale (id, terminal_id, status, currency, opened_at, receipt_no, business_date, total) VALUES ('S1', 'T', 'completed', 'CNY', ?, 1, '2026-12-01', 900)").run(NOW);
  db.prepare(
    `INSERT INTO payment (id, sale_id, client_sn, kind, wallet, amount, status, state, created_at, updated_at, provider)
     VALUES ('PAY1', 'S1', 'CSN1', 'code', 'wechat', 900, 'paid', '{}', ?, ?, 'wechat_v2')`,
  ).run(NOW, NOW);
  db.prepare("INSERT INTO payment_route (wallet, provider, updated_at) VALUES ('wechat', 'wechat_v2', ?)").run(NOW);
  return db;
}

const insertPayment = (db: ReturnType<typeof atVersion>, id: string, provider: string, wallet = 'alipay') =>
  db
    .prepare(
      `INSERT INTO payment (id, sale_id, client_sn, kind, wallet, amount, status, state, created_at, updated_at, provider)
       VALUES (?, 'S1', ?, 'code', ?, 500, 'paid', '{}', ?, ?, ?)`,
    )
    .run(id, `CSN-${id}`, wallet, NOW, NOW, provider);

describe('0032_alipay_provider', () => {
  it('takes Alipay direct payments, their refunds, statement rows, a route for Alipay codes and sealed settings; earlier rows stay as they were', () => {
    const db = seededAt31();
    expect(() => insertPayment(db, 'PAY2', 'alipay')).toThrow(/CHECK/);
    migrate(db, migrations.slice(0, 32));
    insertPayment(db, 'PAY2', 'alipay');
    db.prepare(
      `INSERT INTO refund (id, sale_id, payment_id, refund_request_no, kind, tender_kind, amount, wallet_amount, cash_amount, status, reason, approved_by, user_id, deadline_at, created_at, updated_at)
       VALUES ('R1', 'S1', 'PAY2', 'RQ1', 'wallet', 'alipay', 200, 200, 0, 'submitted', '退货', 'U1', 'U1', 0, ?, ?)`,
    ).run(NOW, NOW);
    db.prepare("INSERT INTO acquirer_statement (business_date, downloaded_at, row_count) VALUES ('2026-12-01', ?, 1)").run(NOW);
    db.prepare(
      `INSERT INTO acquirer_statement_row (business_date, line_no, client_sn, acquirer_sn, type, wallet, amount, status, finished_at, refund_request_no, provider)
       VALUES ('2026-12-01', 1, 'CSN-PAY2', '2026120122001', 'pay', 'alipay', 500, '交易', ?, NULL, 'alipay')`,
    ).run(NOW);
    db.prepare("INSERT INTO payment_route (wallet, provider, updated_at) VALUES ('alipay', 'alipay', ?)").run(NOW);
    db.prepare("INSERT INTO payment_provider (provider, settings, sealed_secrets, cert_not_after, updated_at) VALUES ('alipay', '{}', 'sealed', NULL, ?)").run(NOW);

    expect(db.prepare('SELECT id, provider FROM payment ORDER BY id').all()).toEqual([
      { id: 'PAY1', provider: 'wechat_v2' },
      { id: 'PAY2', provider: 'alipay' },
    ]);
    expect(db.prepare("SELECT provider, currency FROM refund WHERE id = 'R1'").get()).toEqual({ provider: 'alipay', currency: 'CNY' });
    expect(db.prepare('SELECT wallet, provider FROM payment_route ORDER BY wallet').all()).toEqual([
      { wallet: 'alipay', provider: 'alipay' },
      { wallet: 'wechat', provider: 'wechat_v2' },
    ]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('still refuses an unknown provider, Alipay direct for another wallet and WeChat direct for Alipay codes', () => {
    const db = seededAt31();
    migrate(db, migrations.slice(0, 32));
    expect(() => insertPayment(db, 'PAY3', 'alipay_v9')).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO payment_route (wallet, provider, updated_at) VALUES ('unionpay', 'alipay', ?)").run(NOW)).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO payment_route (wallet, provider, updated_at) VALUES ('alipay', 'wechat_v2', ?)").run(NOW)).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO payment_provider (provider, settings, sealed_secrets, updated_at) VALUES ('aggregator', '{}', 's', ?)").run(NOW)).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO acquirer_statement_row (business_date, line_no, client_sn, acquirer_sn, type, wallet, amount, status, finished_at, provider) VALUES ('2026-12-01', 9, 'c', 'a', 'pay', 'alipay', 1, 's', ?, 'nobody')").run(NOW)).toThrow(/CHECK|FOREIGN/);
  });

  it('keeps Alipay beside the providers later migrations add to the same lists', () => {
    const db = seededAt31();
    migrate(db, migrations);
    insertPayment(db, 'PAY2', 'alipay');
    db.prepare("INSERT INTO payment_route (wallet, provider, updated_at) VALUES ('alipay', 'alipay', ?)").run(NOW);
    db.prepare("INSERT INTO payment_provider (provider, settings, sealed_secrets, updated_at) VALUES ('alipay', '{}', 's', ?)").run(NOW);
    expect(() => db.prepare("INSERT INTO payment_route (wallet, provider, updated_at) VALUES ('unionpay', 'alipay', ?)").run(NOW)).toThrow(/CHECK/);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });
});

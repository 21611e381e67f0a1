import { describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { migrations } from '../migrations';
import { atVersion } from './testing';

const NOW = '2026-12-05T02:00:00.000Z';
const V3 = migrations.findIndex((m) => m.name === 'wechat_v3') + 1;

function seeded(version: number) {
  const db = atVersion(version);
  db.prepare("INSERT INTO user (id, name, role, pin_hash, created_at) VALUES ('U1', '技术员', 'technician', 'h', ?)").run(NOW);
  db.prepare("INSERT INTO sale (id, terminal_id, status, currency, opened_at, receipt_no, business_date, total) VALUES ('S1', 'T', 'completed', 'CNY', ?, 1, '2026-12-05', 900)").run(NOW);
  return db;
}

const insertPayment = (db: ReturnType<typeof atVersion>, id: string, provider: string) =>
  db
    .prepare(
      `INSERT INTO payment (id, sale_id, client_sn, kind, wallet, amount, status, state, created_at, updated_at, provider)
       VALUES (?, 'S1', ?, 'code', 'wechat', 900, 'paid', '{}', ?, ?, ?)`,
    )
    .run(id, `CSN-${id}`, NOW, NOW, provider);

describe('0033_wechat_v3', () => {
  it('is numbered 33', () => {
    expect(V3).toBe(33);
  });

  it('lets a payment, a refund, a statement row, a route and a settings row name wechat_v3, and nothing unknown', () => {
    const db = seeded(V3 - 1);
    expect(() => insertPayment(db, 'P0', 'wechat_v3')).toThrow(/CHECK/);
    migrate(db, migrations.slice(0, V3));
    insertPayment(db, 'P1', 'wechat_v3');
    insertPayment(db, 'P2', 'wechat_v2');
    expect(() => insertPayment(db, 'P3', 'wechat_v4')).toThrow(/CHECK/);
    expect(db.prepare("SELECT id, provider FROM payment ORDER BY id").all()).toEqual([
      { id: 'P1', provider: 'wechat_v3' },
      { id: 'P2', provider: 'wechat_v2' },
    ]);
    db.prepare("INSERT INTO payment_route (wallet, provider, updated_at, updated_by) VALUES ('wechat', 'wechat_v3', ?, 'U1')").run(NOW);
    expect(() => db.prepare("INSERT INTO payment_route (wallet, provider, updated_at, updated_by) VALUES ('alipay', 'wechat_v3', ?, 'U1')").run(NOW)).toThrow(/CHECK/);
    db.prepare("INSERT INTO payment_provider (provider, settings, sealed_secrets, cert_not_after, updated_at, updated_by) VALUES ('wechat_v3', '{}', 'x', NULL, ?, 'U1')").run(NOW);
    expect(() => db.prepare("INSERT INTO payment_provider (provider, settings, sealed_secrets, cert_not_after, updated_at, updated_by) VALUES ('aggregator', '{}', 'x', NULL, ?, 'U1')").run(NOW)).toThrow(/CHECK/);
    db.prepare("INSERT INTO acquirer_statement (business_date, downloaded_at, row_count) VALUES ('2026-12-05', ?, 1)").run(NOW);
    db.prepare(
      `INSERT INTO acquirer_statement_row (business_date, line_no, client_sn, acquirer_sn, type, wallet, amount, status, finished_at, refund_request_no, provider)
       VALUES ('2026-12-05', 1, 'CSN-P1', 'SN1', 'pay', 'wechat', 900, 'SUCCESS', ?, NULL, 'wechat_v3')`,
    ).run(NOW);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    for (const table of ['payment', 'refund', 'acquirer_statement_row', 'payment_route', 'payment_provider']) {
      expect(db.prepare("SELECT sql FROM sqlite_schema WHERE name = ?").pluck().get(table)).toContain("'wechat_v3'");
    }
  });
});

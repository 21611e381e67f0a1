import { describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { migrations } from '../migrations';
import { atVersion } from './testing';

const NOW = '2026-12-06T02:00:00.000Z';
const PAYER = migrations.findIndex((m) => m.name === 'cross_border_payer') + 1;

function seeded(version: number) {
  const db = atVersion(version);
  db.prepare("INSERT INTO user (id, name, role, pin_hash, created_at) VALUES ('U1', '店长', 'owner', 'h', ?)").run(NOW);
  db.prepare("INSERT INTO sale (id, terminal_id, status, currency, opened_at, receipt_no, business_date, total) VALUES ('S1', 'T', 'completed', 'JPY', ?, 1, '2026-12-06', 1000)").run(NOW);
  db.prepare(
    `INSERT INTO payment (id, sale_id, client_sn, kind, wallet, amount, status, state, created_at, updated_at, provider, currency)
     VALUES ('P1', 'S1', 'CSN-P1', 'code', 'wechat', 1000, 'paid', '{}', ?, ?, 'wechat_v2', 'JPY')`,
  ).run(NOW, NOW);
  return db;
}

describe('0035_cross_border_payer', () => {
  it('is numbered 35', () => {
    expect(PAYER).toBe(35);
  });

  it('leaves every earlier payment without a payer side, and keeps a cross-border one as the wallet gave it', () => {
    const db = seeded(PAYER - 1);
    migrate(db, migrations.slice(0, PAYER));
    expect(db.prepare("SELECT payer_currency, payer_amount, payer_rate, payer_rate_scale FROM payment WHERE id = 'P1'").get()).toEqual({ payer_currency: null, payer_amount: null, payer_rate: null, payer_rate_scale: null });
    db.prepare("UPDATE payment SET payer_currency = 'CNY', payer_amount = 4820, payer_rate = '4820000', payer_rate_scale = 8 WHERE id = 'P1'").run();
    expect(db.prepare("SELECT payer_currency, payer_amount, payer_rate, payer_rate_scale FROM payment WHERE id = 'P1'").get()).toEqual({ payer_currency: 'CNY', payer_amount: 4820, payer_rate: '4820000', payer_rate_scale: 8 });
    // A decimal rate, and an amount without a rate (v3's domestic reply gives none).
    db.prepare("UPDATE payment SET payer_rate = '0.0482', payer_rate_scale = 0 WHERE id = 'P1'").run();
    db.prepare("UPDATE payment SET payer_rate = NULL, payer_rate_scale = NULL WHERE id = 'P1'").run();
  });

  it('refuses a payer side that is half there, negative, in no currency or with a rate that is not digits', () => {
    const db = seeded(PAYER);
    const set = (sql: string) => () => db.prepare(`UPDATE payment SET ${sql} WHERE id = 'P1'`).run();
    expect(set("payer_currency = 'CNY'")).toThrow(/CHECK/);
    expect(set('payer_amount = 4820')).toThrow(/CHECK/);
    expect(set("payer_currency = 'CNY', payer_amount = -1")).toThrow(/CHECK/);
    expect(set("payer_currency = 'cny', payer_amount = 1")).toThrow(/CHECK/);
    for (const rate of ['-0.0482', '4.82e-2', '0.04.82', '.0482', '0.', 'abc', '']) {
      expect(set(`payer_currency = 'CNY', payer_amount = 4820, payer_rate = '${rate}', payer_rate_scale = 0`), rate).toThrow(/CHECK/);
    }
    expect(set("payer_currency = 'CNY', payer_amount = 4820, payer_rate = '0.0482'")).toThrow(/CHECK/);
    expect(db.prepare("SELECT payer_currency FROM payment WHERE id = 'P1'").pluck().get()).toBeNull();
  });

  it('keeps a refund’s customer side beside it, both or neither', () => {
    const db = seeded(PAYER);
    let n = 0;
    const insert = (payer: string) =>
      db
        .prepare(
          `INSERT INTO refund (id, sale_id, payment_id, refund_request_no, kind, tender_kind, amount, wallet_amount, cash_amount, status, reason, approved_by, deadline_at, created_at, updated_at, payer_currency, payer_amount)
           VALUES (?, 'S1', 'P1', ?, 'wallet', 'wechat', 300, 300, 0, 'submitted', '退货', 'U1', 0, ?, ?, ${payer})`,
        )
        .run(`R${payer}`, `RR${(n += 1)}`, NOW, NOW);
    insert("'CNY', 1446");
    expect(db.prepare('SELECT currency, payer_currency, payer_amount FROM refund').get()).toEqual({ currency: 'JPY', payer_currency: 'CNY', payer_amount: 1446 });
    expect(() => insert("'CNY', NULL")).toThrow(/CHECK/);
  });
});

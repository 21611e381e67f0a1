import { describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { migrations } from '../migrations';
import { atVersion } from './testing';

const NOW = '2026-12-06T02:00:00.000Z';
const LEGS = migrations.findIndex((m) => m.name === 'refund_legs') + 1;

function seeded(version: number) {
  const db = atVersion(version);
  db.prepare("INSERT INTO user (id, name, role, pin_hash, created_at) VALUES ('U1', '店长', 'owner', 'h', ?)").run(NOW);
  db.prepare("INSERT INTO sale (id, terminal_id, status, currency, opened_at, receipt_no, business_date, total) VALUES ('S1', 'T', 'completed', 'CNY', ?, 1, '2026-12-06', 10000)").run(NOW);
  for (const [id, wallet, amount] of [
    ['P1', 'wechat', 6000],
    ['P2', 'alipay', 4000],
  ] as const) {
    db.prepare(
      `INSERT INTO payment (id, sale_id, client_sn, kind, wallet, amount, status, state, created_at, updated_at, provider, currency)
       VALUES (?, 'S1', ?, 'code', ?, ?, 'paid', '{}', ?, ?, 'aggregator', 'CNY')`,
    ).run(id, `CSN-${id}`, wallet, amount, NOW, NOW);
  }
  return db;
}

let n = 0;
function insertRefund(db: ReturnType<typeof seeded>, r: { id: string; payment: string; amount: number; isVoid?: boolean; group?: string; leg?: number }) {
  const legColumns = r.group === undefined ? '' : ', refund_group, leg_no';
  const legValues = r.group === undefined ? '' : `, '${r.group}', ${r.leg}`;
  db.prepare(
    `INSERT INTO refund (id, sale_id, payment_id, refund_request_no, kind, tender_kind, amount, wallet_amount, cash_amount, status, reason, approved_by, deadline_at, created_at, updated_at, is_void${legColumns})
     VALUES (?, 'S1', ?, ?, 'wallet', 'wechat', ?, ?, 0, 'submitted', '退货', 'U1', 0, ?, ?, ?${legValues})`,
  ).run(r.id, r.payment, `RR${(n += 1)}`, r.amount, r.amount, NOW, NOW, r.isVoid ? 1 : 0);
}

describe('0036_refund_legs', () => {
  it('is numbered 36', () => {
    expect(LEGS).toBe(36);
  });

  it('carries every earlier refund over as one leg of its own', () => {
    const db = seeded(LEGS - 1);
    insertRefund(db, { id: 'R1', payment: 'P1', amount: 100 });
    insertRefund(db, { id: 'R2', payment: 'P2', amount: 200, isVoid: true });
    migrate(db, migrations.slice(0, LEGS));
    expect(db.prepare('SELECT id, refund_group, leg_no FROM refund ORDER BY id').all()).toEqual([
      { id: 'R1', refund_group: 'R1', leg_no: 1 },
      { id: 'R2', refund_group: 'R2', leg_no: 1 },
    ]);
  });

  it('takes one refund of several legs, each leg once, a leg always with its group', () => {
    const db = seeded(LEGS);
    insertRefund(db, { id: 'G1', payment: 'P1', amount: 6000, group: 'G1', leg: 1 });
    insertRefund(db, { id: 'G2', payment: 'P2', amount: 4000, group: 'G1', leg: 2 });
    expect(() => insertRefund(db, { id: 'G3', payment: 'P2', amount: 1, group: 'G1', leg: 2 })).toThrow(/UNIQUE/);
    expect(() => insertRefund(db, { id: 'G4', payment: 'P2', amount: 1, group: 'G1', leg: 0 })).toThrow(/CHECK/);
    expect(() => db.prepare("UPDATE refund SET leg_no = NULL WHERE id = 'G2'").run()).toThrow(/CHECK/);
  });

  it('voids a sale once: the legs of one void, never a second void', () => {
    const db = seeded(LEGS);
    insertRefund(db, { id: 'V1', payment: 'P1', amount: 6000, isVoid: true, group: 'V1', leg: 1 });
    insertRefund(db, { id: 'V2', payment: 'P2', amount: 4000, isVoid: true, group: 'V1', leg: 2 });
    expect(() => insertRefund(db, { id: 'W1', payment: 'P1', amount: 6000, isVoid: true, group: 'W1', leg: 1 })).toThrow(/UNIQUE|voided at most once/);
    expect(() => insertRefund(db, { id: 'W3', payment: 'P1', amount: 6000, isVoid: true, group: 'W3', leg: 3 })).toThrow(/voided at most once/);
    // A void of a till before this version (no group) is still the sale's only one.
    const old = seeded(LEGS);
    insertRefund(old, { id: 'O1', payment: 'P1', amount: 10000, isVoid: true });
    expect(() => insertRefund(old, { id: 'O2', payment: 'P2', amount: 1, isVoid: true, group: 'O2', leg: 2 })).toThrow(/voided at most once/);
  });
});

import { describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { migrations } from '../migrations';
import { atVersion } from './testing';

const NOW = '2026-12-04T10:00:00.000Z';

describe('0019_payment_merchant_discount', () => {
  it('gives every payment, old ones included, a merchant discount of 0 and no payment list; refuses a negative discount or a list that is not JSON', () => {
    const db = atVersion(18);
    db.prepare("INSERT INTO sale (id, terminal_id, status, opened_at, currency) VALUES ('S1', 'T', 'open', ?, 'CNY')").run(NOW);
    const insert = db.prepare(
      "INSERT INTO payment (id, sale_id, client_sn, kind, amount, status, state, created_at, updated_at) VALUES (?, 'S1', ?, 'code', 101, 'paid', '{}', ?, ?)",
    );
    insert.run('P1', 'C1', NOW, NOW);
    migrate(db, migrations.slice(0, 19));

    expect(db.prepare('SELECT merchant_discount, payment_list FROM payment').all()).toEqual([{ merchant_discount: 0, payment_list: null }]);
    insert.run('P2', 'C2', NOW, NOW);
    const set = db.prepare('UPDATE payment SET merchant_discount = ?, payment_list = ? WHERE id = ?');
    set.run(100, '[{"type":"DISCOUNT_CHANNEL_MCH","amount":100}]', 'P2');
    expect(db.prepare("SELECT merchant_discount FROM payment WHERE id = 'P2'").get()).toEqual({ merchant_discount: 100 });
    expect(() => set.run(-1, null, 'P2')).toThrow(/CHECK/);
    expect(() => set.run(0, 'not json', 'P2')).toThrow(/CHECK/);
  });
});

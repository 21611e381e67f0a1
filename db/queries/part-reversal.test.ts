import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { migrations } from '../migrations';
import { appendPaymentEvent, partReversalFailure } from './payments';

const NOW = '2026-12-06T02:00:00.000Z';

function withPaidPart() {
  const db = new Sqlite(':memory:');
  migrate(db, migrations);
  db.prepare("INSERT INTO sale (id, terminal_id, status, currency, opened_at) VALUES ('S1', 'T', 'open', 'CNY', ?)").run(NOW);
  db.prepare(
    `INSERT INTO payment (id, sale_id, client_sn, kind, wallet, amount, status, state, created_at, updated_at)
     VALUES ('P1', 'S1', 'CSN-P1', 'code', 'wechat', 1000, 'paid', '{}', ?, ?)`,
  ).run(NOW, NOW);
  return db;
}

describe('partReversalFailure: why the last reversal asked for a paid part did not give it back', () => {
  it('is nothing before a reversal is asked, and while one runs', () => {
    const db = withPaidPart();
    expect(partReversalFailure(db, 'P1')).toBeNull();
    appendPaymentEvent(db, 'P1', 'part_reversal_requested', { userId: 'U1' }, NOW);
    appendPaymentEvent(db, 'P1', 'part_reversal', { kind: 'failed', message: 'REVERSE_EXPIRE' }, NOW);
    expect(partReversalFailure(db, 'P1')).toBeNull();
  });

  it('is the provider’s refusal with its words, until the cashier asks again', () => {
    const db = withPaidPart();
    appendPaymentEvent(db, 'P1', 'part_reversal_requested', { userId: 'U1' }, NOW);
    appendPaymentEvent(db, 'P1', 'part_reversal_failed', { reason: 'refused', providerMessage: 'REVERSE_EXPIRE: 订单已超过撤销期限' }, NOW);
    expect(partReversalFailure(db, 'P1')).toEqual({ reason: 'refused', providerMessage: 'REVERSE_EXPIRE: 订单已超过撤销期限' });
    appendPaymentEvent(db, 'P1', 'part_reversal_requested', { userId: 'U1' }, NOW);
    expect(partReversalFailure(db, 'P1')).toBeNull();
    // Never confirmed after every attempt, with no words from the provider.
    appendPaymentEvent(db, 'P1', 'part_reversal_failed', { reason: 'unconfirmed', providerMessage: null }, NOW);
    expect(partReversalFailure(db, 'P1')).toEqual({ reason: 'unconfirmed', providerMessage: null });
  });
});

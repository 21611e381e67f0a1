import { describe, expect, it } from 'vitest';
import { atVersion } from './testing';

describe('0003_users', () => {
  it('keeps roles to the three the terminal knows', () => {
    const db = atVersion(3);
    db.prepare("INSERT INTO user (id, name, role, pin_hash, created_at) VALUES ('U1', '小王', 'cashier', 'h', 'now')").run();
    expect(() => db.prepare("INSERT INTO user (id, name, role, pin_hash, created_at) VALUES ('U2', 'x', 'admin', 'h', 'now')").run()).toThrow(
      /CHECK constraint/,
    );
  });
  it('starts a new user with no failed attempts and a PIN to change', () => {
    const db = atVersion(3);
    db.prepare("INSERT INTO user (id, name, role, pin_hash, created_at) VALUES ('U1', '小王', 'cashier', 'h', 'now')").run();
    expect(db.prepare('SELECT failed_attempts, must_change_pin, active, locked_until FROM user').get()).toEqual({
      failed_attempts: 0,
      must_change_pin: 1,
      active: 1,
      locked_until: null,
    });
  });
});

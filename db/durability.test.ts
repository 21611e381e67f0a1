import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { withRelaxedSync } from './durability';

describe('withRelaxedSync', () => {
  it('relaxes only inside and restores FULL afterwards, even when the work throws', () => {
    const db = new Sqlite(':memory:');
    db.pragma('synchronous = FULL');
    expect(withRelaxedSync(db, () => db.pragma('synchronous', { simple: true }))).toBe(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(() =>
      withRelaxedSync(db, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
  });
});

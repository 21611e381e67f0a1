import { describe, expect, it } from 'vitest';
import { atVersion } from './testing';

describe('0001_init', () => {
  it('creates the terminal, start log and settings tables', () => {
    const db = atVersion(1);
    const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(['setting', 'terminal', 'terminal_start']);
  });

  it('allows exactly one terminal row', () => {
    const db = atVersion(1);
    db.prepare("INSERT INTO terminal VALUES (1, 'T1', '2026-01-01T00:00:00Z')").run();
    expect(() => db.prepare("INSERT INTO terminal VALUES (2, 'T2', '2026-01-01T00:00:00Z')").run()).toThrow(/CHECK constraint/);
  });

  it('is STRICT: a wrong type is refused', () => {
    const db = atVersion(1);
    expect(() => db.prepare("INSERT INTO terminal_start (started_at, app_version) VALUES (X'00', '1')").run()).toThrow(
      /cannot store BLOB value in TEXT column/,
    );
  });

  it('stores only valid JSON as a setting value', () => {
    const db = atVersion(1);
    db.prepare(`INSERT INTO setting VALUES ('language', '"en"', 'now')`).run();
    expect(() => db.prepare(`INSERT INTO setting VALUES ('x', '{oops', 'now')`).run()).toThrow(/CHECK constraint/);
  });
});

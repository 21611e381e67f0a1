import { describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { migrations } from '../migrations';
import { atVersion } from './testing';

const AT = '2026-12-01T10:00:00.000Z';
const version = migrations.findIndex((m) => m.name === 'device_scale') + 1;

describe('0026_device_scale', () => {
  it('keeps every configured device and takes a scale', () => {
    const db = atVersion(version - 1);
    const insert = db.prepare('INSERT INTO device (id, role, position, config, updated_at) VALUES (?, ?, ?, ?, ?)');
    insert.run('printer', 'printer', 0, '{"id":"printer"}', AT);
    insert.run('scanner', 'scanner', 1, '{"id":"scanner"}', AT);
    expect(() => insert.run('scale', 'scale', 2, '{}', AT)).toThrow(/CHECK constraint/);
    migrate(db, migrations.slice(0, version));
    expect(db.prepare('SELECT id, role, position, config, updated_at FROM device ORDER BY position').all()).toEqual([
      { id: 'printer', role: 'printer', position: 0, config: '{"id":"printer"}', updated_at: AT },
      { id: 'scanner', role: 'scanner', position: 1, config: '{"id":"scanner"}', updated_at: AT },
    ]);
    db.prepare('INSERT INTO device (id, role, position, config, updated_at) VALUES (?, ?, ?, ?, ?)').run('scale', 'scale', 2, '{"id":"scale"}', AT);
    expect(() => db.prepare('INSERT INTO device (id, role, position, config, updated_at) VALUES (?, ?, ?, ?, ?)').run('x', 'fryer', 3, '{}', AT)).toThrow(/CHECK constraint/);
    expect(() => db.prepare('INSERT INTO device (id, role, position, config, updated_at) VALUES (?, ?, ?, ?, ?)').run('y', 'scale', 4, 'not json', AT)).toThrow(/CHECK constraint/);
  });
});

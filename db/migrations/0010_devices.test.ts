import { describe, expect, it } from 'vitest';
import { atVersion, queryPlan } from './testing';

describe('0010_devices', () => {
  it('keeps one JSON configuration per device and refuses an unknown role or broken JSON', () => {
    const db = atVersion(10);
    db.prepare("INSERT INTO device (id, role, position, config, updated_at) VALUES ('p', 'printer', 1, '{}', 'now')").run();
    expect(() => db.prepare("INSERT INTO device (id, role, position, config, updated_at) VALUES ('s', 'scale', 2, '{}', 'now')").run()).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO device (id, role, position, config, updated_at) VALUES ('d', 'drawer', 2, '{', 'now')").run()).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO device_setup (id, source, at) VALUES (2, 'technician', 'now')").run()).toThrow(/CHECK/);
  });

  it('counts pending print jobs through the partial index (the queue figure of devices.status)', () => {
    const db = atVersion(10);
    expect(queryPlan(db, 'SELECT count(*) FROM print_job WHERE printed_at IS NULL')).toMatch(/print_job_pending/);
  });
});

import { describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { migrations } from '../migrations';
import { atVersion } from './testing';

const NOW = '2026-12-04T10:00:00.000Z';

describe('0016_print_jobs', () => {
  it('carries every unprinted print job over to the job runner, in order, with its bytes, attempts and last error, then drops print_job', () => {
    const db = atVersion(15);
    db.prepare("INSERT INTO device (id, role, position, config, updated_at) VALUES ('front-printer', 'printer', 1, '{}', ?)").run(NOW);
    const job = db.prepare('INSERT INTO print_job (id, kind, bytes, created_at, attempts, last_error, printed_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
    // Inserted out of id order: the queue's order is the insertion order.
    job.run('P2', 'receipt', Buffer.from([0x1b, 0x40, 0x41]), NOW, 3, 'EIO', null);
    job.run('P1', 'test', Buffer.from([0x1b, 0x40, 0x42]), NOW, 0, null, null);
    job.run('P0', 'receipt', Buffer.from([0x1b, 0x40, 0x43]), NOW, 1, null, NOW);
    migrate(db, migrations.slice(0, 16));

    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'print_job'").all()).toEqual([]);
    expect(db.prepare("SELECT id, kind, subject, payload, status, run_at, attempts, last_error, created_at FROM job WHERE kind = 'print.receipt' ORDER BY seq").all()).toEqual([
      { id: 'P2', kind: 'print.receipt', subject: 'print:front-printer', payload: '{"document":"receipt"}', status: 'queued', run_at: 0, attempts: 3, last_error: 'EIO', created_at: NOW },
      { id: 'P1', kind: 'print.receipt', subject: 'print:front-printer', payload: '{"document":"test"}', status: 'queued', run_at: 0, attempts: 0, last_error: null, created_at: NOW },
    ]);
    expect(db.prepare('SELECT job_id, hex(bytes) AS bytes FROM print_bytes ORDER BY job_id').all()).toEqual([
      { job_id: 'P1', bytes: '1B4042' },
      { job_id: 'P2', bytes: '1B4041' },
    ]);
  });

  it('keeps bytes only for a job that exists', () => {
    const db = atVersion(16);
    expect(() => db.prepare("INSERT INTO print_bytes (job_id, bytes) VALUES ('nobody', x'00')").run()).toThrow(/FOREIGN KEY/);
  });
});

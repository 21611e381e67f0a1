import { mkdirSync, mkdtempSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { logFiles, readLogs } from './logs';

const line = (time: string, level: number, msg: string, extra: Record<string, unknown> = {}) => JSON.stringify({ level, time, pid: 1, ...extra, msg });

function logDir() {
  const dir = join(tempDir('pos-logs-'), 'logs');
  mkdirSync(dir, { recursive: true });
  // pos.1.log rotated (older), pos.2.log current; current.log the symlink pino-roll keeps.
  writeFileSync(
    join(dir, 'pos.1.log'),
    [line('2026-11-21T10:00:00.000Z', 30, 'terminal started'), line('2026-11-21T11:00:00.000Z', 40, 'wrong PIN', { userId: 'U1' })].join('\n') + '\n',
  );
  writeFileSync(
    join(dir, 'pos.2.log'),
    [line('2026-11-22T09:00:00.000Z', 30, 'sale completed'), '{"level":30,"time":"2026-11-22T09:00:01', line('2026-11-22T09:30:00.000Z', 50, 'acquirer call failed', { reason: 'x'.repeat(5000) })].join('\n') + '\n',
  );
  utimesSync(join(dir, 'pos.1.log'), new Date('2026-11-21T11:00:00Z'), new Date('2026-11-21T11:00:00Z'));
  symlinkSync(join(dir, 'pos.2.log'), join(dir, 'current.log'));
  return join(dir, 'pos.2.log');
}

const tempDir = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

describe('log viewer', () => {
  it('reads the current and rotated files newest first, skipping the symlink and a line cut by a crash', () => {
    const file = logDir();
    expect(logFiles(file).map((f) => f.split('/').pop())).toEqual(['pos.2.log', 'pos.1.log']);
    const { entries, scannedFiles, truncated } = readLogs(file);
    expect(entries.map((e) => e.msg)).toEqual(['acquirer call failed', 'sale completed', 'wrong PIN', 'terminal started']);
    expect(scannedFiles).toBe(2);
    expect(truncated).toBe(false);
    expect(entries[2]).toMatchObject({ level: 'warn', file: 'pos.1.log', fields: '{"userId":"U1"}' });
    expect(entries[0]!.fields.length).toBeLessThanOrEqual(1501);
  });

  it('filters by lowest level, text (any case) and time range, and stops at the limit', () => {
    const file = logDir();
    expect(readLogs(file, { level: 'warn' }).entries.map((e) => e.level)).toEqual(['error', 'warn']);
    expect(readLogs(file, { text: 'wrong pin' }).entries.map((e) => e.msg)).toEqual(['wrong PIN']);
    expect(readLogs(file, { text: 'u1' }).entries).toHaveLength(1);
    expect(readLogs(file, { from: '2026-11-21T10:30:00Z', to: '2026-11-22T09:10:00Z' }).entries.map((e) => e.msg)).toEqual(['sale completed', 'wrong PIN']);
    const limited = readLogs(file, { limit: 1 });
    expect(limited.entries.map((e) => e.msg)).toEqual(['acquirer call failed']);
    expect(limited.truncated).toBe(true);
  });

  it('answers empty when there is no log directory', () => {
    expect(readLogs('/nonexistent/dir/pos.1.log')).toEqual({ entries: [], scannedFiles: 0, truncated: false });
  });
});

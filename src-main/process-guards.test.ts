import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loggerOptions } from './log';
import { guardProcess } from './process-guards';

describe('process guards', () => {
  it('logs an unhandled rejection (Node would otherwise end the process) and is removed again', () => {
    const lines: string[] = [];
    const log = pino(loggerOptions('info'), { write: (line: string) => lines.push(line) });
    const before = process.listeners('unhandledRejection');
    const unguard = guardProcess(log);
    const added = process.listeners('unhandledRejection').filter((l) => !before.includes(l));
    expect(added).toHaveLength(1);
    // Node calls the listener with the reason and the promise; with a listener present the process goes on.
    added[0]!(new Error('log roll failed: ENOSPC'), Promise.resolve());
    const entry = JSON.parse(lines.at(-1)!) as { level: number; msg: string; err: { message: string } };
    expect(entry).toMatchObject({ level: 50, msg: 'unhandled promise rejection; the terminal keeps serving', err: { message: 'log roll failed: ENOSPC' } });
    unguard();
    expect(process.listeners('unhandledRejection')).toEqual(before);
  });
});

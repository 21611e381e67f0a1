import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loggerOptions, openFileLogger, withStderrFallback } from './log';

describe('file logger', () => {
  it('writes JSON lines to the data directory and never a payment code or key whole', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pos-log-'));
    const { logger, file, close } = await openFileLogger({ dataDir, level: 'info', maxFileMegabytes: 1, keepFiles: 2 });
    const code = '134567890123456789';
    const key = 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6';
    logger.info({ paymentCode: code, request: { terminal_key: key, amount: 1999 } }, 'pay requested');
    logger.warn(`acquirer refused code ${code}`);
    await close();

    const text = readFileSync(file, 'utf8');
    const lines = text.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ msg: 'pay requested', paymentCode: '1345**********6789', request: { amount: 1999 } });
    expect(lines[1].msg).toBe('acquirer refused code 1345**********6789');
    expect(text).not.toContain(code);
    expect(text).not.toContain(key);
    expect(file).toBe(join(dataDir, 'logs', 'current.log'));
  });
});

describe('log file on a full disk', () => {
  it('falls back to stderr when a write fails with ENOSPC, and the process goes on', async () => {
    // /dev/full answers every write with ENOSPC, as a full disk does.
    const file = pino.destination({ dest: '/dev/full', sync: false });
    const fallback: string[] = [];
    const logger = pino(loggerOptions('info'), withStderrFallback(file, { write: (line: string) => fallback.push(line) }));
    logger.info('first line');
    await new Promise((r) => setTimeout(r, 50));
    logger.error({ saleId: 'S1' }, 'second line');
    await new Promise((r) => setTimeout(r, 50));
    // Unheard, the stream's 'error' would have thrown out of the event loop and ended this test's process.
    const text = fallback.join('');
    expect(text).toContain('log file not writable (ENOSPC)');
    expect(text).toContain('second line');
    file.destroy();
  });
});

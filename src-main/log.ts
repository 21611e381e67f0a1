import type { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import pinoRoll from 'pino-roll';
import { maskCode, maskSecretsInText } from '../src-common/mask';

export type { Logger };

/** Field names whose values are secrets wherever they appear (one level deep, or at the top). */
const SECRET_FIELDS = [
  'paymentCode',
  'authCode',
  'auth_code',
  'dynamic_id',
  'code',
  'token',
  'key',
  'terminalKey',
  'terminal_key',
  'vendorKey',
  'vendor_key',
  'activationCode',
  'activation_code',
  'pin',
  'password',
  'sign',
  'authorization',
];
const redactPaths = SECRET_FIELDS.flatMap((f) => [f, `*.${f}`]);

export interface LogOptions {
  readonly dataDir: string;
  readonly level: string;
  readonly maxFileMegabytes: number;
  readonly keepFiles: number;
}

export interface FileLogger {
  readonly logger: Logger;
  readonly file: string;
  /** Flushes and closes the file; call last at shutdown. */
  close(): Promise<void>;
}

export function loggerOptions(level: string): pino.LoggerOptions {
  return {
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: redactPaths,
      censor: (value) => (typeof value === 'string' ? maskCode(value) : '[redacted]'),
    },
    hooks: {
      // Free text can carry a payment code too (an acquirer's error message quoting it, say).
      logMethod(args, method) {
        method.apply(
          this,
          args.map((a) => (typeof a === 'string' ? maskSecretsInText(a) : a)) as Parameters<typeof method>,
        );
      },
    },
    serializers: { err: pino.stdSerializers.err },
  };
}

/** Log lines kept in memory while the log file cannot be written (a full disk); older ones beyond it are dropped. */
const MAX_UNWRITTEN_LOG_BYTES = 1024 * 1024;

interface LogFileStream extends EventEmitter {
  write(line: string): boolean;
}

/**
 * The log file, or stderr while the file cannot be written: a failed write (ENOSPC on a full disk, EIO) is an
 * `error` event that, unheard, would end the terminal mid-sale. The file stream keeps retrying with its next
 * lines (bounded by MAX_UNWRITTEN_LOG_BYTES) and takes over again once a write succeeds.
 */
export function withStderrFallback(file: LogFileStream, fallback: { write(line: string): unknown } = process.stderr): { write(line: string): void } {
  let failing: string | null = null;
  file.on('error', (error: NodeJS.ErrnoException) => {
    if (failing === null) fallback.write(`${JSON.stringify({ level: 50, time: new Date().toISOString(), msg: `log file not writable (${error.code ?? error.message}): logging to stderr until it is` })}
`);
    failing = error.code ?? error.message;
  });
  file.on('write', () => {
    if (failing === null) return;
    failing = null;
    fallback.write(`${JSON.stringify({ level: 30, time: new Date().toISOString(), msg: 'log file writable again' })}
`);
  });
  return {
    write(line) {
      if (failing !== null) fallback.write(line);
      try {
        file.write(line);
      } catch (error) {
        // A destroyed stream throws; the line went to stderr above or goes now.
        if (failing === null) fallback.write(line);
        failing = (error as Error).message;
      }
    },
  };
}

/** A logger writing JSON lines to `<dataDir>/logs/pos.N.log`, rolled by size and day. */
export async function openFileLogger(options: LogOptions): Promise<FileLogger> {
  const dir = join(options.dataDir, 'logs');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const stream = await pinoRoll({
    file: join(dir, 'pos'),
    extension: '.log',
    size: `${options.maxFileMegabytes}m`,
    frequency: 'daily',
    limit: { count: options.keepFiles },
    mkdir: true,
    symlink: true,
    maxLength: MAX_UNWRITTEN_LOG_BYTES,
  });
  const logger = pino(loggerOptions(options.level), withStderrFallback(stream));
  return {
    logger,
    file: join(dir, 'current.log'),
    close: () =>
      new Promise<void>((resolve) => {
        logger.flush();
        stream.once('close', () => resolve());
        stream.end();
      }),
  };
}

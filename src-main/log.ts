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
  });
  const logger = pino(loggerOptions(options.level), stream);
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

/**
 * `npm run sandbox -- --port N --db PATH [--scale X] [--log-level L]`: the sandbox acquirer on 127.0.0.1.
 * Prints one JSON line `{"url","port","dbPath","vendorSn","activationCode"}` on stdout when ready; logs
 * (JSON lines) go to stderr. SIGTERM / SIGINT stop it cleanly.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { z } from 'zod';
import { describeIssues } from '../../../src-common/errors';
import { loggerOptions } from '../../log';
import { SANDBOX_ACTIVATION_CODE, SANDBOX_VENDOR_SN, startSandboxAcquirer } from './server';

const SandboxArgs = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(0),
  db: z.string().min(1),
  scale: z.coerce.number().min(0).max(1000).default(1),
  logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
});

function parseSandboxArgs(argv: string[]): z.infer<typeof SandboxArgs> {
  const { values } = parseArgs({
    args: argv,
    options: { port: { type: 'string' }, db: { type: 'string' }, scale: { type: 'string' }, 'log-level': { type: 'string' } },
    strict: true,
  });
  const parsed = SandboxArgs.safeParse({ port: values.port, db: values.db, scale: values.scale, logLevel: values['log-level'] });
  if (!parsed.success) {
    throw new ArgsError(`Invalid arguments: ${describeIssues(parsed.error.issues).map((i) => `--${i.path}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

class ArgsError extends Error {}

async function main(): Promise<void> {
  let args;
  try {
    args = parseSandboxArgs(process.argv.slice(2));
  } catch (error) {
    throw new ArgsError((error as Error).message);
  }
  const log = pino(loggerOptions(args.logLevel), pino.destination(2));
  const dbPath = resolve(args.db);
  const sandbox = await startSandboxAcquirer({ dbPath, port: args.port, log, speed: { scale: args.scale } });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'sandbox acquirer stopping');
    await sandbox.close();
    log.flush();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  process.stdout.write(
    `${JSON.stringify({ url: sandbox.url, port: sandbox.port, dbPath, vendorSn: SANDBOX_VENDOR_SN, activationCode: SANDBOX_ACTIVATION_CODE })}\n`,
  );
}

main().catch((error: unknown) => {
  const known = error instanceof ArgsError;
  process.stderr.write(`${known ? (error as Error).message : ((error as Error)?.stack ?? String(error))}\n`);
  process.exit(known ? 2 : 1);
});

/**
 * The headless host (./cli.ts loads it once the code cache is in place): the POS behind HTTP + WebSocket on
 * 127.0.0.1. Prints one JSON line `{"url","token","port","dataDir"}` on stdout when ready; logs go to the data dir.
 */
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { DatabaseFromNewerVersionError } from '../../db/migrate';
import type { CodeCache } from '../code-cache';
import { ConfigError, loadConfig } from '../config';
import { defaultDataDir } from '../data-dir';
import { createPos } from '../pos';
import { guardProcess } from '../process-guards';
import { HostArgsError, parseHostArgs } from './args';
import { startHost } from './server';

async function main(codeCache: CodeCache, buildDir: string): Promise<void> {
  const args = parseHostArgs(process.argv.slice(2));
  const dataDir = resolve(args.dataDir ?? defaultDataDir());
  const staticDir = resolve(args.staticDir ?? join(buildDir, '..', 'renderer'));
  const loaded = loadConfig(dataDir);
  const config = args.demoCatalog ? { ...loaded, demoCatalog: true } : loaded;
  const pos = await createPos({ dataDir, config, raiseCorePriority: 'process' });
  guardProcess(pos.log);
  const token = randomBytes(32).toString('base64url');
  const host = await startHost({ pos, port: args.port, token, staticDir });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    pos.log.info({ signal }, 'host stopping');
    await host.close();
    await pos.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  // The first start after an install or update keeps what it compiled for the next ones (../code-cache.ts).
  const cached = await codeCache.save();
  pos.log.info({ ...codeCache.stats(), dir: codeCache.dir, ...cached }, 'code cache');

  process.stdout.write(`${JSON.stringify({ url: host.url, token, port: host.port, dataDir })}\n`);
}

/** `buildDir`: the entry's directory (out/main), beside the built UI (out/renderer); this module is in a chunk under it. */
export function runHost(codeCache: CodeCache, buildDir: string): void {
  main(codeCache, buildDir).catch((error: unknown) => {
    const known = error instanceof ConfigError || error instanceof DatabaseFromNewerVersionError || error instanceof HostArgsError;
    process.stderr.write(`${known ? (error as Error).message : (error as Error)?.stack ?? String(error)}\n`);
    process.exit(known ? 2 : 1);
  });
}

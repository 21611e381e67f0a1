/**
 * A support bundle: one .tar.gz a technician sends to support. It holds the configuration with every
 * secret redacted, the most recent log files, versions, device statuses, database health and the audit
 * check. Written to `<dataDir>/support/`; only its path and size cross the API (frames are 1 MiB at most).
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { release, type as osType, arch } from 'node:os';
import { basename, join } from 'node:path';
import { create as createTar } from 'tar';
import type { Config } from '../config';
import { logFiles } from './logs';

/** Keys whose values never leave the terminal, wherever they sit in the configuration. */
const SECRET_KEYS = /key|secret|password|token|activationcode|pin/i;
/** Logs included: the newest files up to this many bytes in all. */
const MAX_LOG_BYTES = 20 * 1024 * 1024;

export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEYS.test(k) && v !== undefined && v !== null ? '[redacted]' : redactSecrets(v)]));
  }
  return value;
}

export interface SupportBundleInput {
  dataDir: string;
  logFile: string;
  config: Config;
  now: Date;
  appVersion: string;
  sqliteVersion: string;
  /** Everything else to include, each written as `<name>.json` (device statuses, database health, audit check). */
  reports: Record<string, unknown>;
}

export async function writeSupportBundle(input: SupportBundleInput): Promise<{ path: string; bytes: number; files: string[] }> {
  const dir = join(input.dataDir, 'support');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const staging = mkdtempSync(join(dir, '.staging-'));
  try {
    const files: string[] = [];
    const writeJson = (name: string, value: unknown) => {
      writeFileSync(join(staging, name), `${JSON.stringify(value, null, 2)}\n`);
      files.push(name);
    };
    writeJson('config.json', redactSecrets(input.config));
    writeJson('versions.json', {
      app: input.appVersion,
      node: process.versions.node,
      electron: process.versions.electron ?? null,
      sqlite: input.sqliteVersion,
      os: { type: osType(), release: release(), arch: arch(), platform: process.platform },
      createdAt: input.now.toISOString(),
    });
    for (const [name, value] of Object.entries(input.reports)) writeJson(`${name}.json`, value);

    mkdirSync(join(staging, 'logs'));
    let logBytes = 0;
    for (const log of logFiles(input.logFile)) {
      const size = statSync(log).size;
      if (logBytes + size > MAX_LOG_BYTES && logBytes > 0) break;
      copyFileSync(log, join(staging, 'logs', basename(log)));
      files.push(`logs/${basename(log)}`);
      logBytes += size;
    }

    const stamp = input.now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
    const path = join(dir, `support-${stamp}.tar.gz`);
    await createTar({ gzip: true, file: path, cwd: staging, portable: true }, files);
    return { path, bytes: statSync(path).size, files };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

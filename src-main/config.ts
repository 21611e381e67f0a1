import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { DEFAULT_WEIGHED_LAYOUT, WeighedLayoutSchema } from '../src-common/barcode';
import { DevicesConfig } from '../drivers/devices/config';
import { DEFAULT_TURN_HOUR, isTimeZone, systemTimeZone } from '../src-common/business-day';
import { CashRoundingSetting, Language } from '../src-common/schemas';
import { describeIssues } from '../src-common/errors';
import { ACQUIRER_URL_MESSAGES, acquirerBaseUrlProblem } from '../src-common/acquirer-endpoint';

/**
 * Machine-level configuration (`config.json` in the data directory). Everything has a default, so a
 * fresh start needs no file. Settings a user changes at the terminal live in SQLite instead.
 */
export const ConfigSchema = z
  .object({
    /** Language of a fresh terminal; afterwards the terminal's own setting wins. */
    defaultLanguage: Language.default('zh-CN'),
    storeName: z.string().trim().min(1).max(60).default('演示便利店'),
    storeAddress: z.string().trim().max(80).default(''),
    taxId: z.string().trim().max(30).default(''),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as CNY')
      .default('CNY'),
    cashRounding: CashRoundingSetting.default('none'),
    receiptHeader: z.array(z.string().max(48)).max(5).default([]),
    receiptFooter: z.array(z.string().max(48)).max(5).default([]),
    /** The VAT rates of this shop (增值税: 13% goods, 9%, 6% services, 3%/1% small-scale, 0%). */
    taxRates: z
      .array(z.object({ name: z.string().trim().min(1).max(20), rateBp: z.number().int().min(0).max(10000) }).strict())
      .min(1)
      .max(12)
      .default([
        { name: '13%', rateBp: 1300 },
        { name: '9%', rateBp: 900 },
        { name: '6%', rateBp: 600 },
        { name: '3%', rateBp: 300 },
        { name: '1%', rateBp: 100 },
        { name: '0%', rateBp: 0 },
      ]),
    /** Layout of the in-store labels the shop's scale prints (weighed goods). */
    scaleLabel: WeighedLayoutSchema.default(DEFAULT_WEIGHED_LAYOUT),
    /** Start as a self-service kiosk (the technician console can change it; the terminal's own setting wins). */
    kioskMode: z.boolean().default(false),
    /** The store's IANA time zone (e.g. Asia/Shanghai); default the system's. The technician console can change it. */
    timeZone: z.string().refine(isTimeZone, 'an IANA time zone such as Asia/Shanghai').default(systemTimeZone),
    /** The hour the business day (the Z report's day) turns in that zone; 4 = sales before 04:00 count to the day before. */
    businessDayTurnsAtHour: z.number().int().min(0).max(23).default(DEFAULT_TURN_HOUR),
    /**
     * Scanners, receipt printer, cash drawer and customer displays; none by default. Seeds the device table in SQLite
     * only on a terminal that never had a device configuration; after that the technician console owns it.
     */
    devices: DevicesConfig.default([]),
    /** Load the demo catalog into an empty database (the embedded default). */
    demoCatalog: z.boolean().default(true),
    acquirer: z
      .object({
        /**
         * `sandbox`: the sandbox acquirer (inside the terminal when no address is given; plain http allowed), which
         * the terminal enrols with by itself. `live`: a real acquirer over https, enrolled by a technician.
         */
        mode: z.enum(['sandbox', 'live']).default('sandbox'),
        /** The acquirer's API. In sandbox mode, empty = run the sandbox acquirer inside the terminal. */
        baseUrl: z.url({ protocol: /^https?$/ }).optional(),
        /**
         * Shown pre-filled on the technician's enrolment screen (not secret). The vendor key and the activation code
         * are typed there and never stored: see `withoutObsoleteSecrets`.
         */
        vendorSn: z.string().trim().min(1).max(64).optional(),
        appId: z.string().trim().min(1).max(64).optional(),
        timeouts: z
          .object({
            payMs: z.number().int().min(50).max(120_000).default(20_000),
            queryMs: z.number().int().min(50).max(60_000).default(5_000),
            otherMs: z.number().int().min(50).max(60_000).default(10_000),
          })
          .strict()
          .prefault({}),
        /** The payment state machine's timings (tests use milliseconds). */
        timings: z
          .object({
            pollIntervalMs: z.number().int().min(10).max(60_000).default(4_000),
            pollDeadlineMs: z.number().int().min(100).max(600_000).default(45_000),
            cancelRetryMs: z.number().int().min(10).max(600_000).default(5_000),
            maxCancelAttempts: z.number().int().min(1).max(100).default(10),
          })
          .strict()
          .prefault({}),
        /** How long a merchant QR stays payable before the terminal closes it (acquirers close at ~4 min). */
        qrDeadlineMs: z.number().int().min(1000).max(600_000).default(240_000),
        /** Embedded sandbox only: multiplies its simulated delays (PIN waits), e.g. 0.1 for demos and tests. */
        sandboxSpeed: z.number().positive().max(100).default(1),
        /**
         * Sandbox mode only: direct providers set up at their built-in sandbox when the terminal starts and has no
         * settings for them yet, each with its wallet routed to it unless that wallet already goes elsewhere than the
         * aggregator (e.g. ["wechat_v2", "alipay"]). Afterwards the technician's settings and routes stand.
         */
        directSandboxes: z.array(z.enum(['wechat_v2', 'wechat_v3', 'alipay'])).max(3).default([]),
      })
      .strict()
      .superRefine((a, ctx) => {
        const problem = acquirerBaseUrlProblem(a.mode, a.baseUrl);
        if (problem) ctx.addIssue({ code: 'custom', path: ['baseUrl'], message: ACQUIRER_URL_MESSAGES[problem] });
        if (a.mode === 'live' && a.directSandboxes.length > 0) {
          ctx.addIssue({ code: 'custom', path: ['directSandboxes'], message: 'the built-in sandboxes exist in sandbox mode only; a live terminal takes real merchant settings' });
        }
        if (new Set(a.directSandboxes).size !== a.directSandboxes.length) ctx.addIssue({ code: 'custom', path: ['directSandboxes'], message: 'a provider is listed twice' });
        if (a.directSandboxes.includes('wechat_v2') && a.directSandboxes.includes('wechat_v3')) {
          ctx.addIssue({ code: 'custom', path: ['directSandboxes'], message: 'WeChat is routed to one provider: list wechat_v2 or wechat_v3, not both' });
        }
      })
      .prefault({}),
    storage: z
      .object({
        /**
         * A wallet charge is refused (`disk_full`) before anything is sent when the data directory's disk has less
         * free space than this: the sale that records the money must be able to commit.
         */
        minFreeMegabytes: z.number().min(0).max(100_000).default(64),
        /**
         * The SQL worker truncates the WAL once it passes this size, or an eighth of the disk's free space when that
         * is less (a small disk). Only a fully checkpointed WAL is truncated, so the core's writes never wait on it.
         */
        walBoundMegabytes: z.number().min(1).max(4096).default(64),
      })
      .strict()
      .prefault({}),
    log: z
      .object({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
        /** Rotate the log file when it reaches this size. */
        maxFileMegabytes: z.number().int().min(1).max(1024).default(10),
        /** Rotated files kept besides the current one. */
        keepFiles: z.number().int().min(1).max(100).default(10),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  constructor(
    message: string,
    readonly problems: { path: string; message: string }[] = [],
  ) {
    super(problems.length ? `${message}\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}` : message);
    this.name = 'ConfigError';
  }
}

export function parseConfig(raw: unknown, source = 'configuration'): Config {
  const parsed = ConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) throw new ConfigError(`Invalid ${source}; nothing was started.`, describeIssues(parsed.error.issues));
  return parsed.data;
}

export const CONFIG_FILE = 'config.json';

/**
 * Secrets older versions kept in config.json: the one-time activation code (the acquirer limits its uses and
 * says never to keep one: activate.md Q5) and the vendor key (needed only to activate, typed on the enrolment
 * screen). They are dropped from the file at the next start.
 */
const OBSOLETE_ACQUIRER_SECRETS = ['activationCode', 'vendorKey'] as const;

/** The raw file without the obsolete secrets, and which of them it held. */
export function withoutObsoleteSecrets(raw: unknown): { raw: unknown; dropped: string[] } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { raw, dropped: [] };
  const acquirer = (raw as Record<string, unknown>).acquirer;
  if (typeof acquirer !== 'object' || acquirer === null || Array.isArray(acquirer)) return { raw, dropped: [] };
  const kept: Record<string, unknown> = { ...(acquirer as Record<string, unknown>) };
  const dropped = OBSOLETE_ACQUIRER_SECRETS.filter((key) => Object.hasOwn(kept, key));
  for (const key of dropped) delete kept[key];
  return dropped.length ? { raw: { ...(raw as Record<string, unknown>), acquirer: kept }, dropped: dropped.map((k) => `acquirer.${k}`) } : { raw, dropped: [] };
}

/** Reads `config.json` from the data directory when there is one; defaults otherwise. At start-up only. */
export function loadConfig(dataDir: string): Config {
  const path = join(dataDir, CONFIG_FILE);
  // eslint-disable-next-line no-restricted-syntax -- start-up: read before the terminal is created
  if (!existsSync(path)) return parseConfig({});
  let raw: unknown;
  try {
    // eslint-disable-next-line no-restricted-syntax -- start-up (above)
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${path} is not valid JSON (${(error as Error).message}); nothing was started.`);
  }
  const migrated = withoutObsoleteSecrets(raw);
  const config = parseConfig(migrated.raw, path);
  if (migrated.dropped.length) {
    // Rewritten whole through a side file, so config.json is never half-written.
    // eslint-disable-next-line no-restricted-syntax -- start-up (above)
    writeFileSync(`${path}.partial`, `${JSON.stringify(migrated.raw, null, 2)}\n`, { mode: 0o600 });
    // eslint-disable-next-line no-restricted-syntax -- start-up (above)
    renameSync(`${path}.partial`, path);
  }
  return config;
}

/** loadConfig for a running terminal (the technician console): the same rules, without blocking the loop. */
export async function readConfig(dataDir: string): Promise<Config> {
  const path = join(dataDir, CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return parseConfig({});
    throw error;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${path} is not valid JSON (${(error as Error).message}); nothing was started.`);
  }
  // The file is rewritten without them by loadConfig at the next start.
  return parseConfig(withoutObsoleteSecrets(raw).raw, path);
}

/** Technician console: settings, users and PINs, diagnostics, backup and restore, the audit log (issue 6). */
import { z } from 'zod';
import { WeighedLayoutSchema } from '../barcode';
import { isTimeZone } from '../business-day';
import { CURRENCY_EXPONENTS } from '../money';
import { Role } from '../roles';
import { CashRoundingSetting, Id, Language, MemberPointsSetting, Settings, TaxRateSetting } from '../schemas';
import { displayWidth } from '../text-width';
import { call, Managers, NoInput, Staff, Technicians, type CallSpec } from './spec';
import { TILL_NAME_COLUMNS } from '../receipt';

/**
 * Validation messages are reason codes (`too_long`, `currency_unknown`…): the console translates them
 * beside the field (`admin.invalid.<reason>`), the log keeps them readable.
 */
export const RECEIPT_LINE_COLUMNS = 48;
/** C0/C1 control characters: on a receipt printer they are commands (cut, drawer kick). */
const CONTROL = { test: (s: string) => [...s].some((c) => { const n = c.codePointAt(0)!; return n < 0x20 || (n >= 0x7f && n <= 0x9f); }) };

const ReceiptLine = z
  .string()
  .trim()
  .refine((s) => !CONTROL.test(s), 'control_characters')
  .refine((s) => displayWidth(s) <= RECEIPT_LINE_COLUMNS, 'line_too_wide');
const ReceiptLines = z.array(ReceiptLine).max(5, 'too_many_lines');

/** Fields a technician may change; `OWNER_SETTING_FIELDS` are the ones the owner (the shop) may change too. */
export const SettingsPatch = z
  .object({
    storeName: z.string().trim().min(1, 'required').max(60, 'too_long').refine((s) => !CONTROL.test(s), 'control_characters').optional(),
    storeAddress: z.string().trim().max(80, 'too_long').refine((s) => !CONTROL.test(s), 'control_characters').optional(),
    // 统一社会信用代码 (18) or an older 15/20-character taxpayer number; empty = none printed.
    taxId: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^(?:[0-9A-Z]{15}|[0-9A-Z]{18}|[0-9A-Z]{20})?$/, 'tax_id_format')
      .optional(),
    currency: z
      .string()
      .refine((c) => Object.hasOwn(CURRENCY_EXPONENTS, c), 'currency_unknown')
      .optional(),
    cashRounding: CashRoundingSetting.optional(),
    language: Language.optional(),
    receiptLanguage: Language.optional(),
    kioskMode: z.boolean().optional(),
    // The day rule: a change applies from the next Z on (Z reports already taken keep their dates and numbers).
    timeZone: z.string().trim().refine(isTimeZone, 'time_zone_unknown').optional(),
    businessDayTurnsAtHour: z.number().int('hour_range').min(0, 'hour_range').max(23, 'hour_range').optional(),
    lowStockThreshold: z.number({ error: 'stock_threshold_range' }).int('stock_threshold_range').min(0, 'stock_threshold_range').max(100_000, 'stock_threshold_range').optional(),
    receiptHeader: ReceiptLines.optional(),
    // Printed beside the cashier's name; empty = the default derived from the terminal (receipt.ts tillNameOf).
    tillName: z
      .string()
      .trim()
      .refine((s) => !CONTROL.test(s), 'control_characters')
      .refine((s) => displayWidth(s) <= TILL_NAME_COLUMNS, 'too_long')
      .optional(),
    receiptFooter: ReceiptLines.optional(),
    memberPoints: MemberPointsSetting.optional(),
    oversell: z.enum(['warn', 'pin', 'off']).optional(),
    taxRates: z
      .array(
        z
          .object({
            name: z.string().trim().min(1, 'required').max(20, 'too_long'),
            rateBp: z.number().int('rate_format').min(0, 'rate_range').max(10000, 'rate_range'),
          })
          .strict(),
      )
      .min(1, 'tax_rates_empty')
      .max(12, 'too_many_rates')
      .superRefine((rates, ctx) => {
        const names = new Set<string>();
        const bps = new Set<number>();
        rates.forEach((r, i) => {
          if (names.has(r.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: 'duplicate' });
          if (bps.has(r.rateBp)) ctx.addIssue({ code: 'custom', path: [i, 'rateBp'], message: 'duplicate' });
          names.add(r.name);
          bps.add(r.rateBp);
        });
      })
      .optional(),
  })
  .strict();
export type SettingsPatch = z.infer<typeof SettingsPatch>;
export type SettingField = keyof SettingsPatch;

export const OWNER_SETTING_FIELDS: readonly SettingField[] = ['storeName', 'storeAddress', 'taxId', 'receiptLanguage', 'receiptHeader', 'receiptFooter', 'taxRates', 'lowStockThreshold', 'memberPoints', 'oversell'];

const Enrolment = z.object({
  enrolled: z.boolean(),
  /** Masked: the first and last four characters only. */
  terminalSn: z.string().nullable(),
  keyDate: z.string().nullable(),
  /** The stored enrolment belongs to another acquirer address (after an endpoint change): enrol again. */
  otherEndpoint: z.boolean(),
  activatedAt: z.string().nullable(),
  /** The key's rotation: when it was last fetched (activation or checkin), when it expires (its Beijing day ends). */
  lastCheckinAt: z.string().nullable(),
  keyExpiresAt: z.string().nullable(),
  /** The next proactive checkin, and the error of the last one while it is retried. */
  nextCheckinAt: z.string().nullable(),
  checkinError: z.string().nullable(),
});

const AcquirerEndpoint = z.object({
  mode: z.enum(['sandbox', 'live']),
  embeddedSandbox: z.boolean(),
  /** The address in use now. */
  activeBaseUrl: z.string(),
  /** The address config.json names for the next start (null = the embedded sandbox). */
  configuredBaseUrl: z.string().nullable(),
  /** The mode config.json names for the next start. */
  configuredMode: z.enum(['sandbox', 'live']),
  restartNeeded: z.boolean(),
  /** The vendor's identity as config.json pre-fills it on the enrolment screen (never the key). */
  vendorSn: z.string().nullable(),
  appId: z.string().nullable(),
});

const ScaleLabel = z.object({
  /** The layout in use since this start. */
  active: WeighedLayoutSchema,
  /** The layout config.json names for the next start. */
  configured: WeighedLayoutSchema,
  restartNeeded: z.boolean(),
});

export const AdminSettingsView = z.object({
  settings: Settings,
  scaleLabel: ScaleLabel,
  /** The fields this caller may change. */
  editable: z.array(z.string()),
  acquirer: AcquirerEndpoint,
  enrolment: Enrolment,
});

export const UserView = z.object({
  id: Id,
  name: z.string(),
  role: Role,
  active: z.boolean(),
  mustChangePin: z.boolean(),
  failedAttempts: z.number().int(),
  lockedUntil: z.string().nullable(),
  createdAt: z.string(),
});
export type UserView = z.infer<typeof UserView>;

const Pin = z.string().regex(/^\d{4,8}$/, 'pin_format');
const UserName = z.string().trim().min(1, 'required').max(40, 'too_long').refine((s) => !CONTROL.test(s), 'control_characters');

export const LogLevel = z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);
export const LogEntry = z.object({
  time: z.string(),
  level: LogLevel,
  msg: z.string(),
  /** The rest of the JSON line (clipped), for the technician to read. */
  fields: z.string(),
  file: z.string(),
});

/** One run of a durable job, as the job runner recorded it when it ended (or found it cut short). */
export const JobAttempt = z.object({
  attempt: z.number().int(),
  startedAt: z.string(),
  endedAt: z.string(),
  outcome: z.enum(['done', 'rescheduled', 'retry', 'failed', 'dead', 'lease_expired']),
  error: z.string().nullable(),
});

/** A job of the durable runner (payment query/cancel, refund send, statement download…) with its history. */
export const JobEntry = z.object({
  id: z.string(),
  kind: z.string(),
  subject: z.string(),
  status: z.enum(['queued', 'running', 'done', 'failed', 'dead']),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  /** Epoch ms: when it is due (queued) or was last due. */
  runAt: z.number().int(),
  /** Epoch ms while running: when another runner may take it. */
  leaseUntil: z.number().int().nullable(),
  deadlineAt: z.number().int().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().nullable(),
  history: z.array(JobAttempt),
});


export const DatabaseHealth = z.object({
  check: z.enum(['quick', 'full']),
  ok: z.boolean(),
  problems: z.array(z.string()),
  fileBytes: z.number().int(),
  walBytes: z.number().int(),
  pageSize: z.number().int(),
  pageCount: z.number().int(),
  freelistCount: z.number().int(),
  schemaVersion: z.number().int(),
  latestSchemaVersion: z.number().int(),
  journalMode: z.string(),
  sqliteVersion: z.string(),
  path: z.string(),
});
export type DatabaseHealth = z.infer<typeof DatabaseHealth>;

/** The maintenance operations that run in the SQL worker, as the UI labels them. */
export const MaintenanceOperation = z.enum([
  'database.fast_check',
  'database.full_check',
  'backup',
  'restore',
  'catalog.import',
  'catalog.export',
  'export',
  'logs',
  'support_bundle',
  'audit.verify',
  'test',
]);
export type MaintenanceOperation = z.infer<typeof MaintenanceOperation>;
const OperationId = z.string().regex(/^op-[0-9]{1,12}$/);
export const MaintenanceProgress = z.object({
  operationId: OperationId,
  operation: MaintenanceOperation,
  phase: z.string().max(40),
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative().nullable(),
  state: z.enum(['running', 'done', 'failed', 'cancelled']),
});
export type MaintenanceProgress = z.infer<typeof MaintenanceProgress>;
export const MaintenanceWorkerState = z.object({
  state: z.enum(['starting', 'running', 'restarting', 'stopped']),
  restarts: z.number().int().nonnegative(),
  /** The exit code of the thread that ended last. */
  lastExit: z.number().int().nullable(),
});
export type MaintenanceWorkerState = z.infer<typeof MaintenanceWorkerState>;

export const BackupFile = z.object({ name: z.string(), path: z.string(), bytes: z.number().int(), modifiedAt: z.string() });
export const BackupName = z.string().regex(/^[A-Za-z0-9._-]{1,100}\.sqlite$/, 'backup_name');

export const AuditRowView = z.object({
  seq: z.number().int(),
  at: z.string(),
  actorId: z.string().nullable(),
  actorRole: z.string().nullable(),
  action: z.string(),
  subject: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});

export const AuditVerificationView = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), rows: z.number().int(), lastHash: z.string() }),
  z.object({ ok: z.literal(false), rows: z.number().int(), firstBadSeq: z.number().int(), reason: z.enum(['hash_mismatch', 'chain_broken', 'missing_rows']) }),
]);

export { TaxRateSetting };

export const adminCalls = {
  'admin.settings': call({
    input: () => NoInput,
    output: () => AdminSettingsView,
    access: Managers,
    summary: 'Terminal settings with what this caller may change, the acquirer address and the enrolment state',
  }),
  'admin.updateSettings': call({
    input: () => SettingsPatch,
    output: () => z.object({ settings: Settings, changed: z.array(z.string()) }),
    access: Managers,
    summary: 'Change settings (all validated first: one bad field saves nothing); each changed field is audited',
  }),
  'admin.setAcquirerEndpoint': call({
    input: () => z
      .object({
        /** Omitted: the configured mode stays. */
        mode: z.enum(['sandbox', 'live']).optional(),
        baseUrl: z.url({ protocol: /^https?$/, error: 'url_format' }).max(200, 'too_long').nullable(),
      })
      .strict(),
    output: () => AcquirerEndpoint,
    access: Technicians,
    summary: "The acquirer's mode and API address for the next start (written to config.json; null = the embedded sandbox; live needs https)",
  }),
  'admin.setScaleLabel': call({
    input: () => z.object({ layout: WeighedLayoutSchema }).strict(),
    output: () => ScaleLabel,
    access: Technicians,
    summary: "The layout of the shop scale's price/weight labels, for the next start (written to config.json)",
  }),
  'admin.enrol': call({
    input: () => z
      .object({
        /** Used for this one request: never stored. */
        activationCode: z.string().trim().min(1, 'required').max(64, 'too_long'),
        /** The vendor's identity from the acquirer's onboarding (required in live mode; sandbox mode uses the sandbox's). */
        vendorSn: z.string().trim().min(1, 'required').max(64, 'too_long').optional(),
        vendorKey: z.string().trim().min(1, 'required').max(128, 'too_long').optional(),
        appId: z.string().trim().min(1, 'required').max(64, 'too_long').optional(),
      })
      .strict(),
    output: () => Enrolment,
    access: Technicians,
    summary: 'Enrol (activate) this terminal at the acquirer: one activation request per call, the code never stored',
  }),
  'admin.networkTest': call({
    input: () => NoInput,
    output: () => z.object({
      baseUrl: z.string(),
      reachable: z.boolean(),
      latencyMs: z.number().nullable(),
      httpStatus: z.number().int().nullable(),
      error: z.string().nullable(),
      /** A signed query for an order that does not exist (null when not enrolled). */
      signed: z.object({ ok: z.boolean(), outcome: z.string(), latencyMs: z.number() }).nullable(),
    }),
    access: Technicians,
    summary: 'Reach the acquirer: connection and latency, then a signed call when enrolled',
  }),

  'users.list': call({ input: () => NoInput, output: () => z.array(UserView), access: Managers, summary: 'Every user, active or not, with PIN state' }),
  'users.create': call({
    input: () => z.object({ name: UserName, role: Role, pin: Pin }).strict(),
    output: () => UserView,
    access: Managers,
    summary: 'Add a user with a first PIN they must change (owners add cashiers and owners; technicians anyone)',
  }),
  'users.rename': call({ input: () => z.object({ userId: Id, name: UserName }).strict(), output: () => UserView, access: Managers, summary: 'Rename a user' }),
  'users.setRole': call({ input: () => z.object({ userId: Id, role: Role }).strict(), output: () => UserView, access: Managers, summary: "Change a user's role" }),
  'users.deactivate': call({
    input: () => z.object({ userId: Id }).strict(),
    output: () => UserView,
    access: Managers,
    summary: 'Stop a user signing in (kept on record; never the last active owner or technician)',
  }),
  'users.resetPin': call({
    input: () => z.object({ userId: Id, pin: Pin }).strict(),
    output: () => UserView,
    access: Managers,
    summary: "Set another user's PIN (they must change it at next sign-in); also unlocks",
  }),
  'users.unlock': call({ input: () => z.object({ userId: Id }).strict(), output: () => UserView, access: Managers, summary: 'Lift a lockout after wrong PINs' }),
  'users.changeOwnPin': call({
    input: () => z.object({ currentPin: z.string().regex(/^\d{4,8}$/, 'pin_format'), newPin: Pin }).strict(),
    output: () => z.null(),
    access: Staff,
    summary: 'Change your own PIN (the current PIN is required)',
  }),
  'users.self': call({
    input: () => NoInput,
    output: () => z.object({ mustChangePin: z.boolean() }),
    access: Staff,
    summary: 'Whether the signed-in user must change their PIN',
  }),

  'diagnostics.logs': call({
    input: () => z
      .object({
        level: LogLevel.optional(),
        text: z.string().max(100).optional(),
        from: z.iso.datetime({ offset: true }).optional(),
        to: z.iso.datetime({ offset: true }).optional(),
        limit: z.number().int().min(1).max(500).optional(),
      })
      .strict(),
    output: () => z.object({ entries: z.array(LogEntry), scannedFiles: z.number().int(), truncated: z.boolean() }),
    access: Technicians,
    summary: 'Log lines of this terminal (current and rotated files), newest first, filtered and bounded',
  }),
  'diagnostics.jobs': call({
    input: () => z.object({ limit: z.number().int().min(1).max(500).optional() }).strict(),
    output: () => z.object({
      open: z.array(z.object({ kind: z.string(), count: z.number().int() })),
      totalOpen: z.number().int(),
      jobs: z.array(JobEntry),
    }),
    access: Technicians,
    summary: 'Every job of the durable runner, open ones first, then the latest finished, each with its attempts and errors',
  }),
  'diagnostics.database': call({
    input: () => z.object({ full: z.boolean().optional() }).strict(),
    output: () => DatabaseHealth,
    access: Technicians,
    summary: 'Database health: quick_check or integrity_check, sizes, pages, WAL, schema version',
  }),
  'diagnostics.backup': call({ input: () => NoInput, output: () => BackupFile, access: Technicians, summary: 'Copy the live database to a backup file' }),
  'diagnostics.backups': call({
    input: () => NoInput,
    output: () => z.object({ backups: z.array(BackupFile), pendingRestore: z.boolean() }),
    access: Technicians,
    summary: 'Backup files, newest first, and whether a restore waits for the next start',
  }),
  'diagnostics.restore': call({
    input: () => z.object({ name: BackupName }).strict(),
    output: () => z.object({ staged: z.literal(true), name: z.string(), restartNeeded: z.literal(true) }),
    access: Technicians,
    summary: 'Check a backup and stage it: it replaces the database at the next start (the current one is kept as a backup)',
  }),
  'diagnostics.supportBundle': call({
    input: () => NoInput,
    output: () => z.object({ path: z.string(), bytes: z.number().int(), files: z.array(z.string()) }),
    access: Technicians,
    summary: 'A .tar.gz for support: configuration without secrets, recent logs, versions, devices, database health, audit check',
  }),

  'maintenance.status': call({
    input: () => NoInput,
    output: () => z.object({ worker: MaintenanceWorkerState, operations: z.array(MaintenanceProgress) }),
    access: Managers,
    summary: 'The SQL worker and the maintenance operations running on it',
  }),
  'maintenance.cancel': call({
    input: () => z.object({ operationId: OperationId }).strict(),
    output: () => z.object({ cancelling: z.boolean() }),
    access: Managers,
    summary: 'Stop a running maintenance operation (a check, backup, import, export, support bundle)',
  }),

  'audit.list': call({
    input: () => z
      .object({
        action: z.string().max(60).optional(),
        beforeSeq: z.number().int().positive().optional(),
        limit: z.number().int().min(1).max(200).optional(),
      })
      .strict(),
    output: () => z.array(AuditRowView),
    access: Managers,
    summary: 'Audit log rows, newest first (filter by action; page back with beforeSeq)',
  }),
  'audit.verify': call({
    input: () => NoInput,
    output: () => AuditVerificationView,
    access: Managers,
    summary: 'Check the audit hash chain; names the first row edited or removed by hand',
  }),
} as const satisfies Record<string, CallSpec>;

export const adminEvents = {
  /** How far a maintenance operation (run in the SQL worker) got; `total` null while it cannot tell. */
  'maintenance.progress': MaintenanceProgress,
  /** The SQL worker's state: restarting after it died, running again. */
  'maintenance.worker': MaintenanceWorkerState,
} as const satisfies Record<string, z.ZodType>;

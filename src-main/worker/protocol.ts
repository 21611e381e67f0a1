/**
 * The messages between the core and its SQL worker (worker_threads). Typed maps on both sides; the core
 * checks every message it receives from the worker with zod (a crashed or confused worker must not be able
 * to put a malformed answer in front of a call).
 */
import type { RecomputeResult } from '../../db/business-date-recompute';
import type { BusinessDayRule } from '../../src-common/business-day';
import { z } from 'zod';
import type { DatabaseHealth } from '../../src-common/calls/admin';
import type { ExportKind, TodayView } from '../../src-common/calls/owner';
import type { Caller } from '../../src-common/roles';
import type { ReceiptDocument } from '../../src-common/receipt';
import type { Language, Product } from '../../src-common/schemas';
import type { Config } from '../config';
import type { AuditVerification } from '../services/audit';
import type { BackupFile } from '../services/backup';
import type { CatalogImportResult } from '../services/catalog-csv';
import type { TodayInput } from '../services/today';
import type { LogEntry, LogQuery } from './logs';

/** What the worker gets when it starts. */
export interface SqlWorkerData {
  readonly databasePath: string;
  readonly nativeBinding?: string;
  /** A test-only operation set (maintenance.sleep, maintenance.exit) is registered only when true. */
  readonly testOperations?: boolean;
  /** The WAL is truncated once it passes this size (or an eighth of the disk's free space when that is less). */
  readonly walBoundBytes?: number;
  /** The write gate shared with the core's connection (db/write-gate.ts); the search worker, which never writes, has none. */
  readonly writeGate?: SharedArrayBuffer;
  /**
   * This thread keeps the WAL bounded (its checkpoints): the maintenance worker's only. The search worker, which never
   * writes, has no gate, and a TRUNCATE of its would hold off every writer (the core's sales too) for as long as the
   * disk takes to sync: behind a backup being written, longer than their 5 s busy_timeout, and they failed.
   */
  readonly checkpoints?: boolean;
  /** Linux: this thread's nice value, above the core's (../thread-priority.ts): 10 for the maintenance and search workers. */
  readonly niceness?: number;
  /** Linux: this thread in the SCHED_IDLE class, below every normal thread (../thread-priority.ts); the nice value stays if that fails. */
  readonly schedIdle?: boolean;
}

/** Every operation the worker runs: its input and what it answers. */
export interface SqlOperations {
  'database.health': { input: { full: boolean }; output: DatabaseHealth };
  'backup.create': { input: { dataDir: string; now: string }; output: BackupFile };
  'restore.stage': { input: { dataDir: string; name: string; actor: Caller | null; stagedAt: string }; output: null };
  'catalog.import': {
    /** The CSV, or the path of an uploaded file holding it (read by the worker, then removed). */
    input: { csv: string; now: string; mode: 'upsert' | 'insert'; allowedTaxRatesBp?: readonly number[] } | { csvFile: string; now: string; mode: 'upsert' | 'insert'; allowedTaxRatesBp?: readonly number[] };
    output: CatalogImportResult;
  };
  /** What catalog.import would do with this CSV, writing nothing (the owner's preview). */
  'catalog.preview': {
    input: { csv: string; now: string; allowedTaxRatesBp?: readonly number[] } | { csvFile: string; now: string; allowedTaxRatesBp?: readonly number[] };
    output: CatalogImportResult;
  };
  /** Numbers the facts written before store sync (src-main/sync/backfill.ts), in short batches; resumes a stopped run. */
  'sync.numberHistory': { input: { now: string; nativeBinding?: string }; output: { numbered: number } };
  /** Migration 0013's one-time step (db/business-date-recompute.ts): null when it was done already. */
  'businessDates.recompute': { input: { rule: BusinessDayRule; now: string }; output: RecomputeResult | null };
  /** Writes the catalog CSV to <dataDir>/exports/ (read with export.read). */
  'catalog.export': { input: { dataDir: string; now: string }; output: { name: string; rows: number; bytes: number } };
  'export.create': {
    input: { dataDir: string; terminalId: string; currency: string; businessDay: BusinessDayRule; kind: ExportKind; from: string; to: string; language: Language };
    output: { name: string; rows: number; bytes: number };
  };
  /** The owner's today page (services/today.ts). */
  'owner.today': { input: TodayInput; output: TodayView };
  /** Walks the audit log's hash chain (services/audit.ts verifyAuditChain). */
  'audit.verify': { input: Record<string, never>; output: AuditVerification };
  'logs.read': { input: { logFile: string; query: LogQuery }; output: { entries: LogEntry[]; scannedFiles: number; truncated: boolean } };
  'support.bundle': {
    input: { dataDir: string; logFile: string; config: Config; now: string; appVersion: string; reports: Record<string, unknown> };
    output: { path: string; bytes: number; files: string[]; database: DatabaseHealth };
  };
  /** Builds the catalog search index and keeps it in this thread (the search worker's), replacing the last one. */
  'catalog.searchLoad': { input: Record<string, never>; output: { products: number } };
  /** Searches the index kept in this thread (built first if this thread has none yet). */
  'catalog.searchQuery': { input: { query: string; limit: number }; output: { products: Product[] } };
  /** A receipt as the screens preview it (receiptline's SVG); the search worker's, as quick as a search. */
  'receipt.svg': { input: { receipt: ReceiptDocument; columns: number }; output: { svg: string } };
  /** Test-only: `steps` steps of `ms` each, cancellable between steps. */
  'test.sleep': { input: { steps: number; ms: number }; output: { steps: number } };
  /** Test-only: `ms` of synchronous work, as one long statement (cannot stop between steps). */
  'test.block': { input: { ms: number }; output: null };
  /** Test-only: the worker thread dies as a native crash would take it down. */
  'test.exit': { input: Record<string, never>; output: null };
}
export type SqlOperation = keyof SqlOperations;
export type SqlInput<K extends SqlOperation> = SqlOperations[K]['input'];
export type SqlOutput<K extends SqlOperation> = SqlOperations[K]['output'];

/** Core → worker. */
export type ToWorker = { type: 'run'; id: number; op: SqlOperation; input: unknown } | { type: 'cancel'; id: number };

export const WorkerError = z.object({ code: z.string(), message: z.string(), details: z.unknown().optional(), posError: z.boolean() });
export type WorkerError = z.infer<typeof WorkerError>;

/** Worker → core. */
export const FromWorker = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({
    type: z.literal('progress'),
    id: z.number().int(),
    phase: z.string().max(40),
    done: z.number().int().nonnegative(),
    total: z.number().int().nonnegative().nullable(),
  }),
  z.object({ type: z.literal('result'), id: z.number().int(), value: z.unknown() }),
  z.object({ type: z.literal('error'), id: z.number().int(), error: WorkerError }),
]);
export type FromWorker = z.infer<typeof FromWorker>;

/** What a running operation may do: report how far it got, and learn that it was cancelled. */
export interface OperationContext {
  progress(phase: string, done: number, total: number | null): void;
  /** Throws the cancellation error when the core asked to cancel; called between steps. */
  checkCancelled(): void;
  /** Gives the worker's loop a turn (so a cancel message is read), then checks for cancellation. */
  yieldTurn(): Promise<void>;
  /** Buffers of the result to move to the core rather than copy. */
  transfer(buffers: ArrayBuffer[]): void;
  /**
   * Copies the WAL into the database (PASSIVE: never waits for the core's writer) when the last checkpoint is a
   * second old: a long write (an import) calls it between its transactions, outside the write gate.
   */
  checkpointIfGrown(): void;
}

export const CANCELLED_REASON = 'operation_cancelled';

/** An operation's progress messages: at most one per this many ms (a new phase and the last step always go). */
export const PROGRESS_EVERY_MS = 250;

/**
 * What the SQL worker runs, on its own connection to the terminal's database. Each operation reports
 * progress and checks for cancellation between its steps; a single long statement (integrity_check,
 * VACUUM INTO) is one step: cancelling it gives up on the worker thread (the core starts a new one; the old
 * one finishes its statement and exits).
 */
import { readFile, rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Database } from 'better-sqlite3';
import { createBackup, stageRestore } from './backup';
import { importCatalogCsvInBatches, previewCatalogCsv } from '../services/catalog-csv';
import { defaultBusinessDayRule } from '../../src-common/business-day';
import { databaseHealth } from './database-health';
import { verifyAuditChain } from '../services/audit';
import { listActiveProductsForSearch } from '../../db/queries/catalog';
import { barcodeKey, toProduct } from '../services/catalog';
import { buildCatalogSearchIndex, type CatalogSearchIndex } from '../services/catalog-search';
import { createExportsService } from '../services/exports';
import { readLogs } from './logs';
import Sqlite from 'better-sqlite3';
import { numberHistory } from '../sync/backfill';
import { recomputeBusinessDatesOnce } from '../../db/business-date-recompute';
import { readToday } from '../services/today';
import { writeSupportBundle } from './support-bundle';
import type { OperationContext, SqlInput, SqlOperation, SqlOutput } from './protocol';

/** A catalog import's transactions: at most this many rows, and at most this long holding the write lock (ms)… */
export const IMPORT_BATCH_ROWS = 500;
export const IMPORT_BATCH_MS = 3;
/** …with this pause between them (ms), so the core never waits long to write a sale or a job. */
export const IMPORT_PAUSE_MS = 3;

type Operation<K extends SqlOperation> = (db: Database, input: SqlInput<K>, ctx: OperationContext, databasePath: string) => Promise<SqlOutput<K>>;
export type OperationTable = { [K in SqlOperation]?: Operation<K> };

/** An uploaded CSV, read once and removed (it was handed over for this import only). */
async function readUploadedCsv(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } finally {
    await rm(path, { force: true });
  }
}

const fixedClock = (iso: string) => ({ now: () => new Date(iso) });

export const operations: OperationTable = {
  'database.health': async (db, { full }, ctx, databasePath) => {
    ctx.progress(full ? 'integrity_check' : 'quick_check', 0, null);
    return databaseHealth(db, databasePath, { full });
  },

  'backup.create': async (db, { dataDir, now }, ctx) => {
    ctx.progress('copying', 0, null);
    return createBackup(db, dataDir, fixedClock(now));
  },

  'restore.stage': async (db, { dataDir, name, actor, stagedAt }, ctx) => {
    ctx.progress('checking', 0, null);
    await stageRestore(db, dataDir, name, { actor, clock: fixedClock(stagedAt) });
    return null;
  },

  'catalog.import': async (db, input, ctx) => {
    const { now, mode, allowedTaxRatesBp } = input;
    ctx.progress('reading', 0, null);
    const csv = 'csv' in input ? input.csv : await readUploadedCsv(input.csvFile);
    // No sync per batch (the core waits for the write lock while a commit syncs): a power cut may lose the last
    // batches of an import, which running it again restores; the next checkpoint syncs them. Money is the core's.
    db.pragma('synchronous = NORMAL');
    try {
      return await importCatalogCsvInBatches(db, csv, {
        now: new Date(now),
        mode,
        ...(allowedTaxRatesBp ? { allowedTaxRatesBp } : {}),
        batchRows: IMPORT_BATCH_ROWS,
        batchMs: IMPORT_BATCH_MS,
        between: async (done, total) => {
          ctx.progress('writing', done, total);
          ctx.checkpointIfGrown();
          await ctx.yieldTurn();
          // The write lock is free for a moment: a sale or a job the core was waiting to write goes in now (its
          // busy handler retries after 1, 2, 5… ms), rather than queueing behind the whole import.
          await sleep(IMPORT_PAUSE_MS);
        },
      });
    } finally {
      db.pragma('synchronous = FULL');
    }
  },

  'catalog.preview': async (db, input, ctx) => {
    ctx.progress('reading', 0, null);
    const csv = 'csv' in input ? input.csv : await readUploadedCsv(input.csvFile);
    ctx.progress('checking', 0, null);
    return previewCatalogCsv(db, csv, { now: new Date(input.now), mode: 'upsert', ...(input.allowedTaxRatesBp ? { allowedTaxRatesBp: input.allowedTaxRatesBp } : {}) });
  },

  'sync.numberHistory': async (db, { now, nativeBinding }, ctx, databasePath) => {
    const reader = new Sqlite(databasePath, { fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });
    // As an import's batches: facts made from rows already committed, numbered again at the next start if lost.
    db.pragma('synchronous = NORMAL');
    try {
      const numbered = await numberHistory(db, {
        reader,
        now: () => now,
        between: async (done, total) => {
          ctx.progress('numbering', done, total);
          ctx.checkpointIfGrown();
          await ctx.yieldTurn();
          await sleep(IMPORT_PAUSE_MS);
        },
      });
      return { numbered };
    } finally {
      db.pragma('synchronous = FULL');
      reader.close();
    }
  },

  'businessDates.recompute': async (db, { rule, now }, ctx) => {
    ctx.progress('recomputing', 0, null);
    // As an import's batches: a power cut loses at most the last few, and the step (marked done only at its end) runs again.
    db.pragma('synchronous = NORMAL');
    try {
      return await recomputeBusinessDatesOnce(db, rule, new Date(now), {
        batchRows: 100,
        batchMs: IMPORT_BATCH_MS,
        progress: (done, total) => ctx.progress('recomputing', done, total),
        betweenBatches: async () => {
          ctx.checkpointIfGrown();
          await ctx.yieldTurn();
          await sleep(IMPORT_PAUSE_MS);
        },
      });
    } finally {
      db.pragma('synchronous = FULL');
    }
  },

  'catalog.export': async (db, { dataDir, now }, ctx) => {
    ctx.progress('writing', 0, null);
    return createExportsService({ db, dataDir, terminalId: '', currency: () => 'CNY', businessDay: defaultBusinessDayRule }).catalog(new Date(now));
  },

  'export.create': async (db, { dataDir, terminalId, currency, businessDay, kind, from, to, language }, ctx) => {
    const exports = createExportsService({ db, dataDir, terminalId, currency: () => currency, businessDay: () => businessDay });
    ctx.progress('writing', 0, null);
    return exports.create(kind, from, to, language, async (rows) => {
      ctx.progress('writing', rows, null);
      await ctx.yieldTurn();
    });
  },

  'owner.today': async (db, input) => readToday(db, input),

  'logs.read': async (_db, { logFile, query }, ctx) => {
    ctx.progress('reading', 0, null);
    return readLogs(logFile, query);
  },

  'audit.verify': async (db, _input, ctx) => {
    ctx.progress('audit_chain', 0, null);
    return verifyAuditChain(db);
  },

  'support.bundle': async (db, input, ctx, databasePath) => {
    ctx.progress('quick_check', 0, 3);
    const database = databaseHealth(db, databasePath);
    await ctx.yieldTurn();
    ctx.progress('audit_chain', 1, 3);
    const audit = verifyAuditChain(db);
    await ctx.yieldTurn();
    ctx.progress('archive', 2, 3);
    const bundle = await writeSupportBundle({
      dataDir: input.dataDir,
      logFile: input.logFile,
      config: input.config,
      now: new Date(input.now),
      appVersion: input.appVersion,
      sqliteVersion: database.sqliteVersion,
      reports: { ...input.reports, database, audit },
    });
    ctx.progress('archive', 3, 3);
    return { ...bundle, database };
  },
};

/**
 * The catalog search index of the search worker (a second thread running this file, so a long maintenance
 * statement never delays a search): kept here, not handed to the core, whose heap would then carry every
 * product of the catalog through its garbage collections (100,000 products: pauses of 50+ ms).
 */
let searchIndex: CatalogSearchIndex | null = null;

function loadSearchIndex(db: Database): CatalogSearchIndex {
  const entries = listActiveProductsForSearch(db).map((r) => ({ product: toProduct(r), pinyinInitials: r.pinyin_initials }));
  searchIndex = buildCatalogSearchIndex(entries, { barcodeKey });
  return searchIndex;
}

Object.assign(operations, {
  'catalog.searchLoad': async (db, _input, ctx) => {
    ctx.progress('indexing', 0, null);
    return { products: loadSearchIndex(db).size };
  },
  'catalog.searchQuery': async (db, { query, limit }) => ({ products: (searchIndex ?? loadSearchIndex(db)).search(query, limit) }),
  // 5–30 ms of CPU for a 30-line receipt, and receiptline (with its own iconv-lite tables) is half a megabyte of code:
  // neither on the core's loop, and the code loaded at the first preview, not at every start of the thread.
  'receipt.svg': async (_db, { receipt, columns }) => ({ svg: (await import('../../drivers/receipt/preview')).renderReceiptSvg(receipt, { columns }) }),
} satisfies OperationTable);

/** Registered only for tests (SqlWorkerData.testOperations): a slow cancellable operation, and a crash. */
export const testOperations: OperationTable = {
  'test.sleep': async (_db, { steps, ms }, ctx) => {
    for (let i = 0; i < steps; i++) {
      ctx.progress('sleeping', i, steps);
      await sleep(ms);
      ctx.checkCancelled();
    }
    ctx.progress('sleeping', steps, steps);
    return { steps };
  },
  'test.block': async (_db, { ms }, ctx) => {
    ctx.progress('blocking', 0, null);
    const until = performance.now() + ms;
    while (performance.now() < until) {
      // one long native call, as integrity_check on a large database
    }
    return null;
  },
  'test.exit': async () => {
    process.exit(70);
  },
};

/** The device manager's print queue on SQLite: a job is committed before it is sent, so it survives a restart. */
import type { Database } from 'better-sqlite3';
import { newId } from '../../db/ids';
import { insertPrintJob, markPrintJobFailed, markPrintJobPrinted, pendingPrintJobs, prunePrintedJobs } from '../../db/queries/print-jobs';
import type { PrintJobStore } from '../../drivers/devices/manager';
import type { Clock } from '../clock';

/** Printed jobs kept for a look back; older ones are dropped. */
const KEEP_PRINTED = 200;

export function createSqlitePrintJobStore(deps: { db: Database; clock: Clock }): PrintJobStore {
  const { db, clock } = deps;
  let printedSincePrune = 0;
  return {
    add(kind, bytes) {
      const now = clock.now();
      const id = newId(now.getTime());
      insertPrintJob(db, { id, kind, bytes, createdAt: now.toISOString() });
      return id;
    },
    printed(id) {
      markPrintJobPrinted(db, id, clock.now().toISOString());
      if (++printedSincePrune >= 50) {
        printedSincePrune = 0;
        prunePrintedJobs(db, KEEP_PRINTED);
      }
    },
    failed(id, error) {
      markPrintJobFailed(db, id, error);
    },
    pending: () => pendingPrintJobs(db).map((j) => ({ id: j.id, bytes: new Uint8Array(j.bytes) })),
  };
}

import type { stockCalls } from '../../src-common/calls/stock';
import { createShiftsService } from '../services/shifts';
import { handoverSlip, layoutHandoverSlip } from '../services/handover-slip';
import { createStockService } from '../services/stock';
import type { SyncService } from '../sync/service';
import type { Area, CoreServices } from './context';
import { managedByStoreServer } from './sync';

/** What the stock area uses of the terminal's services. */
export type StockAreaDeps = Pick<CoreServices, 'terminalId' | 'db' | 'clock' | 'log' | 'audit' | 'auth' | 'settings' | 'devices'>;

/** Stock levels, receiving and counts, and the shift handover with its slip (issue 16). */
export function createStockArea(deps: StockAreaDeps, sync: Pick<SyncService, 'isEnrolled'>): Area<typeof stockCalls> {
  const { db, clock, log, audit, auth, settings, devices, terminalId } = deps;
  const stock = createStockService({ db, clock, audit, settings, managedByServer: () => sync.isEnrolled(), managedError: managedByStoreServer });
  const shifts = createShiftsService({ db, clock, audit, auth, terminalId });

  return {
    handlers: {
      'stock.levels': (q) => stock.levels(q),
      'stock.movements': ({ productId, limit }) => stock.movements(productId, limit ?? 50),
      'stock.receive': (input, session) => stock.receive(input, session),
      'stock.count': (input, session) => stock.count(input, session),
      'stock.setLowStock': ({ productId, lowStockMilli }, session) => stock.setLowStock(productId, lowStockMilli, session),
      'shift.handover': async ({ counted, note, next, float }, session) => {
        const done = await shifts.handover({ counted, note, next, float }, session);
        const columns = devices.printerColumns();
        if (columns === null) return { ...done, printed: false };
        const s = settings.get();
        const slip = handoverSlip(db, terminalId, { ...done, nextFloat: float }, s.currency);
        // Queued: it prints when the printer is ready; the handover itself is recorded whatever the printer does.
        devices.printBlocks(layoutHandoverSlip(slip, columns, s.receiptLanguage, s.timeZone), { kind: 'handover' }).catch((error: unknown) => log.warn({ err: error }, 'handover slip not printed'));
        return { ...done, printed: true };
      },
    },
  };
}

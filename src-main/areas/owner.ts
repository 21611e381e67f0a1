import { businessDayRuleOf } from '../../src-common/business-day';
import type { ownerCalls } from '../../src-common/calls/owner';
import { PosError } from '../../src-common/errors';
import { createChartsService } from '../services/charts';
import { createExportsService } from '../services/exports';
import { createReportsService } from '../services/reports';
import { createShiftsService } from '../services/shifts';
import type { DomainEventBus } from '../domain-events';
import type { Area, CoreServices } from './context';

/** What the owner area uses of the terminal's services. */
export type OwnerAreaDeps = Pick<CoreServices, 'dataDir' | 'terminalId' | 'db' | 'clock' | 'log' | 'audit' | 'settings' | 'auth' | 'devices' | 'sqlWorker' | 'events'>;

/** Shifts, X/Z reports, today at a glance, charts and exports (issues 7, 17). */
export function createOwnerArea(deps: OwnerAreaDeps, bus: Pick<DomainEventBus, 'on'>): Area<typeof ownerCalls> {
  const { db, clock, audit, auth, terminalId, settings, devices, log, events } = deps;
  const shifts = createShiftsService({ db, clock, audit, auth, terminalId });
  const businessDay = () => businessDayRuleOf(settings.get());
  const reports = createReportsService({ db, clock, audit, terminalId, currency: () => settings.get().currency, language: () => settings.get().language, businessDay });
  const charts = createChartsService({ db, clock, terminalId, businessDay });
  const exports = createExportsService({ db, dataDir: deps.dataDir, terminalId, currency: () => settings.get().currency, businessDay });

  // The today page follows every surface's sales (a kiosk's included, which the till's screens are not sent).
  const offSale = bus.on('sale.completed', () => events.emit('owner.dayChanged', { cause: 'sale' }));
  const offRefund = events.subscribe((name, payload) => {
    if (name === 'refund.changed' && (payload as { status?: string }).status === 'refunded') events.emit('owner.dayChanged', { cause: 'refund' });
  });

  return {
    close() {
      offSale();
      offRefund();
    },
    handlers: {
      'shift.current': (_input, session) => shifts.current(session),
      'shift.open': ({ float }, session) => shifts.open(float, session),
      'shift.cashIn': ({ amount, reason }, session) => shifts.cashIn(amount, reason, session),
      'shift.cashOut': ({ amount, reason, approval }, session) => shifts.cashOut(amount, reason, approval, session),
      'shift.close': ({ counted, note }, session) => shifts.close(counted, note, session),
      'shift.list': ({ limit }) => shifts.list(limit ?? 20),

      'report.x': () => reports.x(),
      'report.takeZ': (_input, session) => reports.takeZ(session),
      'report.listZ': ({ beforeNo, limit }) => reports.listZ(beforeNo ?? null, limit ?? 30),
      'report.getZ': ({ zNo }) => reports.getZ(zNo),
      'report.print': ({ zNo }, session) => {
        const columns = devices.printerColumns();
        if (columns === null) throw new PosError('unavailable', 'No receipt printer is configured', { reason: 'no_printer' });
        // Printing an X takes it: kept as printed and sent to the store server (the back office lists it).
        const report = zNo === undefined ? reports.takeX(session) : reports.getZ(zNo);
        // Queued: it prints when the printer is ready; a failure is logged, the report itself is not affected.
        devices.printBlocks(reports.layout(report, columns), { kind: 'report' }).catch((error: unknown) => log.warn({ err: error, zNo }, 'report not printed'));
        return { queued: true as const, columns };
      },

      'owner.today': () => {
        const s = settings.get();
        return deps.sqlWorker.run('owner.today', {
          terminalId,
          currency: s.currency,
          businessDay: businessDay(),
          now: clock.now().toISOString(),
          lowStockThreshold: s.lowStockThreshold,
        });
      },

      'chart.hourly': ({ date }) => charts.hourly(date),
      'chart.walletMix': ({ from, to }) => charts.walletMix(from, to),

      'export.create': async ({ kind, from, to, language }, session) => {
        const made = await deps.sqlWorker.run(
          'export.create',
          { dataDir: deps.dataDir, terminalId, currency: settings.get().currency, businessDay: businessDay(), kind, from, to, language: language ?? settings.get().receiptLanguage },
          { label: 'export' },
        );
        // Who took which data out of the terminal.
        audit.record({ actor: session.caller, action: 'export.create', subject: made.name, details: { kind, from, to, rows: made.rows, bytes: made.bytes } });
        return made;
      },
      'export.read': ({ name, offset }) => exports.read(name, offset),
    },
  };
}

/**
 * Connects the device manager to the core: scans and device states are published as domain events (the scan
 * router decides what a scan is for), the customer display follows the till's sale (the kiosk's customer has the
 * kiosk's own screen), and every completed sale's receipt is printed (with the drawer kicked for cash).
 */
import { displayForChange, displayForItem, displayForThanks, displayForTotal, displayIdle } from '../../drivers/display/messages';
import type { DeviceManager } from '../../drivers/devices/manager';
import type { DomainEventBus } from '../domain-events';
import type { Logger } from '../log';
import type { SalesService } from './sales';
import type { SettingsService } from './settings';

export function connectDevices(deps: { manager: DeviceManager; bus: DomainEventBus; sales: SalesService; settings: SettingsService; log: Logger }): () => void {
  const { manager, bus, sales, settings, log } = deps;
  const options = () => {
    const s = settings.get();
    return { language: s.language, currency: s.currency };
  };
  /** A device problem must never reach the sale. */
  const safely =
    <T>(what: string, update: (payload: T) => void) =>
    (payload: T) => {
      try {
        update(payload);
      } catch (error) {
        log.warn({ err: error, event: what }, 'device update failed');
      }
    };

  const offs = [
    manager.onScan((scan) => bus.publish('scan.received', { deviceId: scan.deviceId, data: scan.data, symbology: scan.symbology })),
    manager.onStatus((status) => bus.publish('device.state', status)),
    bus.on(
      'sale.changed',
      safely('sale.changed', ({ surface, cart }) => {
        if (surface !== 'till') return;
        if (!cart || cart.lines.length === 0) return manager.display(displayIdle(settings.get().storeName, options()));
        const line = cart.lines.find((l) => l.lineId === cart.lastLineId) ?? cart.lines.at(-1)!;
        manager.display(displayForItem(line.name, line.unitPrice, line.quantityMilli, line.net, { ...options(), unit: line.unit }));
      }),
    ),
    bus.on(
      'sale.paying',
      safely('sale.paying', ({ surface, total }) => surface === 'till' && manager.display(displayForTotal(total, options()))),
    ),
    bus.on(
      'sale.completed',
      safely('sale.completed', (sale) => {
        const receipt = sales.receipt(sale.saleId);
        const cash = receipt.tenders.some((t) => t.kind === 'cash');
        const paid = receipt.tenders.reduce((sum, t) => sum + t.amount, 0);
        if (sale.surface === 'till') manager.display(cash ? displayForChange(paid, sale.change, options()) : displayForThanks(options()));
        manager.printReceipt(receipt, { kickDrawer: cash }).catch((error: unknown) => {
          // No printer configured is the terminal's state (devices.status says so; the receipt can be reprinted), not a fault.
          if (manager.printerColumns() === null) log.debug({ saleId: sale.saleId }, 'no receipt printer configured; receipt not printed');
          else log.warn({ err: error, saleId: sale.saleId }, 'receipt not printed');
        });
      }),
    ),
    bus.on(
      'payment.changed',
      safely('payment.changed', (payment) => {
        // The till's payment only (the domain event does not name the surface: the till's open sale does).
        if (payment.status === 'submitted' && sales.current('till')?.saleId === payment.saleId) manager.display(displayForTotal(payment.amount, options()));
      }),
    ),
  ];
  return () => offs.forEach((off) => off());
}

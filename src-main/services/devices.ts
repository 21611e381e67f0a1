/**
 * Connects the device manager to the terminal: scans go to the screens (the signed-in cashier's screen adds
 * them, so roles are checked as for any call), the customer display follows the sale, and every completed
 * sale's receipt is printed (with the drawer kicked for cash).
 */
import { displayForChange, displayForItem, displayForThanks, displayForTotal, displayIdle } from '../../drivers/display/messages';
import type { DeviceManager } from '../../drivers/devices/manager';
import type { EventBus } from '../events';
import type { Logger } from '../log';
import type { SalesService } from './sales';
import type { SettingsService } from './settings';

export function connectDevices(deps: { manager: DeviceManager; events: EventBus; sales: SalesService; settings: SettingsService; log: Logger }): () => void {
  const { manager, events, sales, settings, log } = deps;
  const options = () => {
    const s = settings.get();
    return { language: s.language, currency: s.currency };
  };

  const offs = [
    manager.onScan((scan) => events.emit('device.scan', { deviceId: scan.deviceId, data: scan.data, symbology: scan.symbology })),
    manager.onStatus((status) => events.emit('device.status', status)),
    events.subscribe((name, payload) => {
      try {
        if (name === 'sale.changed') {
          const cart = payload as ReturnType<SalesService['current']>;
          if (!cart || cart.lines.length === 0) return manager.display(displayIdle(settings.get().storeName, options()));
          const line = cart.lines.find((l) => l.lineId === cart.lastLineId) ?? cart.lines.at(-1)!;
          manager.display(displayForItem(line.name, line.unitPrice, line.quantityMilli, line.net, { ...options(), unit: line.unit }));
        } else if (name === 'sale.paying') {
          manager.display(displayForTotal((payload as { total: number }).total, options()));
        } else if (name === 'payment.changed') {
          const payment = payload as { status: string; amount: number };
          if (payment.status === 'submitted') manager.display(displayForTotal(payment.amount, options()));
        } else if (name === 'sale.completed') {
          const sale = payload as { saleId: string; total: number; change: number };
          const receipt = sales.receipt(sale.saleId);
          const cash = receipt.tenders.some((t) => t.kind === 'cash');
          const paid = receipt.tenders.reduce((sum, t) => sum + t.amount, 0);
          manager.display(cash ? displayForChange(paid, sale.change, options()) : displayForThanks(options()));
          manager.printReceipt(receipt, { kickDrawer: cash }).catch((error: unknown) => log.warn({ err: error, saleId: sale.saleId }, 'receipt not printed'));
        }
      } catch (error) {
        // A device problem must never reach the sale.
        log.warn({ err: error, event: name }, 'device update failed');
      }
    }),
  ];
  return () => offs.forEach((off) => off());
}

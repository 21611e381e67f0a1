import type { kioskCalls } from '../../src-common/calls/kiosk';
import { quantitySoldByProduct } from '../../db/queries/popularity';
import type { DomainEventBus } from '../domain-events';
import { eReceiptBaseOf } from '../sync/link';
import { createKioskService, type KioskService } from '../services/kiosk';
import type { Area, CoreServices } from './context';

/** What the kiosk area uses of the terminal's services. */
export type KioskAreaDeps = Pick<CoreServices, 'db' | 'terminalId' | 'clock' | 'log' | 'audit' | 'settings' | 'catalog' | 'auth' | 'sales' | 'acquirer' | 'credentials' | 'payments' | 'devices'>;

export function createKioskArea(deps: KioskAreaDeps, bus: DomainEventBus): Area<typeof kioskCalls> & { readonly kiosk: KioskService } {
  const kiosk = createKioskService({
    settings: deps.settings,
    catalog: deps.catalog,
    sales: deps.sales,
    payments: deps.payments,
    devices: deps.devices,
    auth: deps.auth,
    audit: deps.audit,
    bus,
    quantitySold: () => quantitySoldByProduct(deps.db),
    // A query for an order that cannot exist: any answer but "unknown" means the acquirer is there.
    probeAcquirer: async () => (await deps.acquirer.query(await deps.credentials(), `probe${deps.terminalId.slice(-8)}`)).kind !== 'unknown',
    clock: deps.clock,
    log: deps.log.child({ module: 'kiosk' }),
    eReceipts: () => eReceiptBaseOf(deps.db) !== null,
  });
  return {
    kiosk,
    handlers: {
      'kiosk.begin': (_input, session) => kiosk.begin(session),
      'kiosk.status': () => kiosk.status(),
      'kiosk.menu': () => kiosk.menu(),
      'kiosk.search': async ({ query }) => ({ products: await kiosk.search(query) }),
      'kiosk.order': () => kiosk.order(),
      'kiosk.add': ({ productId }, session) => kiosk.add(productId, session),
      'kiosk.scan': ({ code }, session) => kiosk.scan(code, session),
      'kiosk.setQuantity': ({ lineId, quantity }, session) => kiosk.setQuantity(lineId, quantity, session),
      'kiosk.remove': ({ lineId }, session) => kiosk.remove(lineId, session),
      'kiosk.clear': ({ reason }, session) => {
        kiosk.clear(reason, session);
        return null;
      },
      'kiosk.beginPayment': () => kiosk.beginPayment(),
      'kiosk.payByCode': ({ code }, session) => kiosk.payByCode(code, session),
      'kiosk.payByQr': ({ wallet }, session) => kiosk.payByQr(wallet, session),
      'kiosk.payment': () => kiosk.payment(),
      'kiosk.cancelPayment': ({ paymentId }, session) => kiosk.cancelPayment(paymentId, session),
      'kiosk.finished': ({ saleId }) => kiosk.finished(saleId),
      'kiosk.exit': ({ userId, pin }, session) => kiosk.exit(userId, pin, session),
    },
  };
}

import { describe, expect, it } from 'vitest';
import type { Cart, DeviceStatus, PaymentView } from '../../src-common/schemas';
import { createKioskService, orderOf, type KioskDeps } from './kiosk';

const cart: Cart = {
  saleId: 'S1',
  status: 'open',
  currency: 'CNY',
  lines: [
    {
      lineId: 'L1',
      productId: 'P1',
      sku: 'DR0001',
      name: '可口可乐 330ml',
      nameEn: 'Coca-Cola 330ml',
      unit: 'each',
      quantityMilli: 3000,
      unitPrice: 350,
      weighed: false,
      discount: null,
      gross: 1050,
      promotions: [],
      promotionSaving: 0,
      orderPromotionSaving: 0,
      lineDiscount: 0,
      orderDiscount: 0,
      net: 1050,
      taxRateBp: 1300,
    },
  ],
  lastLineId: 'L1',
  orderDiscountSpec: null,
  subtotal: 1050,
  promotionTotal: 0,
  spendSave: null,
  lineDiscountTotal: 0,
  orderDiscount: 0,
  total: 1050,
  taxes: [],
  taxTotal: 121,
  cashDue: 1050,
  cashRounding: 0,
};

const device = (id: string, role: DeviceStatus['role'], state: DeviceStatus['state'], detail: string | null = null): DeviceStatus => ({
  id,
  role,
  transportId: `serial:${id}`,
  state,
  detail,
  queued: 0,
});

/** The kiosk service over stand-ins: what the payments engine and the devices say, and a probe of the acquirer. */
function kioskWith(
  options: {
    online?: boolean;
    recovering?: number;
    devices?: DeviceStatus[];
    probe?: () => Promise<boolean>;
    cart?: Cart | null;
    current?: (surface: unknown) => Cart | null;
    payment?: PaymentView | null;
  } = {},
) {
  let now = Date.parse('2026-11-22T10:00:00Z');
  const emitted: string[] = [];
  const sold: string[] = [];
  let probes = 0;
  const open = options.cart === undefined ? cart : options.cart;
  const deps = {
    settings: { get: () => ({ kioskMode: true }) },
    catalog: {
      get: (id: string) => ({ id, active: true, unit: 'each', price: 350 }),
      lookupBarcode: (code: string) => ({ id: `P-${code}`, active: true, unit: 'each', price: 350 }),
      lookupSku: () => null,
    },
    sales: {
      current: options.current ?? (() => open),
      addProduct: (id: string) => (sold.push(`add:${id}`), open ?? cart),
      setQuantity: (id: string) => (sold.push(`quantity:${id}`), open ?? cart),
      removeLine: (id: string) => (sold.push(`remove:${id}`), open ?? cart),
      voidSale: (reason: string) => sold.push(`void:${reason}`),
    },
    payments: {
      status: () => ({ online: options.online ?? true, pendingJobs: 0, recovering: options.recovering ?? 0 }),
      forOpenSale: () => options.payment ?? null,
      payByCode: () => (sold.push('payByCode'), Promise.resolve(options.payment)),
      payByQr: () => (sold.push('payByQr'), Promise.resolve(options.payment)),
    },
    devices: { statuses: () => options.devices ?? [] },
    auth: {},
    audit: {},
    bus: { publish: (name: string) => emitted.push(name) },
    probeAcquirer: () => {
      probes++;
      return (options.probe ?? (() => Promise.resolve(false)))();
    },
    clock: { now: () => new Date(now) },
    log: { info: () => undefined },
  } as unknown as KioskDeps;
  return { kiosk: createKioskService(deps), emitted, sold, probes: () => probes, advance: (ms: number) => (now += ms) };
}

describe('kiosk status: what works now', () => {
  it('with no devices configured: wallets work (a wedge scanner may be there), no paper receipt, and no e-receipt without a store server', () => {
    expect(kioskWith().kiosk.status()).toEqual({ acquirer: 'online', printer: 'none', scanner: 'none', payByCode: true, payByQr: true, printReceipt: false, eReceipt: false });
  });

  it('reads the printer: ready while idle or printing, paper out, or away', () => {
    const printer = (state: DeviceStatus['state'], detail: string | null = null) =>
      kioskWith({ devices: [device('printer', 'printer', state, detail)] }).kiosk.status();
    expect(printer('idle')).toMatchObject({ printer: 'ready', printReceipt: true });
    expect(printer('busy')).toMatchObject({ printer: 'ready', printReceipt: true });
    expect(printer('error', 'paper_out')).toMatchObject({ printer: 'paper_out', printReceipt: false });
    expect(printer('error', 'cover_open')).toMatchObject({ printer: 'unavailable', printReceipt: false });
    expect(printer('closed', 'ENOENT')).toMatchObject({ printer: 'unavailable', printReceipt: false });
  });

  it('refuses payment by code only when the configured scanners are all away', () => {
    expect(kioskWith({ devices: [device('s1', 'scanner', 'error'), device('s2', 'scanner', 'idle')] }).kiosk.status()).toMatchObject({ scanner: 'ready', payByCode: true });
    expect(kioskWith({ devices: [device('s1', 'scanner', 'error')] }).kiosk.status()).toMatchObject({ scanner: 'unavailable', payByCode: false, payByQr: true });
  });

  it('offers no wallet payment while the acquirer is away or earlier payments are being resolved', () => {
    expect(kioskWith({ online: false }).kiosk.status()).toMatchObject({ acquirer: 'offline', payByCode: false, payByQr: false });
    expect(kioskWith({ recovering: 1 }).kiosk.status()).toMatchObject({ acquirer: 'recovering', payByCode: false, payByQr: false });
  });
});

describe('kiosk begin payment', () => {
  it('asks the acquirer again when it was found away, and believes an answer for a minute', async () => {
    const { kiosk, probes, advance, emitted } = kioskWith({ online: false, probe: () => Promise.resolve(true) });
    const { order, status } = await kiosk.beginPayment();
    expect(order).toMatchObject({ saleId: 'S1', items: 3, total: 1050 });
    expect(status).toMatchObject({ acquirer: 'online', payByQr: true });
    expect(probes()).toBe(1);
    expect(emitted).toEqual(['sale.paying']);
    advance(61_000);
    expect(kiosk.status().acquirer).toBe('offline');
  });

  it('stays offline when the probe gets no answer, and does not probe a reachable acquirer', async () => {
    const away = kioskWith({ online: false, probe: () => Promise.reject(new Error('ECONNREFUSED')) });
    expect((await away.kiosk.beginPayment()).status.acquirer).toBe('offline');
    const there = kioskWith({ online: true });
    await there.kiosk.beginPayment();
    expect(there.probes()).toBe(0);
  });
});

describe('kiosk order view', () => {
  it('shows whole pieces and the money of the sale to the fen', () => {
    expect(orderOf(cart)).toEqual({
      saleId: 'S1',
      currency: 'CNY',
      lines: [{ lineId: 'L1', productId: 'P1', name: '可口可乐 330ml', nameEn: 'Coca-Cola 330ml', quantity: 3, unitPrice: 350, net: 1050 }],
      items: 3,
      total: 1050,
    });
  });
});

const session = () => ({ caller: { role: null, userId: null } }) as unknown as Parameters<ReturnType<typeof createKioskService>['begin']>[0];
const refusal = async (run: () => unknown) => {
  try {
    await run();
  } catch (error) {
    return { code: (error as { code: string }).code, reason: (error as { details?: { reason?: string } }).details?.reason };
  }
  return null;
};

describe('kiosk: a payment that needs attention holds the order for staff', () => {
  const held: PaymentView = {
    paymentId: 'PAY1',
    saleId: 'S1',
    status: 'needs_attention',
    wallet: 'alipay',
    maskedCode: '28**********1234',
    amount: 1050,
    deadline: 0,
    failureCode: 'other',
    failureMessage: 'The acquirer never confirmed the reversal',
    qrCode: null,
  };

  it('refuses another payment, any scan, order changes and clearing (the idle timer), and begin hands the payment back', async () => {
    const { kiosk, sold } = kioskWith({ payment: held });
    const s = session();
    expect(kiosk.begin(s)).toMatchObject({ order: { saleId: 'S1' }, payment: { paymentId: 'PAY1', status: 'needs_attention' } });
    const conflict = { code: 'conflict', reason: 'needs_attention' };
    expect(await refusal(() => kiosk.payByCode('280000000000001234', s))).toEqual(conflict);
    expect(await refusal(() => kiosk.payByQr('wechat', s))).toEqual(conflict);
    expect(await refusal(() => kiosk.scan('280000000000001234', s))).toEqual(conflict);
    expect(await refusal(() => kiosk.scan('6901234567892', s))).toEqual(conflict);
    expect(await refusal(() => kiosk.clear('idle', s))).toEqual(conflict);
    expect(await refusal(() => kiosk.clear('customer', s))).toEqual(conflict);
    expect(await refusal(() => kiosk.add('P1', s))).toEqual(conflict);
    expect(await refusal(() => kiosk.setQuantity('L1', 2, s))).toEqual(conflict);
    expect(await refusal(() => kiosk.beginPayment())).toEqual(conflict);
    expect(sold).toEqual([]);
  });

  it('lets a failed or reversed payment be followed by another', async () => {
    for (const status of ['failed', 'reversed'] as const) {
      const { kiosk, sold } = kioskWith({ payment: { ...held, status } });
      expect(kiosk.begin(session()).payment).toBeNull();
      await kiosk.payByCode('280000000000001234', session());
      kiosk.clear('idle', session());
      expect(sold).toEqual(['payByCode', 'void:kiosk: nobody there (idle timeout)']);
    }
  });
});

describe('kiosk: its order is the kiosk surface’s sale', () => {
  it('reads and pays the kiosk’s open sale, never the till’s', async () => {
    const asked: unknown[] = [];
    const { kiosk } = kioskWith({ cart, current: (surface: unknown) => (asked.push(surface), cart) });
    kiosk.order();
    await kiosk.beginPayment();
    expect(asked.length).toBeGreaterThan(0);
    expect(new Set(asked)).toEqual(new Set(['kiosk']));
  });
});

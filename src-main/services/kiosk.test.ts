import { describe, expect, it } from 'vitest';
import type { DeviceStatus } from '../../drivers/devices/manager';
import type { Cart } from '../../src-common/schemas';
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
      lineDiscount: 0,
      orderDiscount: 0,
      net: 1050,
      taxRateBp: 1300,
    },
  ],
  lastLineId: 'L1',
  orderDiscountSpec: null,
  subtotal: 1050,
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
function kioskWith(options: { online?: boolean; recovering?: number; devices?: DeviceStatus[]; probe?: () => Promise<boolean> } = {}) {
  let now = Date.parse('2026-11-22T10:00:00Z');
  const emitted: string[] = [];
  let probes = 0;
  const deps = {
    settings: { get: () => ({ kioskMode: true }) },
    catalog: {},
    sales: { current: () => cart },
    payments: { status: () => ({ online: options.online ?? true, pendingJobs: 0, recovering: options.recovering ?? 0 }) },
    devices: { statuses: () => options.devices ?? [] },
    auth: {},
    audit: {},
    events: { emit: (name: string) => emitted.push(name) },
    probeAcquirer: () => {
      probes++;
      return (options.probe ?? (() => Promise.resolve(false)))();
    },
    clock: { now: () => new Date(now) },
    log: { info: () => undefined },
  } as unknown as KioskDeps;
  return { kiosk: createKioskService(deps), emitted, probes: () => probes, advance: (ms: number) => (now += ms) };
}

describe('kiosk status: what works now', () => {
  it('with no devices configured: wallets work (a wedge scanner may be there), no paper receipt', () => {
    expect(kioskWith().kiosk.status()).toEqual({ acquirer: 'online', printer: 'none', scanner: 'none', payByCode: true, payByQr: true, printReceipt: false });
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

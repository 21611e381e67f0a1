/**
 * Every action main writes to the audit log (`audit.record({ action })`): the technician's audit filter lists them.
 * test/integration/audit-actions.test.ts keeps this list equal to what src-main records.
 */
export const AUDIT_ACTIONS = [
  'settings.update',
  'users.create',
  'users.rename',
  'users.setRole',
  'users.deactivate',
  'users.resetPin',
  'users.unlock',
  'users.changeOwnPin',
  'admin.enrol',
  'admin.setAcquirerEndpoint',
  'admin.setScaleLabel',
  'kiosk.exit',
  'kiosk.exitRefused',
  'devices.seed',
  'devices.save',
  'devices.remove',
  'devices.openDrawer',
  'drawer.noSale',
  'shift.open',
  'shift.cashIn',
  'shift.cashOut',
  'shift.close',
  'report.takeZ',
  'report.takeX',
  'export.create',
  'reconcile.resolve',
  'diagnostics.backup',
  'diagnostics.restore',
  'diagnostics.restored',
  'diagnostics.supportBundle',
  'sync.enrol',
  'sync.unenrol',
  'catalog.addProduct',
  'catalog.updateProduct',
  'catalog.deactivate',
  'catalog.reactivate',
  'catalog.addCategory',
  'catalog.renameCategory',
  'catalog.reorderCategories',
  'members.anonymise',
  'stock.receive',
  'stock.count',
  'stock.setLowStock',
  'sale.oversellApproved',
  'shift.handover',
  'promotions.save',
  'promotions.end',
  'promotions.setMemberPrice',
  'gateway.setRoutes',
  'gateway.setProvider',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * Detail fields that hold money, in minor units of the store's currency (a shift's float, a cash movement, a
 * count, a Z's totals, a reconciled amount): the audit view shows them as money, never as bare fen.
 */
export const AUDIT_MONEY_FIELDS: ReadonlySet<string> = new Set([
  'amount',
  'float',
  'expected',
  'counted',
  'overShort',
  'cashIn',
  'cashOut',
  'net',
  'refunds',
  'statementAmount',
  'localAmount',
  'price',
  'priceFrom',
  'priceTo',
]);

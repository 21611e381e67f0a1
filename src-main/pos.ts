import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { version as packageVersion } from '../package.json';
import { calls, type coreCalls } from '../src-common/contract';
import { PosError } from '../src-common/errors';
import { openDatabase } from '../db/open';
import { systemClock, type Clock } from './clock';
import type { Config } from './config';
import { createDispatcher, type Dispatcher, type HandlerMap } from './dispatch';
import { createEventBus, type EventBus } from './events';
import { openFileLogger, type FileLogger, type Logger } from './log';
import { createAuditService } from './services/audit';
import { parseEReceipt, verifyEReceipt } from './services/kiosk-receipt';
import { createAuthService } from './services/auth';
import { applyPendingRestore } from './services/backup';
import type { PosContext } from './areas/context';
import { createAdminArea } from './areas/admin';
import { createDevicesArea } from './areas/devices';
import { createHistoryArea } from './areas/history';
import { createKioskArea } from './areas/kiosk';
import { createOwnerArea } from './areas/owner';
import { createCatalogService } from './services/catalog';
import { renderReceiptSvg } from '../drivers/receipt/preview';
import { renderReceiptText } from '../src-common/receipt-text';
import { createShouqianbaAdapter } from './acquirer/shouqianba';
import { SANDBOX_ACTIVATION_CODE, SANDBOX_APP_ID, SANDBOX_VENDOR_KEY, SANDBOX_VENDOR_SN, startSandboxAcquirer, type SandboxAcquirer } from './acquirer/sandbox/server';
import { openKeyring } from './keyring';
import { createCredentialsProvider } from './services/enrolment';
import { createPaymentsService } from './services/payments';
import { createStatementsService } from './services/statements';
import { createDeviceManager } from '../drivers/devices/manager';
import { connectDevices } from './services/devices';
import { createDeviceConfigStore } from './services/device-config';
import { createSqlitePrintJobStore } from './services/device-print-jobs';
import { createRefundsService, refundTimingsFor } from './services/refunds';
import { createSalesService } from './services/sales';
import { createSettingsService } from './services/settings';
import { startTerminal } from './services/terminal';
import { catalogIndexFromWorker } from './worker/catalog-index';
import { findSqlWorkerFile, startSqlWorker, type SqlWorkerClient } from './worker/client';

export interface PosOptions {
  readonly dataDir: string;
  readonly config: Config;
  readonly clock?: Clock;
  readonly appVersion?: string;
  /** better-sqlite3 addon for a non-Node ABI (Electron). */
  readonly nativeBinding?: string;
  /** The built SQL worker (found beside the build, or in out/main: see findSqlWorkerFile). */
  readonly sqlWorkerFile?: string;
  /** Registers the SQL worker's test-only operations (a slow one, a crash). */
  readonly sqlWorkerTestOperations?: boolean;
}

export interface Pos extends Dispatcher {
  readonly events: EventBus;
  readonly log: Logger;
  readonly dataDir: string;
  readonly databasePath: string;
  readonly logFile: string;
  /** The SQL worker: maintenance operations off the core's event loop. */
  readonly maintenance: SqlWorkerClient;
  close(): Promise<void>;
}

export const DATABASE_FILE = 'pos.sqlite';
/** 80 mm paper: 48 columns of half-width characters. */
const RECEIPT_COLUMNS = 48;

/**
 * The composition root: opens the database and the log, builds the services and the handler map.
 * Both transports (Electron IPC, the headless host) serve the object this returns.
 */
export async function createPos(options: PosOptions): Promise<Pos> {
  const { dataDir, config } = options;
  const clock = options.clock ?? systemClock;
  const appVersion = options.appVersion ?? packageVersion;
  await mkdir(dataDir, { recursive: true, mode: 0o700 });

  const fileLogger: FileLogger = await openFileLogger({ dataDir, ...config.log });
  const log = fileLogger.logger;
  const databasePath = join(dataDir, DATABASE_FILE);
  let sqlWorkerFile: string;
  try {
    sqlWorkerFile = options.sqlWorkerFile ?? (await findSqlWorkerFile());
  } catch (error) {
    log.fatal({ err: error }, 'the SQL worker is not built');
    await fileLogger.close();
    throw error;
  }
  let db: Database;
  try {
    // A restore staged by the technician console replaces the database before it opens.
    applyPendingRestore({ dataDir, databasePath, clock, log, ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}) });
    db = openDatabase(databasePath, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  } catch (error) {
    log.fatal({ err: error, databasePath }, 'database could not be opened');
    await fileLogger.close();
    throw error;
  }

  const events = createEventBus((error) => log.error({ err: error }, 'event listener failed'));
  // Started once the database is migrated: its own connection never migrates.
  const sqlWorker = startSqlWorker({
    file: sqlWorkerFile,
    data: { databasePath, ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}), testOperations: options.sqlWorkerTestOperations ?? false },
    events,
    log: log.child({ module: 'sql-worker' }),
  });
  const audit = createAuditService({ db, clock });
  const settings = createSettingsService({ db, config, clock, events, log, audit });
  // The search index is built in the SQL worker: the start does not wait for it ('catalog.search' does).
  const catalog = createCatalogService({ db, clock, log, indexBuilder: (indexOptions) => catalogIndexFromWorker(sqlWorker, indexOptions) });
  const terminal = startTerminal({ db, clock, config, appVersion, settings, catalog });
  const auth = createAuthService({ db, clock, log });
  await auth.ensureDefaultUsers();
  if (config.demoCatalog) {
    const loaded = catalog.loadDemoIfEmpty();
    if (loaded > 0) log.info({ products: loaded }, 'demo catalog loaded');
  }
  const sales = createSalesService({
    db,
    clock,
    log,
    events,
    catalog,
    auth,
    settings,
    terminalId: terminal.status().terminalId,
    weighedLayout: config.scaleLabel,
  });

  // The acquirer: the sandbox runs inside the terminal unless an address is configured.
  let sandbox: SandboxAcquirer | null = null;
  const acquirerConfig = config.acquirer;
  let baseUrl = acquirerConfig.baseUrl;
  if (!baseUrl) {
    sandbox = await startSandboxAcquirer({
      dbPath: join(dataDir, 'sandbox-acquirer.sqlite'),
      port: 0,
      log: log.child({ module: 'sandbox-acquirer' }),
      clock,
      speed: { scale: acquirerConfig.sandboxSpeed },
    });
    baseUrl = sandbox.url;
  }
  const embeddedSandbox = sandbox !== null;
  const acquirer = createShouqianbaAdapter({
    baseUrl,
    vendorSn: acquirerConfig.vendorSn ?? SANDBOX_VENDOR_SN,
    vendorKey: acquirerConfig.vendorKey ?? SANDBOX_VENDOR_KEY,
    appId: acquirerConfig.appId ?? SANDBOX_APP_ID,
    timeouts: acquirerConfig.timeouts,
    log: log.child({ module: 'acquirer' }),
    clock,
    requireReplySignature: true,
  });
  const terminalId = terminal.status().terminalId;
  const credentials = createCredentialsProvider({
    db,
    clock,
    log,
    keyring: openKeyring(dataDir),
    acquirer,
    // The embedded sandbox gets a new port each start but keeps its ledger: same acquirer, same enrolment.
    endpointId: embeddedSandbox ? 'embedded-sandbox' : baseUrl,
    activationCode: acquirerConfig.activationCode ?? (acquirerConfig.mode === 'sandbox' ? SANDBOX_ACTIVATION_CODE : null),
    deviceId: terminalId,
    name: config.storeName,
  });
  const payments = createPaymentsService({
    db,
    clock,
    log,
    events,
    sales,
    acquirer,
    credentials,
    timings: acquirerConfig.timings,
    qrDeadlineMs: acquirerConfig.qrDeadlineMs,
    subject: config.storeName,
  });
  sales.setLockCheck(payments.lockReason);
  payments.recover();
  const refunds = createRefundsService({
    db,
    clock,
    log: log.child({ module: 'refunds' }),
    events,
    acquirer,
    credentials,
    auth,
    settings,
    terminalId,
    timings: refundTimingsFor(acquirerConfig.timings),
  });
  refunds.recover();

  const statements = createStatementsService({
    db,
    clock,
    log: log.child({ module: 'statements' }),
    acquirer,
    credentials,
    retry: { firstMs: acquirerConfig.timings.cancelRetryMs, maxMs: 10 * 60_000 },
  });
  statements.recover();

  // Device configuration lives in SQLite; config.json's list only seeds a terminal that never had one.
  const deviceConfigs = createDeviceConfigStore({ db, clock, log: log.child({ module: 'devices' }), audit });
  deviceConfigs.seedIfNeverConfigured(config.devices);
  const devices = createDeviceManager(deviceConfigs.list(), { log: log.child({ module: 'devices' }), printJobs: createSqlitePrintJobStore({ db, clock }) });
  const disconnectDevices = connectDevices({ manager: devices, events, sales, settings, log: log.child({ module: 'devices' }) });

  const ctx: PosContext = {
    dataDir,
    databasePath,
    logFile: fileLogger.file,
    appVersion,
    terminalId,
    config,
    db,
    clock,
    log,
    events,
    audit,
    settings,
    terminal,
    catalog,
    auth,
    sales,
    acquirer,
    embeddedSandbox,
    acquirerBaseUrl: baseUrl,
    credentials,
    payments,
    refunds,
    statements,
    devices,
    sqlWorker,
  };
  const areas = [createDevicesArea(ctx), createAdminArea(ctx), createOwnerArea(ctx), createHistoryArea(ctx), createKioskArea(ctx)] as const;
  const [devicesArea, adminArea, ownerArea, historyArea, kioskArea] = areas;

  const coreHandlers = {
    'terminal.status': () => terminal.status(),
    'settings.get': () => settings.get(),
    'settings.setLanguage': ({ language }) => settings.setLanguage(language),

    'auth.users': () => auth.users(),
    'auth.signIn': ({ userId, pin }, session) => auth.signIn(userId, pin, session),
    'auth.signOut': (_input, session) => {
      auth.signOut(session);
      return null;
    },
    'auth.me': (_input, session) => auth.me(session),

    'catalog.search': async ({ query, limit }) => {
      await catalog.whenIndexed();
      return catalog.search(query, limit);
    },
    'catalog.importCsv': async ({ csv }) => {
      const rates = settings.get().taxRates;
      // In the SQL worker, in short transactions; an empty list of rates means the technician has not set
      // the shop's rates: any rate is accepted.
      const result = await sqlWorker.run(
        'catalog.import',
        { csv, now: clock.now().toISOString(), mode: 'upsert', ...(rates.length ? { allowedTaxRatesBp: rates.map((r) => r.rateBp) } : {}) },
        { label: 'catalog.import' },
      );
      if (result.inserted + result.updated > 0) await catalog.refreshIndex();
      log.info({ inserted: result.inserted, updated: result.updated, unchanged: result.unchanged, skipped: result.skipped.length }, 'catalog CSV imported');
      return result;
    },
    'catalog.exportCsv': () => sqlWorker.run('catalog.export', {}, { label: 'catalog.export' }),

    'sale.current': () => sales.current(),
    'sale.scan': ({ code }, session) => sales.scan(code, session),
    'sale.addProduct': ({ productId, quantityMilli }, session) => sales.addProduct(productId, quantityMilli, session),
    'sale.setQuantity': ({ lineId, quantityMilli }, session) => sales.setQuantity(lineId, quantityMilli, session),
    'sale.removeLine': ({ lineId }, session) => sales.removeLine(lineId, session),
    'sale.setLineDiscount': ({ lineId, discount, approval }, session) => sales.setLineDiscount(lineId, discount, approval, session),
    'sale.setOrderDiscount': ({ discount, approval }, session) => sales.setOrderDiscount(discount, approval, session),
    'sale.beginPayment': () => {
      const cart = sales.current();
      if (cart && cart.lines.length) events.emit('sale.paying', { saleId: cart.saleId, total: cart.cashRounding ? cart.cashDue : cart.total });
      return null;
    },
    'sale.suspend': (_input, session) => {
      sales.suspend(session);
      return null;
    },
    'sale.listSuspended': () => sales.listSuspended(),
    'sale.resume': ({ saleId }, session) => sales.resume(saleId, session),
    'sale.void': ({ reason }, session) => {
      sales.voidSale(reason, session);
      return null;
    },
    'sale.complete': ({ tenders }, session) => sales.complete(tenders, session),
    'payment.payByCode': ({ code }, session) => payments.payByCode(code, session),
    'payment.payByQr': ({ wallet }, session) => payments.payByQr(wallet, session),
    'payment.cancel': ({ paymentId }, session) => payments.cancel(paymentId, session),
    'payment.current': () => {
      const open = sales.current();
      return open ? payments.forOpenSale(open.saleId) : null;
    },
    'payment.status': () => payments.status(),
    'devices.status': () => devices.statuses(),
    'statement.download': ({ date }) => statements.download(date),
    'statement.get': ({ date }) => statements.get(date),
    'display.current': () => {
      const cart = sales.current();
      const payment = cart ? payments.forOpenSale(cart.saleId) : null;
      return { cart, payment: payment && payment.qrCode ? payment : null };
    },
    'refund.refundable': ({ saleId }) => refunds.refundable(saleId),
    'refund.request': (input, session) => refunds.request(input, session),
    'refund.voidSale': (input, session) => refunds.voidSale(input, session),
    'refund.retry': ({ refundId }, session) => refunds.retry(refundId, session),
    'refund.get': ({ refundId }) => refunds.get(refundId),
    'refund.forSale': ({ saleId }) => refunds.forSale(saleId),
    'refund.receipt': ({ refundId }) => {
      const receipt = refunds.receipt(refundId);
      return { receipt, text: renderReceiptText(receipt, { columns: RECEIPT_COLUMNS }), svg: renderReceiptSvg(receipt, { columns: RECEIPT_COLUMNS }) };
    },
    'sale.findByReceipt': ({ receiptNumber }) => {
      // A customer's kiosk e-receipt (its QR scanned at the counter) names the sale and proves it is genuine.
      const eReceipt = parseEReceipt(receiptNumber);
      if (!eReceipt) return sales.findByReceiptNumber(receiptNumber);
      const sale = sales.findByReceiptNumber(eReceipt.receiptNumber);
      if (!verifyEReceipt(receiptNumber, sale)) throw new PosError('validation_failed', 'This e-receipt does not match the sale it names', { reason: 'e_receipt_mismatch' });
      return sale;
    },
    'sale.reprint': ({ saleId }) => {
      const receipt = sales.receipt(saleId);
      if (!devices.statuses().some((d) => d.role === 'printer')) throw new PosError('unavailable', 'No receipt printer is configured', { reason: 'no_printer' });
      // Queued: it prints when the printer is ready (paper in, cover closed); a failure is logged, never thrown at the cashier.
      devices.printReceipt(receipt).catch((error: unknown) => log.warn({ err: error, saleId }, 'reprint not printed'));
      return { queued: true as const };
    },
    'sale.receipt': ({ saleId }) => {
      const receipt = sales.receipt(saleId);
      return { receipt, text: renderReceiptText(receipt, { columns: RECEIPT_COLUMNS }), svg: renderReceiptSvg(receipt, { columns: RECEIPT_COLUMNS }) };
    },
  } satisfies HandlerMap<typeof coreCalls>;
  const handlers = {
    ...coreHandlers,
    ...devicesArea.handlers,
    ...adminArea.handlers,
    ...ownerArea.handlers,
    ...historyArea.handlers,
    ...kioskArea.handlers,
  } satisfies HandlerMap<typeof calls>;

  const dispatcher = createDispatcher(calls, handlers, log, { currentCaller: (caller) => auth.currentCaller(caller) });
  log.info({ dataDir, appVersion, terminalId: terminal.status().terminalId }, 'terminal started');

  let closed = false;
  return {
    ...dispatcher,
    events,
    log,
    dataDir,
    databasePath,
    logFile: fileLogger.file,
    maintenance: sqlWorker,
    async close() {
      if (closed) return;
      closed = true;
      log.info('terminal stopping');
      for (const area of [...areas].reverse()) await area.close?.();
      disconnectDevices();
      await devices.close();
      payments.stop();
      statements.stop();
      refunds.stop();
      await sandbox?.close();
      await sqlWorker.stop();
      db.close();
      await fileLogger.close();
    },
  };
}

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { version as packageVersion } from '../package.json';
import { calls, type coreCalls, type EventPayload } from '../src-common/contract';
import type { scanCalls } from '../src-common/calls/scan';
import { PosError } from '../src-common/errors';
import { mergeDisjoint } from '../src-common/merge-disjoint';
import { businessDatesDue } from '../db/business-date-recompute';
import { openDatabase } from '../db/open';
import { openDurabilityBarrier } from '../db/durability';
import { createWriteBuffer, createWriteGate, gateWrites } from '../db/write-gate';
import { businessDayRuleOf } from '../src-common/business-day';
import { systemClock, type Clock } from './clock';
import type { Config } from './config';
import { createDispatcher, type Dispatcher, type HandlerMap } from './dispatch';
import { createEventBus, type EventBus } from './events';
import { createDomainEventBus, type DomainEventBus } from './domain-events';
import { surfaceOfCaller } from '../src-common/surface';
import { connectUiBridge } from './services/ui-bridge';
import { createScreenRegistry, type ScreenRegistry } from './services/screens';
import { createScanRouter } from './services/scan-router';
import { openFileLogger, type FileLogger, type Logger } from './log';
import { createAuditService } from './services/audit';
import { tokenOfEReceiptUrl } from '../src-common/e-receipt';
import { parseEReceipt, verifyEReceipt } from './services/kiosk-receipt';
import { createAuthService } from './services/auth';
import { applyPendingRestore, removeUnfinishedBackups } from './services/backup';
import type { CoreServices } from './areas/context';
import { createAdminArea } from './areas/admin';
import { createDevicesArea } from './areas/devices';
import { createHistoryArea } from './areas/history';
import { createKioskArea } from './areas/kiosk';
import { createOwnerArea } from './areas/owner';
import { createUploadsArea } from './areas/uploads';
import { createSyncArea, guardServerOwned } from './areas/sync';
import { createCatalogArea } from './areas/catalog';
import { createStockArea } from './areas/stock';
import { approvingOversell, createSaleGuards } from './services/sale-guards';
import { createScaleArea } from './areas/scale';
import { createGatewayArea } from './areas/gateway';
import { aggregatorProvider, createPaymentGateway, routedByOrder } from './acquirer/gateway';
import { directProviders } from './acquirer/direct-providers';
import { createPaymentRoutesService } from './services/payment-routes';
import { PROVIDERS } from '../src-common/payment-provider';
import { numberEarlierMembers } from './sync/member-facts';
import { createSyncService } from './sync/service';
import { historyPending } from './sync/backfill';
import { createUploadsService } from './services/uploads';
import { createCatalogService } from './services/catalog';
import { renderReceiptText } from '../src-common/receipt-text';
import type { ReceiptDocument } from '../src-common/receipt';
import { createShouqianbaAdapter } from './acquirer/shouqianba';
import { awaitingDurability } from './acquirer/durable-port';
// The sandbox acquirer runs in its own thread (its own built entry), never in the core's import graph.
import { afterReady, startEmbeddedSandbox, type EmbeddedSandbox } from './acquirer/sandbox/embedded';
// The direct providers' built-in sandboxes run in threads of their own too, started only when chosen.
import { createDirectSandboxes } from './acquirer/direct-sandbox/embedded';
import { SANDBOX_ACTIVATION_CODE, SANDBOX_APP_ID, SANDBOX_VENDOR_KEY, SANDBOX_VENDOR_SN } from './acquirer/sandbox-identity';
import { openKeyring } from './keyring';
import { createEnrolmentService, withKeyRecovery } from './services/enrolment';
import { startJobRetention } from './jobs/retention';
import { createJobRunner } from './jobs/runner';
import { createPaymentsService } from './services/payments';
import { createStatementsService, statementSourceOf } from './services/statements';
import { createDeviceManager } from '../drivers/devices/manager';
import { connectDevices } from './services/devices';
import { createDeviceConfigStore } from './services/device-config';
import { createPrintJobQueue } from './services/print-jobs';
import { createRefundsService, refundTimingsFor } from './services/refunds';
import { createSalesService } from './services/sales';
import { createMembersService } from './services/members';
import { createMembersArea } from './areas/members';
import { amountToPay } from '../src-common/member-points';
import { createPromotionsService } from './services/promotions';
import { promotionsHandlers } from './areas/promotions';
import { createSettingsService } from './services/settings';
import { startTerminal } from './services/terminal';
import { startLoopMonitor } from './loop-monitor';
import { CORE_HELPER_NICENESS, CORE_NICENESS, raiseProcessThreads, raiseThisThreadPriority, thisThreadPriority } from './thread-priority';
import { assertDiskRoom } from './disk-space';
import { createSerialQueue } from './serial-queue';
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
  /** The built embedded sandbox acquirer's thread (found like the SQL worker when not given). */
  readonly sandboxThreadFile?: string;
  /** The built thread of the direct providers' built-in sandboxes (found like the SQL worker when not given). */
  readonly directSandboxThreadFile?: string;
  /** Registers the SQL worker's test-only operations (a slow one, a crash). */
  readonly sqlWorkerTestOperations?: boolean;
  /**
   * Raises the calling thread, the core's, above the till's other threads where the system allows it
   * (./thread-priority.ts): 'thread' (the Electron shell) that thread only, 'process' (the Node host) the runtime's
   * threads with it. A test running the core inside its own worker does not.
   */
  readonly raiseCorePriority?: 'thread' | 'process';
}

export interface Pos extends Dispatcher {
  readonly events: EventBus;
  /** Transports register each connection here, so the core knows which screens are open. */
  readonly screens: Pick<ScreenRegistry, 'connect'>;
  readonly log: Logger;
  readonly dataDir: string;
  readonly databasePath: string;
  readonly logFile: string;
  /** The SQL worker: maintenance operations off the core's event loop. */
  readonly maintenance: SqlWorkerClient;
  close(): Promise<void>;
}

export const DATABASE_FILE = 'pos.sqlite';
/** The worker threads start this long after the core (searches and maintenance calls made sooner wait for them). */
const WORKER_START_DELAY_MS = 500;

/**
 * The payments engine reports to the screens; each payment change is also a core fact (the customer display
 * follows it), published on the domain bus as it goes out.
 */
function withPaymentFacts(events: EventBus, bus: DomainEventBus): EventBus {
  return {
    emit(name, payload, audience) {
      events.emit(name, payload, audience);
      if (name === 'payment.changed') bus.publish('payment.changed', payload as EventPayload<'payment.changed'>);
    },
    subscribe: (listener) => events.subscribe(listener),
  };
}
/** 80 mm paper: 48 columns of half-width characters. */
const RECEIPT_COLUMNS = 48;

/** Before the core starts its workers: they inherit its value and set their own from it. */
function raiseCorePriority(which: 'thread' | 'process', log: Logger): void {
  const helpers = which === 'process' ? raiseProcessThreads(CORE_HELPER_NICENESS) : 0;
  const nice = raiseThisThreadPriority(CORE_NICENESS);
  if (nice === null) return;
  if (nice <= CORE_NICENESS) log.info({ nice, helpers }, "the core's thread runs above the till's other threads");
  else log.info({ nice, wanted: CORE_NICENESS }, "the core's thread could not be raised (allow it with CAP_SYS_NICE or the service's LimitNICE=-8): a busy till may keep a scan waiting for a CPU");
}

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
  if (options.raiseCorePriority) raiseCorePriority(options.raiseCorePriority, log);
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
  const writeGate = createWriteGate('core', createWriteBuffer());
  try {
    // A restore staged by the technician console replaces the database before it opens.
    applyPendingRestore({ dataDir, databasePath, clock, log, ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}) });
    const unfinished = removeUnfinishedBackups(dataDir);
    if (unfinished.length) log.warn({ files: unfinished }, 'removed backups a stopped terminal never finished');
    // The SQL worker writes beside the core (a catalog import): the core's transactions take the write lock first;
    // checkpoints are the worker's (src-main/worker/sql-worker.ts).
    db = openDatabase(databasePath, { immediateTransactions: true, noAutoCheckpoint: true, asyncDurability: true, ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}) });
    // Writes beside the worker's take turns through a gate rather than SQLite's sleeping busy handler.
    gateWrites(db, writeGate);
  } catch (error) {
    log.fatal({ err: error, databasePath }, 'database could not be opened');
    await fileLogger.close();
    throw error;
  }

  // Commits are flushed to disk off the event loop; answers, acquirer requests and jobs wait for the flush.
  const barrier = await openDurabilityBarrier(db, { onError: (error) => log.error({ err: error }, 'the database could not be flushed to disk') });
  const loop = startLoopMonitor();
  const events = createEventBus((error) => log.error({ err: error }, 'event listener failed'));
  const bus = createDomainEventBus((error, name) => log.error({ err: error, event: name }, 'domain event handler failed'));
  const disconnectUi = connectUiBridge(bus, events);
  const screens = createScreenRegistry();
  // Started once the database is migrated: its own connection never migrates.
  const sqlWorker = startSqlWorker({
    file: sqlWorkerFile,
    data: {
      databasePath,
      ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
      testOperations: options.sqlWorkerTestOperations ?? false,
      walBoundBytes: config.storage.walBoundMegabytes * 1024 * 1024,
      writeGate: writeGate.buffer,
      checkpoints: true,
      // Its integrity checks, backups and imports take a CPU each; a scan or a payment timer must not queue behind them.
      niceness: 10,
      schedIdle: true,
    },
    events,
    log: log.child({ module: 'sql-worker' }),
    // After the terminal is ready: on a low-end CPU its loading would compete with the start's own work.
    startAfterMs: WORKER_START_DELAY_MS,
  });
  const audit = createAuditService({ db, clock });
  const settings = createSettingsService({ db, config, clock, events, log, audit });
  // Migration 0013's one-time step: stored business dates recomputed under the terminal's day rule, in the SQL
  // worker's short batches beside the terminal's work (the start does not wait for it; a close leaves it due).
  const recomputeRule = businessDayRuleOf(settings.get());
  if (businessDatesDue(db)) {
    sqlWorker.run('businessDates.recompute', { rule: recomputeRule, now: clock.now().toISOString() }).then(
      (recomputed) => recomputed && log.info({ ...recomputed, rule: recomputeRule }, 'business dates recomputed under the business-day rule'),
      (error: unknown) => log.error({ err: error }, 'business date recompute failed; it runs again at the next start'),
    );
  }
  // The search worker's thread states and progress are not the maintenance worker's: the screens are not told.
  const unheardEvents: EventBus = { emit: () => {}, subscribe: () => () => {} };
  // The catalog search index lives in a second worker thread of its own (a search never waits behind a
  // maintenance statement, and the core's heap never carries the catalog); the start does not wait for it. Receipts'
  // previews are drawn there too: quick, and not on the core's loop.
  const searchWorker = startSqlWorker({
    file: sqlWorkerFile,
    // Below the core's priority too (an index rebuild takes seconds of CPU), and not above the maintenance worker's: at 5
    // its rebuild after an import starved the maintenance thread while that held the write gate, and a scan's write
    // waited 0.2–0.4 s for it (the stress test's longestAsyncWaitMs; 8 ms with both at 10). So the same class too.
    data: { databasePath, ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}), testOperations: false, niceness: 10, schedIdle: true },
    events: unheardEvents,
    log: log.child({ module: 'search-worker' }),
    startAfterMs: WORKER_START_DELAY_MS,
  });
  const catalog = createCatalogService({
    db,
    clock,
    log,
    searcher: {
      rebuild: async () => (await searchWorker.run('catalog.searchLoad', {})).products,
      search: async (query, limit) => (await searchWorker.run('catalog.searchQuery', { query, limit })).products,
    },
  });
  // A receipt on screen: the lines the printer gets, and their picture drawn in the search worker (./worker/operations.ts).
  const receiptPreview = async (receipt: ReceiptDocument) => ({
    receipt,
    text: renderReceiptText(receipt, { columns: RECEIPT_COLUMNS }),
    svg: (await searchWorker.run('receipt.svg', { receipt, columns: RECEIPT_COLUMNS })).svg,
  });
  const terminal = startTerminal({ db, clock, config, appVersion, settings, catalog });
  const auth = createAuthService({ db, clock, log });
  await auth.ensureDefaultUsers();
  if (config.demoCatalog) {
    const loaded = catalog.loadDemoIfEmpty();
    if (loaded > 0) log.info({ products: loaded }, 'demo catalog loaded');
  }
  const members = createMembersService({ db, clock, audit, settings, terminalId: terminal.status().terminalId });
  const promotions = createPromotionsService({ db, clock, audit, settings, catalog });
  const sales = createSalesService({
    promotions,
    db,
    clock,
    log,
    bus,
    catalog,
    auth,
    settings,
    terminalId: terminal.status().terminalId,
    weighedLayout: config.scaleLabel,
    members,
    guards: createSaleGuards({ db, terminalId: terminal.status().terminalId, settings }),
  });

  // The acquirer: the sandbox runs inside the terminal unless an address is configured.
  let sandbox: EmbeddedSandbox | null = null;
  const acquirerConfig = config.acquirer;
  let baseUrl = acquirerConfig.baseUrl;
  if (!baseUrl) {
    // In a thread of its own: its HTTP, signatures and ledger never take the core's loop. Not waited for here:
    // every request to it awaits its start (afterReady below), so the terminal is ready the sooner.
    sandbox = await startEmbeddedSandbox({
      dbPath: join(dataDir, 'sandbox-acquirer.sqlite'),
      log: log.child({ module: 'sandbox-acquirer' }),
      logLevel: config.log.level,
      scale: acquirerConfig.sandboxSpeed,
      ...(options.sandboxThreadFile ? { file: options.sandboxThreadFile } : {}),
      ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
    });
    baseUrl = sandbox.url;
  }
  const embeddedSandbox = sandbox !== null;
  const sandboxMode = acquirerConfig.mode === 'sandbox';
  const adapterOptions = {
    baseUrl,
    timeouts: acquirerConfig.timeouts,
    log: log.child({ module: 'acquirer' }),
    clock,
  };
  // Live mode knows nothing of the sandbox: the vendor's identity is typed on the enrolment screen, for that one request.
  const sandboxIdentity = { vendorSn: SANDBOX_VENDOR_SN, vendorKey: SANDBOX_VENDOR_KEY, appId: SANDBOX_APP_ID, activationCode: SANDBOX_ACTIVATION_CODE };
  // Every request waits until what was committed before it is on disk (db/durability.ts).
  const whenAcquirerReady = sandbox ? sandbox.whenReady : async () => {};
  const rawAcquirer = afterReady(
    awaitingDurability(
      createShouqianbaAdapter({ ...adapterOptions, ...(sandboxMode ? sandboxIdentity : { vendorSn: '', vendorKey: '', appId: '' }) }),
      barrier.durable,
    ),
    whenAcquirerReady,
  );
  const terminalId = terminal.status().terminalId;
  // One durable runner for every kind of background job; each service registers its kinds.
  const jobs = createJobRunner({ db, clock, log: log.child({ module: 'jobs' }), writeTurn: () => writeGate.whenFree() });
  const jobRetention = startJobRetention({ db, clock, log: log.child({ module: 'jobs' }) });
  const enrolment = createEnrolmentService({
    db,
    clock,
    log: log.child({ module: 'enrolment' }),
    keyring: openKeyring(dataDir),
    audit,
    jobs,
    acquirer: rawAcquirer,
    activator: async (vendor, input) => {
      await whenAcquirerReady();
      return createShouqianbaAdapter({ ...adapterOptions, ...vendor }).activate(input);
    },
    mode: acquirerConfig.mode,
    // The embedded sandbox gets a new port each start but keeps its ledger: same acquirer, same enrolment.
    endpointId: embeddedSandbox ? 'embedded-sandbox' : baseUrl,
    deviceId: terminalId,
    terminalName: () => settings.get().storeName,
    ...(sandboxMode ? { sandboxIdentity } : {}),
  });
  const acquirer = withKeyRecovery(rawAcquirer, enrolment);
  const credentials = enrolment.credentials;
  // Payment providers (issue 18): the aggregator, and the direct ones the technician set up, routed per wallet.
  // Sandbox mode: each direct provider may run on its built-in sandbox, chosen by the technician; one chosen before
  // comes back now, on a new port, with its ledger (its requests wait for its thread: not waited for here).
  const directSandboxes = createDirectSandboxes({
    dataDir,
    keyring: openKeyring(dataDir),
    log,
    logLevel: config.log.level,
    scale: acquirerConfig.sandboxSpeed,
    ...(options.directSandboxThreadFile ? { file: options.directSandboxThreadFile } : {}),
    ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
  });
  const paymentRoutes = createPaymentRoutesService({ db, clock, keyring: openKeyring(dataDir), audit, currency: () => settings.get().currency, builtIn: { available: sandboxMode, sandboxes: directSandboxes } });
  if (sandboxMode) {
    for (const { provider } of paymentRoutes.status().providers.filter((p) => p.builtInSandbox)) {
      if (provider === 'aggregator') continue;
      await directSandboxes.resume(provider).catch((error: unknown) => log.error({ err: error, provider }, 'the built-in sandbox could not be started'));
    }
  }
  // config.json's acquirer.directSandboxes: set up beside the start (the first time makes keys), not waited for.
  const settingUpSandboxes = paymentRoutes.setUpBuiltInSandboxes(acquirerConfig.directSandboxes).then(
    () => acquirerConfig.directSandboxes.length && log.info({ providers: acquirerConfig.directSandboxes }, 'built-in sandboxes of config.json set up'),
    (error: unknown) => log.error({ err: error }, 'the built-in sandboxes of config.json could not be set up'),
  );
  const settingsDirect = directProviders({
    wechatV2: paymentRoutes.wechatV2,
    alipay: paymentRoutes.alipay,
    wechatV3: paymentRoutes.wechatV3,
    timeouts: acquirerConfig.timeouts,
    currency: () => settings.get().currency,
    log: log.child({ module: 'wechat-v2' }),
    clock,
    durable: barrier.durable,
  });
  // A built-in sandbox's provider waits for its thread, as the aggregator's embedded sandbox does.
  const gatewayDirect: typeof settingsDirect = (id) => {
    const provider = settingsDirect(id);
    const ready = provider && directSandboxes.whenReady(id);
    if (!provider || !ready) return provider;
    return {
      ...provider,
      connect: async () => {
        await ready();
        return provider.connect();
      },
    };
  };
  const gateway = createPaymentGateway({
    db,
    aggregator: aggregatorProvider(acquirer, credentials),
    direct: gatewayDirect,
  });
  const payments = createPaymentsService({
    db,
    clock,
    log,
    events: withPaymentFacts(events, bus),
    jobs,
    sales,
    acquirer,
    credentials,
    gateway,
    timings: acquirerConfig.timings,
    qrDeadlineMs: acquirerConfig.qrDeadlineMs,
    subject: config.storeName,
    assertDiskRoom: () => assertDiskRoom(dataDir, config.storage.minFreeMegabytes * 1024 * 1024),
    warmUpAfterMs: WORKER_START_DELAY_MS,
  });
  payments.recover();
  const refunds = createRefundsService({
    db,
    clock,
    log: log.child({ module: 'refunds' }),
    events,
    // A refund goes to the provider of its payment.
    acquirer: routedByOrder(db, acquirer, gateway),
    credentials,
    auth,
    settings,
    terminalId,
    timings: refundTimingsFor(acquirerConfig.timings),
    jobs,
  });
  refunds.recover();

  const statements = createStatementsService({
    db,
    clock,
    log: log.child({ module: 'statements' }),
    // Each order is asked of the provider that took it; direct providers' statements join the aggregator's.
    acquirer: routedByOrder(db, acquirer, gateway),
    credentials,
    directProviders: () => PROVIDERS.filter((id) => id !== 'aggregator').flatMap((id) => {
      const provider = gatewayDirect(id);
      return provider ? [provider] : [];
    }),
    source: statementSourceOf(acquirerConfig.mode),
    retry: { firstMs: acquirerConfig.timings.cancelRetryMs, maxMs: 10 * 60_000 },
    jobs,
  });
  statements.recover();
  // Store sync (issue 14): facts up, the store's data down, on the same runner; registered before it starts.
  const sync = createSyncService({
    db,
    clock,
    log: log.child({ module: 'sync' }),
    events,
    jobs,
    keyring: openKeyring(dataDir),
    audit,
    terminalId,
    appVersion,
    terminalName: () => settings.get().storeName,
    onStoreDataApplied: (applied) => {
      if (applied.products || applied.deleted) void catalog.refreshIndex();
      if (applied.settings.length) settings.reload();
      if (applied.promotions || applied.products) promotions.reload();
    },
  });
  // Migration 0023's one-time step: the facts written before store sync get their (reserved) numbers in the SQL
  // worker, in short batches; the start does not wait, upload does. A close leaves it due for the next start.
  if (historyPending(db)) {
    const started = performance.now();
    sqlWorker.run('sync.numberHistory', { now: clock.now().toISOString(), ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}) }).then(
      ({ numbered }) => {
        log.info({ numbered, seconds: Number(((performance.now() - started) / 1000).toFixed(1)) }, 'facts written before store sync numbered');
        sync.historyNumbered();
      },
      (error: unknown) => log.error({ err: error }, 'numbering the facts written before store sync stopped; it goes on at the next start'),
    );
  }
  numberEarlierMembers(db);
  // A sale goes up as soon as it is committed, not at the next look for waiting facts.
  bus.on('sale.completed', () => sync.factWritten());
  enrolment.start();
  jobs.start();

  // Device configuration lives in SQLite; config.json's list only seeds a terminal that never had one.
  const deviceConfigs = createDeviceConfigStore({ db, clock, log: log.child({ module: 'devices' }), audit });
  deviceConfigs.seedIfNeverConfigured(config.devices);
  const devices = createDeviceManager(deviceConfigs.list(), {
    log: log.child({ module: 'devices' }),
    printQueue: createPrintJobQueue({ db, clock, log: log.child({ module: 'print-jobs' }), jobs, durable: barrier.durable }),
  });
  const disconnectDevices = connectDevices({ manager: devices, bus, sales, settings, log: log.child({ module: 'devices' }) });

  const services: CoreServices = {
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
    enrolment,
    payments,
    refunds,
    statements,
    devices,
    sqlWorker,
  };
  const uploads = await createUploadsService({ dataDir, clock });
  const oneImportAtATime = createSerialQueue();
  const oversellApproval = approvingOversell({ auth, audit });
  const areas = [
    createDevicesArea(services),
    createAdminArea(services),
    createOwnerArea(services, bus),
    createHistoryArea(services),
    createKioskArea(services, bus),
    createUploadsArea(uploads),
    createSyncArea(sync),
    createCatalogArea(services, uploads),
    createStockArea(services, sync),
    createScaleArea({ ...services, approveOversell: oversellApproval }),
    createGatewayArea({ routes: paymentRoutes, gateway }),
  ] as const;
  const [devicesArea, adminArea, ownerArea, historyArea, kioskArea, uploadsArea, syncArea, catalogArea, stockArea, scaleArea, gatewayArea] = areas;

  const router = createScanRouter({
    writeTurn: () => writeGate.whenFree(),
    bus,
    events,
    screens,
    till: {
      addItem: (code, session) => sales.scan(code, session),
      payByCode: (code, session, amount) => payments.payByCode(code, session, amount),
      attachMember: (qr, session) => {
        const member = members.find({ qr });
        if (!member) throw new PosError('not_found', 'No member has this QR', { reason: 'member_not_found' });
        return sales.setMember(member.memberId, session);
      },
    },
    kiosk: {
      addItem: (code, session) => kioskArea.kiosk.scan(code, session),
      payByCode: (code, session) => kioskArea.kiosk.payByCode(code, session),
      openSaleId: () => sales.current('kiosk')?.saleId ?? null,
    },
    // A scanner serves the surface it is set to; otherwise the kiosk while kiosk mode is on, the till when not.
    surfaceOfScanner: (deviceId) => {
      const config = devices.configs().find((c) => c.id === deviceId);
      const configured = config?.role === 'scanner' ? config.surface : undefined;
      return configured ?? (settings.get().kioskMode ? 'kiosk' : 'till');
    },
    clock,
    log: log.child({ module: 'scan-router' }),
  });

  const coreHandlers = {
    'terminal.status': () => terminal.status(),
    'terminal.eventLoop': ({ reset }) => {
      const snapshot = { ...loop.snapshot(), coreNice: thisThreadPriority(), writeWaits: writeGate.stats() };
      if (reset) {
        loop.reset();
        writeGate.resetStats();
      }
      return snapshot;
    },
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
    'catalog.importCsv': async (input, session) => {
      const rates = settings.get().taxRates;
      const source = 'csv' in input ? { csv: input.csv } : { csvFile: await uploads.take(input.uploadId, 'catalog-csv', session) };
      // In the SQL worker, in short transactions, one import at a time (each reads which products own which
      // barcodes as it starts); an empty list of rates means the technician has not set the shop's rates: any
      // rate is accepted.
      const result = await oneImportAtATime(() =>
        sqlWorker.run(
          'catalog.import',
          { ...source, now: clock.now().toISOString(), mode: 'upsert', ...(rates.length ? { allowedTaxRatesBp: rates.map((r) => r.rateBp) } : {}) },
          { label: 'catalog.import' },
        ),
      );
      if (result.inserted + result.updated > 0) await catalog.refreshIndex();
      log.info({ inserted: result.inserted, updated: result.updated, unchanged: result.unchanged, skipped: result.skipped.length }, 'catalog CSV imported');
      return result;
    },
    'catalog.exportCsv': () => sqlWorker.run('catalog.export', { dataDir, now: clock.now().toISOString() }, { label: 'catalog.export' }),

    'sale.current': (_input, session) => sales.current(surfaceOfCaller(session.caller)),
    'sale.scan': ({ code, approval }, session) => oversellApproval(approval, session, (approvedBy) => sales.scan(code, session, approvedBy)),
    'sale.addProduct': ({ productId, quantityMilli, approval }, session) =>
      oversellApproval(approval, session, (approvedBy) => sales.addProduct(productId, quantityMilli, session, approvedBy)),
    'sale.setQuantity': ({ lineId, quantityMilli, approval }, session) =>
      oversellApproval(approval, session, (approvedBy) => sales.setQuantity(lineId, quantityMilli, session, approvedBy)),
    'sale.removeLine': ({ lineId }, session) => sales.removeLine(lineId, session),
    'sale.setLineDiscount': ({ lineId, discount, approval }, session) => sales.setLineDiscount(lineId, discount, approval, session),
    'sale.setOrderDiscount': ({ discount, approval }, session) => sales.setOrderDiscount(discount, approval, session),
    'sale.beginPayment': (_input, session) => {
      const cart = sales.current('till');
      // What is still to pay: after the wallet parts paid so far (issue 18), cash-rounded when the till rounds cash.
      if (cart && cart.lines.length) bus.publish('sale.paying', { surface: 'till', saleId: cart.saleId, total: cart.cashRounding ? cart.cashDue : (cart.stillDue ?? amountToPay(cart)) });
      // This screen is at its pay step: a scanned payment code is the customer's.
      screens.report(session, { surface: 'till', step: 'paying' });
      return null;
    },
    'sale.suspend': (_input, session) => {
      sales.suspend(session);
      return null;
    },
    'sale.listSuspended': () => sales.listSuspended(),
    'sale.resume': ({ saleId }, session) => sales.resume(saleId, session),
    'sale.void': ({ reason, surface }, session) => {
      // Only an owner or a technician takes over the kiosk's order (one held for staff); a cashier voids the till's.
      if (surface === 'kiosk' && session.caller.role !== 'owner' && session.caller.role !== 'technician') {
        throw new PosError('forbidden', 'Only an owner or a technician can void the kiosk’s order', { reason: 'kiosk_order' });
      }
      sales.voidSale(reason, session, surface);
      return null;
    },
    'sale.complete': ({ tenders }, session) => sales.complete(tenders, session),
    'payment.payByCode': ({ code, amount }, session) => payments.payByCode(code, session, amount),
    'payment.payByQr': ({ wallet, amount }, session) => payments.payByQr(wallet, session, amount),
    'payment.reverseParts': (_input, session) => payments.reverseParts(session),
    'payment.cancel': ({ paymentId }, session) => payments.cancel(paymentId, session),
    'payment.current': () => {
      const open = sales.current('till');
      return open ? payments.forOpenSale(open.saleId) : null;
    },
    'payment.status': () => payments.status(),
    'devices.status': () => devices.statuses(),
    'statement.download': ({ date }) => statements.download(date),
    'statement.get': ({ date }) => statements.get(date),
    'display.current': () => {
      // The customer display follows the till (the kiosk has its own screen).
      const cart = sales.current('till');
      const payment = cart ? payments.forOpenSale(cart.saleId) : null;
      return { cart, payment: payment && payment.qrCode ? payment : null };
    },
    'refund.refundable': ({ saleId }) => refunds.refundable(saleId),
    'refund.request': (input, session) => refunds.request(input, session),
    'refund.voidSale': (input, session) => refunds.voidSale(input, session),
    'refund.retry': ({ refundId }, session) => refunds.retry(refundId, session),
    'refund.get': ({ refundId }) => refunds.get(refundId),
    'refund.forSale': ({ saleId }) => refunds.forSale(saleId),
    'refund.receipt': ({ refundId }) => receiptPreview(refunds.receipt(refundId)),
    'sale.findByReceipt': ({ receiptNumber }) => {
      // A receipt's e-receipt URL (its QR scanned at the counter) names the sale by its token.
      const token = tokenOfEReceiptUrl(receiptNumber);
      if (token) return sales.findByReceiptToken(token);
      // A kiosk return voucher printed before e-receipts (JZR1:…) names the sale and proves it is genuine.
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
    'sale.receipt': ({ saleId }) => receiptPreview(sales.receipt(saleId)),
  } satisfies HandlerMap<typeof coreCalls>;
  const scanHandlers = {
    'screen.report': (report, session) => {
      screens.report(session, report);
      return null;
    },
    'scan.submit': ({ code }, session) => router.route({ deviceId: 'wedge', data: code, symbology: 'unknown', from: session }),
    'scan.held': () => router.heldScans(),
    'scan.takeHeld': (request, session) => router.takeHeld(session, request),
  } satisfies HandlerMap<typeof scanCalls>;
  // A call name handled by two areas stops the start (mergeDisjoint) rather than one silently winning.
  const handlers = guardServerOwned(
    mergeDisjoint('handler', {
    core: coreHandlers,
    scan: scanHandlers,
    devices: devicesArea.handlers,
    admin: adminArea.handlers,
    owner: ownerArea.handlers,
    history: historyArea.handlers,
    kiosk: kioskArea.handlers,
    uploads: uploadsArea.handlers,
    sync: syncArea.handlers,
    catalog: catalogArea.handlers,
    members: createMembersArea({ members, sales }).handlers,
    stock: stockArea.handlers,
    scale: scaleArea.handlers,
    promotions: promotionsHandlers(promotions),
    gateway: gatewayArea.handlers,
  }) satisfies HandlerMap<typeof calls>,
    sync,
  );

  const dispatcher = createDispatcher(calls, handlers, log, {
    currentCaller: (caller) => auth.currentCaller(caller),
    beforeAnswer: barrier.durable,
    writeTurn: () => writeGate.whenFree(),
  });
  log.info({ dataDir, appVersion, terminalId: terminal.status().terminalId }, 'terminal started');

  let closed = false;
  return {
    ...dispatcher,
    events,
    screens,
    log,
    dataDir,
    databasePath,
    logFile: fileLogger.file,
    maintenance: sqlWorker,
    async close() {
      if (closed) return;
      closed = true;
      log.info('terminal stopping');
      await settingUpSandboxes;
      for (const area of [...areas].reverse()) await area.close?.();
      router.stop();
      disconnectDevices();
      disconnectUi();
      await devices.close();
      // Runs under way end and are recorded before the database closes (a few seconds at most).
      await jobs.stop();
      jobRetention.stop();
      payments.stop();
      statements.stop();
      enrolment.stop();
      refunds.stop();
      await sandbox?.close();
      await directSandboxes.close();
      await sqlWorker.stop();
      await searchWorker.stop();
      await barrier.close();
      db.close();
      loop.stop();
      await fileLogger.close();
    },
  };
}

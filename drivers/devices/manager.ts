/**
 * The device manager (after UnifiedPOS): owns the configured devices, opens them, keeps them open across
 * unplugs, and reports their state. A device fault never throws into a sale: printing is queued and retried,
 * a display that is away simply misses a message.
 *
 * The device list can change at run time (configure): only the devices whose configuration changed are
 * closed and reopened; the others keep their open port, their state and the print queue.
 */
import { encodeBlocksEscPos, encodeReceiptEscPos, FEED_AND_CUT } from '../receipt/escpos';
import type { ReceiptBlock } from '../../src-common/receipt-text';
import type { ReceiptDocument } from '../../src-common/receipt';
import { drawerKick, serialDrawerOpen } from '../drawer/kick';
import { encodeDisplayMessage, encodeDisplaySetup } from '../display/encode';
import type { DisplayMessage } from '../display/messages';
import { createSerialScanFramer, type ScanEvent } from '../scanner/framer';
import { createHidPosAssembler } from '../scanner/hid-pos';
import { createHidTransport, type HidApi } from '../transport/hid';
import { createSerialTransport } from '../transport/serial';
import { createTcpTransport } from '../transport/tcp';
import { errorText, type Transport, type TransportLog, type TransportState } from '../transport/transport';
import { repliesFrom, StatusPoller, summarizeStatus, type StatusReplies } from '../printer/status';
import { DevicesConfig, type DeviceConfig, type ScannerTransportConfig } from './config';
import type { z } from 'zod';
import type { DeviceStatus } from '../../src-common/schemas';

export type DeviceState = 'closed' | 'idle' | 'busy' | 'error';


export type ScanFromDevice = Extract<ScanEvent, { kind: 'scan' }> & { deviceId: string };
/** Everything a scanner delivered, scans and dropped input alike, with its raw bytes (the technician's monitor). */
export type ScannerInput = ScanEvent & { deviceId: string };

/**
 * Where print jobs wait. The default keeps them in memory; the terminal passes a SQLite store
 * (src-main/services/device-print-jobs.ts) so jobs survive a restart.
 */
export interface PrintJobStore {
  /** Keeps the job (committed before it is sent) and returns its id. */
  add(kind: string, bytes: Uint8Array): string;
  /** The printer took the job (its bytes were drained to the OS). */
  printed(id: string): void;
  /** A send failed; the job stays queued. */
  failed(id: string, error: string): void;
  /** Jobs not printed yet, oldest first. */
  pending(): { id: string; bytes: Uint8Array }[];
}

export function memoryPrintJobStore(): PrintJobStore {
  const jobs = new Map<string, Uint8Array>();
  let next = 0;
  return {
    add(_kind, bytes) {
      const id = String(++next);
      jobs.set(id, bytes);
      return id;
    },
    printed: (id) => void jobs.delete(id),
    failed: () => undefined,
    pending: () => [...jobs].map(([id, bytes]) => ({ id, bytes })),
  };
}

export interface DeviceManagerOptions {
  log?: TransportLog;
  retryOpenMs?: number;
  /** How long to wait before sending a job again after a failed send (default 1000 ms). */
  printRetryMs?: number;
  /** node-hid, or a fake in tests. */
  hid?: HidApi;
  printJobs?: PrintJobStore;
  /**
   * How long after a sale its receipt may still kick the drawer on the printer (default 30 s): a receipt that
   * prints later (the printer was away) prints without opening the drawer.
   */
  drawerKickWindowMs?: number;
  /** The time in ms (Date.now by default; tests pass a fake). */
  now?: () => number;
}

export interface DeviceManager {
  statuses(): DeviceStatus[];
  /** The configuration in force. */
  configs(): DeviceConfig[];
  /** Applies a new device list: devices whose configuration changed (or that are new) are (re)opened, removed ones closed. */
  configure(input: z.input<typeof DevicesConfig>): Promise<void>;
  onScan(listener: (scan: ScanFromDevice) => void): () => void;
  onScannerInput(listener: (input: ScannerInput) => void): () => void;
  onStatus(listener: (status: DeviceStatus) => void): () => void;
  /**
   * Queues a receipt for the printer; resolves when it was sent (or rejects when there is no printer).
   * kickDrawer: a drawer on its own serial line opens at once; a drawer on the printer is kicked right after the
   * receipt prints, only if that is within drawerKickWindowMs of this call and in this run: the kick is never
   * stored with the job, so a receipt printed late or after a restart never opens the drawer.
   */
  printReceipt(doc: ReceiptDocument, options?: { kickDrawer?: boolean }): Promise<void>;
  /** Queues laid-out text (reports, test tickets) for the printer: `blocks` fit its `columns` (see printerColumns). */
  printBlocks(blocks: readonly ReceiptBlock[], options: { kind: string }): Promise<void>;
  /** Columns of the configured printer's paper, or null when there is no printer. */
  printerColumns(): number | null;
  /** Print jobs not printed yet (they survive a restart when the store is durable). */
  queuedJobs(): number;
  /** Is a cash drawer configured (own serial line, or on the printer)? */
  hasDrawer(): boolean;
  /** Opens the drawer now: its own serial line, or the printer's kick. Rejects when there is none or it is away. */
  kickDrawer(): Promise<void>;
  display(message: DisplayMessage): void;
  /** Shows a message on one display (or all): how many displays took it. */
  showOn(message: DisplayMessage, id?: string): Promise<number>;
  close(): Promise<void>;
}

function transportFor(config: ScannerTransportConfig, options: DeviceManagerOptions): Transport {
  const reconnect = { initialMs: 250, maxMs: 5000 };
  const log = options.log ? { log: options.log } : {};
  if (config.kind === 'serial') {
    const { kind: _kind, ...serial } = config;
    return createSerialTransport({ ...serial, reconnect, ...log });
  }
  if (config.kind === 'hid') {
    const { kind: _kind, ...hid } = config;
    return createHidTransport({ ...hid, reconnect, ...log, ...(options.hid ? { hid: options.hid } : {}) });
  }
  return createTcpTransport({ host: config.host, port: config.port, reconnect, ...log });
}

const stateOf = (t: TransportState): DeviceState => (t === 'open' ? 'idle' : t === 'closed' ? 'closed' : 'error');

interface Managed {
  config: DeviceConfig;
  /** JSON of the config: what configure() compares. */
  key: string;
  transport: Transport;
  status: DeviceStatus;
  /** Timers, intervals and listeners to drop when the device is closed. */
  cleanup: (() => void)[];
  /** The printer's last known condition from DLE EOT replies; null until it first answers (some never do). */
  condition: { state: string; detail: string } | null;
  stopped: boolean;
  /** The one pending retry of a first open that failed (the device is not there yet); cleared by stop(). */
  openRetry: NodeJS.Timeout | null;
}

interface Job {
  id: string;
  bytes: Uint8Array;
  settle?: { resolve: () => void; reject: (e: Error) => void };
  /** In memory only (never in the store): the drawer kick sent right after this receipt, if it prints by `until`. */
  kick?: { bytes: Uint8Array; until: number };
}

/** Printer conditions that stop printing; jobs wait in the queue until the printer says it is ready again. */
const BLOCKING = new Set(['paper_out', 'cover_open', 'error']);

export function createDeviceManager(input: z.input<typeof DevicesConfig>, options: DeviceManagerOptions = {}): DeviceManager {
  const { log } = options;
  const retryOpenMs = options.retryOpenMs ?? 3000;
  const printRetryMs = options.printRetryMs ?? 1000;
  const store = options.printJobs ?? memoryPrintJobStore();
  const now = options.now ?? Date.now;
  const drawerKickWindowMs = options.drawerKickWindowMs ?? 30_000;
  const scanListeners = new Set<(scan: ScanFromDevice) => void>();
  const inputListeners = new Set<(input: ScannerInput) => void>();
  const statusListeners = new Set<(status: DeviceStatus) => void>();
  let devices: Managed[] = [];
  // Jobs left from before a restart print first, in their order, and never kick the drawer.
  const printQueue: Job[] = store.pending().map((j) => ({ id: j.id, bytes: withoutStoredKick(j.bytes) }));
  let retryTimer: NodeJS.Timeout | null = null;
  let draining = false;
  let closed = false;
  let configuring: Promise<void> = Promise.resolve();

  const publish = (d: Managed, patch: Partial<DeviceStatus>) => {
    if (d.stopped) return;
    d.status = { ...d.status, ...patch };
    for (const listener of statusListeners) listener(d.status);
  };

  const printer = () => devices.find((d) => d.config.role === 'printer');
  const drawer = () => devices.find((d) => d.config.role === 'drawer');
  const displays = () => devices.filter((d) => d.config.role === 'display');

  function scheduleRetry() {
    if (retryTimer || closed) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void drainPrints();
    }, printRetryMs);
  }

  async function drainPrints(): Promise<void> {
    if (draining || closed) return;
    const p = printer();
    if (!p || p.transport.state !== 'open') return;
    if (p.condition && BLOCKING.has(p.condition.state)) return;
    draining = true;
    try {
      while (printQueue.length && !closed && !p.stopped && p.transport.state === 'open' && !(p.condition && BLOCKING.has(p.condition.state))) {
        const job = printQueue[0]!;
        publish(p, { state: 'busy', queued: printQueue.length });
        try {
          await p.transport.write(job.bytes);
        } catch (error) {
          // Left at the head of the queue: it prints when the printer is back (receipts are never dropped).
          store.failed(job.id, errorText(error));
          publish(p, { state: p.transport.state === 'open' ? 'idle' : 'error', detail: errorText(error), queued: printQueue.length });
          scheduleRetry();
          return;
        }
        // Marked printed only after the bytes were drained to the OS. A crash between the write and this line
        // prints the job again on the next start: at-least-once is the right trade for receipts (a duplicate
        // receipt is harmless, a lost one is not).
        printQueue.shift();
        store.printed(job.id);
        if (job.kick) await kickAfterReceipt(p, job.kick);
        job.settle?.resolve();
        publish(p, { state: 'idle', queued: printQueue.length, detail: null });
      }
    } finally {
      draining = false;
    }
  }

  /** The drawer kick of a receipt just printed: sent live, or dropped when the receipt printed too late. */
  async function kickAfterReceipt(p: Managed, kick: NonNullable<Job['kick']>): Promise<void> {
    const late = now() - kick.until;
    if (late > 0) {
      log?.warn({ device: p.config.id, lateMs: late }, 'drawer kick dropped: the receipt printed too long after the sale');
      return;
    }
    try {
      await p.transport.write(kick.bytes);
    } catch (error) {
      // The receipt printed; the drawer did not open. Never retried later (the moment has passed).
      log?.warn({ device: p.config.id, err: errorText(error) }, 'drawer kick after the receipt failed');
      publish(p, { detail: errorText(error) });
    }
  }

  function enqueue(kind: string, bytes: Uint8Array, kick?: Job['kick']): Promise<void> {
    // Written to the store before anything is sent: a job survives a crash from here on. Only the job's own
    // bytes are stored, never a drawer kick.
    const id = store.add(kind, bytes);
    return new Promise<void>((resolve, reject) => {
      printQueue.push({ id, bytes, settle: { resolve, reject }, ...(kick ? { kick } : {}) });
      const p = printer();
      if (p) publish(p, { queued: printQueue.length });
      void drainPrints();
    });
  }

  function openWithRetry(d: Managed) {
    d.transport.open().then(
      () => {
        if (d.config.role === 'display') void d.transport.write(encodeDisplaySetup(d.config.protocol)).catch(() => undefined);
      },
      (error: unknown) => {
        if (d.stopped) return;
        publish(d, { state: 'error', detail: errorText(error) });
        if (closed) return;
        // Not there at start (not plugged in yet): keep trying; after the first open the transport reconnects itself.
        // One timer per device, replaced at each attempt (never a growing list of cleanups).
        if (d.openRetry) clearTimeout(d.openRetry);
        d.openRetry = setTimeout(() => {
          d.openRetry = null;
          if (!closed && !d.stopped) openWithRetry(d);
        }, retryOpenMs);
      },
    );
  }

  function emitScannerEvents(config: DeviceConfig, events: readonly ScanEvent[]) {
    for (const event of events) {
      for (const listener of inputListeners) listener({ ...event, deviceId: config.id });
      if (event.kind === 'scan') for (const listener of scanListeners) listener({ ...event, deviceId: config.id });
      else log?.warn({ device: config.id, reason: event.reason, bytes: event.raw.length }, 'scanner input dropped');
    }
  }

  function start(config: DeviceConfig): Managed {
    let transport: Transport;
    try {
      transport = transportFor(config.transport, options);
    } catch (error) {
      // Options the platform refuses (e.g. mark parity on Linux): report the device as in error, never throw.
      const failed: Transport = {
        id: `${config.transport.kind}:${config.id}`,
        state: 'error',
        open: () => Promise.reject(error instanceof Error ? error : new Error(String(error))),
        write: () => Promise.reject(new Error(`${config.id} could not be set up: ${errorText(error)}`)),
        close: () => Promise.resolve(),
        on: () => () => undefined,
      };
      transport = failed;
    }
    const d: Managed = {
      config,
      key: JSON.stringify(config),
      transport,
      status: { id: config.id, role: config.role, transportId: transport.id, state: 'closed', detail: null, queued: 0 },
      cleanup: [],
      condition: null,
      stopped: false,
      openRetry: null,
    };
    if (config.role === 'printer') d.status.queued = printQueue.length;
    d.cleanup.push(
      transport.on('state', (state, detail) => {
        publish(d, { state: stateOf(state), detail: detail ?? null });
        if (state === 'open') {
          if (config.role === 'printer') void drainPrints();
          if (config.role === 'display') void transport.write(encodeDisplaySetup(config.protocol)).catch(() => undefined);
        }
      }),
    );
    if (config.role === 'printer' && config.statusPollMs > 0) {
      // Written by hand: status polling is tied to this transport's byte stream (FIFO replies, see StatusPoller).
      const poller = new StatusPoller({ timeoutMs: Math.min(1000, config.statusPollMs) });
      let replies: StatusReplies = {};
      d.cleanup.push(
        transport.on('data', (chunk) => {
          const events = poller.receive(chunk, Date.now());
          if (!events.some((e) => e.type === 'reply')) return;
          replies = repliesFrom(events, replies);
          const summary = summarizeStatus(replies);
          const was = d.condition?.state;
          d.condition = { state: summary.state, detail: summary.detail };
          if (BLOCKING.has(summary.state)) publish(d, { state: 'error', detail: summary.state });
          else if (was && BLOCKING.has(was)) {
            publish(d, { state: 'idle', detail: null });
            void drainPrints();
          }
        }),
        transport.on('state', (state) => {
          if (state === 'open') poller.reset();
        }),
      );
      const poll = setInterval(() => {
        const now = Date.now();
        poller.tick(now);
        if (transport.state !== 'open' || !poller.canSend(now) || poller.pending.length) return;
        const request = new Uint8Array([...poller.send(2, now), ...poller.send(4, now)]);
        void transport.write(request).catch(() => poller.reset());
      }, config.statusPollMs);
      d.cleanup.push(() => clearInterval(poll));
    }
    if (config.role === 'scanner' && config.transport.kind === 'hid') {
      const assembler = createHidPosAssembler();
      d.cleanup.push(
        transport.on('data', (report) => emitScannerEvents(config, assembler.push(report))),
        transport.on('state', (state) => {
          if (state === 'open') assembler.reset();
        }),
      );
    } else if (config.role === 'scanner') {
      const framer = createSerialScanFramer({ suffix: config.suffix, idleMs: config.idleMs, aimPrefix: config.aimPrefix });
      let idleTimer: NodeJS.Timeout | null = null;
      d.cleanup.push(
        transport.on('data', (chunk) => {
          emitScannerEvents(config, framer.push(chunk));
          if (idleTimer) clearTimeout(idleTimer);
          idleTimer = setTimeout(() => emitScannerEvents(config, framer.flushIdle(Date.now())), config.idleMs + 5);
        }),
        () => {
          if (idleTimer) clearTimeout(idleTimer);
        },
      );
    }
    openWithRetry(d);
    return d;
  }

  async function stop(d: Managed) {
    d.stopped = true;
    if (d.openRetry) clearTimeout(d.openRetry);
    d.openRetry = null;
    for (const fn of d.cleanup.splice(0)) fn();
    await d.transport.close().catch(() => undefined);
  }

  devices = DevicesConfig.parse(input).map(start);

  async function applyConfigs(next: z.input<typeof DevicesConfig>): Promise<void> {
    if (closed) throw new Error('The device manager is closed');
    const configs = DevicesConfig.parse(next);
    const current = new Map(devices.map((d) => [d.config.id, d]));
    const unchanged = (config: DeviceConfig) => current.get(config.id)?.key === JSON.stringify(config);
    // Removed and changed devices are closed first: a changed device's port is opened exclusively.
    const kept = new Set(configs.filter(unchanged).map((c) => c.id));
    await Promise.all(devices.filter((d) => !kept.has(d.config.id)).map(stop));
    if (closed) {
      // close() came while the old devices were closing: start nothing (close() waits for this and stops the rest).
      devices = devices.filter((d) => kept.has(d.config.id));
      return;
    }
    devices = configs.map((config) => (kept.has(config.id) ? current.get(config.id)! : start(config)));
    void drainPrints();
  }

  function openSerialDrawer(d: Managed): Promise<void> {
    if (d.config.role !== 'drawer') return Promise.reject(new Error('not a drawer'));
    return d.transport.write(serialDrawerOpen(d.config.openBytes));
  }

  return {
    statuses: () => devices.map((d) => d.status),
    configs: () => devices.map((d) => d.config),
    configure(next) {
      // One change at a time: two quick saves must not open the same port twice.
      const run = configuring.then(() => applyConfigs(next));
      configuring = run.catch(() => undefined);
      return run;
    },
    onScan(listener) {
      scanListeners.add(listener);
      return () => scanListeners.delete(listener);
    },
    onScannerInput(listener) {
      inputListeners.add(listener);
      return () => inputListeners.delete(listener);
    },
    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    printReceipt(doc, opts = {}) {
      const p = printer();
      const own = drawer();
      if (opts.kickDrawer && own) void openSerialDrawer(own).catch((error: unknown) => publish(own, { detail: errorText(error) }));
      if (!p || p.config.role !== 'printer') return Promise.reject(new Error('No receipt printer is configured'));
      const kick = opts.kickDrawer && !own && p.config.drawer ? { bytes: drawerKick(p.config.drawer), until: now() + drawerKickWindowMs } : undefined;
      const bytes = encodeReceiptEscPos(doc, { columns: p.config.columns, qr: true, cut: true, drawerKick: false });
      return enqueue('receipt', bytes, kick);
    },
    printBlocks(blocks, { kind }) {
      const p = printer();
      if (!p || p.config.role !== 'printer') return Promise.reject(new Error('No receipt printer is configured'));
      return enqueue(kind, encodeBlocksEscPos(blocks, { columns: p.config.columns, qr: true, cut: true, drawerKick: false }));
    },
    printerColumns() {
      const p = printer();
      return p && p.config.role === 'printer' ? p.config.columns : null;
    },
    queuedJobs: () => printQueue.length,
    hasDrawer() {
      const p = printer();
      return drawer() !== undefined || (p?.config.role === 'printer' && p.config.drawer !== undefined);
    },
    async kickDrawer() {
      const own = drawer();
      if (own) return openSerialDrawer(own);
      const p = printer();
      if (!p || p.config.role !== 'printer' || !p.config.drawer) throw new Error('No cash drawer is configured');
      await p.transport.write(drawerKick(p.config.drawer));
    },
    display(message) {
      for (const d of displays()) {
        if (d.config.role !== 'display' || d.transport.state !== 'open') continue;
        const bytes = encodeDisplayMessage(d.config.protocol, message, { columns: d.config.columns, encoding: d.config.encoding });
        void d.transport.write(bytes).catch((error: unknown) => publish(d, { detail: errorText(error) }));
      }
    },
    async showOn(message, id) {
      let shown = 0;
      for (const d of displays()) {
        if (d.config.role !== 'display' || (id !== undefined && d.config.id !== id)) continue;
        const bytes = encodeDisplayMessage(d.config.protocol, message, { columns: d.config.columns, encoding: d.config.encoding });
        await d.transport.write(bytes);
        shown += 1;
      }
      return shown;
    },
    async close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      // Unprinted jobs stay in the store: a durable store prints them on the next start.
      for (const job of printQueue.splice(0)) job.settle?.reject(new Error('The terminal is stopping'));
      // A configure() under way finishes first (it starts nothing once closed), so the devices stopped here are
      // the final list: none is opened after close().
      await configuring;
      await Promise.all(devices.map(stop));
    },
  };
}

/**
 * A stored job's bytes without a drawer kick at its end. Receipts queued before kicks were kept out of the
 * store end with the cut and then `ESC p m t1 t2` (twice for both pins): a job replayed at start must not open
 * the drawer, so that tail is dropped. Nothing else the terminal prints ends that way.
 */
export function withoutStoredKick(bytes: Uint8Array): Uint8Array {
  const kickAt = (i: number) => i >= 0 && bytes[i] === 0x1b && bytes[i + 1] === 0x70 && (bytes[i + 2] === 0 || bytes[i + 2] === 1);
  let end = bytes.length;
  for (let n = 0; n < 2 && kickAt(end - 5); n += 1) end -= 5;
  if (end === bytes.length || end < FEED_AND_CUT.length) return bytes;
  const cutAt = end - FEED_AND_CUT.length;
  return FEED_AND_CUT.every((b, i) => bytes[cutAt + i] === b) ? bytes.slice(0, end) : bytes;
}

/**
 * The device manager (after UnifiedPOS): owns the configured devices, opens them, keeps them open across
 * unplugs, and reports their state. A device fault never throws into a sale: printing is queued and retried,
 * a display that is away simply misses a message.
 *
 * The device list can change at run time (configure): only the devices whose configuration changed are
 * closed and reopened; the others keep their open port, their state and the print queue.
 */
import { encodeBlocksEscPos, encodeReceiptEscPos } from '../receipt/escpos';
import type { ReceiptBlock } from '../../src-common/receipt-text';
import type { ReceiptDocument } from '../../src-common/receipt';
import { drawerKick, serialDrawerOpen } from '../drawer/kick';
import { encodeDisplayMessage, encodeDisplaySetup } from '../display/encode';
import type { DisplayMessage } from '../display/messages';
import { createSerialScanFramer, type ScanEvent } from '../scanner/framer';
import { createScale, ScaleError, type Scale, type ScaleCommand, type ScaleReading } from '../scale/scale';
import type { ScaleFrame } from '../scale/reading';
import { createHidPosAssembler } from '../scanner/hid-pos';
import { createHidTransport, type HidApi } from '../transport/hid';
import { createSerialTransport } from '../transport/serial';
import { createTcpTransport } from '../transport/tcp';
import { errorText, type Transport, type TransportLog, type TransportState } from '../transport/transport';
import { repliesFrom, StatusPoller, summarizeStatus, type StatusReplies } from '../printer/status';
import { DevicesConfig, type DeviceConfig, type ScannerTransportConfig } from './config';
import type { z } from 'zod';
import type { DeviceStatus } from '../../src-common/schemas';
import { createStorePrintQueue, memoryPrintJobStore, type DrawerKick, type PrinterPort, type PrintJobStore, type PrintQueue } from './print-queue';

export { memoryPrintJobStore, withoutStoredKick, type DrawerKick, type PrinterPort, type PrintJobStore, type PrintQueue } from './print-queue';

export type DeviceState = 'closed' | 'idle' | 'busy' | 'error';


export type ScanFromDevice = Extract<ScanEvent, { kind: 'scan' }> & { deviceId: string };
/** Everything a scanner delivered, scans and dropped input alike, with its raw bytes (the technician's monitor). */
export type ScannerInput = ScanEvent & { deviceId: string };

export interface DeviceManagerOptions {
  log?: TransportLog;
  retryOpenMs?: number;
  /** How long the in-memory queue waits before sending a job again after a failed send (default 1000 ms). */
  printRetryMs?: number;
  /** node-hid, or a fake in tests. */
  hid?: HidApi;
  /** Where the default queue keeps its jobs (in memory unless given). Ignored when `printQueue` is given. */
  printJobs?: PrintJobStore;
  /**
   * The print queue, made over the manager's printer: the terminal passes its durable job-runner queue
   * (src-main/services/print-jobs.ts). By default, a queue on `printJobs` that drains on its own.
   */
  printQueue?: (printer: PrinterPort) => PrintQueue;
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
  /** The scale's latest reading, or null when no scale is configured. */
  scaleReading(): ScaleReading | null;
  /** Every reading of the scale (each frame and each change of state). */
  onScaleReading(listener: (reading: ScaleReading) => void): () => void;
  /** Every frame the scale sent, with its bytes (the technician's monitor). */
  onScaleFrame(listener: (frame: ScaleFrame) => void): () => void;
  /** Zero, tare or clear the tare; rejects with a ScaleError naming why (motion, out_of_range, no_reply, unplugged). */
  scaleCommand(command: ScaleCommand): Promise<void>;
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
  /** The scale driver on this transport (role 'scale'). */
  scale?: Scale;
}

/** Printer conditions that stop printing; jobs wait in the queue until the printer says it is ready again. */
const BLOCKING = new Set(['paper_out', 'cover_open', 'error']);
/** A scanner's idle check this much later than asked is late: the thread was held, and silence is not believed. */
const LATE_IDLE_CHECK_MS = 20;

export function createDeviceManager(input: z.input<typeof DevicesConfig>, options: DeviceManagerOptions = {}): DeviceManager {
  const { log } = options;
  const retryOpenMs = options.retryOpenMs ?? 3000;
  const now = options.now ?? Date.now;
  const drawerKickWindowMs = options.drawerKickWindowMs ?? 30_000;
  const scanListeners = new Set<(scan: ScanFromDevice) => void>();
  const inputListeners = new Set<(input: ScannerInput) => void>();
  const statusListeners = new Set<(status: DeviceStatus) => void>();
  const scaleListeners = new Set<(reading: ScaleReading) => void>();
  const scaleFrameListeners = new Set<(frame: ScaleFrame) => void>();
  const readyListeners = new Set<() => void>();
  let devices: Managed[] = [];
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
  const scaleDevice = () => devices.find((d) => d.config.role === 'scale');

  const printerReady = (p = printer()): boolean =>
    !closed && p !== undefined && !p.stopped && p.transport.state === 'open' && !(p.condition && BLOCKING.has(p.condition.state));
  /** The printer may have become ready: its port opened, its paper is back, or a configuration was applied. */
  const printerMayBeReady = () => {
    if (printerReady()) for (const listener of readyListeners) listener();
  };

  const port: PrinterPort = {
    id: () => printer()?.config.id ?? null,
    ready: () => printerReady(),
    onReady(listener) {
      readyListeners.add(listener);
      return () => readyListeners.delete(listener);
    },
    async write(bytes) {
      const p = printer();
      if (!p || !printerReady(p)) throw new Error(p ? `the printer is not ready (${p.condition?.state ?? p.transport.state})` : 'No receipt printer is configured');
      publish(p, { state: 'busy' });
      try {
        await p.transport.write(bytes);
      } catch (error) {
        publish(p, { state: p.transport.state === 'open' ? 'idle' : 'error', detail: errorText(error) });
        throw error;
      }
      publish(p, { state: 'idle', detail: null });
    },
    kickAfterReceipt: (kick) => kickAfterReceipt(kick),
    showQueued(count) {
      const p = printer();
      if (p) publish(p, { queued: count });
    },
  };

  /** The drawer kick of a receipt just printed: sent live, or dropped when the receipt printed too late. */
  async function kickAfterReceipt(kick: DrawerKick): Promise<void> {
    const p = printer();
    if (!p) return;
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

  const queue: PrintQueue = options.printQueue
    ? options.printQueue(port)
    : createStorePrintQueue(port, options.printJobs ?? memoryPrintJobStore(), { retryMs: options.printRetryMs ?? 1000 });

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
    if (config.role === 'printer') d.status.queued = queue.length();
    d.cleanup.push(
      transport.on('state', (state, detail) => {
        publish(d, { state: stateOf(state), detail: detail ?? null });
        if (state === 'open') {
          if (config.role === 'printer') printerMayBeReady();
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
            printerMayBeReady();
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
      const withSuffix = config.suffix !== 'none';
      const framer = createSerialScanFramer({ suffix: config.suffix, idleMs: config.idleMs, aimPrefix: config.aimPrefix, idleOnlyWhenFlushed: true });
      let idleTimer: NodeJS.Timeout | null = null;
      // With a suffix, a fragment's silence is believed only when this check runs on time. A late one means the
      // thread was held (a busy CPU, a long collection): the rest of the scan may be waiting in the port's buffer,
      // unread, and dropping the fragment now would make its rest a code of its own. So a late check looks again
      // once the bytes could have been read. (Without a suffix silence is the only end a scan has: it ends now.)
      const checkIdle = (due: number) => {
        const now = Date.now();
        if (withSuffix && now - due > LATE_IDLE_CHECK_MS) {
          idleTimer = setTimeout(() => checkIdle(Date.now() + config.idleMs + 5), config.idleMs + 5);
          return;
        }
        idleTimer = null;
        emitScannerEvents(config, framer.flushIdle(now));
      };
      d.cleanup.push(
        transport.on('data', (chunk) => {
          emitScannerEvents(config, framer.push(chunk));
          if (idleTimer) clearTimeout(idleTimer);
          const due = Date.now() + config.idleMs + 5;
          idleTimer = setTimeout(() => checkIdle(due), config.idleMs + 5);
        }),
        () => {
          if (idleTimer) clearTimeout(idleTimer);
        },
      );
    }
    if (config.role === 'scale') {
      const scale = createScale(transport, {
        protocol: config.protocol,
        pollMs: config.pollMs,
        replyTimeoutMs: config.replyTimeoutMs,
        capacityGrams: config.capacityGrams,
        stability: { samples: config.stableSamples, windowMs: 1500, toleranceGrams: 0 },
      });
      d.scale = scale;
      let shown: string | null = null;
      d.cleanup.push(
        scale.onReading((reading) => {
          for (const listener of scaleListeners) listener(reading);
          // A scale that does not answer is in error (like an unplugged one); the weight itself is not a status.
          const trouble = reading.state === 'no_reply' ? 'no reply from the scale' : null;
          if (trouble !== shown && transport.state === 'open') {
            shown = trouble;
            publish(d, { state: trouble ? 'error' : 'idle', detail: trouble });
          }
        }),
        scale.onFrame((frame) => {
          for (const listener of scaleFrameListeners) listener(frame);
        }),
        () => scale.close(),
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
    printerMayBeReady();
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
    scaleReading: () => scaleDevice()?.scale?.reading() ?? null,
    onScaleReading(listener) {
      scaleListeners.add(listener);
      return () => scaleListeners.delete(listener);
    },
    onScaleFrame(listener) {
      scaleFrameListeners.add(listener);
      return () => scaleFrameListeners.delete(listener);
    },
    scaleCommand(command) {
      const scale = scaleDevice()?.scale;
      if (!scale) return Promise.reject(new ScaleError('unplugged', 'No scale is configured'));
      return scale.command(command);
    },
    printReceipt(doc, opts = {}) {
      const p = printer();
      const own = drawer();
      if (opts.kickDrawer && own) void openSerialDrawer(own).catch((error: unknown) => publish(own, { detail: errorText(error) }));
      if (!p || p.config.role !== 'printer') return Promise.reject(new Error('No receipt printer is configured'));
      const kick = opts.kickDrawer && !own && p.config.drawer ? { bytes: drawerKick(p.config.drawer), until: now() + drawerKickWindowMs } : undefined;
      const bytes = encodeReceiptEscPos(doc, { columns: p.config.columns, qr: true, cut: true, drawerKick: false });
      return queue.add('receipt', bytes, kick);
    },
    printBlocks(blocks, { kind }) {
      const p = printer();
      if (!p || p.config.role !== 'printer') return Promise.reject(new Error('No receipt printer is configured'));
      return queue.add(kind, encodeBlocksEscPos(blocks, { columns: p.config.columns, qr: true, cut: true, drawerKick: false }));
    },
    printerColumns() {
      const p = printer();
      return p && p.config.role === 'printer' ? p.config.columns : null;
    },
    queuedJobs: () => queue.length(),
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
      readyListeners.clear();
      // Unprinted jobs stay in the store: a durable store prints them on the next start.
      queue.close();
      // A configure() under way finishes first (it starts nothing once closed), so the devices stopped here are
      // the final list: none is opened after close().
      await configuring;
      await Promise.all(devices.map(stop));
    },
  };
}

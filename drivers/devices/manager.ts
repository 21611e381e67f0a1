/**
 * The device manager (after UnifiedPOS): owns the configured devices, opens them, keeps them open across
 * unplugs, and reports their state. A device fault never throws into a sale: printing is queued and retried,
 * a display that is away simply misses a message.
 */
import { encodeBlocksEscPos, encodeReceiptEscPos } from '../receipt/escpos';
import type { ReceiptBlock } from '../../src-common/receipt-text';
import type { ReceiptDocument } from '../../src-common/receipt';
import { drawerKick } from '../drawer/kick';
import { encodeDisplayMessage, encodeDisplaySetup } from '../display/encode';
import type { DisplayMessage } from '../display/messages';
import { createSerialScanFramer, type ScanEvent } from '../scanner/framer';
import { createSerialTransport } from '../transport/serial';
import { createTcpTransport } from '../transport/tcp';
import type { Transport, TransportLog, TransportState } from '../transport/transport';
import { repliesFrom, StatusPoller, summarizeStatus, type StatusReplies } from '../printer/status';
import { DevicesConfig, type DeviceConfig, type TransportConfig } from './config';
import type { z } from 'zod';

export type DeviceState = 'closed' | 'idle' | 'busy' | 'error';

export interface DeviceStatus {
  id: string;
  role: DeviceConfig['role'];
  transportId: string;
  state: DeviceState;
  detail: string | null;
  /** Print jobs waiting for the printer (printers only). */
  queued: number;
}

export type ScanFromDevice = Extract<ScanEvent, { kind: 'scan' }> & { deviceId: string };

export interface DeviceManager {
  statuses(): DeviceStatus[];
  onScan(listener: (scan: ScanFromDevice) => void): () => void;
  onStatus(listener: (status: DeviceStatus) => void): () => void;
  /** Queues a receipt for the printer; resolves when it was sent (or rejects when there is no printer). */
  printReceipt(doc: ReceiptDocument, options?: { kickDrawer?: boolean }): Promise<void>;
  /** Queues laid-out text (reports, test tickets) for the printer: `blocks` fit its `columns` (see printerColumns). */
  printBlocks(blocks: readonly ReceiptBlock[], options: { kind: string }): Promise<void>;
  /** Columns of the configured printer's paper, or null when there is no printer. */
  printerColumns(): number | null;
  kickDrawer(): Promise<void>;
  display(message: DisplayMessage): void;
  close(): Promise<void>;
}

function transportFor(config: TransportConfig, log: TransportLog | undefined): Transport {
  const reconnect = { initialMs: 250, maxMs: 5000 };
  if (config.kind === 'serial') {
    const { kind: _kind, ...serial } = config;
    return createSerialTransport({ ...serial, reconnect, ...(log ? { log } : {}) });
  }
  return createTcpTransport({ host: config.host, port: config.port, reconnect, ...(log ? { log } : {}) });
}

const stateOf = (t: TransportState): DeviceState => (t === 'open' ? 'idle' : t === 'closed' ? 'closed' : 'error');

interface Managed {
  config: DeviceConfig;
  transport: Transport;
  status: DeviceStatus;
}

/** Printer conditions that stop printing; jobs wait in the queue until the printer says it is ready again. */
const BLOCKING = new Set(['paper_out', 'cover_open', 'error']);

export function createDeviceManager(input: z.input<typeof DevicesConfig>, options: { log?: TransportLog; retryOpenMs?: number } = {}): DeviceManager {
  const configs: readonly DeviceConfig[] = DevicesConfig.parse(input);
  const { log } = options;
  const retryOpenMs = options.retryOpenMs ?? 3000;
  const scanListeners = new Set<(scan: ScanFromDevice) => void>();
  const statusListeners = new Set<(status: DeviceStatus) => void>();
  const devices: Managed[] = [];
  const printQueue: { bytes: Uint8Array; resolve: () => void; reject: (e: Error) => void }[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const intervals = new Set<NodeJS.Timeout>();
  let closed = false;

  const publish = (d: Managed, patch: Partial<DeviceStatus>) => {
    d.status = { ...d.status, ...patch };
    for (const listener of statusListeners) listener(d.status);
  };

  const printer = () => devices.find((d) => d.config.role === 'printer');
  // The printer's last known condition from DLE EOT replies; null until it first answers (some never do).
  let printerCondition: { state: string; detail: string } | null = null;
  const displays = () => devices.filter((d) => d.config.role === 'display');

  async function drainPrints() {
    const p = printer();
    if (!p || p.transport.state !== 'open' || p.status.state === 'busy') return;
    if (printerCondition && BLOCKING.has(printerCondition.state)) return;
    const job = printQueue[0];
    if (!job) return;
    publish(p, { state: 'busy', queued: printQueue.length });
    try {
      await p.transport.write(job.bytes);
      printQueue.shift();
      job.resolve();
      publish(p, { state: 'idle', queued: printQueue.length, detail: null });
    } catch (error) {
      // Left at the head of the queue: it prints when the printer is back (receipts are never dropped).
      publish(p, { state: p.transport.state === 'open' ? 'idle' : 'error', detail: (error as Error).message, queued: printQueue.length });
    }
    if (printQueue.length && p.transport.state === 'open') void drainPrints();
  }

  function enqueue(p: Managed, bytes: Uint8Array): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      printQueue.push({ bytes, resolve, reject });
      publish(p, { queued: printQueue.length });
      void drainPrints();
    });
  }

  function openWithRetry(d: Managed) {
    d.transport.open().then(
      () => {
        if (d.config.role === 'display') void d.transport.write(encodeDisplaySetup(d.config.protocol)).catch(() => undefined);
      },
      (error: unknown) => {
        publish(d, { state: 'error', detail: (error as Error).message });
        if (closed) return;
        // Not there at start (not plugged in yet): keep trying; after the first open the transport reconnects itself.
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!closed) openWithRetry(d);
        }, retryOpenMs);
        timers.add(timer);
      },
    );
  }

  for (const config of configs) {
    const transport = transportFor(config.transport, log);
    const d: Managed = { config, transport, status: { id: config.id, role: config.role, transportId: transport.id, state: 'closed', detail: null, queued: 0 } };
    devices.push(d);
    transport.on('state', (state, detail) => {
      publish(d, { state: stateOf(state), detail: detail ?? null });
      if (state === 'open') {
        if (config.role === 'printer') void drainPrints();
        if (config.role === 'display') void transport.write(encodeDisplaySetup(config.protocol)).catch(() => undefined);
      }
    });
    if (config.role === 'printer' && config.statusPollMs > 0) {
      // Written by hand: status polling is tied to this transport's byte stream (FIFO replies, see StatusPoller).
      const poller = new StatusPoller({ timeoutMs: Math.min(1000, config.statusPollMs) });
      let replies: StatusReplies = {};
      transport.on('data', (chunk) => {
        const events = poller.receive(chunk, Date.now());
        if (!events.some((e) => e.type === 'reply')) return;
        replies = repliesFrom(events, replies);
        const summary = summarizeStatus(replies);
        const was = printerCondition?.state;
        printerCondition = { state: summary.state, detail: summary.detail };
        if (BLOCKING.has(summary.state)) publish(d, { state: 'error', detail: summary.state });
        else if (was && BLOCKING.has(was)) {
          publish(d, { state: 'idle', detail: null });
          void drainPrints();
        }
      });
      transport.on('state', (state) => {
        if (state === 'open') poller.reset();
      });
      const poll = setInterval(() => {
        const now = Date.now();
        poller.tick(now);
        if (transport.state !== 'open' || !poller.canSend(now) || poller.pending.length) return;
        const request = new Uint8Array([...poller.send(2, now), ...poller.send(4, now)]);
        void transport.write(request).catch(() => poller.reset());
      }, config.statusPollMs);
      intervals.add(poll);
    }
    if (config.role === 'scanner') {
      const framer = createSerialScanFramer({ suffix: config.suffix, idleMs: config.idleMs, aimPrefix: config.aimPrefix });
      let idleTimer: NodeJS.Timeout | null = null;
      const emit = (events: ScanEvent[]) => {
        for (const event of events) {
          if (event.kind === 'scan') for (const listener of scanListeners) listener({ ...event, deviceId: config.id });
          else log?.warn({ device: config.id, reason: event.reason, bytes: event.raw.length }, 'scanner input dropped');
        }
      };
      transport.on('data', (chunk) => {
        emit(framer.push(chunk));
        if (idleTimer) clearTimeout(idleTimer);
        idleTimer = setTimeout(() => emit(framer.flushIdle(Date.now())), config.idleMs + 5);
      });
    }
    openWithRetry(d);
  }

  return {
    statuses: () => devices.map((d) => d.status),
    onScan(listener) {
      scanListeners.add(listener);
      return () => scanListeners.delete(listener);
    },
    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    printReceipt(doc, opts = {}) {
      const p = printer();
      if (!p || p.config.role !== 'printer') return Promise.reject(new Error('No receipt printer is configured'));
      const kick = opts.kickDrawer && p.config.drawer;
      const bytes = encodeReceiptEscPos(doc, { columns: p.config.columns, qr: true, cut: true, drawerKick: false });
      const withKick = kick ? concat([bytes, drawerKick(p.config.drawer)]) : bytes;
      return enqueue(p, withKick);
    },
    printBlocks(blocks) {
      const p = printer();
      if (!p || p.config.role !== 'printer') return Promise.reject(new Error('No receipt printer is configured'));
      return enqueue(p, encodeBlocksEscPos(blocks, { columns: p.config.columns, qr: true, cut: true, drawerKick: false }));
    },
    printerColumns() {
      const p = printer();
      return p && p.config.role === 'printer' ? p.config.columns : null;
    },
    async kickDrawer() {
      const p = printer();
      if (!p || p.config.role !== 'printer' || !p.config.drawer) throw new Error('No cash drawer is configured');
      await p.transport.write(drawerKick(p.config.drawer));
    },
    display(message) {
      for (const d of displays()) {
        if (d.config.role !== 'display' || d.transport.state !== 'open') continue;
        const bytes = encodeDisplayMessage(d.config.protocol, message, { columns: d.config.columns, encoding: d.config.encoding });
        void d.transport.write(bytes).catch((error: unknown) => publish(d, { detail: (error as Error).message }));
      }
    },
    async close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      for (const interval of intervals) clearInterval(interval);
      for (const job of printQueue.splice(0)) job.reject(new Error('The terminal is stopping'));
      await Promise.all(devices.map((d) => d.transport.close().catch(() => undefined)));
    },
  };
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

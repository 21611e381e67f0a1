/**
 * ESC/POS real-time status: `DLE EOT n` (`10 04 n`) and its one-byte replies (peers.md §4; the bit tables are
 * Epson's, as node-escpos `statuses.ts` implements them).
 *
 * | n | asks for | bit 2 | bit 3 | bit 5 | bit 6 |
 * |---|---|---|---|---|---|
 * | 1 | printer status | drawer kick-out connector pin 3 high | offline | waiting for online recovery | paper feed button pressed |
 * | 2 | offline cause | cover open | paper being fed by the feed button | printing stopped by paper end | error |
 * | 3 | error cause | recoverable error | auto-cutter error | unrecoverable error | auto-recoverable error |
 * | 4 | roll paper sensor | bits 2–3: paper near end | (2–3) | bits 5–6: paper end | (5–6) |
 *
 * Every reply has the same **fixed bits**: bit 0 = 0, bit 1 = 1, bit 4 = 1, bit 7 = 0 (mask 0x93, value 0x12),
 * so 0x12 is "all clear" for every n, and paper out with near end for n = 4 is 0x12 | 0x0C | 0x60 = 0x7E.
 * A byte whose fixed bits differ is not a status reply (parseStatusByte → null). That also tells replies
 * apart from the other bytes a printer sends on its own: XON/XOFF (0x11/0x13: bit 0 set), and Automatic Status
 * Back blocks (first byte bit 1 = 0, the other three bit 4 = 0). For n = 4 a printer sets both bits of a pair
 * together; we read either bit as the condition (a printer with one sensor per pair still reports it).
 */

export type StatusRequestKind = 1 | 2 | 3 | 4;

export const STATUS_FIXED_MASK = 0x93;
export const STATUS_FIXED_VALUE = 0x12;

const DLE = 0x10;
const EOT = 0x04;

/** `10 04 n`. */
export function statusRequest(n: StatusRequestKind): Uint8Array {
  if (n !== 1 && n !== 2 && n !== 3 && n !== 4) throw new RangeError(`DLE EOT n must be 1–4, got ${String(n)}`);
  return Uint8Array.of(DLE, EOT, n);
}

/** True when `byte` has the fixed bits of a DLE EOT reply. */
export function isStatusReply(byte: number): boolean {
  return Number.isInteger(byte) && byte >= 0 && byte <= 0xff && (byte & STATUS_FIXED_MASK) === STATUS_FIXED_VALUE;
}

/** n = 1. */
export interface PrinterStatus {
  readonly kind: 'printer';
  readonly byte: number;
  /** Level of the drawer kick-out connector's pin 3 (the drawer switch); what it means is the drawer's wiring (drivers/drawer). */
  readonly drawerPin3High: boolean;
  readonly offline: boolean;
  readonly waitingForOnlineRecovery: boolean;
  readonly feedButtonPressed: boolean;
}

/** n = 2. */
export interface OfflineCause {
  readonly kind: 'offline';
  readonly byte: number;
  readonly coverOpen: boolean;
  readonly feedingByButton: boolean;
  readonly paperEndStop: boolean;
  readonly error: boolean;
}

/** n = 3. */
export interface ErrorCause {
  readonly kind: 'error';
  readonly byte: number;
  readonly recoverable: boolean;
  readonly autoCutter: boolean;
  readonly unrecoverable: boolean;
  readonly autoRecoverable: boolean;
}

/** n = 4. */
export interface PaperStatus {
  readonly kind: 'paper';
  readonly byte: number;
  readonly nearEnd: boolean;
  readonly paperEnd: boolean;
}

export type StatusReply = PrinterStatus | OfflineCause | ErrorCause | PaperStatus;

const bit = (byte: number, k: number): boolean => (byte & (1 << k)) !== 0;

/** The flags of the reply to `DLE EOT n`, or null when `byte` is not a status reply (fixed bits wrong). */
export function parseStatusByte(n: 1, byte: number): PrinterStatus | null;
export function parseStatusByte(n: 2, byte: number): OfflineCause | null;
export function parseStatusByte(n: 3, byte: number): ErrorCause | null;
export function parseStatusByte(n: 4, byte: number): PaperStatus | null;
export function parseStatusByte(n: StatusRequestKind, byte: number): StatusReply | null;
export function parseStatusByte(n: StatusRequestKind, byte: number): StatusReply | null {
  if (!isStatusReply(byte)) return null;
  switch (n) {
    case 1:
      return { kind: 'printer', byte, drawerPin3High: bit(byte, 2), offline: bit(byte, 3), waitingForOnlineRecovery: bit(byte, 5), feedButtonPressed: bit(byte, 6) };
    case 2:
      return { kind: 'offline', byte, coverOpen: bit(byte, 2), feedingByButton: bit(byte, 3), paperEndStop: bit(byte, 5), error: bit(byte, 6) };
    case 3:
      return { kind: 'error', byte, recoverable: bit(byte, 2), autoCutter: bit(byte, 3), unrecoverable: bit(byte, 5), autoRecoverable: bit(byte, 6) };
    case 4:
      return { kind: 'paper', byte, nearEnd: bit(byte, 2) || bit(byte, 3), paperEnd: bit(byte, 5) || bit(byte, 6) };
    default:
      throw new RangeError(`DLE EOT n must be 1–4, got ${String(n)}`);
  }
}

export type PrinterState = 'ready' | 'paper_out' | 'paper_near_end' | 'cover_open' | 'error' | 'offline';

/** Every condition a set of replies reports, for logs and the technician screen. */
export type StatusCondition =
  | 'no_reply'
  | 'offline'
  | 'waiting_for_online_recovery'
  | 'feed_button_pressed'
  | 'cover_open'
  | 'paper_fed_by_button'
  | 'paper_end_stop'
  | 'error'
  | 'recoverable_error'
  | 'autocutter_error'
  | 'unrecoverable_error'
  | 'auto_recoverable_error'
  | 'paper_near_end'
  | 'paper_end';

const CONDITION_TEXT: Readonly<Record<StatusCondition, string>> = {
  no_reply: 'no status reply',
  offline: 'offline',
  waiting_for_online_recovery: 'waiting for online recovery',
  feed_button_pressed: 'feed button pressed',
  cover_open: 'cover open',
  paper_fed_by_button: 'paper being fed by the feed button',
  paper_end_stop: 'printing stopped: paper end',
  error: 'error',
  recoverable_error: 'recoverable error',
  autocutter_error: 'auto-cutter error',
  unrecoverable_error: 'unrecoverable error',
  auto_recoverable_error: 'auto-recoverable error (e.g. head temperature)',
  paper_near_end: 'paper near end',
  paper_end: 'paper end',
};

export interface StatusReplies {
  readonly printer?: PrinterStatus | null;
  readonly offline?: OfflineCause | null;
  readonly error?: ErrorCause | null;
  readonly paper?: PaperStatus | null;
}

export interface StatusSummary {
  readonly state: PrinterState;
  /** The conditions, in English, joined by '; ' ('ready' when none). */
  readonly detail: string;
  readonly conditions: readonly StatusCondition[];
}

/**
 * One state from whichever replies were received, the most actionable first:
 * cover_open (close it; paper sensors misread while it is open) > paper_out (paper end, or printing stopped
 * by paper end) > error (any error cause or the offline-cause error bit) > offline (offline, waiting for
 * recovery, paper being fed by the button) > paper_near_end (still prints: a warning) > ready.
 * No reply at all is 'offline' ('no status reply'): a printer that does not answer DLE EOT is not reachable.
 */
export function summarizeStatus(replies: StatusReplies): StatusSummary {
  const { printer, offline, error, paper } = replies;
  const conditions: StatusCondition[] = [];
  const add = (when: boolean | undefined, c: StatusCondition): void => {
    if (when) conditions.push(c);
  };
  if (!printer && !offline && !error && !paper) conditions.push('no_reply');
  add(printer?.offline, 'offline');
  add(printer?.waitingForOnlineRecovery, 'waiting_for_online_recovery');
  add(printer?.feedButtonPressed, 'feed_button_pressed');
  add(offline?.coverOpen, 'cover_open');
  add(offline?.feedingByButton, 'paper_fed_by_button');
  add(offline?.paperEndStop, 'paper_end_stop');
  add(offline?.error, 'error');
  add(error?.recoverable, 'recoverable_error');
  add(error?.autoCutter, 'autocutter_error');
  add(error?.unrecoverable, 'unrecoverable_error');
  add(error?.autoRecoverable, 'auto_recoverable_error');
  add(paper?.nearEnd, 'paper_near_end');
  add(paper?.paperEnd, 'paper_end');

  const has = (...cs: StatusCondition[]): boolean => cs.some((c) => conditions.includes(c));
  const state: PrinterState = has('cover_open')
    ? 'cover_open'
    : has('paper_end', 'paper_end_stop')
      ? 'paper_out'
      : has('error', 'recoverable_error', 'autocutter_error', 'unrecoverable_error', 'auto_recoverable_error')
        ? 'error'
        : has('no_reply', 'offline', 'waiting_for_online_recovery', 'paper_fed_by_button')
          ? 'offline'
          : has('paper_near_end')
            ? 'paper_near_end'
            : 'ready';
  return { state, detail: conditions.length ? conditions.map((c) => CONDITION_TEXT[c]).join('; ') : 'ready', conditions };
}

/**
 * Matching real-time status replies to requests, without I/O (the transport calls it with the bytes it reads
 * and the time). The matching rule:
 *
 * 1. **FIFO.** A printer executes real-time commands in the order it receives them, as soon as it receives
 *    them, and answers each with one byte. So the k-th reply byte answers the k-th request still pending.
 * 2. **Only status-shaped bytes are replies** (fixed bits 0xx1xx10, isStatusReply). Anything else in the
 *    stream (XON/XOFF, ASB blocks, a reply to another command) is reported as `data` and consumes no request.
 *    DLE EOT replies all share one pattern, so a reply cannot tell which n it answers: hence rule 1.
 * 3. **Bytes in hand first.** A chunk is matched before deadlines are checked, so a reply that arrived just
 *    before the deadline but is delivered in a later read still answers its request.
 * 4. **A timeout drops the whole queue.** When the oldest request is older than `timeoutMs`, it and every
 *    request after it expire (`timeout` events): the printer is off, busy, or it lost a request, and FIFO
 *    matching is no longer safe. For `settleMs` after that, status-shaped bytes are `late` (answers to expired
 *    requests), and canSend() is false, so a late answer can never be taken for the answer to a new request.
 * 5. A status-shaped byte with no request pending and not settling is `unsolicited` (e.g. the printer took
 *    `10 04 n` inside raster data as a command) and is not a reply to anything.
 *
 * With one request in flight at a time (send, wait for the reply or the timeout, then the next) the
 * poller also works with printers that drop real-time commands while their receive buffer is full.
 */
export type PollerEvent =
  | { readonly type: 'reply'; readonly n: StatusRequestKind; readonly status: StatusReply; readonly latencyMs: number }
  | { readonly type: 'timeout'; readonly n: StatusRequestKind; readonly sentAt: number }
  | { readonly type: 'late'; readonly byte: number }
  | { readonly type: 'unsolicited'; readonly byte: number }
  | { readonly type: 'data'; readonly bytes: readonly number[] };

export interface StatusPollerOptions {
  /** A request unanswered after this long expires (default 1000 ms). */
  readonly timeoutMs?: number;
  /** Quiet time after an expiry, when no request may be sent (default = timeoutMs). */
  readonly settleMs?: number;
}

export class StatusPoller {
  private readonly timeoutMs: number;
  private readonly settleMs: number;
  private queue: { n: StatusRequestKind; sentAt: number }[] = [];
  private settleUntil = -Infinity;

  constructor(options: StatusPollerOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 1000;
    this.settleMs = options.settleMs ?? this.timeoutMs;
    if (!(this.timeoutMs > 0) || !(this.settleMs >= 0)) throw new RangeError('timeoutMs must be > 0 and settleMs ≥ 0');
  }

  /** Requests sent and not yet answered or expired, oldest first. */
  get pending(): readonly { readonly n: StatusRequestKind; readonly sentAt: number }[] {
    return this.queue;
  }

  /** False while settling after a timeout (rule 4). */
  canSend(now: number): boolean {
    return now >= this.settleUntil;
  }

  /** Records a request sent at `now` and returns its bytes. Throws while settling (check canSend). */
  send(n: StatusRequestKind, now: number): Uint8Array {
    if (!this.canSend(now)) throw new Error('status poller is settling after a timeout; wait until canSend()');
    const bytes = statusRequest(n);
    this.queue.push({ n, sentAt: now });
    return bytes;
  }

  /** Matches the bytes read at `now` (rules 1–3, 5), then expires overdue requests (rule 4). */
  receive(bytes: Uint8Array, now: number): PollerEvent[] {
    const events: PollerEvent[] = [];
    let data: number[] = [];
    const flush = (): void => {
      if (data.length) events.push({ type: 'data', bytes: data });
      data = [];
    };
    for (const byte of bytes) {
      if (!isStatusReply(byte)) {
        data.push(byte);
        continue;
      }
      flush();
      const request = this.queue.shift();
      if (request) {
        const status = parseStatusByte(request.n, byte);
        if (status) events.push({ type: 'reply', n: request.n, status, latencyMs: now - request.sentAt });
      } else events.push({ type: now < this.settleUntil ? 'late' : 'unsolicited', byte });
    }
    flush();
    events.push(...this.tick(now));
    return events;
  }

  /** Expires overdue requests (rule 4); call it on a timer when no bytes arrive. */
  tick(now: number): PollerEvent[] {
    const oldest = this.queue[0];
    if (!oldest || now - oldest.sentAt < this.timeoutMs) return [];
    const expired = this.queue.map((r): PollerEvent => ({ type: 'timeout', n: r.n, sentAt: r.sentAt }));
    this.queue = [];
    this.settleUntil = now + this.settleMs;
    return expired;
  }

  /** Forgets every request and the settling period (after the port is reopened). */
  reset(): void {
    this.queue = [];
    this.settleUntil = -Infinity;
  }
}

/** The latest reply of each kind among `events` (feed the result to summarizeStatus). */
export function repliesFrom(events: readonly PollerEvent[], into: StatusReplies = {}): StatusReplies {
  const out: { -readonly [K in keyof StatusReplies]: StatusReplies[K] } = { ...into };
  for (const e of events) {
    if (e.type !== 'reply') continue;
    const s = e.status;
    if (s.kind === 'printer') out.printer = s;
    else if (s.kind === 'offline') out.offline = s;
    else if (s.kind === 'error') out.error = s;
    else out.paper = s;
  }
  return out;
}

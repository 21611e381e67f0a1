/**
 * Device transports: the byte pipes every device protocol (ESC/POS printer, line display, scanner, scale)
 * talks through. One interface for serial (./serial.ts), raw TCP 9100 (./tcp.ts) and USB HID (./hid.ts).
 *
 * Hand-written on purpose: no npm library does reconnecting POS transports well. serialport, net and
 * node-hid each report an unplug differently (a 'close' with a DisconnectedError, a socket 'close', a read
 * 'error'), none of them reopens by itself, and the reconnect wrappers on npm either reconnect only
 * sockets, or swallow writes into an unbounded buffer that prints a stale receipt minutes later. Here a
 * write while the device is away is refused at once (the device layer decides what to queue, and a
 * receipt can be reprinted), and one loop per transport reopens the device with exponential backoff.
 *
 * States (UnifiedPOS-like, ../../../shared/ARCHITECTURE.md "Devices"):
 *   closed --open()--> opening --ok--> open --device lost--> reconnecting --reopened--> open
 *                         \--failed--> error (open() rejects; call open() again to retry)
 *   close() from any state --> closed (stops the reconnect loop, leaves no timer behind)
 */
import { z } from 'zod';
import { PosError, describeIssues } from '../../src-common/errors';

export type TransportState = 'closed' | 'opening' | 'open' | 'reconnecting' | 'error';

export interface Transport {
  /** e.g. 'serial:/dev/ttyUSB0', 'tcp:192.168.1.50:9100', 'hid:0c2e:0b61' */
  readonly id: string;
  readonly state: TransportState;
  /** Resolves when open, or rejects with a TransportError ('open-failed', or 'closed' when close() came first). */
  open(): Promise<void>;
  /** Resolves when the bytes are handed to the OS (drained); rejects at once when not open. */
  write(bytes: Uint8Array): Promise<void>;
  /** Closes the device and stops reconnecting. Never rejects. */
  close(): Promise<void>;
  /** Returns the unsubscribe function. */
  on(event: 'data', listener: (chunk: Uint8Array) => void): () => void;
  /**
   * Every change of state. While reconnecting it repeats 'reconnecting' after each failed attempt, the
   * detail saying why and when the next attempt is.
   */
  on(event: 'state', listener: (state: TransportState, detail?: string) => void): () => void;
}

/**
 * The logging a transport needs; a pino logger fits. Every line carries `transport: <id>`.
 */
export interface TransportLog {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export const silentLog: TransportLog = { debug() {}, info() {}, warn() {} };

export type TransportErrorReason = 'bad-options' | 'open-failed' | 'not-open' | 'reconnecting' | 'closed' | 'write-failed';

/** Everything a transport throws. Crosses the API as `validation_failed` (bad options) or `unavailable`. */
export class TransportError extends PosError {
  constructor(
    readonly reason: TransportErrorReason,
    message: string,
    details?: unknown,
  ) {
    super(reason === 'bad-options' ? 'validation_failed' : 'unavailable', message, details);
    this.name = 'TransportError';
  }
}

export const ReconnectSchema = z.strictObject({
  /** The first retry comes this long after the device is lost; each failed retry doubles the wait. */
  initialMs: z.number().int().min(1).max(60_000),
  /** The wait never grows past this. */
  maxMs: z.number().int().min(1).max(600_000),
}).refine((r) => r.maxMs >= r.initialMs, { message: 'maxMs must be at least initialMs', path: ['maxMs'] });
export type ReconnectOptions = z.infer<typeof ReconnectSchema>;

export const DEFAULT_RECONNECT: ReconnectOptions = { initialMs: 250, maxMs: 5_000 };

/** Parses options or throws a TransportError naming each bad field: "serial transport options: baudRate: …". */
export function parseOptions<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = describeIssues(parsed.error.issues);
  throw new TransportError('bad-options', `${what} options: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What one physical connection reports to the transport that made it. */
export interface ConnectionEvents {
  data(chunk: Uint8Array): void;
  /** The connection ended without close() being asked for: unplugged, peer gone, read error. Once is enough. */
  lost(reason: string): void;
}

/** One open connection to the device (one SerialPort, one socket, one HID handle). */
export interface Connection {
  write(bytes: Uint8Array): Promise<void>;
  /** Releases the device; must not reject and must not report `lost`. */
  close(): Promise<void>;
}

/** Opens one connection or rejects with a message a technician can act on. */
export type Connect = (events: ConnectionEvents) => Promise<Connection>;

export interface ReconnectingTransportOptions {
  readonly id: string;
  readonly connect: Connect;
  readonly reconnect: ReconnectOptions;
  readonly log?: TransportLog | undefined;
}

/** One attempt's connection and whether it is still the live one. */
interface Attempt {
  readonly session: number;
  conn: Connection | null;
  /** Set when the connection was lost or released: its events are ignored from then on. */
  over: boolean;
  lostEarly: string | null;
}

/**
 * The state machine shared by every transport kind: a `connect` function opens one connection, and this
 * keeps at most one connection and at most one reconnect loop alive.
 */
export function createReconnectingTransport(options: ReconnectingTransportOptions): Transport {
  const { id, connect, reconnect } = options;
  const log = options.log ?? silentLog;
  const dataListeners = new Set<(chunk: Uint8Array) => void>();
  const stateListeners = new Set<(state: TransportState, detail?: string) => void>();

  let state: TransportState = 'closed';
  let lastDetail: string | undefined;
  /** Bumped by open() from closed/error and by close(): anything started under an older session stands down. */
  let session = 0;
  let live: Attempt | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let failures = 0;
  /** The first open of this session, shared by concurrent open() calls. */
  let opening: Promise<void> | null = null;
  /** The attempt in flight (first open or a retry); close() waits for it so nothing opens after close. */
  let inFlight: Promise<unknown> | null = null;
  /** open() calls made while reconnecting: settled by the next reopen or by close(). */
  let waiters: { resolve: () => void; reject: (error: Error) => void }[] = [];

  function setState(next: TransportState, detail?: string): void {
    const repeated = next === state;
    state = next;
    lastDetail = detail;
    const fields = { transport: id, state: next, detail };
    if (next === 'reconnecting' && repeated) log.debug(fields, 'transport still reconnecting');
    else if (next === 'reconnecting' || next === 'error') log.warn(fields, 'transport state');
    else log.info(fields, 'transport state');
    for (const listener of [...stateListeners]) {
      try {
        listener(next, detail);
      } catch (error) {
        log.warn({ transport: id, err: errorText(error) }, 'a state listener threw');
      }
    }
  }

  function emitData(chunk: Uint8Array): void {
    for (const listener of [...dataListeners]) {
      try {
        listener(chunk);
      } catch (error) {
        log.warn({ transport: id, err: errorText(error) }, 'a data listener threw');
      }
    }
  }

  async function release(conn: Connection): Promise<void> {
    try {
      await conn.close();
    } catch (error) {
      log.debug({ transport: id, err: errorText(error) }, 'closing a connection failed');
    }
  }

  /** Opens one connection for `forSession`; resolves with the attempt holding it. */
  async function attemptConnect(forSession: number): Promise<Attempt> {
    const attempt: Attempt = { session: forSession, conn: null, over: false, lostEarly: null };
    const conn = await connect({
      data(chunk) {
        if (!attempt.over && attempt.session === session) emitData(chunk);
      },
      lost(reason) {
        if (attempt.conn === null) attempt.lostEarly ??= reason;
        else onLost(attempt, reason);
      },
    });
    attempt.conn = conn;
    if (attempt.lostEarly !== null) {
      attempt.over = true;
      await release(conn);
      throw new Error(attempt.lostEarly);
    }
    if (forSession !== session) {
      // close() came while we were connecting.
      attempt.over = true;
      await release(conn);
      throw new TransportError('closed', `${id} was closed while opening`);
    }
    return attempt;
  }

  function becameOpen(attempt: Attempt): void {
    live = attempt;
    failures = 0;
    setState('open');
    const settled = waiters;
    waiters = [];
    for (const w of settled) w.resolve();
  }

  function onLost(attempt: Attempt, reason: string): void {
    // Debounce: only the live connection of the current session can start the (one) reconnect loop.
    if (attempt.over || attempt !== live || attempt.session !== session) return;
    attempt.over = true;
    live = null;
    const forSession = session;
    setState('reconnecting', `device lost: ${reason}`);
    const conn = attempt.conn;
    inFlight = (async () => {
      if (conn) await release(conn);
      scheduleRetry(forSession);
    })();
  }

  function scheduleRetry(forSession: number): void {
    if (forSession !== session || state !== 'reconnecting' || timer !== null) return;
    const delay = Math.min(reconnect.maxMs, reconnect.initialMs * 2 ** Math.min(failures, 30));
    timer = setTimeout(() => {
      timer = null;
      inFlight = retry(forSession);
    }, delay);
  }

  async function retry(forSession: number): Promise<void> {
    if (forSession !== session) return;
    try {
      const attempt = await attemptConnect(forSession);
      becameOpen(attempt);
    } catch (error) {
      if (forSession !== session) return;
      failures += 1;
      const next = Math.min(reconnect.maxMs, reconnect.initialMs * 2 ** Math.min(failures, 30));
      setState('reconnecting', `attempt ${failures} failed: ${errorText(error)}; next in ${next} ms`);
      scheduleRetry(forSession);
    }
  }

  async function firstOpen(forSession: number): Promise<void> {
    setState('opening');
    let attempt: Attempt;
    try {
      attempt = await attemptConnect(forSession);
    } catch (error) {
      if (error instanceof TransportError) throw error;
      const message = `${id} could not be opened: ${errorText(error)}`;
      if (forSession === session) setState('error', message);
      throw new TransportError('open-failed', message);
    }
    becameOpen(attempt);
  }

  const transport: Transport = {
    id,
    get state() {
      return state;
    },

    open() {
      switch (state) {
        case 'open':
          return Promise.resolve();
        case 'opening':
          if (opening) return opening;
          break;
        case 'reconnecting':
          return new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }));
        case 'closed':
        case 'error':
          break;
      }
      session += 1;
      failures = 0;
      const forSession = session;
      const promise = firstOpen(forSession).finally(() => {
        if (opening === promise) opening = null;
      });
      opening = promise;
      inFlight = promise;
      return promise;
    },

    async write(bytes) {
      const conn = live?.conn;
      if (state !== 'open' || !conn) {
        if (state === 'reconnecting') {
          throw new TransportError(
            'reconnecting',
            `${id} is reconnecting (${lastDetail ?? 'device lost'}): write refused; keep the bytes and retry when the state is 'open'`,
          );
        }
        if (state === 'closed') throw new TransportError('closed', `${id} is closed: write refused (call open() first)`);
        throw new TransportError('not-open', `${id} is not open (${state}${lastDetail ? `: ${lastDetail}` : ''}): write refused`);
      }
      try {
        await conn.write(bytes);
      } catch (error) {
        throw new TransportError('write-failed', `${id}: write of ${bytes.byteLength} bytes failed: ${errorText(error)}`);
      }
    },

    async close() {
      session += 1;
      if (timer !== null) {
        clearTimeout(timer);
        timer = null;
      }
      const attempt = live;
      live = null;
      const pending = inFlight;
      inFlight = null;
      opening = null;
      const settled = waiters;
      waiters = [];
      for (const w of settled) w.reject(new TransportError('closed', `${id} was closed while reconnecting`));
      if (state !== 'closed') setState('closed');
      if (attempt?.conn) {
        attempt.over = true;
        await release(attempt.conn);
      }
      // An attempt in flight notices the new session and releases what it opened.
      if (pending) await pending.catch(() => undefined);
    },

    on(event: 'data' | 'state', listener: ((chunk: Uint8Array) => void) | ((state: TransportState, detail?: string) => void)) {
      if (event === 'data') {
        const l = listener as (chunk: Uint8Array) => void;
        dataListeners.add(l);
        return () => void dataListeners.delete(l);
      }
      const l = listener as (state: TransportState, detail?: string) => void;
      stateListeners.add(l);
      return () => void stateListeners.delete(l);
    },
  } as Transport;
  return transport;
}

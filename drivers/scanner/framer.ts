/**
 * Serial (RS-232 / USB-CDC) scanner framing (peers.md §6.1): the bytes a port delivers, in chunks cut
 * anywhere, in; scan events out. A scan is the bytes before the configured suffix (CR, LF, CR LF or Tab), or,
 * with no suffix, the bytes before `idleMs` of silence. Pure: the transport pushes chunks and, for the idle
 * rule, calls `flushIdle` on a timer.
 *
 * Rules:
 * - A suffix split across chunks (CR | LF) still ends the scan; several scans in one chunk are all returned.
 * - An empty line (CR CR, or CR LF CR LF) is ignored.
 * - A line longer than `maxLength` bytes (without its suffix; an AIM identifier counts) is dropped as
 *   'overlong' as soon as it passes the limit; what follows up to the next suffix is discarded.
 * - A control byte that is not the suffix, except GS (0x1D, the GS1 separator), makes the line 'garbage';
 *   so do bytes the encoding cannot decode. In CR LF mode a CR not followed by LF is such a control byte.
 * - An AIM identifier with no data after it is dropped as 'empty'.
 * - With a suffix and `idleMs` set, a fragment left without its suffix for `idleMs` is dropped as 'garbage'
 *   (a lost suffix must not glue two scans into one code); without `idleMs` a fragment waits for its suffix.
 *   With `idleOnlyWhenFlushed`, only `flushIdle` judges the silence (its caller knows whether it ran on time).
 */
import { identifyScan } from './aim';
import { concatBytes, createScanDecoder, SCAN_ENCODINGS, type ScanEncoding, type ScanEvent } from './scan-event';

export type { ScanEvent, ScanEncoding } from './scan-event';

export type ScanSuffix = 'CR' | 'LF' | 'CRLF' | 'TAB' | 'none';

export interface SerialScanFramerOptions {
  suffix: ScanSuffix;
  /** Silence that ends a scan with suffix 'none' (required there); with a suffix, drops a stale fragment. */
  idleMs?: number;
  /** The scanner sends AIM identifiers (`]E0…`): split them off and name the symbology by them. */
  aimPrefix: boolean;
  /** Longest line in bytes, without the suffix (default 256). */
  maxLength?: number;
  /** Default 'ascii'. */
  encoding?: ScanEncoding;
  /** Clock for the idle rule at `push` time (default Date.now); `flushIdle` takes the time from its caller. */
  now?: () => number;
  /**
   * With a suffix: leave the idle rule to `flushIdle` alone (default false). Time read at `push` is when the bytes
   * were read, not when they came: behind a held thread the rest of a scan reads as late, and its first part
   * would be dropped. A caller whose timer knows when it ran late (drivers/devices/manager.ts) sets this.
   */
  idleOnlyWhenFlushed?: boolean;
}

export interface SerialScanFramer {
  /** Feeds bytes as the port delivered them; returns the events they complete, in order. */
  push(chunk: Uint8Array): ScanEvent[];
  /** Ends (suffix 'none') or drops (with a suffix and `idleMs`) a line silent for `idleMs` at `now`. */
  flushIdle(now: number): ScanEvent[];
  /** Forgets any partial line (e.g. after the port reopens). */
  reset(): void;
}

export const DEFAULT_MAX_SCAN_LENGTH = 256;

const CR = 0x0d;
const LF = 0x0a;
const TAB = 0x09;

const SUFFIX_BYTES: Readonly<Record<ScanSuffix, readonly number[]>> = Object.freeze({
  CR: [CR],
  LF: [LF],
  CRLF: [CR, LF],
  TAB: [TAB],
  none: [],
});

export function createSerialScanFramer(options: SerialScanFramerOptions): SerialScanFramer {
  const { suffix, aimPrefix, idleMs } = options;
  const suffixBytes = SUFFIX_BYTES[suffix];
  if (!Object.hasOwn(SUFFIX_BYTES, suffix) || suffixBytes === undefined) {
    throw new RangeError(`unknown suffix ${JSON.stringify(suffix as unknown)}; expected CR, LF, CRLF, TAB or none`);
  }
  if (idleMs !== undefined && !(Number.isFinite(idleMs) && idleMs > 0)) {
    throw new RangeError(`idleMs must be a positive number of milliseconds, got ${String(idleMs)}`);
  }
  if (suffix === 'none' && idleMs === undefined) throw new RangeError("suffix 'none' needs idleMs: silence is what ends a scan");
  const maxLength = options.maxLength ?? DEFAULT_MAX_SCAN_LENGTH;
  if (!Number.isSafeInteger(maxLength) || maxLength < 1) throw new RangeError(`maxLength must be a positive integer, got ${String(maxLength)}`);
  const encoding = options.encoding ?? 'ascii';
  if (!SCAN_ENCODINGS.includes(encoding)) throw new RangeError(`unknown encoding ${JSON.stringify(encoding as unknown)}`);
  const decode = createScanDecoder(encoding);
  const now = options.now ?? Date.now;
  const idleOnlyAtFlush = suffix !== 'none' && options.idleOnlyWhenFlushed === true;
  const suffixRaw = Uint8Array.from(suffixBytes);
  const crlf = suffix === 'CRLF';
  const last = suffixBytes[suffixBytes.length - 1];

  // The current line. In CR LF mode a CR is stored like any byte until the next byte shows whether it was
  // the start of the suffix, so the buffer holds up to maxLength data bytes, a CR, and the byte that overflows.
  const buf = new Uint8Array(maxLength + 2);
  let len = 0;
  /** Passed maxLength: dropped already, the rest of the line is thrown away. */
  let discarding = false;
  /** The previous byte of the stream (-1 at a line start), for CR LF split across chunks. */
  let prev = -1;
  /** When the last byte came, or null when no line is open. */
  let lastByteAt: number | null = null;

  const clear = (): void => {
    len = 0;
    discarding = false;
    prev = -1;
  };

  /** The event of a complete line: `data` without, `raw` with the suffix. */
  const finish = (data: Uint8Array, raw: Uint8Array): ScanEvent => {
    const text = decode(data);
    if (text === null) return { kind: 'dropped', reason: 'garbage', raw };
    const scan = identifyScan(text, aimPrefix);
    if (scan.data.length === 0) return { kind: 'dropped', reason: 'empty', raw };
    return { kind: 'scan', data: scan.data, symbology: scan.symbology, aim: scan.aim, raw };
  };

  /** The suffix has just been read (or silence ended a 'none' line). */
  const endLine = (out: ScanEvent[]): void => {
    const dataLength = crlf ? len - 1 : len; // in CR LF mode the stored CR is part of the suffix
    const wasDiscarding = discarding;
    const data = buf.slice(0, Math.max(0, dataLength));
    clear();
    if (wasDiscarding || data.length === 0) return;
    out.push(finish(data, concatBytes([data, suffixRaw])));
  };

  const idleEnd = (out: ScanEvent[]): void => {
    lastByteAt = null;
    if (suffix === 'none') {
      endLine(out);
      return;
    }
    // A fragment whose suffix never came.
    if (!discarding && len > 0) out.push({ kind: 'dropped', reason: 'garbage', raw: buf.slice(0, len) });
    clear();
  };

  const isIdle = (at: number): boolean => idleMs !== undefined && lastByteAt !== null && at - lastByteAt >= idleMs;

  return {
    push(chunk) {
      const out: ScanEvent[] = [];
      if (chunk.length === 0) return out;
      const at = now();
      if (!idleOnlyAtFlush && isIdle(at)) idleEnd(out);
      lastByteAt = at;
      for (const b of chunk) {
        if (last !== undefined && b === last && (!crlf || prev === CR)) {
          endLine(out);
          continue;
        }
        prev = b;
        if (discarding) continue;
        buf[len++] = b;
        const pendingCr = crlf && b === CR ? 1 : 0;
        if (len - pendingCr > maxLength) {
          out.push({ kind: 'dropped', reason: 'overlong', raw: buf.slice(0, len) });
          len = 0;
          discarding = true;
        }
      }
      // A completed line leaves nothing open for the idle rule.
      if (len === 0 && !discarding) lastByteAt = null;
      return out;
    },
    flushIdle(at) {
      const out: ScanEvent[] = [];
      if (isIdle(at)) idleEnd(out);
      return out;
    },
    reset() {
      clear();
      lastByteAt = null;
    },
  };
}

export interface SerialFrameFormat {
  dataBits: 5 | 6 | 7 | 8;
  stopBits: 1 | 1.5 | 2;
  parity: 'none' | 'even' | 'odd' | 'mark' | 'space';
}

/**
 * Time the bytes take on an asynchronous serial line: each byte is a start bit, the data bits, a parity bit
 * unless 'none', and the stop bits. `wireTimeMs(19, 9600)` (an 18-digit code + CR at 9600 8N1) ≈ 19.79 ms.
 */
export function wireTimeMs(bytes: number, baud: number, frame: SerialFrameFormat = { dataBits: 8, stopBits: 1, parity: 'none' }): number {
  if (!Number.isSafeInteger(bytes) || bytes < 0) throw new RangeError(`bytes must be a whole number ≥ 0, got ${String(bytes)}`);
  if (!Number.isFinite(baud) || baud <= 0) throw new RangeError(`baud must be positive, got ${String(baud)}`);
  if (![5, 6, 7, 8].includes(frame.dataBits)) throw new RangeError(`dataBits must be 5–8, got ${String(frame.dataBits)}`);
  if (![1, 1.5, 2].includes(frame.stopBits)) throw new RangeError(`stopBits must be 1, 1.5 or 2, got ${String(frame.stopBits)}`);
  if (!['none', 'even', 'odd', 'mark', 'space'].includes(frame.parity)) throw new RangeError(`unknown parity ${JSON.stringify(frame.parity as unknown)}`);
  const bitsPerByte = 1 + frame.dataBits + (frame.parity === 'none' ? 0 : 1) + frame.stopBits;
  return ((bytes * bitsPerByte) / baud) * 1000;
}

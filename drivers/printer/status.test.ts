import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEscPos } from '../receipt/escpos-decode';
import { isStatusReply, parseStatusByte, type PollerEvent, repliesFrom, StatusPoller, statusRequest, type StatusRequestKind, summarizeStatus } from './status';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex').replace(/(..)(?!$)/g, '$1 ');
const kinds: readonly StatusRequestKind[] = [1, 2, 3, 4];

describe('statusRequest', () => {
  it('is DLE EOT n', () => {
    expect(kinds.map((n) => hex(statusRequest(n)))).toEqual(['10 04 01', '10 04 02', '10 04 03', '10 04 04']);
  });
  it('is what the receipt decoder reads as a status request', () => {
    const { commands } = decodeEscPos(statusRequest(4));
    expect(commands).toEqual([{ type: 'statusRequest', n: 4, at: 0, length: 3 }]);
  });
  it('refuses other n', () => {
    expect(() => statusRequest(0 as 1)).toThrow(RangeError);
    expect(() => statusRequest(5 as 1)).toThrow(RangeError);
  });
});

describe('parseStatusByte', () => {
  it('reads 0x12 (only the fixed bits) as all clear for every n', () => {
    expect(parseStatusByte(1, 0x12)).toEqual({ kind: 'printer', byte: 0x12, drawerPin3High: false, offline: false, waitingForOnlineRecovery: false, feedButtonPressed: false });
    expect(parseStatusByte(2, 0x12)).toEqual({ kind: 'offline', byte: 0x12, coverOpen: false, feedingByButton: false, paperEndStop: false, error: false });
    expect(parseStatusByte(3, 0x12)).toEqual({ kind: 'error', byte: 0x12, recoverable: false, autoCutter: false, unrecoverable: false, autoRecoverable: false });
    expect(parseStatusByte(4, 0x12)).toEqual({ kind: 'paper', byte: 0x12, nearEnd: false, paperEnd: false });
  });

  it('n = 1: pin 3 (bit 2), offline (bit 3), waiting for online recovery (bit 5), feed button (bit 6)', () => {
    expect(parseStatusByte(1, 0x16)?.drawerPin3High).toBe(true);
    expect(parseStatusByte(1, 0x1a)?.offline).toBe(true);
    expect(parseStatusByte(1, 0x32)?.waitingForOnlineRecovery).toBe(true);
    expect(parseStatusByte(1, 0x52)?.feedButtonPressed).toBe(true);
    expect(parseStatusByte(1, 0x7e)).toEqual({ kind: 'printer', byte: 0x7e, drawerPin3High: true, offline: true, waitingForOnlineRecovery: true, feedButtonPressed: true });
  });

  it('n = 2: cover open, paper fed by the button, paper-end stop, error', () => {
    expect(parseStatusByte(2, 0x16)?.coverOpen).toBe(true);
    expect(parseStatusByte(2, 0x1a)?.feedingByButton).toBe(true);
    expect(parseStatusByte(2, 0x32)?.paperEndStop).toBe(true);
    expect(parseStatusByte(2, 0x52)?.error).toBe(true);
  });

  it('n = 3: recoverable, auto-cutter, unrecoverable, auto-recoverable errors', () => {
    expect(parseStatusByte(3, 0x16)).toMatchObject({ recoverable: true, autoCutter: false });
    expect(parseStatusByte(3, 0x1a)).toMatchObject({ autoCutter: true, recoverable: false });
    expect(parseStatusByte(3, 0x32)).toMatchObject({ unrecoverable: true });
    expect(parseStatusByte(3, 0x52)).toMatchObject({ autoRecoverable: true });
  });

  it('n = 4: near end (bits 2–3 = 0x0C), paper end (bits 5–6 = 0x60), with the fixed bits 0x12', () => {
    expect(parseStatusByte(4, 0x12 | 0x0c)).toEqual({ kind: 'paper', byte: 0x1e, nearEnd: true, paperEnd: false });
    expect(parseStatusByte(4, 0x12 | 0x60)).toEqual({ kind: 'paper', byte: 0x72, nearEnd: false, paperEnd: true });
    expect(parseStatusByte(4, 0x7e)).toEqual({ kind: 'paper', byte: 0x7e, nearEnd: true, paperEnd: true });
    // one bit of a pair is read as the condition
    expect(parseStatusByte(4, 0x16)?.nearEnd).toBe(true);
    expect(parseStatusByte(4, 0x52)?.paperEnd).toBe(true);
  });

  it('returns null for bytes whose fixed bits are wrong', () => {
    expect(parseStatusByte(4, 0x6c)).toBeNull(); // the sensor bits without the fixed bits
    expect(parseStatusByte(1, 0x00)).toBeNull();
    expect(parseStatusByte(1, 0xff)).toBeNull();
    expect(parseStatusByte(1, 0x11)).toBeNull(); // XON
    expect(parseStatusByte(1, 0x13)).toBeNull(); // XOFF
    expect(parseStatusByte(1, 0x10)).toBeNull(); // first byte of an ASB block (bit 1 = 0)
    expect(parseStatusByte(2, 0x02)).toBeNull(); // later ASB bytes have bit 4 = 0
    expect(parseStatusByte(2, 0x92)).toBeNull(); // bit 7 set
    expect(parseStatusByte(3, 0x13)).toBeNull(); // bit 0 set
    expect(parseStatusByte(1, 0x12 + 0x100)).toBeNull();
    expect(parseStatusByte(1, -1)).toBeNull();
  });

  it('accepts exactly the 16 bytes of the pattern 0xx1xx10, for every n', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.constantFrom(...kinds), (byte, n) => {
        const ok = (byte & 0x93) === 0x12;
        expect(parseStatusByte(n, byte) !== null).toBe(ok);
        expect(isStatusReply(byte)).toBe(ok);
      }),
    );
    expect(Array.from({ length: 256 }, (_, b) => b).filter(isStatusReply)).toHaveLength(16);
  });
});

describe('summarizeStatus', () => {
  const p = (b: number) => parseStatusByte(1, b);
  const o = (b: number) => parseStatusByte(2, b);
  const e = (b: number) => parseStatusByte(3, b);
  const r = (b: number) => parseStatusByte(4, b);

  it('is ready when every reply is clear', () => {
    expect(summarizeStatus({ printer: p(0x12), offline: o(0x12), error: e(0x12), paper: r(0x12) })).toEqual({ state: 'ready', detail: 'ready', conditions: [] });
    expect(summarizeStatus({ paper: r(0x12) }).state).toBe('ready');
  });
  it('is offline with no reply at all', () => {
    expect(summarizeStatus({})).toEqual({ state: 'offline', detail: 'no status reply', conditions: ['no_reply'] });
    expect(summarizeStatus({ printer: null, paper: null }).state).toBe('offline');
  });
  it('reports paper out, near end, cover open, errors and offline', () => {
    expect(summarizeStatus({ paper: r(0x7e) })).toEqual({ state: 'paper_out', detail: 'paper near end; paper end', conditions: ['paper_near_end', 'paper_end'] });
    expect(summarizeStatus({ paper: r(0x1e) }).state).toBe('paper_near_end');
    expect(summarizeStatus({ offline: o(0x32) }).state).toBe('paper_out');
    expect(summarizeStatus({ printer: p(0x1a), offline: o(0x16) })).toEqual({ state: 'cover_open', detail: 'offline; cover open', conditions: ['offline', 'cover_open'] });
    expect(summarizeStatus({ printer: p(0x1a), offline: o(0x52), error: e(0x1a) })).toMatchObject({ state: 'error', conditions: ['offline', 'error', 'autocutter_error'] });
    expect(summarizeStatus({ error: e(0x32) }).detail).toBe('unrecoverable error');
    expect(summarizeStatus({ printer: p(0x1a) }).state).toBe('offline');
    expect(summarizeStatus({ printer: p(0x32) }).state).toBe('offline');
    expect(summarizeStatus({ printer: p(0x12), offline: o(0x1a) }).state).toBe('offline');
  });
  it('puts the most actionable state first: cover > paper out > error > offline > near end', () => {
    expect(summarizeStatus({ printer: p(0x1a), offline: o(0x16 | 0x20 | 0x40), paper: r(0x7e) }).state).toBe('cover_open');
    expect(summarizeStatus({ printer: p(0x1a), offline: o(0x72), paper: r(0x7e) }).state).toBe('paper_out');
    expect(summarizeStatus({ printer: p(0x1a), error: e(0x16), paper: r(0x1e) }).state).toBe('error');
    expect(summarizeStatus({ printer: p(0x1a), paper: r(0x1e) }).state).toBe('offline');
  });
  it('does not call the drawer switch or the feed button alone a fault', () => {
    expect(summarizeStatus({ printer: p(0x16) }).state).toBe('ready');
    expect(summarizeStatus({ printer: p(0x52) }).state).toBe('ready');
  });
});

describe('StatusPoller', () => {
  const replies = (events: readonly PollerEvent[]) => events.filter((e) => e.type === 'reply').map((e) => (e.type === 'reply' ? [e.n, e.status.byte] : null));

  it('answers requests in the order sent (FIFO), with the latency', () => {
    const poller = new StatusPoller();
    poller.send(1, 0);
    poller.send(4, 5);
    const events = poller.receive(Uint8Array.of(0x16, 0x7e), 20);
    expect(events).toEqual([
      { type: 'reply', n: 1, status: parseStatusByte(1, 0x16), latencyMs: 20 },
      { type: 'reply', n: 4, status: parseStatusByte(4, 0x7e), latencyMs: 15 },
    ]);
    expect(poller.pending).toEqual([]);
    expect(summarizeStatus(repliesFrom(events)).state).toBe('paper_out');
  });

  it('passes other bytes through as data without consuming a request', () => {
    const poller = new StatusPoller();
    poller.send(2, 0);
    // XON, an ASB block (first byte bit 1 = 0, others bit 4 = 0), then the reply
    const events = poller.receive(Uint8Array.of(0x11, 0x10, 0x00, 0x00, 0x0f, 0x16, 0x13), 10);
    expect(events).toEqual([
      { type: 'data', bytes: [0x11, 0x10, 0x00, 0x00, 0x0f] },
      { type: 'reply', n: 2, status: parseStatusByte(2, 0x16), latencyMs: 10 },
      { type: 'data', bytes: [0x13] },
    ]);
  });

  it('matches replies split across reads', () => {
    const poller = new StatusPoller();
    poller.send(1, 0);
    poller.send(2, 0);
    expect(replies(poller.receive(Uint8Array.of(0x12), 5))).toEqual([[1, 0x12]]);
    expect(poller.pending).toEqual([{ n: 2, sentAt: 0 }]);
    expect(replies(poller.receive(Uint8Array.of(0x16), 6))).toEqual([[2, 0x16]]);
  });

  it('expires the whole queue on a timeout, then settles: late answers are not taken for new requests', () => {
    const poller = new StatusPoller({ timeoutMs: 100, settleMs: 200 });
    poller.send(1, 0);
    poller.send(4, 50);
    expect(poller.tick(99)).toEqual([]);
    expect(poller.tick(100)).toEqual([
      { type: 'timeout', n: 1, sentAt: 0 },
      { type: 'timeout', n: 4, sentAt: 50 },
    ]);
    expect(poller.pending).toEqual([]);
    expect(poller.canSend(150)).toBe(false);
    expect(() => poller.send(1, 150)).toThrow(/settling/);
    expect(poller.receive(Uint8Array.of(0x12), 160)).toEqual([{ type: 'late', byte: 0x12 }]);
    expect(poller.canSend(300)).toBe(true);
    poller.send(1, 300);
    expect(replies(poller.receive(Uint8Array.of(0x1a), 310))).toEqual([[1, 0x1a]]);
  });

  it('takes a reply read in the same chunk as the deadline before expiring', () => {
    const poller = new StatusPoller({ timeoutMs: 100 });
    poller.send(3, 0);
    expect(replies(poller.receive(Uint8Array.of(0x12), 150))).toEqual([[3, 0x12]]);
  });

  it('reports a status-shaped byte with nothing pending as unsolicited', () => {
    const poller = new StatusPoller();
    expect(poller.receive(Uint8Array.of(0x12), 0)).toEqual([{ type: 'unsolicited', byte: 0x12 }]);
  });

  it('reset forgets requests and the settling period', () => {
    const poller = new StatusPoller({ timeoutMs: 10 });
    poller.send(1, 0);
    poller.tick(20);
    poller.reset();
    expect(poller.canSend(21)).toBe(true);
    expect(poller.pending).toEqual([]);
  });

  it('finds every reply, in order, among any other bytes, however the stream is chunked', () => {
    const noise = fc.integer({ min: 0, max: 255 }).filter((b) => !isStatusReply(b));
    const reply = fc.integer({ min: 0, max: 255 }).filter(isStatusReply);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...kinds), reply, fc.array(noise, { maxLength: 4 })), { maxLength: 12 }), fc.array(fc.integer({ min: 1, max: 5 })), (exchanges, cuts) => {
        const poller = new StatusPoller({ timeoutMs: 1e9 });
        const stream: number[] = [];
        for (const [n, byte, junk] of exchanges) {
          poller.send(n, 0);
          stream.push(...junk, byte);
        }
        const events: PollerEvent[] = [];
        let at = 0;
        for (const cut of [...cuts, stream.length]) {
          events.push(...poller.receive(Uint8Array.from(stream.slice(at, at + cut)), 1));
          at += cut;
          if (at >= stream.length) break;
        }
        expect(replies(events)).toEqual(exchanges.map(([n, byte]) => [n, byte]));
        expect(events.flatMap((e) => (e.type === 'data' ? e.bytes : []))).toEqual(exchanges.flatMap(([, , junk]) => junk));
        expect(poller.pending).toEqual([]);
      }),
    );
  });
});

import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { classifyPaymentCode } from '../../src-common/payment-code';
import { isAim } from './aim';
import { createSerialScanFramer, wireTimeMs, type ScanEvent, type ScanSuffix, type SerialScanFramerOptions } from './framer';

/** Written out here rather than taken from scan-event.ts, so a bug there cannot hide from the property. */
const hasForbiddenControl = (text: string): boolean =>
  [...text].some((c) => {
    const code = c.codePointAt(0) ?? 0;
    return code !== 0x1d && (code <= 0x1f || (code >= 0x7f && code <= 0x9f));
  });

const enc = new TextEncoder();
const bytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => {
  const code = c.charCodeAt(0);
  if (code > 0xff) throw new Error('bytes() takes byte strings; use enc.encode for text');
  return code;
});
const cat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => [...p]));

/** Only what the cashier's screen cares about. */
const scans = (events: ScanEvent[]) => events.map((e) => (e.kind === 'scan' ? { data: e.data, symbology: e.symbology, aim: e.aim } : { dropped: e.reason }));

const SUFFIX_TEXT: Record<Exclude<ScanSuffix, 'none'>, string> = { CR: '\r', LF: '\n', CRLF: '\r\n', TAB: '\t' };

describe('createSerialScanFramer: suffixes', () => {
  it('frames a CR-terminated scan with an AIM prefix', () => {
    const f = createSerialScanFramer({ suffix: 'CR', aimPrefix: true });
    const events = f.push(bytes(']E06901939621608\r'));
    expect(events).toEqual([{ kind: 'scan', data: '6901939621608', symbology: 'ean13', aim: ']E0', raw: bytes(']E06901939621608\r') }]);
  });

  it.each(['CR', 'LF', 'CRLF', 'TAB'] as const)('frames several %s scans in one chunk', (suffix) => {
    const s = SUFFIX_TEXT[suffix];
    const f = createSerialScanFramer({ suffix, aimPrefix: true });
    expect(scans(f.push(bytes(`]E06901939621608${s}]C0134567890123450000${s}]Q1https://example.cn/p?id=1${s}`)))).toEqual([
      { data: '6901939621608', symbology: 'ean13', aim: ']E0' },
      { data: '134567890123450000', symbology: 'code128', aim: ']C0' },
      { data: 'https://example.cn/p?id=1', symbology: 'qr', aim: ']Q1' },
    ]);
  });

  it('ends a scan whose suffix comes in the next chunk', () => {
    const f = createSerialScanFramer({ suffix: 'CR', aimPrefix: false });
    expect(f.push(bytes('690193962'))).toEqual([]);
    expect(f.push(bytes('1608'))).toEqual([]);
    expect(scans(f.push(bytes('\r')))).toEqual([{ data: '6901939621608', symbology: 'ean13', aim: null }]);
  });

  it('ends a scan whose CR LF is split between two chunks', () => {
    const f = createSerialScanFramer({ suffix: 'CRLF', aimPrefix: false });
    expect(f.push(bytes('134567890123450000\r'))).toEqual([]);
    const [event] = f.push(bytes('\n6901'));
    expect(event).toEqual({ kind: 'scan', data: '134567890123450000', symbology: 'unknown', aim: null, raw: bytes('134567890123450000\r\n') });
    expect(classifyPaymentCode(event?.kind === 'scan' ? event.data : '')).toEqual({ ok: true, wallet: 'wechat', kind: 'barcode' });
    expect(scans(f.push(bytes('939621608\r\n')))).toEqual([{ data: '6901939621608', symbology: 'ean13', aim: null }]);
  });

  it('byte by byte gives the same as the whole stream', () => {
    const stream = bytes(']E06901939621608\r\n\r\n]C0134567890123450000\r\n');
    const whole = createSerialScanFramer({ suffix: 'CRLF', aimPrefix: true }).push(stream);
    const f = createSerialScanFramer({ suffix: 'CRLF', aimPrefix: true });
    expect([...stream].flatMap((b) => f.push(Uint8Array.of(b)))).toEqual(whole);
    expect(whole).toHaveLength(2);
  });

  it('treats a CR not followed by LF as a stray control byte in CR LF mode', () => {
    const f = createSerialScanFramer({ suffix: 'CRLF', aimPrefix: false });
    expect(scans(f.push(bytes('6901\r939621608\r\n6901939621608\r\n')))).toEqual([
      { dropped: 'garbage' },
      { data: '6901939621608', symbology: 'ean13', aim: null },
    ]);
    // A lone LF neither ends a line nor belongs in one.
    expect(scans(f.push(bytes('\n6901939621608\r\n')))).toEqual([{ dropped: 'garbage' }]);
  });

  it('ignores empty lines', () => {
    expect(createSerialScanFramer({ suffix: 'CR', aimPrefix: false }).push(bytes('\r\r\r'))).toEqual([]);
    expect(createSerialScanFramer({ suffix: 'CRLF', aimPrefix: false }).push(bytes('\r\n\r\n'))).toEqual([]);
    const f = createSerialScanFramer({ suffix: 'CR', aimPrefix: false });
    expect(scans(f.push(bytes('6901939621608\r\r6901939621608\r')))).toHaveLength(2);
  });

  it('drops an AIM identifier with no data as empty', () => {
    const f = createSerialScanFramer({ suffix: 'CR', aimPrefix: true });
    expect(f.push(bytes(']E0\r'))).toEqual([{ kind: 'dropped', reason: 'empty', raw: bytes(']E0\r') }]);
  });

  it('keeps data that starts with `]` whole when the scanner sends no identifiers', () => {
    const f = createSerialScanFramer({ suffix: 'CR', aimPrefix: false });
    expect(scans(f.push(bytes(']E06901939621608\r')))).toEqual([{ data: ']E06901939621608', symbology: 'unknown', aim: null }]);
  });

  it('infers the symbology only when it is safe', () => {
    const f = createSerialScanFramer({ suffix: 'CR', aimPrefix: true });
    expect(scans(f.push(bytes('6901939621608\r6901939621607\r04252614\rABC-123\r')))).toEqual([
      { data: '6901939621608', symbology: 'ean13', aim: null },
      { data: '6901939621607', symbology: 'unknown', aim: null },
      { data: '04252614', symbology: 'upce', aim: null },
      { data: 'ABC-123', symbology: 'unknown', aim: null },
    ]);
  });
});

describe('createSerialScanFramer: length, control bytes and encodings', () => {
  it('drops a line longer than maxLength at once and resumes at the next suffix', () => {
    const f = createSerialScanFramer({ suffix: 'CR', aimPrefix: false, maxLength: 13 });
    expect(f.push(bytes('6901939621608'))).toEqual([]); // exactly maxLength: still fine
    const [dropped] = f.push(bytes('12345'));
    expect(dropped).toEqual({ kind: 'dropped', reason: 'overlong', raw: bytes('69019396216081') });
    expect(f.push(bytes('6789\r'))).toEqual([]); // the rest of the long line is discarded
    expect(scans(f.push(bytes('6901939621608\r')))).toEqual([{ data: '6901939621608', symbology: 'ean13', aim: null }]);
  });

  it('counts the CR of CR LF as suffix, not as data, at the limit', () => {
    const f = createSerialScanFramer({ suffix: 'CRLF', aimPrefix: false, maxLength: 13 });
    expect(scans(f.push(bytes('6901939621608\r\n')))).toEqual([{ data: '6901939621608', symbology: 'ean13', aim: null }]);
    expect(scans(f.push(bytes('6901939621608\rX\r\n6901939621608\r\n')))).toEqual([
      { dropped: 'overlong' },
      { data: '6901939621608', symbology: 'ean13', aim: null },
    ]);
  });

  it('defaults to 256 bytes', () => {
    const f = createSerialScanFramer({ suffix: 'CR', aimPrefix: false });
    expect(scans(f.push(bytes(`${'A'.repeat(256)}\r${'A'.repeat(257)}\r`)))).toEqual([
      { data: 'A'.repeat(256), symbology: 'unknown', aim: null },
      { dropped: 'overlong' },
    ]);
  });

  it('drops a line with a control byte as garbage, but keeps GS inside GS1 data', () => {
    const f = createSerialScanFramer({ suffix: 'CR', aimPrefix: true });
    expect(scans(f.push(bytes(']C10106901939621608\x1d10LOT42\r')))).toEqual([
      { data: '0106901939621608\x1d10LOT42', symbology: 'gs1-128', aim: ']C1' },
    ]);
    for (const bad of ['\x00', '\x07', '\x1b', '\n', '\t', '\x7f', '\x1c', '\x1e']) {
      expect(scans(f.push(bytes(`6901${bad}939621608\r`)))).toEqual([{ dropped: 'garbage' }]);
    }
  });

  it('refuses bytes ≥ 0x80 in ASCII (line noise at a wrong baud rate)', () => {
    const f = createSerialScanFramer({ suffix: 'CR', aimPrefix: false });
    expect(scans(f.push(cat(bytes('6901'), Uint8Array.of(0xe6, 0x98), bytes('\r'))))).toEqual([{ dropped: 'garbage' }]);
  });

  it('decodes UTF-8 and refuses invalid UTF-8 or encoded C1 controls', () => {
    const f = createSerialScanFramer({ suffix: 'CR', aimPrefix: true, encoding: 'utf8' });
    expect(scans(f.push(cat(enc.encode(']Q1可口可乐 330ml'), bytes('\r'))))).toEqual([{ data: '可口可乐 330ml', symbology: 'qr', aim: ']Q1' }]);
    expect(scans(f.push(cat(bytes(']Q1'), Uint8Array.of(0xe5, 0x8f), bytes('\r'))))).toEqual([{ dropped: 'garbage' }]);
    expect(scans(f.push(cat(bytes(']Q1a'), Uint8Array.of(0xc2, 0x85), bytes('b\r'))))).toEqual([{ dropped: 'garbage' }]);
  });

  it('decodes GB18030 and refuses what it cannot decode', () => {
    const f = createSerialScanFramer({ suffix: 'CRLF', aimPrefix: true, encoding: 'gb18030' });
    const text = '可口可乐 330ml ¥3.50';
    expect(scans(f.push(cat(bytes(']Q1'), iconv.encode(text, 'gb18030'), bytes('\r\n'))))).toEqual([{ data: text, symbology: 'qr', aim: ']Q1' }]);
    // 81 30 81 30 is U+0080, a C1 control; FF is no GB18030 byte.
    expect(scans(f.push(cat(bytes(']Q1'), Uint8Array.of(0x81, 0x30, 0x81, 0x30), bytes('\r\n'))))).toEqual([{ dropped: 'garbage' }]);
    expect(scans(f.push(cat(bytes(']Q1'), Uint8Array.of(0xff, 0x41), bytes('\r\n'))))).toEqual([{ dropped: 'garbage' }]);
  });

  it('copies what it returns and leaves the caller’s chunk alone', () => {
    const f = createSerialScanFramer({ suffix: 'CR', aimPrefix: false });
    const chunk = bytes('6901939621608\r');
    const [event] = f.push(chunk);
    chunk.fill(0);
    expect(event?.raw).toEqual(bytes('6901939621608\r'));
  });
});

describe('createSerialScanFramer: silence', () => {
  it("ends a scan after idleMs of silence with suffix 'none'", () => {
    let t = 1000;
    const f = createSerialScanFramer({ suffix: 'none', idleMs: 50, aimPrefix: true, now: () => t });
    expect(f.push(bytes(']E0690193'))).toEqual([]);
    t = 1020;
    expect(f.push(bytes('9621608'))).toEqual([]);
    expect(f.flushIdle(1060)).toEqual([]); // 40 ms since the last byte
    expect(f.flushIdle(1070)).toEqual([{ kind: 'scan', data: '6901939621608', symbology: 'ean13', aim: ']E0', raw: bytes(']E06901939621608') }]);
    expect(f.flushIdle(5000)).toEqual([]);
  });

  it('ends the previous scan when the next one arrives after a late timer', () => {
    let t = 0;
    const f = createSerialScanFramer({ suffix: 'none', idleMs: 50, aimPrefix: false, now: () => t });
    expect(f.push(bytes('6901939621608'))).toEqual([]);
    t = 200;
    expect(scans(f.push(bytes('1345678901')))).toEqual([{ data: '6901939621608', symbology: 'ean13', aim: null }]);
    expect(f.push(bytes('23450000'))).toEqual([]);
    expect(scans(f.flushIdle(260))).toEqual([{ data: '134567890123450000', symbology: 'unknown', aim: null }]);
  });

  it("treats CR and LF as control bytes with suffix 'none'", () => {
    const f = createSerialScanFramer({ suffix: 'none', idleMs: 30, aimPrefix: false, now: () => 0 });
    f.push(bytes('6901939621608\r'));
    expect(scans(f.flushIdle(30))).toEqual([{ dropped: 'garbage' }]);
  });

  it("drops an overlong line once and discards the rest until silence with suffix 'none'", () => {
    const f = createSerialScanFramer({ suffix: 'none', idleMs: 30, aimPrefix: false, maxLength: 8, now: () => 0 });
    expect(scans(f.push(bytes('123456789')))).toEqual([{ dropped: 'overlong' }]);
    expect(f.push(bytes('0123456789'))).toEqual([]);
    expect(f.flushIdle(30)).toEqual([]);
    f.push(bytes('96385074'));
    expect(scans(f.flushIdle(60))).toEqual([{ data: '96385074', symbology: 'ean8', aim: null }]);
  });

  it('drops a fragment whose suffix never came when idleMs is set', () => {
    let t = 0;
    const f = createSerialScanFramer({ suffix: 'CR', idleMs: 100, aimPrefix: false, now: () => t });
    f.push(bytes('690193'));
    expect(f.flushIdle(50)).toEqual([]);
    expect(f.flushIdle(100)).toEqual([{ kind: 'dropped', reason: 'garbage', raw: bytes('690193') }]);
    // A late timer: the next scan must not be glued to the fragment.
    f.push(bytes('690193'));
    t = 500;
    expect(scans(f.push(bytes('6901939621608\r')))).toEqual([{ dropped: 'garbage' }, { data: '6901939621608', symbology: 'ean13', aim: null }]);
  });

  it('lets a fragment wait for its suffix when idleMs is not set', () => {
    let t = 0;
    const f = createSerialScanFramer({ suffix: 'CR', aimPrefix: false, now: () => t });
    f.push(bytes('690193'));
    t = 10_000;
    expect(f.flushIdle(10_000)).toEqual([]);
    expect(scans(f.push(bytes('9621608\r')))).toEqual([{ data: '6901939621608', symbology: 'ean13', aim: null }]);
  });

  it('reset forgets a partial line', () => {
    const f = createSerialScanFramer({ suffix: 'CR', aimPrefix: false });
    f.push(bytes('1234'));
    f.reset();
    expect(scans(f.push(bytes('6901939621608\r')))).toEqual([{ data: '6901939621608', symbology: 'ean13', aim: null }]);
  });

  it('refuses options it cannot work with', () => {
    expect(() => createSerialScanFramer({ suffix: 'none', aimPrefix: false })).toThrow(RangeError);
    expect(() => createSerialScanFramer({ suffix: 'none', idleMs: 0, aimPrefix: false })).toThrow(RangeError);
    expect(() => createSerialScanFramer({ suffix: 'CR', idleMs: Number.NaN, aimPrefix: false })).toThrow(RangeError);
    expect(() => createSerialScanFramer({ suffix: 'CR', aimPrefix: false, maxLength: 0 })).toThrow(RangeError);
    expect(() => createSerialScanFramer({ suffix: 'CR', aimPrefix: false, maxLength: 1.5 })).toThrow(RangeError);
    expect(() => createSerialScanFramer({ suffix: 'ETX' as ScanSuffix, aimPrefix: false })).toThrow(RangeError);
    expect(() => createSerialScanFramer({ suffix: 'CR', aimPrefix: false, encoding: 'latin1' as 'ascii' })).toThrow(RangeError);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Properties

const ALL_SUFFIXES = ['CR', 'LF', 'CRLF', 'TAB', 'none'] as const;
const ENCODINGS = ['ascii', 'utf8', 'gb18030'] as const;

const options = fc.record({
  suffix: fc.constantFrom(...ALL_SUFFIXES),
  aimPrefix: fc.boolean(),
  maxLength: fc.integer({ min: 1, max: 64 }),
  encoding: fc.constantFrom(...ENCODINGS),
  idle: fc.boolean(),
});

const framerFor = (o: { suffix: ScanSuffix; aimPrefix: boolean; maxLength: number; encoding: SerialScanFramerOptions['encoding']; idle: boolean }) =>
  createSerialScanFramer({
    suffix: o.suffix,
    aimPrefix: o.aimPrefix,
    maxLength: o.maxLength,
    encoding: o.encoding,
    ...(o.idle || o.suffix === 'none' ? { idleMs: 50 } : {}),
    now: () => 0,
  });

/** Cuts `stream` at the given points (sorted, deduplicated, inside the stream). */
function split(stream: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const p of [...points, stream.length]) {
    chunks.push(stream.slice(from, p));
    from = p;
  }
  return chunks;
}

const printable = fc.string({ unit: fc.constantFrom(...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcxyz:/?&=.-_ \x1d'), minLength: 1, maxLength: 40 });
const aimArb = fc.constantFrom(']E0', ']E4', ']C0', ']C1', ']Q1', ']d2', ']A0', ']I0', ']X9');

describe('framer properties', () => {
  it('random chunking of any byte stream gives the events of the whole stream', () => {
    // Scans with their suffix mixed with arbitrary bytes (stray suffixes, controls, overlong runs).
    const segment = fc.oneof(
      fc.tuple(fc.option(aimArb, { nil: undefined }), printable).map(([aim, data]) => ({ kind: 'scan' as const, text: (aim ?? '') + data })),
      fc.uint8Array({ maxLength: 30 }).map((b) => ({ kind: 'bytes' as const, b })),
    );
    fc.assert(
      fc.property(options, fc.array(segment, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 20 }), (o, segments, cuts) => {
        const suffix = o.suffix === 'none' ? '' : SUFFIX_TEXT[o.suffix];
        const stream = cat(...segments.map((s) => (s.kind === 'scan' ? bytes(s.text + suffix) : s.b)));
        const a = framerFor(o);
        const whole = [...a.push(stream), ...a.flushIdle(1000)];
        const b = framerFor(o);
        const chunked = [...split(stream, cuts).flatMap((c) => b.push(c)), ...b.flushIdle(1000)];
        expect(chunked).toEqual(whole);
      }),
    );
  });

  it('random chunking of a stream of valid scans gives exactly those scans', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Exclude<ScanSuffix, 'none'>>('CR', 'LF', 'CRLF', 'TAB'),
        fc.array(fc.tuple(aimArb, printable), { minLength: 1, maxLength: 10 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (suffix, items, cuts) => {
          const stream = bytes(items.map(([aim, data]) => aim + data + SUFFIX_TEXT[suffix]).join(''));
          const f = createSerialScanFramer({ suffix, aimPrefix: true });
          const events = split(stream, cuts).flatMap((c) => f.push(c));
          expect(events.map((e) => (e.kind === 'scan' ? [e.aim, e.data] : e.reason))).toEqual(items);
        },
      ),
    );
  });

  it("with suffix 'none', chunks of one scan arriving without a pause make one scan", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(aimArb, printable, fc.array(fc.nat(), { maxLength: 8 })), { minLength: 1, maxLength: 6 }), (items) => {
        let t = 0;
        const f = createSerialScanFramer({ suffix: 'none', idleMs: 20, aimPrefix: true, now: () => t });
        const events: ScanEvent[] = [];
        for (const [aim, data, cuts] of items) {
          for (const chunk of split(bytes(aim + data), cuts)) {
            events.push(...f.push(chunk));
            t += 1;
          }
          t += 100;
        }
        events.push(...f.flushIdle(t));
        expect(events.map((e) => (e.kind === 'scan' ? [e.aim, e.data] : e.reason))).toEqual(items.map(([aim, data]) => [aim, data]));
      }),
    );
  });

  it('random bytes never throw and never make a scan with a control character', () => {
    fc.assert(
      fc.property(options, fc.array(fc.uint8Array({ maxLength: 80 }), { maxLength: 10 }), (o, chunks) => {
        const f = framerFor(o);
        const events = [...chunks.flatMap((c) => f.push(c)), ...f.flushIdle(1000)];
        for (const e of events) {
          expect(e.raw.length).toBeGreaterThan(0);
          if (e.kind !== 'scan') continue;
          expect(hasForbiddenControl(e.data)).toBe(false);
          expect(e.data.length).toBeGreaterThan(0);
          expect(e.aim === null || isAim(e.aim)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('random bytes full of suffixes and controls are safe too', () => {
    const noisy = fc.uint8Array({ maxLength: 80, min: 0, max: 0x40 });
    fc.assert(
      fc.property(options, fc.array(noisy, { maxLength: 10 }), (o, chunks) => {
        const f = framerFor(o);
        const events = [...chunks.flatMap((c) => f.push(c)), ...f.flushIdle(1000)];
        for (const e of events) if (e.kind === 'scan') expect(hasForbiddenControl(e.data)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});

describe('wireTimeMs', () => {
  it('matches the anchor: an 18-digit code + CR at 9600 8N1 ≈ 19.8 ms', () => {
    expect(Math.abs(wireTimeMs(19, 9600) - 19.8)).toBeLessThan(0.1);
    expect(Math.abs(wireTimeMs(bytes('134567890123450000\r').length, 9600, { dataBits: 8, stopBits: 1, parity: 'none' }) - 19.8)).toBeLessThan(0.1);
  });

  it('counts start, data, parity and stop bits', () => {
    expect(wireTimeMs(1, 1000)).toBe(10); // 8N1: 10 bits
    expect(wireTimeMs(1, 1000, { dataBits: 7, stopBits: 1, parity: 'even' })).toBe(10);
    expect(wireTimeMs(1, 1000, { dataBits: 8, stopBits: 2, parity: 'odd' })).toBe(12);
    expect(wireTimeMs(2, 1000, { dataBits: 5, stopBits: 1.5, parity: 'none' })).toBe(15);
    expect(wireTimeMs(0, 9600)).toBe(0);
    expect(wireTimeMs(14, 115200)).toBeCloseTo(1.215, 3);
  });

  it('refuses what is not a line', () => {
    expect(() => wireTimeMs(-1, 9600)).toThrow(RangeError);
    expect(() => wireTimeMs(1.5, 9600)).toThrow(RangeError);
    expect(() => wireTimeMs(10, 0)).toThrow(RangeError);
    expect(() => wireTimeMs(10, 9600, { dataBits: 9 as 8, stopBits: 1, parity: 'none' })).toThrow(RangeError);
    expect(() => wireTimeMs(10, 9600, { dataBits: 8, stopBits: 3 as 2, parity: 'none' })).toThrow(RangeError);
  });
});

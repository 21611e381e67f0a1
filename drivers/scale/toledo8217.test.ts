import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hexOf } from './reading';
import { createToledoDecoder, encodeToledoStatus, encodeToledoWeight, parseToledoStatus, toledoCommand } from './toledo8217';

const bytes = (text: string) => Uint8Array.from(Array.from(text, (c) => c.charCodeAt(0)));
const decode = (...chunks: Uint8Array[]) => {
  const d = createToledoDecoder();
  return chunks.flatMap((c) => d.push(c));
};

describe('Toledo 8217 frames (DIVA Service Manual §6.1.4)', () => {
  it('sends the single-letter commands W, Z, T and C', () => {
    expect([toledoCommand.weigh, toledoCommand.zero, toledoCommand.tare, toledoCommand.clearTare].map((c) => String.fromCharCode(...c))).toEqual(['W', 'Z', 'T', 'C']);
  });
  it('reads the manual’s gross and net kg replies STX WW.WWW CR and STX WW.WWWN CR', () => {
    expect(decode(bytes('\x0201.234\r'))).toMatchObject([{ kind: 'weight', grams: 1234, stable: true, net: false, condition: 'ok' }]);
    expect(decode(bytes('\x0200.512N\r'))).toMatchObject([{ kind: 'weight', grams: 512, net: true }]);
    // Odoo's pattern allows spaces after STX
    expect(decode(bytes('\x02 12.000\r'))).toMatchObject([{ kind: 'weight', grams: 12_000 }]);
  });
  it('drops a pound reply (two decimals): the scale must be set to kg', () => {
    expect(decode(bytes('\x02001.23\r'))).toMatchObject([{ kind: 'dropped', reason: 'unit_not_kg' }]);
  });
  it('reads the status byte: motion, over capacity, under zero, centre of zero, net', () => {
    expect(parseToledoStatus(0x41)).toMatchObject({ motion: true, overCapacity: false });
    expect(parseToledoStatus(0x42).overCapacity).toBe(true);
    expect(parseToledoStatus(0x44).underZero).toBe(true);
    expect(parseToledoStatus(0x50).atZero).toBe(true);
    expect(parseToledoStatus(0x60).net).toBe(true);
    // bit 7 is the (even) parity bit and changes nothing
    expect(parseToledoStatus(0xc1)).toEqual(parseToledoStatus(0x41));
    expect(decode(bytes('\x02?A\r'))).toMatchObject([{ kind: 'status', condition: 'motion' }]);
    expect(decode(bytes('\x02?B\r'))).toMatchObject([{ kind: 'status', condition: 'overload' }]);
    expect(decode(bytes('\x02?D\r'))).toMatchObject([{ kind: 'status', condition: 'under_zero' }]);
    expect(decode(bytes('\x02?P\r'))).toMatchObject([{ kind: 'status', condition: 'ok', atZero: true }]);
  });
  it('encodes what it decodes', () => {
    expect(hexOf(encodeToledoWeight(512, true))).toBe('02 30 30 2e 35 31 32 4e 0d');
    expect(hexOf(encodeToledoStatus({ motion: true }))).toBe('02 3f 41 0d');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999 }), fc.boolean(), (grams, net) => {
        expect(decode(encodeToledoWeight(grams, net))).toMatchObject([{ kind: 'weight', grams, net }]);
      }),
    );
  });
  it('skips noise between frames and drops an unterminated or overlong frame', () => {
    expect(decode(bytes('W\x00zz\x0201.000\r'))).toMatchObject([{ kind: 'weight', grams: 1000 }]);
    expect(decode(bytes('\x0201.0\x0202.000\r'))).toMatchObject([{ kind: 'dropped', reason: 'bad_frame' }, { kind: 'weight', grams: 2000 }]);
    expect(decode(bytes('\x0211111111111111111111\r'))[0]).toMatchObject({ kind: 'dropped', reason: 'overlong' });
  });
  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 10 }), (chunks) => {
        const d = createToledoDecoder();
        for (const c of chunks) d.push(c);
      }),
    );
  });
  it('decodes a stream the same whatever its splits', () => {
    const frame = fc.oneof(
      fc.tuple(fc.integer({ min: 0, max: 99_999 }), fc.boolean()).map(([g, n]) => encodeToledoWeight(g, n)),
      fc.record({ motion: fc.boolean(), overCapacity: fc.boolean(), underZero: fc.boolean(), net: fc.boolean() }).map((s) => encodeToledoStatus(s)),
    );
    fc.assert(
      fc.property(fc.array(frame, { minLength: 1, maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1 }), (frames, cuts) => {
        const stream = Uint8Array.from(frames.flatMap((f) => [...f]));
        const whole = decode(stream);
        const pieces: Uint8Array[] = [];
        for (let at = 0, i = 0; at < stream.length; i++) {
          const size = cuts[i % cuts.length]!;
          pieces.push(stream.subarray(at, at + size));
          at += size;
        }
        expect(decode(...pieces)).toEqual(whole);
        expect(whole).toHaveLength(frames.length);
      }),
    );
  });
});

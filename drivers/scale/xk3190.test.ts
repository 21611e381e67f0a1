import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hexOf } from './reading';
import { createXk3190Decoder, encodeXk3190, xk3190Checksum } from './xk3190';

const bytes = (text: string) => Uint8Array.from(Array.from(text, (c) => c.charCodeAt(0)));
const decode = (...chunks: Uint8Array[]) => {
  const d = createXk3190Decoder();
  return chunks.flatMap((c) => d.push(c));
};
/** A frame as the manual lays it out: STX, sign, 6 digits, decimals, XOR of bytes 2–9 as two hex digits, ETX. */
const frame = (body: string) => {
  const b = Array.from(body, (c) => c.charCodeAt(0));
  return Uint8Array.from([0x02, ...b, ...xk3190Checksum(b), 0x03]);
};

describe('XK3190-A9 continuous frames (tF=0)', () => {
  it('computes the XOR of bytes 2–9 as the manual says: +30h up to 9, +37h above', () => {
    // '+' 2B ^ '0' 30 ^ '0' ^ '0' ^ '5' 35 ^ '1' 31 ^ '2' 32 ^ '3' 33 = 2B^35^31^32^33 (three 30s cancel to one 30)
    const x = 0x2b ^ 0x30 ^ 0x30 ^ 0x30 ^ 0x35 ^ 0x31 ^ 0x32 ^ 0x33;
    const [hi, lo] = xk3190Checksum(Array.from('+0005123', (c) => c.charCodeAt(0)));
    const digit = (n: number) => (n <= 9 ? 0x30 + n : 0x37 + n);
    expect([hi, lo]).toEqual([digit(x >> 4), digit(x & 15)]);
    expect(hexOf(encodeXk3190(512))).toBe(hexOf(frame('+0005123')));
  });
  it('reads sign, six digits and the decimal places into grams', () => {
    expect(decode(frame('+0005123'))).toMatchObject([{ kind: 'weight', grams: 512, stable: null, condition: 'ok' }]);
    expect(decode(frame('+0012342'))).toMatchObject([{ kind: 'weight', grams: 12_340 }]); // 12.34 kg
    expect(decode(frame('+0000150'))).toMatchObject([{ kind: 'weight', grams: 15_000 }]); // 15 kg, no decimals
    expect(decode(frame('-0000203'))).toMatchObject([{ kind: 'weight', grams: -20, condition: 'under_zero' }]);
    expect(decode(frame('+0051234'))).toMatchObject([{ kind: 'weight', grams: 512 }]); // 0.5123 kg: 512.3 g, rounded
  });
  it('drops a frame whose checksum or shape is wrong', () => {
    const bad = frame('+0005123');
    bad[10] = bad[10] === 0x30 ? 0x31 : 0x30;
    expect(decode(bad)).toMatchObject([{ kind: 'dropped', reason: 'bad_checksum' }]);
    expect(decode(frame('*0005123'))).toMatchObject([{ kind: 'dropped', reason: 'bad_frame' }]);
    expect(decode(frame('+00051235'.slice(0, 7) + '9'))).toMatchObject([{ kind: 'dropped', reason: 'bad_frame' }]);
    const noEtx = frame('+0005123');
    noEtx[11] = 0x0d;
    expect(decode(noEtx)).toMatchObject([{ kind: 'dropped', reason: 'bad_frame' }]);
  });
  it('resynchronises on the next STX after a cut frame', () => {
    expect(decode(frame('+0005123').subarray(0, 6), frame('+0001003'))).toMatchObject([{ kind: 'dropped' }, { kind: 'weight', grams: 100 }]);
    expect(decode(bytes('garbage'), frame('+0001003'))).toMatchObject([{ kind: 'weight', grams: 100 }]);
  });
  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 10 }), (chunks) => {
        const d = createXk3190Decoder();
        for (const c of chunks) d.push(c);
      }),
    );
  });
  it('decodes split and merged frames the same', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -99_999, max: 999_999 }), { minLength: 1, maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 13 }), { minLength: 1 }), (weights, cuts) => {
        const stream = Uint8Array.from(weights.flatMap((g) => [...encodeXk3190(g)]));
        const pieces: Uint8Array[] = [];
        for (let at = 0, i = 0; at < stream.length; i++) {
          const size = cuts[i % cuts.length]!;
          pieces.push(stream.subarray(at, at + size));
          at += size;
        }
        const frames = decode(...pieces);
        expect(frames).toEqual(decode(stream));
        expect(frames.map((f) => (f.kind === 'weight' ? f.grams : null))).toEqual(weights);
      }),
    );
  });
});

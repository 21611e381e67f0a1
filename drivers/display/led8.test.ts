import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeLed8 } from './decode';
import { encodeClear, encodeInit, encodeLamp, encodeNumber, isLedText, LED_OVERFLOW, ledAmountText, ledPositions, parseLedAmount, showAmount, showNothing } from './led8';
import { hex } from './test-helpers';

describe('LED price display commands (peers.md §5)', () => {
  it('has the bytes of the LED8N set', () => {
    expect(hex(encodeInit())).toBe('1b 40');
    expect(hex(encodeClear())).toBe('0c');
    expect(hex(encodeLamp('none'))).toBe('1b 73 00');
    expect(hex(encodeLamp('price'))).toBe('1b 73 01');
    expect(hex(encodeLamp('total'))).toBe('1b 73 02');
    expect(hex(encodeLamp('collect'))).toBe('1b 73 03');
    expect(hex(encodeLamp('change'))).toBe('1b 73 04');
    expect(hex(encodeNumber('-1.5'))).toBe('1b 51 41 2d 31 2e 35 0d');
    expect(hex(showNothing())).toBe('0c 1b 73 00');
  });
  it('refuses what the digits cannot show', () => {
    expect(() => encodeLamp('thanks' as 'price')).toThrow(RangeError);
    expect(() => encodeLamp('toString' as 'price')).toThrow(RangeError);
    for (const bad of ['', '.5', '1..2', '123456789', '1a', '1 2', '1,000', '1\r']) {
      expect(isLedText(bad)).toBe(false);
      expect(() => encodeNumber(bad)).toThrow(RangeError);
    }
    expect(isLedText('1.2.3.4.5.6.7.8.')).toBe(false); // 16 characters
    expect(isLedText('1.2.3.4.5.6.7.8')).toBe(true); // 8 positions, 7 points, 15 characters
    expect(isLedText('--------')).toBe(true);
  });
});

describe('showAmount', () => {
  it('shows 1234 fen at exponent 2 as 12.34 with the total lamp', () => {
    const bytes = showAmount('total', 1234, 2);
    expect(hex(bytes)).toBe('1b 73 02 1b 51 41 31 32 2e 33 34 0d');
    expect(decodeLed8(bytes)).toMatchObject({ lamp: 'total', lamps: ['total'], number: '12.34', valid: true });
  });
  it('shows amounts to the fen, with leading zero, sign and the currency decimals', () => {
    expect(ledAmountText(5, 2)).toBe('0.05');
    expect(ledAmountText(0, 2)).toBe('0.00');
    expect(ledAmountText(-350, 2)).toBe('-3.50');
    expect(ledAmountText(1250, 0)).toBe('1250'); // JPY
    expect(ledAmountText(99_999_999, 2)).toBe('999999.99');
    expect(ledAmountText(-9_999_999, 2)).toBe('-99999.99');
    expect(hex(showAmount('change', 350, 2))).toBe('1b 73 04 1b 51 41 33 2e 35 30 0d');
    expect(hex(showAmount('price', 99_999_999, 0))).toBe('1b 73 01 1b 51 41 39 39 39 39 39 39 39 39 0d');
  });
  it('shows -------- with the lamp when the amount needs more than 8 positions', () => {
    expect(ledAmountText(100_000_000, 2)).toBeNull();
    expect(ledAmountText(-10_000_000, 2)).toBeNull();
    expect(ledAmountText(123_456_789, 0)).toBeNull();
    const shown = decodeLed8(showAmount('total', 100_000_000, 2));
    expect(shown).toMatchObject({ lamp: 'total', number: LED_OVERFLOW, valid: true });
    expect(LED_OVERFLOW).toBe('--------');
    expect(parseLedAmount(LED_OVERFLOW, 2)).toBeNull();
  });
  it('refuses amounts that are not minor units and bad exponents', () => {
    expect(() => showAmount('total', 12.5, 2)).toThrow();
    expect(() => showAmount('total', 100, -1)).toThrow(RangeError);
    expect(() => showAmount('total', 100, 8)).toThrow(RangeError);
  });
  it('round-trips every amount that fits, and shows overflow for every one that does not', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -99_999_999, max: 99_999_999 }), fc.maxSafeInteger(), fc.integer()), fc.integer({ min: 0, max: 4 }), fc.constantFrom('price', 'total', 'collect', 'change'), (minor, exponent, lamp) => {
        const shown = decodeLed8(showAmount(lamp, minor, exponent));
        expect(shown.lamp).toBe(lamp);
        expect(shown.valid).toBe(true);
        const text = ledAmountText(minor, exponent);
        const positions = Math.max(Math.abs(minor).toString().length, exponent + 1) + (minor < 0 ? 1 : 0);
        expect(text === null).toBe(positions > 8);
        if (text === null) expect(shown.number).toBe(LED_OVERFLOW);
        else {
          expect(ledPositions(text)).toBeLessThanOrEqual(8);
          expect(parseLedAmount(shown.number, exponent)).toBe(minor);
        }
      }),
    );
  });
});

describe('decodeLed8', () => {
  it('takes ASCII lamp numbers, the 02 4C lamp variant and the thank-you lamp', () => {
    expect(decodeLed8(Uint8Array.of(0x1b, 0x73, 0x33)).lamp).toBe('collect');
    expect(decodeLed8(Uint8Array.of(0x02, 0x4c, 0x30, 0x31, 0x30, 0x31))).toMatchObject({ lamps: ['total', 'change'], lamp: null });
    expect(decodeLed8(Uint8Array.of(0x1f, 0x50, 0x01)).thanks).toBe(true);
    expect(decodeLed8(Uint8Array.of(0x1b, 0x73, 0x09)).commands[0]).toMatchObject({ type: 'lamp', ignored: true });
  });
  it('clears the number with 0C and everything with ESC @', () => {
    const amount = showAmount('price', 350, 2);
    expect(decodeLed8(new Uint8Array([...amount, ...encodeClear()]))).toMatchObject({ number: '', lamp: 'price' });
    expect(decodeLed8(new Uint8Array([...amount, ...showNothing()]))).toMatchObject({ number: '', lamp: null, lamps: [] });
    expect(decodeLed8(new Uint8Array([...amount, ...encodeInit()]))).toMatchObject({ number: '', lamps: [] });
  });
  it('reports what the digits cannot show as invalid, and stray text as ignored', () => {
    expect(decodeLed8(Uint8Array.of(0x1b, 0x51, 0x41, 0x41, 0x0d))).toMatchObject({ number: 'A', valid: false });
    expect(decodeLed8(Uint8Array.of(0x31, 0x32)).commands).toEqual([
      { type: 'strayText', at: 0, length: 1, params: [0x31], ignored: true },
      { type: 'strayText', at: 1, length: 1, params: [0x32], ignored: true },
    ]);
  });
});

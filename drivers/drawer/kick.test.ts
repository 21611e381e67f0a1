import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEscPos } from '../receipt/escpos-decode';
import {
  DEFAULT_SERIAL_DRAWER_SEQUENCE,
  DRAWER_KICK_PIN2,
  drawerKick,
  drawerStateFromLevel,
  drawerStateFromModemLines,
  drawerStateFromStatusByte,
  DrawerWatcher,
  encodeRealtimeDrawerKick,
  formatByteSequence,
  parseByteSequence,
  serialDrawerOpen,
} from './kick';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex').replace(/(..)(?!$)/g, '$1 ');

describe('drawerKick (ESC p through the printer)', () => {
  it('defaults to pin 2, 50 ms on, 500 ms off: the full 5 bytes 1B 70 00 19 FA', () => {
    expect(hex(drawerKick())).toBe('1b 70 00 19 fa');
    expect(drawerKick()).toEqual(DRAWER_KICK_PIN2);
  });
  it('encodes pin 5 and the timings in 2 ms units', () => {
    expect(hex(drawerKick({ pin: 5, onMs: 100, offMs: 200 }))).toBe('1b 70 01 32 64');
    expect(hex(drawerKick({ pin: 2, onMs: 120, offMs: 240 }))).toBe('1b 70 00 3c 78');
  });
  it("pulses pin 2 then pin 5 for 'both'", () => {
    expect(hex(drawerKick({ pin: 'both', onMs: 50, offMs: 50 }))).toBe('1b 70 00 19 19 1b 70 01 19 19');
  });
  it('clamps timings to 2–510 ms and the off time to at least the on time', () => {
    expect(hex(drawerKick({ onMs: 0, offMs: 0 }))).toBe('1b 70 00 01 01');
    expect(hex(drawerKick({ onMs: -5, offMs: 10_000 }))).toBe('1b 70 00 01 ff');
    expect(hex(drawerKick({ onMs: 600, offMs: 600 }))).toBe('1b 70 00 ff ff');
    expect(hex(drawerKick({ onMs: 200, offMs: 20 }))).toBe('1b 70 00 64 64');
    expect(hex(drawerKick({ onMs: 51, offMs: 499 }))).toBe('1b 70 00 1a fa');
  });
  it('refuses another pin or a time that is not a number', () => {
    expect(() => drawerKick({ pin: 3 as 2 })).toThrow(RangeError);
    expect(() => drawerKick({ onMs: Number.NaN })).toThrow(RangeError);
    expect(() => drawerKick({ offMs: Infinity })).toThrow(RangeError);
    expect(() => drawerKick({ onMs: '50' as unknown as number })).toThrow(RangeError);
  });
  it('always gives whole ESC p commands the receipt decoder reads back, for any input', () => {
    fc.assert(
      fc.property(fc.constantFrom<2 | 5 | 'both'>(2, 5, 'both'), fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: -1e6, max: 1e6, noNaN: true }), (pin, onMs, offMs) => {
        const bytes = drawerKick({ pin, onMs, offMs });
        const { commands, lines } = decodeEscPos(bytes);
        expect(lines).toEqual([]);
        expect(commands.every((c) => c.type === 'drawerKick')).toBe(true);
        expect(commands.map((c) => (c.type === 'drawerKick' ? c.pin : 0))).toEqual(pin === 'both' ? [2, 5] : [pin]);
        for (const c of commands) {
          if (c.type !== 'drawerKick') continue;
          expect(c.onMs).toBeGreaterThanOrEqual(2);
          expect(c.onMs).toBeLessThanOrEqual(510);
          expect(c.offMs).toBeGreaterThanOrEqual(c.onMs);
          expect(c.offMs).toBeLessThanOrEqual(510);
        }
      }),
    );
  });
});

describe('encodeRealtimeDrawerKick (DLE DC4 1 m t)', () => {
  it('pulses in 100 ms units, 1–8', () => {
    expect(hex(encodeRealtimeDrawerKick())).toBe('10 14 01 00 02');
    expect(hex(encodeRealtimeDrawerKick(5, 800))).toBe('10 14 01 01 08');
    expect(hex(encodeRealtimeDrawerKick(2, 10))).toBe('10 14 01 00 01');
    expect(hex(encodeRealtimeDrawerKick(2, 5000))).toBe('10 14 01 00 08');
    expect(decodeEscPos(encodeRealtimeDrawerKick(5, 300)).commands).toEqual([{ type: 'drawerKick', pin: 5, onMs: 300, offMs: 300, at: 0, length: 5 }]);
    expect(() => encodeRealtimeDrawerKick(3 as 2)).toThrow(RangeError);
    expect(() => encodeRealtimeDrawerKick(2, Number.NaN)).toThrow(RangeError);
  });
});

describe('serial drawer', () => {
  it('sends BEL by default, or the configured sequence', () => {
    expect(hex(serialDrawerOpen())).toBe('07');
    expect(DEFAULT_SERIAL_DRAWER_SEQUENCE).toEqual([0x07]);
    expect(hex(serialDrawerOpen([0x1b, 0x34]))).toBe('1b 34');
    expect(hex(serialDrawerOpen(parseByteSequence('1B 70 00 19 FA')))).toBe('1b 70 00 19 fa');
  });
  it('refuses an empty, too long or non-byte sequence', () => {
    expect(() => serialDrawerOpen([])).toThrow(RangeError);
    expect(() => serialDrawerOpen(new Array(33).fill(7))).toThrow(RangeError);
    expect(() => serialDrawerOpen([256])).toThrow(RangeError);
    expect(() => serialDrawerOpen([1.5])).toThrow(RangeError);
  });
  it('parses byte sequences as technicians type them', () => {
    expect(parseByteSequence('07')).toEqual([7]);
    expect(parseByteSequence(' 1B 70 00 19 FA ')).toEqual([0x1b, 0x70, 0x00, 0x19, 0xfa]);
    expect(parseByteSequence('0x1b,0x70, 0x00')).toEqual([0x1b, 0x70, 0]);
    expect(parseByteSequence('1b:34')).toEqual([0x1b, 0x34]);
    expect(parseByteSequence('1b700019fa')).toEqual([0x1b, 0x70, 0x00, 0x19, 0xfa]);
    expect(parseByteSequence('7')).toEqual([7]);
    for (const bad of ['', '  ', 'zz', '1b7', '100', '0x', '1b;70', 'G7']) expect(() => parseByteSequence(bad)).toThrow(RangeError);
  });
  it('formats sequences so that they parse back', () => {
    expect(formatByteSequence([0x1b, 0x70, 0x00])).toBe('1B 70 00');
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 32 }), (bytes) => {
        expect(parseByteSequence(formatByteSequence(bytes))).toEqual(bytes);
      }),
    );
  });
});

describe('drawer state', () => {
  it('reads pin 3 from the DLE EOT 1 reply with a configurable open level', () => {
    expect(drawerStateFromStatusByte(0x16)).toBe('open'); // pin 3 high, default open level 'high'
    expect(drawerStateFromStatusByte(0x12)).toBe('closed');
    expect(drawerStateFromStatusByte(0x16, 'low')).toBe('closed');
    expect(drawerStateFromStatusByte(0x12, 'low')).toBe('open');
    expect(drawerStateFromStatusByte(0x1e, 'high')).toBe('open'); // offline does not hide the switch
    expect(drawerStateFromStatusByte(0x16, 'none')).toBe('unknown');
    expect(drawerStateFromStatusByte(0x04)).toBe('unknown'); // not a status reply
    expect(drawerStateFromLevel(null, 'high')).toBe('unknown');
  });
  it('reads a serial drawer switch from a modem line', () => {
    expect(drawerStateFromModemLines({ cts: true, dsr: false }, { line: 'cts' })).toBe('open');
    expect(drawerStateFromModemLines({ cts: true, dsr: false }, { line: 'dsr' })).toBe('closed');
    expect(drawerStateFromModemLines({ dcd: false }, { line: 'dcd', openLevel: 'low' })).toBe('open');
    expect(drawerStateFromModemLines({}, { line: 'cts' })).toBe('unknown');
  });
  it('turns readings into opened/closed events, ignoring unknown readings', () => {
    const w = new DrawerWatcher();
    expect(w.state).toBe('unknown');
    expect(w.update('closed')).toBeNull();
    expect(w.update('unknown')).toBeNull();
    expect(w.update('open')).toBe('opened');
    expect(w.update('open')).toBeNull();
    expect(w.update('unknown')).toBeNull();
    expect(w.state).toBe('open');
    expect(w.update('closed')).toBe('closed');
    const found = new DrawerWatcher();
    expect(found.update('open')).toBe('opened');
  });
});

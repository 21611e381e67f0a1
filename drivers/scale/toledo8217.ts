/**
 * Mettler Toledo 8217 ("Toledo") scale protocol: request/response at 9600 baud, 7 data bits, even parity, 1 stop.
 *
 * Hand-written: no maintained Node library speaks it (the npm scale packages are HID postal scales or
 * unmaintained one-offs). Sources used:
 *   - METTLER TOLEDO DIVA Service Manual (the Mettler Toledo chapter of the PSC Magellan 8500 service manual),
 *     §6.1.4.2 "Command Descriptions" and §6.1.4.3 "Status Byte Format" (manualshelf.com, magellan-8500 service
 *     manual pages 50–51): commands W (weigh), Z (zero), T (tare), C (clear tare); replies
 *     `STX WW.WWW CR` (gross kg), `STX WW.WWWN CR` (net kg), `STX 0WW.WW CR` (pounds), and
 *     `STX ? <status> CR` when the scale is in motion, under zero or over capacity (a weight is sent only when
 *     it is stable); status bits: 0 motion, 1 over capacity, 2 under zero, 3 outside zero capture range,
 *     4 centre of zero, 5 net, 6 always 1, 7 even parity.
 *   - Odoo's SerialScaleDriver (peers.md §1.2): the same commands and line settings, and the reply pattern
 *     `\x02\s*([0-9.]+)N?\r`.
 * This till sells in kg: a pound reply (two decimals) is dropped as `unit_not_kg` and the scale must be set to kg.
 */
import type { ScaleCondition, ScaleDecoder, ScaleFrame } from './reading';
import { kgTextToGrams } from './reading';

const STX = 0x02;
const CR = 0x0d;
/** Longest frame kept while looking for its CR (a weight is at most STX + 7 digits + '.' + 'N' + CR). */
const MAX_FRAME = 16;

export const TOLEDO_8217_LINE = { baudRate: 9600, dataBits: 7, parity: 'even', stopBits: 1 } as const;

export const toledoCommand = {
  weigh: Uint8Array.of(0x57), // W
  zero: Uint8Array.of(0x5a), // Z
  tare: Uint8Array.of(0x54), // T
  clearTare: Uint8Array.of(0x43), // C
} as const;

export interface ToledoStatus {
  motion: boolean;
  overCapacity: boolean;
  underZero: boolean;
  outsideZeroRange: boolean;
  atZero: boolean;
  net: boolean;
}

/** The status byte's bits (parity bit 7 ignored: the UART checks it). */
export function parseToledoStatus(byte: number): ToledoStatus {
  return {
    motion: (byte & 0x01) !== 0,
    overCapacity: (byte & 0x02) !== 0,
    underZero: (byte & 0x04) !== 0,
    outsideZeroRange: (byte & 0x08) !== 0,
    atZero: (byte & 0x10) !== 0,
    net: (byte & 0x20) !== 0,
  };
}

/** The status byte for flags (bit 6 set, as the scale sends it; parity left to the UART). */
export function toledoStatusByte(s: Partial<ToledoStatus>): number {
  return (
    0x40 |
    (s.motion ? 0x01 : 0) |
    (s.overCapacity ? 0x02 : 0) |
    (s.underZero ? 0x04 : 0) |
    (s.outsideZeroRange ? 0x08 : 0) |
    (s.atZero ? 0x10 : 0) |
    (s.net ? 0x20 : 0)
  );
}

function conditionOf(s: ToledoStatus): ScaleCondition {
  if (s.overCapacity) return 'overload';
  if (s.underZero) return 'under_zero';
  if (s.motion) return 'motion';
  return 'ok';
}

/** The reply a scale sends for a stable weight in grams (≥ 0): `STX 01.234 CR`, `N` before CR when net. */
export function encodeToledoWeight(grams: number, net = false): Uint8Array {
  const kg = Math.floor(grams / 1000);
  const text = `${String(kg).padStart(2, '0')}.${String(grams % 1000).padStart(3, '0')}${net ? 'N' : ''}`;
  return Uint8Array.from([STX, ...Array.from(text, (c) => c.charCodeAt(0)), CR]);
}

export function encodeToledoStatus(s: Partial<ToledoStatus>): Uint8Array {
  return Uint8Array.of(STX, 0x3f, toledoStatusByte(s), CR);
}

/** One frame's bytes between STX and CR. */
function decodeFrame(body: Uint8Array, raw: Uint8Array): ScaleFrame {
  if (body.length === 2 && body[0] === 0x3f) {
    const s = parseToledoStatus(body[1]!);
    return { kind: 'status', condition: conditionOf(s), net: s.net, atZero: s.atZero, raw };
  }
  const text = String.fromCharCode(...body).trimStart();
  const m = /^([0-9.]+)(N?)$/.exec(text);
  if (!m) return { kind: 'dropped', reason: 'bad_frame', raw };
  const grams = kgTextToGrams(m[1]!);
  if (grams === null) return { kind: 'dropped', reason: /^\d+\.\d{2}$/.test(m[1]!) ? 'unit_not_kg' : 'bad_frame', raw };
  // The 8217 answers W with a weight only when it is stable, in range and not negative.
  return { kind: 'weight', grams, stable: true, net: m[2] === 'N', condition: 'ok', raw };
}

export function createToledoDecoder(): ScaleDecoder {
  let buffer: number[] = [];
  let inFrame = false;
  return {
    push(chunk) {
      const out: ScaleFrame[] = [];
      for (const byte of chunk) {
        const b = byte & 0x7f; // 7 data bits: a pty or a wrongly set 8N1 port may hand us the parity bit
        if (b === STX) {
          if (inFrame && buffer.length > 1) out.push({ kind: 'dropped', reason: 'bad_frame', raw: Uint8Array.from(buffer) });
          buffer = [STX];
          inFrame = true;
          continue;
        }
        if (!inFrame) continue; // noise between frames (the echo of a command on a looped line, line noise)
        buffer.push(b);
        if (b === CR) {
          const raw = Uint8Array.from(buffer);
          out.push(decodeFrame(raw.subarray(1, raw.length - 1), raw));
          buffer = [];
          inFrame = false;
        } else if (buffer.length > MAX_FRAME) {
          out.push({ kind: 'dropped', reason: 'overlong', raw: Uint8Array.from(buffer) });
          buffer = [];
          inFrame = false;
        }
      }
      return out;
    },
    reset() {
      buffer = [];
      inFrame = false;
    },
  };
}

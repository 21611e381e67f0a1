/**
 * 耀华 (Yaohua) XK3190-A9 / A9+ weighing indicator, continuous output (setting tF=0), the frame most Chinese
 * platform and counter scales built on these indicators send without being asked.
 *
 * Hand-written: no maintained Node library decodes it. Source: the XK3190-A9+ user manual, "Connection between
 * serial communication interface and indicator", continuous method tF=0 (easymanua.ls pro/xk3190-a9plus p. 9;
 * the same table in Chinese in 上海台迈衡器's "耀华XK3190-A9+仪表串行通讯接口与仪表的联接和使用", guboo.com.cn):
 * 12 bytes per frame, all ASCII, 8 data bits:
 *   1 STX (02) · 2 sign '+' or '-' · 3–8 six weight digits, high to low · 9 decimal places counted from the
 *   right ('0'–'4') · 10–11 XOR of bytes 2–9, high then low nibble, each sent as '0'–'9' / 'A'–'F'
 *   (value + 30h, or + 37h above 9) · 12 ETX (03).
 * The frame has no stable flag and no overload flag: stability is N equal readings in a window
 * (./stability.ts); overload is a weight past the capacity the technician sets; a '-' sign is under zero.
 * The indicator takes no commands in this mode: zero and tare are kept by the driver (./scale.ts).
 */
import type { ScaleDecoder, ScaleFrame } from './reading';

const STX = 0x02;
const ETX = 0x03;
const FRAME = 12;

export const XK3190_LINE = { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 } as const;

const hexDigit = (n: number): number => (n <= 9 ? 0x30 + n : 0x37 + n);

export function xk3190Checksum(body: readonly number[]): [number, number] {
  let x = 0;
  for (const b of body) x ^= b;
  return [hexDigit(x >> 4), hexDigit(x & 0x0f)];
}

/** The frame an indicator sends for a weight in grams shown with `decimals` places of kg (3 by default). */
export function encodeXk3190(grams: number, decimals: 0 | 1 | 2 | 3 | 4 = 3): Uint8Array {
  const units = Math.round((Math.abs(grams) * 10 ** decimals) / 1000);
  const digits = String(Math.min(units, 999_999)).padStart(6, '0');
  const body = [grams < 0 ? 0x2d : 0x2b, ...Array.from(digits, (c) => c.charCodeAt(0)), 0x30 + decimals];
  return Uint8Array.from([STX, ...body, ...xk3190Checksum(body), ETX]);
}

function decodeFrame(raw: Uint8Array): ScaleFrame {
  const body = Array.from(raw.subarray(1, 9));
  const [hi, lo] = xk3190Checksum(body);
  if (raw[9] !== hi || raw[10] !== lo) return { kind: 'dropped', reason: 'bad_checksum', raw };
  const sign = body[0];
  const digits = String.fromCharCode(...body.slice(1, 7));
  const decimals = body[7]! - 0x30;
  if ((sign !== 0x2b && sign !== 0x2d) || !/^\d{6}$/.test(digits) || decimals < 0 || decimals > 4) return { kind: 'dropped', reason: 'bad_frame', raw };
  // Shown in kg with `decimals` places: grams = value × 1000 / 10^decimals (4 places: 0.1 g, rounded).
  const magnitude = Math.round((Number(digits) * 1000) / 10 ** decimals);
  const grams = sign === 0x2d ? -magnitude : magnitude;
  return { kind: 'weight', grams, stable: null, net: false, condition: grams < 0 ? 'under_zero' : 'ok', raw };
}

export function createXk3190Decoder(): ScaleDecoder {
  let buffer: number[] = [];
  return {
    push(chunk) {
      const out: ScaleFrame[] = [];
      for (const b of chunk) {
        if (b === STX) {
          if (buffer.length > 1) out.push({ kind: 'dropped', reason: 'bad_frame', raw: Uint8Array.from(buffer) });
          buffer = [STX];
          continue;
        }
        if (buffer.length === 0) continue;
        buffer.push(b);
        if (buffer.length === FRAME) {
          const raw = Uint8Array.from(buffer);
          buffer = [];
          out.push(raw[FRAME - 1] === ETX ? decodeFrame(raw) : { kind: 'dropped', reason: 'bad_frame', raw });
        }
      }
      return out;
    },
    reset() {
      buffer = [];
    },
  };
}

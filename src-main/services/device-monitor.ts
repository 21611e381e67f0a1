/**
 * The technician's scanner monitor: every scanner input (scans and dropped input) with its raw bytes, kept in a
 * ring buffer that a technician-only call polls (`devices.monitor({ afterSeq })`). Not an event: events reach
 * every connection, even the anonymous customer display, and a raw scan can be a payment code. Payment codes
 * are masked (maskCode of src-common/mask.ts) in the decoded text and in the hex alike.
 */
import type { MonitorEntry } from '../../src-common/calls/devices';
import { maskCode } from '../../src-common/mask';
import { classifyPaymentCode } from '../../src-common/payment-code';
import type { DeviceManager, ScannerInput } from '../../drivers/devices/manager';
import type { Clock } from '../clock';

export const MONITOR_CAPACITY = 200;

const latin1 = (bytes: Uint8Array): string => {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
};

/**
 * Digit runs of payment-code length. Wallet payment codes are 16–24 digits (src-common/payment-code.ts), product
 * barcodes at most 14 (GTIN-14): mask.ts's generic 12+ rule would hide every EAN-13, which the technician needs to see.
 */
const PAYMENT_LENGTH_DIGITS = /\d{16,}/g;

function maskRuns(text: string): string {
  return text.replace(PAYMENT_LENGTH_DIGITS, maskCode);
}

/** The decoded text with payment codes masked. */
export function maskScanText(text: string): string {
  return classifyPaymentCode(text).ok ? maskCode(text) : maskRuns(text);
}

/**
 * Hex of the raw bytes, `**` for each byte inside a masked part. The raw bytes are read as Latin-1 (one character
 * per byte), masked like text, and compared position by position: a masked character never shows in hex either.
 */
export function maskedHex(raw: Uint8Array, decoded: string | null): string {
  const text = latin1(raw);
  let masked = maskRuns(text);
  if (decoded !== null && classifyPaymentCode(decoded).ok) {
    // A payment code the generic rule missed (e.g. split by a report boundary): mask its run wherever it is.
    const at = text.indexOf(decoded);
    if (at >= 0) masked = masked.slice(0, at) + maskCode(decoded) + masked.slice(at + decoded.length);
  }
  const out: string[] = [];
  for (let i = 0; i < raw.length; i++) out.push(masked[i] !== text[i] ? '**' : raw[i]!.toString(16).toUpperCase().padStart(2, '0'));
  return out.join(' ');
}

export interface ScannerMonitor {
  since(afterSeq: number): { entries: MonitorEntry[]; lastSeq: number };
  close(): void;
}

export function createScannerMonitor(deps: { manager: DeviceManager; clock: Clock; capacity?: number }): ScannerMonitor {
  const capacity = deps.capacity ?? MONITOR_CAPACITY;
  const ring: MonitorEntry[] = [];
  let seq = 0;
  const off = deps.manager.onScannerInput((input: ScannerInput) => {
    const text = input.kind === 'scan' ? input.data : null;
    ring.push({
      seq: ++seq,
      at: deps.clock.now().toISOString(),
      deviceId: input.deviceId,
      hex: maskedHex(input.raw, text),
      kind: input.kind,
      text: text === null ? null : maskScanText(text),
      symbology: input.kind === 'scan' ? input.symbology : null,
      reason: input.kind === 'dropped' ? input.reason : null,
    });
    if (ring.length > capacity) ring.shift();
  });
  return {
    since: (afterSeq) => ({ entries: ring.filter((e) => e.seq > afterSeq), lastSeq: seq }),
    close: () => void off(),
  };
}

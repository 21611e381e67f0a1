/**
 * Cash drawer protocol: opening it and reading whether it is open. Pure bytes; the transport is elsewhere.
 *
 * **Through the receipt printer** (the usual wiring: the drawer's RJ11/RJ12 in the printer's DK port).
 * `ESC p m t1 t2` (`1B 70 m t1 t2`): pulse pin 2 (m = 0) or pin 5 (m = 1) on for t1 × 2 ms, off for
 * t2 × 2 ms, always the full 5 bytes (peers.md §1.2/§4: a 3-byte `ESC p m` leaves the printer waiting for
 * t1/t2 and the drawer opens "50 % of the time"). The bytes come from drivers/receipt/escpos encodeDrawerKick,
 * which the receipt encoder also uses; here the timings are clamped rather than refused (a config value out of
 * range still opens the drawer) and 'both' pins is offered (Odoo sends pin 2 then pin 5, for drawers wired to
 * either). `ESC p` waits in the print buffer behind the receipt, and does not run while the printer is stopped
 * (paper out, cover open): encodeRealtimeDrawerKick (`DLE DC4 1 m t`) runs at once even then, on printers that
 * have it.
 *
 * **On its own serial line** (a drawer with a serial interface, or a USB/RS-232 "trigger box"): most open on
 * any byte at the configured baud rate (the trigger boxes), classic serial drawers on BEL `07` (Ctrl-G is the
 * documented default opening code of serial drawers, and Star printers open their drawer on BEL too, peers.md
 * §1.2), and programmable ones on a code set in the drawer (e.g. `1B 34`, or an ESC/POS-like 5-byte string).
 * So the sequence is configurable and defaults to `[0x07]`, which opens both the "any byte" and the BEL kinds.
 * Their open/closed switch, when they report one, is wired to a modem status line (CTS, DSR or DCD).
 *
 * **Open or closed.** The drawer's switch is read on pin 3 of the DK connector (DLE EOT 1, bit 2: pin 3 high)
 * or on a modem line. Which level means "open" is the drawer's wiring, not the printer's: configurable,
 * default 'high' (the switch pulls the line low while the drawer is shut: the common wiring, an inference to
 * verify with the drawer test on the technician screen); 'none' for a drawer without a switch (always unknown).
 */
import { DRAWER_KICK_PIN2, encodeDrawerKick } from '../receipt/escpos';
import { parseStatusByte } from '../printer/status';

export { DRAWER_KICK_PIN2, encodeDrawerKick };

export type DrawerPin = 2 | 5;

export interface DrawerKickOptions {
  /** Kick-out pin (default 2); 'both' pulses pin 2 then pin 5. */
  readonly pin?: DrawerPin | 'both';
  /** Pulse on time in ms (default 50), clamped to 2–510 in 2 ms steps. */
  readonly onMs?: number;
  /** Off time after the pulse in ms (default 500), clamped to 2–510 and to at least the on time. */
  readonly offMs?: number;
}

export const DEFAULT_DRAWER_KICK = { pin: 2, onMs: 50, offMs: 500 } as const satisfies Required<DrawerKickOptions>;

const clampMs = (ms: number, what: string): number => {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) throw new RangeError(`${what} must be a number of milliseconds, got ${String(ms)}`);
  return Math.min(510, Math.max(2, Math.round(ms / 2) * 2));
};

/**
 * `1B 70 m t1 t2` (10 bytes for 'both'). Timings are clamped to what the command carries (2–510 ms); the off
 * time is raised to the on time when shorter (Epson printers use t1 as the off time then anyway, and the
 * solenoid needs at least as long to rest). Throws RangeError for another pin or a non-numeric time.
 * With the defaults it is DRAWER_KICK_PIN2, `1B 70 00 19 FA`.
 */
export function drawerKick(options: DrawerKickOptions = {}): Uint8Array {
  const pin = options.pin ?? DEFAULT_DRAWER_KICK.pin;
  if (pin !== 2 && pin !== 5 && pin !== 'both') throw new RangeError(`drawer pin must be 2, 5 or 'both', got ${String(pin)}`);
  const onMs = clampMs(options.onMs ?? DEFAULT_DRAWER_KICK.onMs, 'on time');
  const offMs = Math.max(onMs, clampMs(options.offMs ?? DEFAULT_DRAWER_KICK.offMs, 'off time'));
  if (pin !== 'both') return encodeDrawerKick(pin, onMs, offMs);
  const out = new Uint8Array(10);
  out.set(encodeDrawerKick(2, onMs, offMs), 0);
  out.set(encodeDrawerKick(5, onMs, offMs), 5);
  return out;
}

/**
 * `DLE DC4 1 m t` (`10 14 01 m t`): real-time pulse on pin 2 (m = 0) or 5 (m = 1) for t × 100 ms (t 1–8),
 * executed on receipt even when the printer is stopped by paper out or an open cover. `pulseMs` is rounded to
 * 100 ms and clamped to 100–800. Not every clone has it; ESC p (drawerKick) is the default.
 */
export function encodeRealtimeDrawerKick(pin: DrawerPin = 2, pulseMs = 200): Uint8Array {
  if (pin !== 2 && pin !== 5) throw new RangeError(`drawer pin must be 2 or 5, got ${String(pin)}`);
  if (typeof pulseMs !== 'number' || !Number.isFinite(pulseMs)) throw new RangeError(`pulse must be a number of milliseconds, got ${String(pulseMs)}`);
  const t = Math.min(8, Math.max(1, Math.round(pulseMs / 100)));
  return Uint8Array.of(0x10, 0x14, 0x01, pin === 2 ? 0 : 1, t);
}

/** What a drawer on its own serial line gets by default: BEL. */
export const DEFAULT_SERIAL_DRAWER_SEQUENCE: readonly number[] = Object.freeze([0x07]);

export const MAX_SERIAL_DRAWER_SEQUENCE = 32;

/** The bytes that open a drawer on its own serial line: `sequence` (1–32 bytes, each 0–255), default `07`. */
export function serialDrawerOpen(sequence: readonly number[] = DEFAULT_SERIAL_DRAWER_SEQUENCE): Uint8Array {
  if (sequence.length < 1 || sequence.length > MAX_SERIAL_DRAWER_SEQUENCE) throw new RangeError(`the drawer sequence must have 1–${MAX_SERIAL_DRAWER_SEQUENCE} bytes, got ${sequence.length}`);
  for (const b of sequence) if (!Number.isInteger(b) || b < 0 || b > 0xff) throw new RangeError(`not a byte: ${String(b)}`);
  return Uint8Array.from(sequence);
}

/**
 * A byte sequence as a technician types it: hex bytes separated by spaces, commas or colons, each optionally
 * `0x`-prefixed (`07`, `1B 70 00 19 FA`, `0x1b,0x70`), or one run of hex digit pairs (`1b700019fa`).
 * Throws RangeError on anything else.
 */
export function parseByteSequence(text: string): number[] {
  const trimmed = text.trim();
  if (trimmed === '') throw new RangeError('empty byte sequence');
  const tokens = /^[0-9a-f]+$/i.test(trimmed) && trimmed.length > 2 ? (trimmed.length % 2 === 0 ? trimmed.match(/../g) ?? [] : [trimmed]) : trimmed.split(/[\s,:]+/);
  return tokens.map((token) => {
    const m = /^(?:0x)?([0-9a-f]{1,2})$/i.exec(token);
    if (!m?.[1]) throw new RangeError(`not a hex byte: ${JSON.stringify(token)} in ${JSON.stringify(text)}`);
    return parseInt(m[1], 16);
  });
}

/** `[0x1b, 0x70]` → `'1B 70'` (what parseByteSequence reads back). */
export function formatByteSequence(bytes: Iterable<number>): string {
  return Array.from(bytes, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
}

export type DrawerLevel = 'high' | 'low';
/** Which switch level means "open"; 'none' when the drawer has no switch wired. */
export type DrawerOpenLevel = DrawerLevel | 'none';
export type DrawerState = 'open' | 'closed' | 'unknown';

export const DEFAULT_DRAWER_OPEN_LEVEL: DrawerOpenLevel = 'high';

/** The drawer's state from its switch level (null = not read). */
export function drawerStateFromLevel(level: DrawerLevel | null, openLevel: DrawerOpenLevel = DEFAULT_DRAWER_OPEN_LEVEL): DrawerState {
  if (level === null || openLevel === 'none') return 'unknown';
  return level === openLevel ? 'open' : 'closed';
}

/** The drawer's state from the reply to DLE EOT 1 (bit 2 = pin 3 high); 'unknown' when the byte is not a status reply. */
export function drawerStateFromStatusByte(byte: number, openLevel: DrawerOpenLevel = DEFAULT_DRAWER_OPEN_LEVEL): DrawerState {
  const status = parseStatusByte(1, byte);
  return drawerStateFromLevel(status ? (status.drawerPin3High ? 'high' : 'low') : null, openLevel);
}

export interface ModemLines {
  readonly cts?: boolean;
  readonly dsr?: boolean;
  readonly dcd?: boolean;
}

/**
 * The state of a serial drawer whose switch drives a modem status line, as serialport's `get()` reports them
 * (true = asserted, taken as 'high'). RI is not offered: serialport does not report it.
 */
export function drawerStateFromModemLines(lines: ModemLines, config: { readonly line: keyof ModemLines; readonly openLevel?: DrawerOpenLevel }): DrawerState {
  const value = lines[config.line];
  return drawerStateFromLevel(value === undefined ? null : value ? 'high' : 'low', config.openLevel);
}

/**
 * Turns successive readings into UnifiedPOS-style events: 'opened' / 'closed' when the state changes,
 * null otherwise. An 'unknown' reading (no reply) changes nothing, so a missed poll is not a close.
 */
export class DrawerWatcher {
  private last: 'open' | 'closed' | null = null;

  get state(): DrawerState {
    return this.last ?? 'unknown';
  }

  update(state: DrawerState): 'opened' | 'closed' | null {
    if (state === 'unknown' || state === this.last) return null;
    const first = this.last === null;
    this.last = state;
    // The first reading only sets the baseline, except a drawer found open.
    if (first) return state === 'open' ? 'opened' : null;
    return state === 'open' ? 'opened' : 'closed';
  }
}

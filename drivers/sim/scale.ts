/**
 * A shop scale on the simulator's end of a pty pair (./pty.ts), speaking either protocol:
 *   - toledo8217: answers W with the weight when stable (net of its tare, `N` when a tare is set) or its status
 *     byte (motion, over capacity, under zero); Z zeroes, T tares, C clears the tare, each answered with the
 *     status, and ignored while the weight moves, as the 8217 does;
 *   - xk3190: sends a continuous frame every `intervalMs` (gross, since the indicator's zero and tare are kept
 *     by the till in this mode); in motion each frame's weight wanders by a few grams.
 * Settable: the weight on the platter, motion, capacity; `mute` stops it answering (no reply).
 */
import type { ScaleProtocol } from '../scale/reading';
import { encodeToledoStatus, encodeToledoWeight } from '../scale/toledo8217';
import { encodeXk3190 } from '../scale/xk3190';
import type { Peer } from './pty';

export interface ScaleSimulator {
  readonly protocol: ScaleProtocol;
  /** The weight on the platter in grams (gross, before the scale's zero). */
  setWeight(grams: number): void;
  setMotion(motion: boolean): void;
  /** Sets a weight and holds it still (motion off). */
  place(grams: number): void;
  /** Stops answering (8217) or sending (XK3190) until unmuted. */
  setMute(mute: boolean): void;
  /** The scale's own tare (8217), for display. */
  readonly tareGrams: number;
  /** Commands received (8217): 'W', 'Z', 'T', 'C'. */
  readonly commands: readonly string[];
  stop(): void;
}

export interface ScaleSimulatorOptions {
  protocol: ScaleProtocol;
  capacityGrams?: number;
  /** XK3190: time between frames. */
  intervalMs?: number;
  /** Told about each command and weight change (the devices:sim console). */
  onEvent?: (text: string) => void;
}

export function createScaleSimulator(peer: Peer, options: ScaleSimulatorOptions): ScaleSimulator {
  const capacity = options.capacityGrams ?? 30_000;
  const intervalMs = options.intervalMs ?? 100;
  let weight = 0;
  let zero = 0;
  let tare = 0;
  let motion = false;
  let mute = false;
  let seen = 0;
  let wobble = 0;
  const commands: string[] = [];

  const gross = () => weight - zero;
  const status = () => ({ motion, overCapacity: gross() > capacity, underZero: gross() - tare < 0, net: tare !== 0, atZero: gross() === 0 && tare === 0 });

  function answer(command: string) {
    commands.push(command);
    if (mute) return;
    if (command === 'W') {
      const s = status();
      void peer.write(s.motion || s.overCapacity || s.underZero ? encodeToledoStatus(s) : encodeToledoWeight(gross() - tare, tare !== 0)).catch(() => undefined);
      return;
    }
    if (!motion) {
      if (command === 'Z' && tare === 0 && Math.abs(gross()) <= capacity * 0.02) zero = weight;
      if (command === 'T' && gross() > 0) tare = gross();
      if (command === 'C') tare = 0;
    }
    options.onEvent?.(`scale: ${command === 'Z' ? 'zero' : command === 'T' ? 'tare' : 'clear tare'}${motion ? ' ignored (moving)' : ''}`);
    void peer.write(encodeToledoStatus(status())).catch(() => undefined);
  }

  const timer = setInterval(
    () => {
      if (options.protocol === 'toledo8217') {
        const bytes = peer.received;
        for (; seen < bytes.length; seen++) {
          const c = String.fromCharCode(bytes[seen]! & 0x7f);
          if ('WZTC'.includes(c)) answer(c);
        }
        if (seen > 4096) {
          peer.clear();
          seen = 0;
        }
        return;
      }
      if (mute) return;
      wobble = motion ? ((wobble + 7) % 23) - 11 : 0;
      void peer.write(encodeXk3190(weight + wobble)).catch(() => undefined);
    },
    options.protocol === 'toledo8217' ? 5 : intervalMs,
  );

  return {
    protocol: options.protocol,
    setWeight(grams) {
      weight = grams;
      options.onEvent?.(`scale: ${(grams / 1000).toFixed(3)} kg on the platter`);
    },
    setMotion(value) {
      motion = value;
      options.onEvent?.(`scale: ${value ? 'moving' : 'still'}`);
    },
    place(grams) {
      weight = grams;
      motion = false;
      options.onEvent?.(`scale: ${(grams / 1000).toFixed(3)} kg on the platter, still`);
    },
    setMute(value) {
      mute = value;
      options.onEvent?.(`scale: ${value ? 'muted (no answer)' : 'answering'}`);
    },
    get tareGrams() {
      return tare;
    },
    get commands() {
      return commands;
    },
    stop: () => clearInterval(timer),
  };
}

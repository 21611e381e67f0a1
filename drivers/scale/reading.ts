/**
 * What a scale reports, whatever its protocol: weights in grams (integer), the scale's condition, and the
 * bytes it came from (the technician's monitor). Grams are the till's unit for weighed goods: the quantity
 * of a kg line in thousandths (quantityMilli) is its weight in grams.
 */

/** The condition a frame reports. */
export type ScaleCondition = 'ok' | 'motion' | 'overload' | 'under_zero';

/** One decoded frame of a scale. */
export type ScaleFrame =
  | {
      kind: 'weight';
      /** The weight on the display, in grams (negative under zero). */
      grams: number;
      /** The scale itself said the weight is stable (Toledo 8217 sends a weight only then); null: the protocol has no flag. */
      stable: boolean | null;
      /** The scale shows a net weight (its own tare is in use). */
      net: boolean;
      condition: ScaleCondition;
      raw: Uint8Array;
    }
  | {
      kind: 'status';
      condition: ScaleCondition;
      net: boolean;
      /** Toledo 8217: the scale sits at the centre of zero. */
      atZero: boolean;
      raw: Uint8Array;
    }
  | { kind: 'dropped'; reason: 'bad_checksum' | 'bad_frame' | 'unit_not_kg' | 'overlong'; raw: Uint8Array };

/** A streaming decoder: bytes in (any split), frames out. Never throws. */
export interface ScaleDecoder {
  push(chunk: Uint8Array): ScaleFrame[];
  reset(): void;
}

export const SCALE_PROTOCOLS = ['toledo8217', 'xk3190'] as const;
export type ScaleProtocol = (typeof SCALE_PROTOCOLS)[number];

/** "12.345" with exactly `decimals` decimals, in kg → grams; null when it is not a number of that form. */
export function kgTextToGrams(text: string): number | null {
  const m = /^(\d{1,6})\.(\d{3})$/.exec(text);
  if (!m) return null;
  return Number(m[1]) * 1000 + Number(m[2]);
}

export function hexOf(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

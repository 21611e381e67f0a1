/**
 * A scale on a transport (UnifiedPOS's Scale, reduced to what a till needs): the live weight with its stable
 * flag and condition, zero, tare and clear tare, and named failures. Weights are grams (integers).
 *
 * - Toledo 8217 (./toledo8217.ts) answers requests: the weight is asked for every `pollMs`; a command (Z, T, C)
 *   takes the next request slot, so one request is on the wire at a time and replies pair with requests. The
 *   scale keeps its own zero and tare and sends a weight only when it is stable.
 * - XK3190 continuous (./xk3190.ts) talks by itself and takes no commands: stability is detected here
 *   (./stability.ts) and zero and tare are kept here as offsets, with the indicator's own rules: zero only while
 *   stable and within ±2 % of capacity of the power-up zero (OIML R76's zero-setting range), tare only while
 *   stable and above zero.
 * Silence past `replyTimeoutMs` is `no_reply`; a transport that is not open is `unplugged`.
 */
import type { Transport } from '../transport/transport';
import { hexOf, type ScaleCondition, type ScaleDecoder, type ScaleFrame, type ScaleProtocol } from './reading';
import { createStabilityDetector, DEFAULT_STABILITY, type StabilityOptions } from './stability';
import { createToledoDecoder, toledoCommand } from './toledo8217';
import { createXk3190Decoder } from './xk3190';

export type ScaleState = ScaleCondition | 'no_reply' | 'unplugged';

export interface ScaleReading {
  /** The weight to sell: net of the tare, in grams; null when the scale gives none (motion on an 8217, no reply). */
  grams: number | null;
  /** The tare kept by the driver (XK3190); null when the scale keeps it and does not say (8217). */
  tareGrams: number | null;
  /** The scale said (or N equal readings showed) the weight is stable. */
  stable: boolean;
  /** The scale shows a net weight (a tare is in use). */
  net: boolean;
  state: ScaleState;
  /** When this was read (ms since the epoch). */
  at: number;
  /** The last frame's bytes, hex. */
  raw: string;
}

export type ScaleCommand = 'zero' | 'tare' | 'clearTare';

export type ScaleErrorReason = 'motion' | 'out_of_range' | 'no_reply' | 'unplugged' | 'refused';

export class ScaleError extends Error {
  constructor(
    readonly reason: ScaleErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'ScaleError';
  }
}

export interface ScaleOptions {
  protocol: ScaleProtocol;
  /** 8217: how often the weight is asked for. */
  pollMs?: number;
  /** No reply (8217) or no frame (XK3190) for this long: `no_reply`. */
  replyTimeoutMs?: number;
  /** XK3190: a gross weight above this is an overload. */
  capacityGrams?: number;
  stability?: StabilityOptions;
  now?: () => number;
}

export interface Scale {
  reading(): ScaleReading;
  /** Every new reading (each frame), and every change of state. */
  onReading(listener: (reading: ScaleReading) => void): () => void;
  /** Every frame's raw bytes as decoded (the technician's monitor). */
  onFrame(listener: (frame: ScaleFrame) => void): () => void;
  command(command: ScaleCommand): Promise<void>;
  close(): void;
}

interface Pending {
  bytes: Uint8Array;
  sentAt: number | null;
  done?: (error: ScaleError | null, frame?: ScaleFrame) => void;
}

export function createScale(transport: Transport, options: ScaleOptions): Scale {
  const now = options.now ?? Date.now;
  const pollMs = options.pollMs ?? 200;
  const replyTimeoutMs = options.replyTimeoutMs ?? 1000;
  const capacityGrams = options.capacityGrams ?? 30_000;
  const toledo = options.protocol === 'toledo8217';
  const decoder: ScaleDecoder = toledo ? createToledoDecoder() : createXk3190Decoder();
  const stability = createStabilityDetector(options.stability ?? DEFAULT_STABILITY);
  const readingListeners = new Set<(reading: ScaleReading) => void>();
  const frameListeners = new Set<(frame: ScaleFrame) => void>();

  let current: ScaleReading = { grams: null, tareGrams: toledo ? null : 0, stable: false, net: false, state: transport.state === 'open' ? 'no_reply' : 'unplugged', at: now(), raw: '' };
  let lastFrameAt = now();
  /** XK3190: the driver's zero (raw grams that read as 0) and tare. */
  let zeroOffset = 0;
  let tare = 0;
  let lastGross: number | null = null;
  let lastStable = false;
  /** 8217: the request on the wire and the commands waiting for a slot. */
  let inFlight: Pending | null = null;
  const queue: Pending[] = [];

  const publish = (next: ScaleReading) => {
    current = next;
    for (const listener of readingListeners) listener(next);
  };
  const setState = (state: ScaleState) => {
    if (current.state === state && current.grams === null) return;
    stability.reset();
    lastStable = false;
    publish({ ...current, grams: null, stable: false, state, at: now() });
  };

  function onToledoFrame(frame: ScaleFrame) {
    const request = inFlight;
    inFlight = null;
    if (frame.kind === 'weight') {
      publish({ grams: frame.grams, tareGrams: null, stable: true, net: frame.net, state: 'ok', at: now(), raw: hexOf(frame.raw) });
    } else if (frame.kind === 'status') {
      publish({ grams: null, tareGrams: null, stable: false, net: frame.net, state: frame.condition, at: now(), raw: hexOf(frame.raw) });
    }
    request?.done?.(null, frame);
  }

  function onXkFrame(frame: ScaleFrame) {
    if (frame.kind !== 'weight') return;
    const at = now();
    const gross = frame.grams - zeroOffset;
    lastGross = gross;
    const stable = stability.push(gross, at);
    lastStable = stable;
    const state: ScaleState = gross > capacityGrams ? 'overload' : gross < 0 ? 'under_zero' : stable ? 'ok' : 'motion';
    publish({ grams: state === 'overload' ? null : gross - tare, tareGrams: tare, stable: stable && state === 'ok', net: tare !== 0, state, at, raw: hexOf(frame.raw) });
  }

  const unsubscribe = [
    transport.on('data', (chunk) => {
      for (const frame of decoder.push(chunk)) {
        lastFrameAt = now();
        for (const listener of frameListeners) listener(frame);
        if (toledo) onToledoFrame(frame);
        else onXkFrame(frame);
      }
    }),
    transport.on('state', (state) => {
      decoder.reset();
      if (state === 'open') {
        lastFrameAt = now();
        setState('no_reply');
      } else {
        failAll(new ScaleError('unplugged', 'The scale is not connected'));
        setState('unplugged');
      }
    }),
  ];

  function failAll(error: ScaleError) {
    const waiting = [...(inFlight ? [inFlight] : []), ...queue.splice(0)];
    inFlight = null;
    for (const p of waiting) p.done?.(error);
  }

  const tick = setInterval(() => {
    const at = now();
    if (transport.state !== 'open') {
      if (current.state !== 'unplugged') setState('unplugged');
      return;
    }
    if (toledo && inFlight?.sentAt != null && at - inFlight.sentAt > replyTimeoutMs) {
      const late = inFlight;
      inFlight = null;
      late.done?.(new ScaleError('no_reply', `The scale did not answer within ${replyTimeoutMs} ms`));
      decoder.reset();
      setState('no_reply');
    }
    if (!toledo && at - lastFrameAt > replyTimeoutMs) setState('no_reply');
    if (toledo && !inFlight) {
      const next = queue.shift() ?? (at - lastPollAt >= pollMs ? { bytes: toledoCommand.weigh, sentAt: null } : null);
      if (!next) return;
      if (next.bytes === toledoCommand.weigh) lastPollAt = at;
      next.sentAt = at;
      inFlight = next;
      transport.write(next.bytes).catch(() => {
        if (inFlight === next) inFlight = null;
        next.done?.(new ScaleError('unplugged', 'The scale is not connected'));
      });
    }
  }, Math.max(10, Math.min(50, Math.floor(pollMs / 4))));
  let lastPollAt = Number.NEGATIVE_INFINITY;

  function xkCommand(command: ScaleCommand): void {
    if (current.state === 'unplugged') throw new ScaleError('unplugged', 'The scale is not connected');
    if (current.state === 'no_reply' || lastGross === null) throw new ScaleError('no_reply', 'The scale sends no weight');
    if (command === 'clearTare') {
      tare = 0;
      return;
    }
    if (!lastStable) throw new ScaleError('motion', 'The weight is not stable yet');
    if (command === 'zero') {
      const raw = lastGross + zeroOffset;
      if (Math.abs(raw) > capacityGrams * 0.02 || tare !== 0) throw new ScaleError('out_of_range', 'Too far from zero to zero the scale (take everything off; clear the tare first)');
      zeroOffset = raw;
    } else {
      if (lastGross <= 0) throw new ScaleError('out_of_range', 'Put the container on the scale first');
      tare = lastGross;
    }
    stability.reset();
    lastStable = false;
  }

  return {
    reading: () => current,
    onReading(listener) {
      readingListeners.add(listener);
      return () => readingListeners.delete(listener);
    },
    onFrame(listener) {
      frameListeners.add(listener);
      return () => frameListeners.delete(listener);
    },
    command(command) {
      if (!toledo) {
        try {
          xkCommand(command);
          return Promise.resolve();
        } catch (error) {
          return Promise.reject(error instanceof Error ? error : new Error(String(error)));
        }
      }
      if (transport.state !== 'open') return Promise.reject(new ScaleError('unplugged', 'The scale is not connected'));
      return new Promise<void>((resolve, reject) => {
        queue.push({
          bytes: toledoCommand[command],
          sentAt: null,
          done: (error, frame) => {
            if (error) return reject(error);
            // The 8217 answers Z, T and C with its status: motion means the command was ignored.
            if (frame?.kind === 'status' && frame.condition === 'motion') return reject(new ScaleError('motion', 'The weight is not stable: the scale ignored the command'));
            if (frame?.kind === 'status' && frame.condition !== 'ok') return reject(new ScaleError('out_of_range', `The scale refused: ${frame.condition}`));
            if (frame?.kind === 'dropped') return reject(new ScaleError('refused', 'The scale sent an unreadable reply'));
            resolve();
          },
        });
      });
    },
    close() {
      clearInterval(tick);
      for (const fn of unsubscribe) fn();
      failAll(new ScaleError('unplugged', 'The scale was closed'));
    },
  };
}

/**
 * The shop scale at the till (issue 16): the live weight for the cashier's weigh dialog and the technician's
 * scale view, zero and tare, the frame monitor, and weighed lines. A line weighed on the scale takes the weight
 * the scale reported here, in main: the screen only says "from the scale", so a screen cannot put in a weight
 * the scale did not give (nor one that was moving, under zero or stale).
 */
import type { scaleCalls, ScaleFrameEntry, ScaleReadingView } from '../../src-common/calls/scale';
import { PosError } from '../../src-common/errors';
import type { ScaleFrame } from '../../drivers/scale/reading';
import { hexOf } from '../../drivers/scale/reading';
import { ScaleError, type ScaleReading } from '../../drivers/scale/scale';
import type { Area, CoreServices } from './context';
import type { OversellApproval } from '../services/sale-guards';

export type ScaleAreaDeps = Pick<CoreServices, 'devices' | 'sales'>;

/** A reading older than this is not taken for a sale (the scale stopped answering since). */
const FRESH_MS = 2_000;
const MONITOR_SIZE = 200;

function view(r: ScaleReading): ScaleReadingView {
  return { grams: r.grams, tareGrams: r.tareGrams, stable: r.stable, net: r.net, state: r.state, at: new Date(r.at).toISOString() };
}

function entryOf(frame: ScaleFrame): Pick<ScaleFrameEntry, 'grams' | 'condition' | 'net' | 'reason'> {
  if (frame.kind === 'weight') return { grams: frame.grams, condition: frame.condition, net: frame.net, reason: null };
  if (frame.kind === 'status') return { grams: null, condition: frame.condition, net: frame.net, reason: null };
  return { grams: null, condition: null, net: false, reason: frame.reason };
}

export function createScaleArea(deps: ScaleAreaDeps & { approveOversell?: OversellApproval }): Area<typeof scaleCalls> {
  const { devices, sales } = deps;
  const approve: OversellApproval = deps.approveOversell ?? (async (_approval, _session, change) => change(undefined));
  let seq = 0;
  const frames: ScaleFrameEntry[] = [];
  const unsubscribe = devices.onScaleFrame((frame) => {
    frames.push({ seq: ++seq, at: new Date().toISOString(), hex: hexOf(frame.raw), kind: frame.kind, ...entryOf(frame) });
    if (frames.length > MONITOR_SIZE) frames.shift();
  });

  const scaleConfig = () => devices.configs().find((c) => c.role === 'scale');

  /** The stable net weight to sell, or a refusal naming why there is none. */
  function stableGrams(): number {
    const reading = devices.scaleReading();
    if (!reading) throw new PosError('unavailable', 'No scale is configured: type the weight', { reason: 'no_scale' });
    if (reading.state !== 'ok') throw new PosError('conflict', `The scale cannot weigh now (${reading.state})`, { reason: reading.state });
    if (!reading.stable || reading.grams === null) throw new PosError('conflict', 'The weight is not stable yet', { reason: 'motion' });
    if (Date.now() - reading.at > FRESH_MS) throw new PosError('conflict', 'The scale has not answered lately', { reason: 'no_reply' });
    if (reading.grams <= 0) throw new PosError('conflict', 'Nothing is on the scale', { reason: 'zero_weight' });
    return reading.grams;
  }

  return {
    handlers: {
      'scale.read': () => {
        const config = scaleConfig();
        const reading = devices.scaleReading();
        return { configured: config !== undefined, protocol: config?.role === 'scale' ? config.protocol : null, reading: reading ? view(reading) : null };
      },
      'scale.command': async ({ command }) => {
        try {
          await devices.scaleCommand(command);
        } catch (error) {
          if (!(error instanceof ScaleError)) throw error;
          const code = error.reason === 'no_reply' || error.reason === 'unplugged' ? 'unavailable' : 'conflict';
          throw new PosError(code, error.message, { reason: error.reason });
        }
        return null;
      },
      'scale.monitor': ({ afterSeq }) => ({ entries: frames.filter((f) => f.seq > afterSeq), lastSeq: seq }),
      'sale.addWeighed': ({ productId, weight, approval }, session) =>
        approve(approval, session, (approvedBy) => sales.addWeighed(productId, weight.source === 'scale' ? stableGrams() : weight.grams, session, approvedBy)),
    },
    close: () => {
      unsubscribe();
    },
  };
}

import type { devicesCalls } from '../../src-common/calls/devices';
import type { Area, PosContext } from './context';

export function createDevicesArea(_ctx: PosContext): Area<typeof devicesCalls> {
  return { handlers: {} };
}

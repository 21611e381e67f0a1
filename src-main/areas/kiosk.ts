import type { kioskCalls } from '../../src-common/calls/kiosk';
import type { Area, PosContext } from './context';

export function createKioskArea(_ctx: PosContext): Area<typeof kioskCalls> {
  return { handlers: {} };
}

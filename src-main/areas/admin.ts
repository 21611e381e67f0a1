import type { adminCalls } from '../../src-common/calls/admin';
import type { Area, PosContext } from './context';

export function createAdminArea(_ctx: PosContext): Area<typeof adminCalls> {
  return { handlers: {} };
}

import type { ownerCalls } from '../../src-common/calls/owner';
import type { Area, PosContext } from './context';

export function createOwnerArea(_ctx: PosContext): Area<typeof ownerCalls> {
  return { handlers: {} };
}

import type { historyCalls } from '../../src-common/calls/history';
import type { Area, PosContext } from './context';

export function createHistoryArea(_ctx: PosContext): Area<typeof historyCalls> {
  return { handlers: {} };
}

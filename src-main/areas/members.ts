import type { membersCalls } from '../../src-common/calls/members';
import type { MembersService } from '../services/members';
import type { SalesService } from '../services/sales';
import type { Area } from './context';

/** Members and points (issue 16): finding and making members at the till, attaching them, the owner's panel. */
export function createMembersArea(deps: { members: MembersService; sales: SalesService }): Area<typeof membersCalls> {
  const { members, sales } = deps;
  return {
    close() {},
    handlers: {
      'member.find': (input) => members.find(input),
      'member.create': ({ phone, name }, session) => members.create({ phone, name }, session),
      'sale.setMember': ({ memberId }, session) => sales.setMember(memberId, session),
      'sale.redeemPoints': ({ points }, session) => sales.redeemPoints(points, session),
      'member.search': ({ query, limit, offset }) => members.search(query, limit ?? 50, offset ?? 0),
      'member.history': ({ memberId }) => members.history(memberId),
      'member.anonymise': ({ memberId }, session) => members.anonymise(memberId, session),
    },
  };
}

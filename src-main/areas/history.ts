import { businessDayRuleOf } from '../../src-common/business-day';
import type { historyCalls } from '../../src-common/calls/history';
import { PosError } from '../../src-common/errors';
import type { Session } from '../../src-common/roles';
import { createHistoryService } from '../services/history';
import { createReconciliationService } from '../services/reconciliation';
import type { Area, PosContext } from './context';

export function createHistoryArea(ctx: PosContext): Area<typeof historyCalls> {
  const businessDay = () => businessDayRuleOf(ctx.settings.get());
  const history = createHistoryService({ db: ctx.db, terminalId: ctx.terminalId, refunds: ctx.refunds, businessDay });
  const reconciliation = createReconciliationService({ db: ctx.db, clock: ctx.clock, audit: ctx.audit, terminalId: ctx.terminalId, businessDay });

  /**
   * A refund from the back office is confirmed with the signed-in owner's own PIN: the owner's screen may
   * have been left open at the counter. Checked here (wrong PINs count towards the lockout) before the
   * refunds service, which then records the owner as the approver.
   */
  async function confirmOwnPin(session: Session, pin: string): Promise<void> {
    const userId = session.caller.userId;
    if (!userId) throw new PosError('forbidden', 'Sign in first');
    await ctx.auth.approve({ userId, pin }, ['owner']);
  }

  return {
    handlers: {
      'history.search': (query) => history.search(query),
      'history.sale': ({ saleId }) => history.sale(saleId),
      'history.refund': async ({ pin, ...input }, session) => {
        await confirmOwnPin(session, pin);
        return ctx.refunds.request(input, session);
      },
      'history.voidSale': async ({ pin, ...input }, session) => {
        await confirmOwnPin(session, pin);
        return ctx.refunds.voidSale(input, session);
      },
      'reconcile.day': ({ date }) => reconciliation.day(date),
      'reconcile.resolve': (input, session) => reconciliation.resolve(input, session),
    },
  };
}

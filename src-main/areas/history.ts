import { businessDayRuleOf } from '../../src-common/business-day';
import type { historyCalls } from '../../src-common/calls/history';
import { PosError } from '../../src-common/errors';
import type { Session } from '../../src-common/roles';
import { createHistoryService } from '../services/history';
import { createReconciliationService } from '../services/reconciliation';
import { createRefundLookup } from '../services/refund-lookup';
import { statementSourceOf } from '../services/statements';
import type { Area, CoreServices } from './context';

/** What the history area uses of the terminal's services. */
export type HistoryAreaDeps = Pick<CoreServices, 'terminalId' | 'db' | 'clock' | 'audit' | 'settings' | 'auth' | 'refunds' | 'config'>;

export function createHistoryArea(deps: HistoryAreaDeps): Area<typeof historyCalls> {
  const businessDay = () => businessDayRuleOf(deps.settings.get());
  const history = createHistoryService({ db: deps.db, terminalId: deps.terminalId, refunds: deps.refunds, businessDay });
  const refundLookup = createRefundLookup({ db: deps.db, terminalId: deps.terminalId, clock: deps.clock, businessDay });
  const reconciliation = createReconciliationService({ db: deps.db, clock: deps.clock, audit: deps.audit, terminalId: deps.terminalId, businessDay, statementSource: statementSourceOf(deps.config.acquirer.mode) });

  /**
   * A refund from the back office is confirmed with the signed-in owner's own PIN: the owner's screen may
   * have been left open at the counter. Checked here (wrong PINs count towards the lockout) before the
   * refunds service, which then records the owner as the approver.
   */
  async function confirmOwnPin(session: Session, pin: string): Promise<void> {
    const userId = session.caller.userId;
    if (!userId) throw new PosError('forbidden', 'Sign in first');
    await deps.auth.approve({ userId, pin }, ['owner']);
  }

  return {
    handlers: {
      'refund.todaysSales': (query) => refundLookup.todaysSales(query),
      'history.search': (query) => history.search(query),
      'history.sale': ({ saleId }) => history.sale(saleId),
      'history.refund': async ({ pin, ...input }, session) => {
        await confirmOwnPin(session, pin);
        return deps.refunds.request(input, session);
      },
      'history.voidSale': async ({ pin, ...input }, session) => {
        await confirmOwnPin(session, pin);
        return deps.refunds.voidSale(input, session);
      },
      'reconcile.day': ({ date }) => reconciliation.day(date),
      'reconcile.resolve': (input, session) => reconciliation.resolve(input, session),
    },
  };
}

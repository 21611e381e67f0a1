/**
 * Opening the cash drawer without a sale ("no sale"): owners and technicians directly, a cashier with an
 * owner's approval PIN (as for discounts, services/sales.ts). Every opening is audited before the drawer is sent
 * anything, and its outcome after (a failed one too).
 */
import { PosError } from '../../src-common/errors';
import type { Session } from '../../src-common/roles';
import type { DeviceManager } from '../../drivers/devices/manager';
import { errorText } from '../../drivers/transport/transport';
import type { AuditService } from './audit';
import type { AuthService } from './auth';

export interface DrawerService {
  noSale(reason: string, approval: { userId: string; pin: string } | undefined, session: Session): Promise<void>;
  /** The technician's test button. */
  test(session: Session): Promise<void>;
}

export function createDrawerService(deps: { manager: DeviceManager; audit: AuditService; auth: AuthService }): DrawerService {
  const { manager, audit, auth } = deps;

  /**
   * Two rows per opening: the request, committed before the drawer is sent anything (`opened: null`), then the
   * outcome (`opened: true | false`, with `requestSeq`). A crash between the kick and the outcome still leaves
   * the request on record; an opening is never unrecorded.
   */
  async function open(action: string, session: Session, details: Record<string, unknown>): Promise<void> {
    if (!manager.hasDrawer()) throw new PosError('unavailable', 'No cash drawer is configured', { reason: 'no_drawer' });
    const request = audit.record({ actor: session.caller, action, subject: 'drawer', details: { ...details, opened: null } });
    try {
      await manager.kickDrawer();
    } catch (error) {
      audit.record({ actor: session.caller, action, subject: 'drawer', details: { ...details, opened: false, error: errorText(error), requestSeq: request.seq } });
      throw new PosError('unavailable', `The cash drawer did not open: ${errorText(error)}`, { reason: 'drawer_unavailable' });
    }
    audit.record({ actor: session.caller, action, subject: 'drawer', details: { ...details, opened: true, requestSeq: request.seq } });
  }

  return {
    async noSale(reason, approval, session) {
      let approvedBy: string | undefined;
      if (session.caller.role === 'cashier') {
        if (!approval) throw new PosError('forbidden', 'Opening the drawer without a sale needs an owner’s approval', { needsApproval: true, reason: 'needs_approval' });
        approvedBy = (await auth.approve(approval, ['owner'])).id;
      }
      await open('drawer.noSale', session, { reason, ...(approvedBy ? { approvedBy } : {}) });
    },
    test: (session) => open('devices.openDrawer', session, {}),
  };
}

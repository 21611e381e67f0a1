/**
 * What a sale checks before it takes a line (issue 16), kept out of the sales service's own logic:
 *
 * - The shift gate: the till's first line of a sale needs a shift open on this terminal, so every cashier's sale
 *   belongs to a shift and the drawer count is right. Refused with conflict `no_open_shift`; the cashier screen
 *   offers to open one (with the float) and then adds the scan it held. The kiosk is not gated: a kiosk terminal
 *   has no cashier and no drawer (its customers pay by wallet), so a kiosk sale is nobody's shift and waiting for
 *   one would leave a customer unable to buy; its sales still fall in the window of whatever shift is open.
 * - Oversell: when a line makes the cart hold more of a product than is in stock, the store's setting
 *   (settings.oversell) says what happens: 'warn' marks the line (Cart line `stockShort`), 'pin' refuses a
 *   cashier's line until an owner approves it with her PIN (forbidden, `needsApproval`, reason `oversell`; an
 *   owner's or technician's own line is approved by themselves), 'off' says nothing. The kiosk's customer cannot
 *   be asked for an owner's PIN: its lines are marked, never refused. One primary-key read per line added.
 */
import type { Database } from 'better-sqlite3';
import { openShift } from '../../db/queries/shifts';
import { stockOf, stockOfMany } from '../../db/queries/stock';
import { PosError } from '../../src-common/errors';
import type { Session } from '../../src-common/roles';
import type { Cart, Settings } from '../../src-common/schemas';
import type { Surface } from '../../src-common/surface';
import type { AuditService } from './audit';
import type { AuthService } from './auth';

export interface SaleGuards {
  /** A sale is about to be opened on this surface by its first line: throws to refuse. */
  beforeOpen(surface: Surface): void;
  /**
   * The cart is about to hold `cartMilli` of a product. Throws when an owner's approval is needed and missing;
   * returns who approved a line beyond the stock (recorded with the line), if anyone had to.
   */
  checkStock(q: { productId: string; cartMilli: number; surface: Surface; session: Session; approvedBy: string | undefined }): string | undefined;
  /** The levels of the cart's products the cart holds more of than is in stock (one read), by product id. */
  shortOf(lines: readonly { productId: string; quantityMilli: number }[]): Map<string, number>;
}

export function createSaleGuards(deps: { db: Database; terminalId: string; settings: { get(): Settings } }): SaleGuards {
  const { db, terminalId, settings } = deps;
  return {
    beforeOpen(surface) {
      if (surface === 'till' && !openShift(db, terminalId)) {
        throw new PosError('conflict', 'Open a shift (with the float) before the first sale', { reason: 'no_open_shift' });
      }
    },

    checkStock({ productId, cartMilli, surface, session, approvedBy }) {
      const rule = settings.get().oversell;
      if (rule !== 'pin' || surface !== 'till') return undefined;
      const stock = stockOf(db, productId);
      if (!stock || cartMilli <= stock.stockMilli) return undefined;
      const role = session.caller.role;
      if (role === 'owner' || role === 'technician') return session.caller.userId ?? undefined;
      if (approvedBy) return approvedBy;
      throw new PosError('forbidden', `Only ${stock.stockMilli / 1000} in stock: selling more needs an owner’s approval`, {
        needsApproval: true,
        reason: 'oversell',
        productId,
        name: stock.name,
        unit: stock.unit,
        levelMilli: stock.stockMilli,
        cartMilli,
      });
    },

    shortOf(lines) {
      if (settings.get().oversell === 'off' || lines.length === 0) return new Map();
      const wanted = new Map<string, number>();
      for (const l of lines) wanted.set(l.productId, (wanted.get(l.productId) ?? 0) + l.quantityMilli);
      const levels = stockOfMany(db, [...wanted.keys()]);
      const short = new Map<string, number>();
      for (const [productId, milli] of wanted) {
        const level = levels.get(productId);
        if (level !== undefined && milli > level) short.set(productId, level);
      }
      return short;
    },
  };
}

/**
 * Runs a sale change with an owner's approval of a line beyond the stock, when the screen sends one (after the
 * change was refused with `needsApproval`): the PIN is checked first (a wrong one counts towards the lockout), the
 * change is made with the approver recorded on the line's sale event, and the approval is audited when the line
 * did go beyond the stock. Without an approval the change runs as it is.
 */
/** Runs a cart change, with the owner's approval of a line beyond the stock when one was given (checked and audited). */
export type OversellApproval = (approval: { userId: string; pin: string } | undefined, session: Session, change: (approvedBy: string | undefined) => Cart) => Promise<Cart>;

export function approvingOversell(deps: { auth: Pick<AuthService, 'approve'>; audit: Pick<AuditService, 'record'> }): OversellApproval {
  return async (approval, session, change) => {
    if (!approval) return change(undefined);
    const approver = await deps.auth.approve(approval, ['owner']);
    const cart = change(approver.id);
    const line = cart.lines.find((l) => l.lineId === cart.lastLineId);
    if (line?.stockShort) {
      deps.audit.record({
        actor: session.caller,
        action: 'sale.oversellApproved',
        subject: cart.saleId,
        details: { approvedBy: approver.id, productId: line.productId, quantityMilli: line.quantityMilli, levelMilli: line.stockShort.levelMilli },
      });
    }
    return cart;
  };
}

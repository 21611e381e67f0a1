/**
 * Shifts: the drawer from its opening float to its counted close (issue 7).
 *
 * A cashier's first sale needs an open shift on this terminal (issue 16: the till's first line of a sale is refused
 * with `no_open_shift` until one is opened, ./sale-guards.ts). The kiosk's sales are not gated: a kiosk terminal has
 * no drawer and no cashier whose count they would belong to, and a customer must not be left unable to pay. The
 * sales service knows nothing else of shifts: a sale, a refund or a wallet payment belongs to the shift that was
 * open on this terminal at its time (opened_at < t ≤ closed_at, or now while open). Cash movements need an open
 * shift and name it.
 *
 * Handover (交接班): the outgoing cashier's count closes her shift and the incoming cashier (her PIN proves she is
 * there) opens hers with her float, in one transaction, so no sale can fall between the two; a slip is printed
 * (./handover-slip.ts). The outgoing cashier counts blind as at any close: the expected cash is shown only once
 * her count is recorded.
 *
 * Expected cash, to the fen: float + cash kept from sales (each cash tender's amount = handed over −
 * change given) − cash handed back by refunds that became final in the shift (a mixed refund's cash part,
 * a cash refund) + cash in − cash out. Over/short = counted − expected (negative: short).
 *
 * A shift does not close while money is unsettled: a wallet payment or a refund of its time still in
 * flight (not final), or an open job that moves money (payment query/cancel, refund send; statement downloads do not
 * count). The refusal (conflict, reason 'unresolved') names them. A payment or refund that ended in
 * needs_attention does not hold the shift: it is final for the terminal (no further request is made by
 * itself), its money never entered or left the drawer (a refund's cash part is handed back only once it
 * is refunded), and it is for the owner's reconciliation; holding the shift on it could hold it for ever.
 *
 * Who: a cashier or an owner opens, closes and puts cash in; a cashier's cash-out needs an owner's PIN
 * (as discounts do), an owner's own is approved by themself. Every change is audited in its transaction.
 *
 * Blind count: whatever a cashier is answered about an open shift (current, open, cash in/out) leaves out
 * the expected cash and its parts (ShiftView `blind: true`), so she cannot count to the expected figure
 * and pocket an overage; nor does a refused cash-out tell her what the drawer holds. The close answer
 * shows her the expected cash and the over/short: the count is recorded by then. The owner sees it all.
 */
import type { Database } from 'better-sqlite3';
import { newId } from '../../db/ids';
import { cashTaken, refundsInWindow } from '../../db/queries/reports';
import {
  cashMovements,
  cashMovementTotals,
  closeShiftRow,
  findShift,
  insertCashMovement,
  insertShift,
  openShift,
  pendingMoneyJobs,
  recentShifts,
  unresolvedPaymentsSince,
  unresolvedRefundsSince,
  type ShiftRow,
} from '../../db/queries/shifts';
import { findUser } from '../../db/queries/users';
import type { ShiftCash, ShiftView } from '../../src-common/calls/owner';
import { PosError } from '../../src-common/errors';
import type { Session } from '../../src-common/roles';
import type { Clock } from '../clock';
import type { AuditService } from './audit';
import type { AuthService } from './auth';

export interface ShiftsService {
  /** The open shift as the caller may see it (blind for a cashier). */
  current(session: Session): ShiftView | null;
  open(float: number, session: Session): ShiftView;
  cashIn(amount: number, reason: string, session: Session): ShiftView;
  cashOut(amount: number, reason: string, approval: { userId: string; pin: string } | undefined, session: Session): Promise<ShiftView>;
  close(counted: number, note: string | undefined, session: Session): ShiftView;
  /** Closes the open shift with the count and opens the next cashier's (verified by her PIN), in one transaction. */
  handover(input: { counted: number; note: string | undefined; next: { userId: string; pin: string }; float: number }, session: Session): Promise<{ closed: ShiftView; opened: ShiftView }>;
  list(limit: number): ShiftView[];
}

export interface ShiftsDeps {
  db: Database;
  clock: Clock;
  audit: AuditService;
  auth: AuthService;
  terminalId: string;
}

/** expected = float + kept − refunds + in − out (kept = tendered − change). */
export function expectedCash(parts: Omit<ShiftCash, 'expected'>): number {
  return parts.float + parts.kept - parts.cashRefunds + parts.cashIn - parts.cashOut;
}

export function createShiftsService(deps: ShiftsDeps): ShiftsService {
  const { db, clock, audit, auth, terminalId } = deps;
  const person = (userId: string | null) => {
    const user = userId ? findUser(db, userId) : undefined;
    return user ? { id: user.id, name: user.name } : null;
  };

  const movementsOf = (shiftId: string) =>
    cashMovements(db, shiftId).map((m) => ({
      id: m.id,
      kind: m.kind,
      amount: m.amount,
      reason: m.reason,
      user: person(m.user_id),
      approvedBy: person(m.approved_by),
      at: m.at,
    }));

  /** The drawer's cash of a shift from its opening to `to`. */
  function cashOf(shift: ShiftRow, to: string): ShiftCash {
    const window = { terminalId, from: shift.opened_at, to };
    const taken = cashTaken(db, window);
    const cashRefunds = refundsInWindow(db, window).reduce((sum, r) => sum + r.cashAmount, 0);
    const { cashIn, cashOut } = cashMovementTotals(db, shift.id);
    const parts = { float: shift.float_amount, tendered: taken.tendered, change: taken.change, kept: taken.kept, cashRefunds, cashIn, cashOut };
    return { ...parts, expected: expectedCash(parts) };
  }

  /** The full view (the owner's; every closed shift). */
  function view(shift: ShiftRow): ShiftView {
    const cash: ShiftCash =
      shift.closed_at === null
        ? cashOf(shift, clock.now().toISOString())
        : {
            // A closed shift shows what it was closed with (its parts are frozen in the row).
            ...cashOf(shift, shift.closed_at),
            float: shift.float_amount,
            kept: shift.cash_sales!,
            cashRefunds: shift.cash_refunds!,
            cashIn: shift.cash_in!,
            cashOut: shift.cash_out!,
            expected: shift.expected_cash!,
          };
    return {
      shiftId: shift.id,
      openedAt: shift.opened_at,
      openedBy: person(shift.opened_by),
      closedAt: shift.closed_at,
      closedBy: person(shift.closed_by),
      blind: false,
      cash,
      counted: shift.counted_cash,
      overShort: shift.over_short,
      note: shift.note,
      movements: movementsOf(shift.id),
    };
  }

  /** Only the owner sees the expected cash of an open shift: anyone else (a cashier) counts blind. */
  const seesExpected = (session: Session) => session.caller.role === 'owner';

  /** The view for this caller: blind (no cash figures) for a cashier while the shift is open. */
  function viewFor(shift: ShiftRow, session: Session): ShiftView {
    if (shift.closed_at !== null || seesExpected(session)) return view(shift);
    // Nothing computed that is not shown: the movements (her own cash in/out among them) stay visible.
    return {
      shiftId: shift.id,
      openedAt: shift.opened_at,
      openedBy: person(shift.opened_by),
      closedAt: null,
      closedBy: null,
      blind: true,
      cash: null,
      counted: null,
      overShort: null,
      note: null,
      movements: movementsOf(shift.id),
    };
  }

  const signedIn = (session: Session): string => {
    const userId = session.caller.userId;
    if (!userId) throw new PosError('forbidden', 'Sign in first');
    return userId;
  };

  function requireOpen(): ShiftRow {
    const shift = openShift(db, terminalId);
    if (!shift) throw new PosError('conflict', 'No shift is open on this terminal', { reason: 'no_open_shift' });
    return shift;
  }

  function move(kind: 'in' | 'out', amount: number, reason: string, approvedBy: string | null, session: Session): ShiftView {
    const userId = signedIn(session);
    return db.transaction(() => {
      const shift = requireOpen();
      const at = clock.now().toISOString();
      if (kind === 'out') {
        const available = cashOf(shift, at).expected;
        if (amount > available) {
          // What the drawer holds is the expected cash: told to the owner only (a cashier counts blind).
          throw new PosError('validation_failed', 'That is more cash than the drawer should hold', {
            reason: 'exceeds_drawer',
            ...(seesExpected(session) ? { available } : {}),
          });
        }
      }
      const id = newId();
      insertCashMovement(db, { id, shift_id: shift.id, kind, amount, reason, user_id: userId, approved_by: approvedBy, at });
      audit.record({ actor: session.caller, action: kind === 'in' ? 'shift.cashIn' : 'shift.cashOut', subject: shift.id, details: { movementId: id, amount, reason, approvedBy } });
      return viewFor(shift, session);
    }).immediate();
  }

  return {
    current(session) {
      const shift = openShift(db, terminalId);
      return shift ? viewFor(shift, session) : null;
    },

    open(float, session) {
      const userId = signedIn(session);
      return db.transaction(() => {
        const open = openShift(db, terminalId);
        if (open) throw new PosError('conflict', 'A shift is open already on this terminal', { reason: 'shift_open', shiftId: open.id, openedAt: open.opened_at });
        const id = newId();
        const at = clock.now().toISOString();
        insertShift(db, { id, terminalId, at, userId, float });
        audit.record({ actor: session.caller, action: 'shift.open', subject: id, details: { float } });
        return viewFor(openShift(db, terminalId)!, session);
      }).immediate();
    },

    cashIn: (amount, reason, session) => move('in', amount, reason, null, session),

    async cashOut(amount, reason, approval, session) {
      signedIn(session);
      let approvedBy: string;
      if (session.caller.role === 'owner') approvedBy = session.caller.userId!;
      else {
        if (!approval) throw new PosError('forbidden', 'Taking cash out needs an owner’s approval', { needsApproval: true });
        approvedBy = (await auth.approve(approval, ['owner'])).id;
      }
      return move('out', amount, reason, approvedBy, session);
    },

    close: (counted, note, session) => closeShift(counted, note, session),

    async handover({ counted, note, next, float }, session) {
      signedIn(session);
      // Before the PIN is checked: nothing to hand over is said as such, not as a wrong PIN.
      requireOpen();
      const incoming = await auth.approve(next, ['cashier', 'owner']);
      return db.transaction(() => {
        const closed = closeShift(counted, note, session);
        const id = newId();
        const at = clock.now().toISOString();
        insertShift(db, { id, terminalId, at, userId: incoming.id, float });
        audit.record({ actor: session.caller, action: 'shift.handover', subject: id, details: { from: closed.shiftId, to: id, incoming: incoming.id, float } });
        return { closed, opened: viewFor(findShift(db, id)!, session) };
      }).immediate();
    },

    // The owner's call only (shift.list): the full views.
    list: (limit) => recentShifts(db, terminalId, limit).map(view),
  };

  function closeShift(counted: number, note: string | undefined, session: Session): ShiftView {
      const userId = signedIn(session);
      return db.transaction(() => {
        const shift = requireOpen();
        const payments = unresolvedPaymentsSince(db, terminalId, shift.opened_at);
        const refunds = unresolvedRefundsSince(db, terminalId, shift.opened_at);
        const jobs = pendingMoneyJobs(db);
        if (payments.length || refunds.length || jobs.length) {
          throw new PosError('conflict', 'Money of this shift is not settled yet: resolve it before closing', {
            reason: 'unresolved',
            payments: payments.map((p) => ({ paymentId: p.id, orderNo: p.clientSn, status: p.status, amount: p.amount, wallet: p.wallet })),
            refunds: refunds.map((r) => ({ refundId: r.id, refundRequestNo: r.refundRequestNo, status: r.status, amount: r.amount })),
            jobs,
          });
        }
        const at = clock.now().toISOString();
        const cash = cashOf(shift, at);
        closeShiftRow(db, shift.id, {
          at,
          userId,
          expected: cash.expected,
          counted,
          cashSales: cash.kept,
          cashRefunds: cash.cashRefunds,
          cashIn: cash.cashIn,
          cashOut: cash.cashOut,
          note: note?.trim() ? note.trim() : null,
        });
        audit.record({
          actor: session.caller,
          action: 'shift.close',
          subject: shift.id,
          details: { expected: cash.expected, counted, overShort: counted - cash.expected, float: shift.float_amount },
        });
        // Closed: the full view, for the cashier too (her count is recorded; now she sees the over/short).
        return view(findShift(db, shift.id)!);
      }).immediate();
  }
}

/**
 * What the cashier meets when a line is refused for the shift or the stock (issue 16): open a shift with the float
 * (the held scan is added once it is open), or an owner's approval of a line beyond the stock.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Result } from '../../../src-common/errors';
import { parseMoney } from '../../../src-common/money';
import type { Cart } from '../../../src-common/schemas';
import { usePos } from '../../api/context';
import { Dialog } from '../../components/Dialog';
import { OwnerApprovalFields, useOwnerApproval } from '../../components/OwnerApproval';
import { quantity } from '../../format';

type Approval = { userId: string; pin: string };

/** A cart change that was refused, to be made again: with an owner's approval when one was asked for. */
export type HeldChange = (approval?: Approval) => Promise<Result<Cart>>;

/** Details of an oversell refusal (src-main/services/sale-guards.ts). */
export interface OversellAsk {
  name: string;
  unit: 'each' | 'kg';
  levelMilli: number;
  cartMilli: number;
}

/** What a refused cart change needs before it is made again; null: nothing (an ordinary refusal). */
export function heldFor(error: { code: string; details?: unknown }): { kind: 'shift' } | { kind: 'oversell'; ask: OversellAsk } | null {
  const details = (error.details ?? {}) as { reason?: string } & Partial<OversellAsk>;
  if (error.code === 'conflict' && details.reason === 'no_open_shift') return { kind: 'shift' };
  if (error.code === 'forbidden' && details.reason === 'oversell' && details.name !== undefined && details.unit && details.levelMilli !== undefined && details.cartMilli !== undefined) {
    return { kind: 'oversell', ask: { name: details.name, unit: details.unit, levelMilli: details.levelMilli, cartMilli: details.cartMilli } };
  }
  return null;
}

export function OpenShiftDialog({ currency, heldCode, onOpened, onClose }: { currency: string; heldCode: string | null; onOpened: () => void; onClose: () => void }) {
  const { t } = useTranslation();
  const pos = usePos();
  const [float, setFloat] = useState('');
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState<string | null>(null);
  let amount: number | null = null;
  try {
    amount = parseMoney(float.trim() || '0', currency);
  } catch {
    amount = null;
  }
  return (
    <Dialog title={t('stock.shiftTitle')} onClose={onClose} testId="open-shift-dialog">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (amount === null || amount < 0) return;
          setBusy(true);
          void pos.call('shift.open', { float: amount }).then((r) => {
            setBusy(false);
            if (r.ok) onOpened();
            else setFailed(r.error.message);
          });
        }}
      >
        <p>{t('stock.shiftText')}</p>
        {heldCode && (
          <p className="muted" data-testid="open-shift-held">
            {t('stock.shiftHeld', { code: heldCode })}
          </p>
        )}
        <label>
          {t('stock.shiftFloat')}
          <input data-testid="open-shift-float" inputMode="decimal" placeholder="0.00" value={float} onChange={(e) => setFloat(e.target.value)} aria-invalid={amount === null} autoComplete="off" />
        </label>
        {failed && <p role="alert">{failed}</p>}
        <div className="dialog-buttons">
          <button type="button" onClick={onClose}>
            {t('dialog.cancel')}
          </button>
          <button type="submit" className="primary" data-testid="open-shift-submit" disabled={busy || amount === null}>
            {t('stock.shiftOpen')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function OversellDialog({ ask, onApprove, onClose }: { ask: OversellAsk; onApprove: (approval: Approval) => void; onClose: () => void }) {
  const { t } = useTranslation();
  const approval = useOwnerApproval(true);
  return (
    <Dialog title={t('stock.oversellTitle')} onClose={onClose} testId="oversell-dialog">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (approval.ready) onApprove(approval.approval);
        }}
      >
        <p data-testid="oversell-text">{t('stock.oversellText', { name: ask.name, level: quantity(ask.levelMilli, ask.unit), cart: quantity(ask.cartMilli, ask.unit) })}</p>
        <OwnerApprovalFields state={approval} pinTestId="oversell-approval-pin" />
        <div className="dialog-buttons">
          <button type="button" onClick={onClose}>
            {t('dialog.cancel')}
          </button>
          <button type="submit" className="primary" data-testid="oversell-approve" disabled={!approval.ready}>
            {t('stock.approve')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PublicUser } from '../../src-common/schemas';
import { usePos } from '../api/context';

export interface ApprovalState {
  approver: string;
  pin: string;
  setApprover(id: string): void;
  setPin(pin: string): void;
  owners: PublicUser[];
  /** Ready to send: an owner chosen and a PIN of the right length (main checks the PIN). */
  ready: boolean;
  approval: { userId: string; pin: string };
}

/** An owner's approval (manager override) for what a cashier may not do alone. */
export function useOwnerApproval(needed: boolean): ApprovalState {
  const pos = usePos();
  const [owners, setOwners] = useState<PublicUser[]>([]);
  const [approver, setApprover] = useState('');
  const [pin, setPinState] = useState('');
  useEffect(() => {
    if (!needed) return;
    void pos.call('auth.users', {}).then((r) => {
      if (!r.ok) return;
      const list = r.value.filter((u) => u.role === 'owner');
      setOwners(list);
      setApprover((current) => current || (list[0]?.id ?? ''));
    });
  }, [pos, needed]);
  return {
    approver,
    pin,
    setApprover,
    setPin: (value) => setPinState(value.replace(/\D/g, '').slice(0, 8)),
    owners,
    ready: !needed || (approver !== '' && /^\d{4,8}$/.test(pin)),
    approval: { userId: approver, pin },
  };
}

export function OwnerApprovalFields({ state, pinTestId }: { state: ApprovalState; pinTestId: string }) {
  const { t } = useTranslation();
  return (
    <fieldset>
      <legend>{t('discountDialog.approval')}</legend>
      <label>
        {t('discountDialog.approver')}
        <select value={state.approver} onChange={(e) => state.setApprover(e.target.value)}>
          {state.owners.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('discountDialog.approverPin')}
        <input
          data-testid={pinTestId}
          type="password"
          inputMode="numeric"
          autoComplete="off"
          value={state.pin}
          onChange={(e) => state.setPin(e.target.value)}
        />
      </label>
    </fieldset>
  );
}

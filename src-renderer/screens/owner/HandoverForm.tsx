import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { HandoverResult } from '../../../src-common/calls/stock';
import type { ApiError } from '../../../src-common/errors';
import type { PublicUser } from '../../../src-common/schemas';
import { usePos } from '../../api/context';
import { parseAmount, reasonText } from './owner-ui';

/**
 * Shift handover (交接班): the outgoing cashier's count closes her shift (blind: she sees the expected cash only in
 * the answer), the incoming cashier picks herself and types her PIN, and her shift opens with her float; the slip
 * prints on the receipt printer.
 */
export function HandoverForm({ currency, onDone, onError, onOk }: { currency: string; onDone: (result: HandoverResult) => void; onError: (e: ApiError, text?: string) => void; onOk: () => void }) {
  const { t } = useTranslation();
  const pos = usePos();
  const [people, setPeople] = useState<PublicUser[]>([]);
  const [counted, setCounted] = useState('');
  const [next, setNext] = useState('');
  const [pin, setPin] = useState('');
  const [float, setFloat] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void pos.call('auth.users', {}).then((r) => {
      if (!r.ok) return;
      const tills = r.value.filter((u) => u.role === 'cashier' || u.role === 'owner');
      setPeople(tills);
      setNext((current) => current || (tills[0]?.id ?? ''));
    });
  }, [pos]);

  const submit = async () => {
    const countedAmount = parseAmount(counted, currency);
    const floatAmount = parseAmount(float || '0', currency);
    if (countedAmount === null || floatAmount === null) return onError({ code: 'validation_failed', message: 'amount' }, t('owner.shift.badAmount'));
    setBusy(true);
    const r = await pos.call('shift.handover', { counted: countedAmount, next: { userId: next, pin }, float: floatAmount });
    setBusy(false);
    setPin('');
    if (!r.ok) return onError(r.error, reasonText(t, r.error));
    onOk();
    setCounted('');
    setFloat('');
    onDone(r.value);
  };

  return (
    <form
      className="owner-form"
      data-testid="handover-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h3>{t('stock.handover')}</h3>
      <p className="muted">{t('stock.handoverHint')}</p>
      <label>
        {t('stock.handoverCounted')}
        <input data-testid="handover-counted" inputMode="decimal" value={counted} onChange={(e) => setCounted(e.target.value)} autoComplete="off" />
      </label>
      <label>
        {t('stock.handoverNext')}
        <select data-testid="handover-next" value={next} onChange={(e) => setNext(e.target.value)}>
          {people.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('stock.handoverPin')}
        <input data-testid="handover-pin" type="password" inputMode="numeric" autoComplete="off" value={pin} onChange={(e) => setPin(e.target.value.replace(/\D/g, '').slice(0, 8))} />
      </label>
      <label>
        {t('stock.handoverFloat')}
        <input data-testid="handover-float" inputMode="decimal" placeholder="0.00" value={float} onChange={(e) => setFloat(e.target.value)} autoComplete="off" />
      </label>
      <button type="submit" className="primary big" data-testid="handover-submit" disabled={busy || !counted || !next || pin.length < 4}>
        {t('stock.handoverDo')}
      </button>
    </form>
  );
}

import { useTranslation } from 'react-i18next';
import type { ApiError } from '../../../../src-common/errors';
import type { Settings } from '../../../../src-common/schemas';
import { usePos } from '../../../api/context';

/** What a cashier selling beyond the stock meets: a warning on the line, an owner's PIN, or nothing. */
export function OversellSetting({ value, onChanged, onError }: { value: Settings['oversell']; onChanged: (value: Settings['oversell']) => void; onError: (e: ApiError) => void }) {
  const { t } = useTranslation();
  const pos = usePos();
  const change = async (next: Settings['oversell']) => {
    const r = await pos.call('admin.updateSettings', { oversell: next });
    if (!r.ok) return onError(r.error);
    onChanged(r.value.settings.oversell);
  };
  return (
    <div className="owner-form inline">
      <label>
        {t('stock.oversell')}
        <select data-testid="stock-oversell" value={value} onChange={(e) => void change(e.target.value as Settings['oversell'])}>
          <option value="warn">{t('stock.oversellWarn')}</option>
          <option value="pin">{t('stock.oversellPin')}</option>
          <option value="off">{t('stock.oversellOff')}</option>
        </select>
      </label>
    </div>
  );
}

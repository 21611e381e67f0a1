import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../../../../src-common/errors';
import { usePos } from '../../../api/context';
import { parseAmount } from '../owner-ui';
import { ProductPicker } from './ProductPicker';
import { typedQuantity, type PostedMessage, type SheetLine } from './stock-ui';

/** Receiving (进货/入库): a supplier and lines (product, quantity, unit cost), posted in one transaction. */
export function ReceiveForm({ currency, disabled, onPosted, onError, onOk }: { currency: string; disabled: boolean; onPosted: (message: PostedMessage) => void; onError: (e: ApiError, text?: string) => void; onOk: () => void }) {
  const { t, i18n } = useTranslation();
  const pos = usePos();
  const [supplier, setSupplier] = useState('');
  const [lines, setLines] = useState<SheetLine[]>([]);
  const [busy, setBusy] = useState(false);
  const update = (i: number, patch: Partial<SheetLine>) => setLines((ls) => ls.map((l, j) => (j === i ? { ...l, ...patch } : l)));

  const post = async () => {
    const body = [];
    for (const l of lines) {
      const quantityMilli = typedQuantity(l.quantity, l.product.unit);
      if (quantityMilli === null) return onError({ code: 'validation_failed', message: 'quantity' }, t('stock.badQuantity'));
      const unitCost = parseAmount(l.cost || '0', currency);
      if (unitCost === null || unitCost < 0) return onError({ code: 'validation_failed', message: 'cost' }, t('stock.badCost'));
      body.push({ productId: l.product.productId, quantityMilli, unitCost });
    }
    setBusy(true);
    const r = await pos.call('stock.receive', { supplier, lines: body });
    setBusy(false);
    if (!r.ok) return onError(r.error);
    onOk();
    onPosted({ key: 'stock.received', params: { count: r.value.lines.length, supplier: r.value.supplier } });
    setLines([]);
  };

  return (
    <form
      className="owner-form stock-sheet"
      data-testid="stock-receive"
      onSubmit={(e) => {
        e.preventDefault();
        void post();
      }}
    >
      <h3>{t('stock.receive')}</h3>
      <label>
        {t('stock.supplier')}
        <input data-testid="receive-supplier" value={supplier} maxLength={80} onChange={(e) => setSupplier(e.target.value)} autoComplete="off" disabled={disabled} />
      </label>
      {!disabled && <ProductPicker testId="receive-product" onError={onError} onPick={(product) => setLines((ls) => (ls.some((l) => l.product.productId === product.productId) ? ls : [...ls, { product, quantity: '', cost: '' }]))} />}
      {lines.length === 0 ? (
        <p className="muted">{t('stock.noLines')}</p>
      ) : (
        <table className="owner-table">
          <thead>
            <tr>
              <th>{t('stock.colName')}</th>
              <th>{t('stock.quantity')}</th>
              <th>{t('stock.unitCost')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {lines.map((l, i) => (
              <tr key={l.product.productId} data-testid="receive-line">
                <td>{i18n.language === 'en' && l.product.nameEn ? l.product.nameEn : l.product.name}</td>
                <td>
                  <input data-testid="receive-quantity" aria-label={t('stock.quantity')} inputMode="decimal" size={6} value={l.quantity} onChange={(e) => update(i, { quantity: e.target.value })} />
                  {l.product.unit === 'kg' ? ' kg' : ''}
                </td>
                <td>
                  <input data-testid="receive-cost" aria-label={t('stock.unitCost')} inputMode="decimal" size={7} value={l.cost} placeholder="0.00" onChange={(e) => update(i, { cost: e.target.value })} />
                </td>
                <td>
                  <button type="button" onClick={() => setLines((ls) => ls.filter((_, j) => j !== i))}>
                    {t('stock.remove')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <button type="submit" className="primary" data-testid="receive-post" disabled={disabled || busy || !supplier.trim() || lines.length === 0}>
        {t('stock.postReceive')}
      </button>
    </form>
  );
}

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../../../../src-common/errors';
import { usePos } from '../../../api/context';
import { ProductPicker } from './ProductPicker';
import { level, typedQuantity, type PostedMessage, type SheetLine } from './stock-ui';

/** A stock count (盘点): products and what is on the shelf, expected vs counted shown before it is posted. */
export function CountSheet({ disabled, onPosted, onError, onOk }: { disabled: boolean; onPosted: (message: PostedMessage) => void; onError: (e: ApiError, text?: string) => void; onOk: () => void }) {
  const { t, i18n } = useTranslation();
  const pos = usePos();
  const [lines, setLines] = useState<SheetLine[]>([]);
  const [busy, setBusy] = useState(false);

  const post = async () => {
    const body = [];
    for (const l of lines) {
      const countedMilli = typedQuantity(l.quantity, l.product.unit, true);
      if (countedMilli === null) return onError({ code: 'validation_failed', message: 'quantity' }, t('stock.badQuantity'));
      body.push({ productId: l.product.productId, countedMilli });
    }
    setBusy(true);
    const r = await pos.call('stock.count', { lines: body });
    setBusy(false);
    if (!r.ok) return onError(r.error);
    onOk();
    onPosted({ key: 'stock.countedDone', params: { posted: r.value.posted } });
    setLines([]);
  };

  return (
    <form
      className="owner-form stock-sheet"
      data-testid="stock-count"
      onSubmit={(e) => {
        e.preventDefault();
        void post();
      }}
    >
      <h3>{t('stock.count')}</h3>
      {!disabled && <ProductPicker testId="count-product" onError={onError} onPick={(product) => setLines((ls) => (ls.some((l) => l.product.productId === product.productId) ? ls : [...ls, { product, quantity: '', cost: '' }]))} />}
      {lines.length === 0 ? (
        <p className="muted">{t('stock.noLines')}</p>
      ) : (
        <table className="owner-table">
          <thead>
            <tr>
              <th>{t('stock.colName')}</th>
              <th className="num">{t('stock.expected')}</th>
              <th>{t('stock.counted')}</th>
              <th className="num">{t('stock.difference')}</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((l, i) => {
              const counted = typedQuantity(l.quantity, l.product.unit, true);
              const difference = counted === null ? null : counted - l.product.stockMilli;
              return (
                <tr key={l.product.productId} data-testid="count-line">
                  <td>{i18n.language === 'en' && l.product.nameEn ? l.product.nameEn : l.product.name}</td>
                  <td className="num" data-testid="count-expected">
                    {level(l.product.stockMilli, l.product.unit)}
                  </td>
                  <td>
                    <input
                      data-testid="count-counted"
                      aria-label={t('stock.counted')}
                      inputMode="decimal"
                      size={6}
                      value={l.quantity}
                      onChange={(e) => setLines((ls) => ls.map((x, j) => (j === i ? { ...x, quantity: e.target.value } : x)))}
                    />
                  </td>
                  <td className="num" data-testid="count-difference">
                    {difference === null ? '' : `${difference > 0 ? '+' : ''}${level(difference, l.product.unit)}`}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <button type="submit" className="primary" data-testid="count-post" disabled={disabled || busy || lines.length === 0}>
        {t('stock.postCount')}
      </button>
    </form>
  );
}

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Product } from '../../../src-common/schemas';
import { Dialog } from '../../components/Dialog';
import { money, parseQuantity } from '../../format';

/** The weight of goods sold by weight, typed (in kg, up to 3 decimals), when it does not come from a scale label. */
export function WeightDialog({ product, currency, onSubmit, onClose }: { product: Product; currency: string; onSubmit: (quantityMilli: number) => void; onClose: () => void }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const milli = parseQuantity(text);
  return (
    <Dialog title={t('products.weight.title', { name: product.name })} onClose={onClose} testId="weight-dialog">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (milli !== null) onSubmit(milli);
        }}
      >
        <label>
          {t('products.weight.label')}
          <input data-testid="weight-input" inputMode="decimal" value={text} onChange={(e) => setText(e.target.value)} aria-invalid={text !== '' && milli === null} />
        </label>
        <p className="muted">{t('products.weight.hint', { price: money(product.price, currency) })}</p>
        <div className="dialog-buttons">
          <button type="button" onClick={onClose}>
            {t('dialog.cancel')}
          </button>
          <button type="submit" className="primary" data-testid="weight-ok" disabled={milli === null}>
            {t('dialog.ok')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

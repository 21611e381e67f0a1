import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { StockLevel } from '../../../../src-common/calls/stock';
import type { ApiError } from '../../../../src-common/errors';
import { usePos } from '../../../api/context';

/** A product for a sheet, by scan (a barcode names one at once) or search (pick from the list). */
export function ProductPicker({ onPick, onError, testId }: { onPick: (product: StockLevel) => void; onError: (error: ApiError) => void; testId: string }) {
  const { t, i18n } = useTranslation();
  const pos = usePos();
  const [text, setText] = useState('');
  const [found, setFound] = useState<StockLevel[]>([]);

  const pick = (product: StockLevel) => {
    onPick(product);
    setText('');
    setFound([]);
  };
  const search = async () => {
    const query = text.trim();
    if (!query) return;
    const r = await pos.call('stock.levels', { query, limit: 8 });
    if (!r.ok) return onError(r.error);
    if (r.value.length === 1) pick(r.value[0]!);
    else setFound(r.value);
  };

  return (
    <div className="stock-picker">
      <input
        data-testid={testId}
        value={text}
        placeholder={t('stock.addProduct')}
        aria-label={t('stock.addProduct')}
        autoComplete="off"
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            void search();
          }
        }}
      />
      {found.length > 0 && (
        <ul className="stock-found" role="listbox">
          {found.map((p) => (
            <li key={p.productId} role="option" aria-selected={false}>
              <button type="button" onClick={() => pick(p)}>
                {i18n.language === 'en' && p.nameEn ? p.nameEn : p.name} <span className="muted">{p.sku}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The store's levels: search, the low-stock list, average cost and value at cost per product, and each product's low-stock line. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { StockView, type StockItem } from '../../../../src-common/office/stock';
import { money, quantity } from '../../../format';
import { officeApi, type OfficeApiError } from '../../api';
import { asApiError, EmptyState, ErrorState, QueryView, useOfficeQuery } from '../../ui';
import { productLabel, quantityOf } from './shared';

export function Levels({ storeId, writable, round, onChanged }: { storeId: string; writable: boolean; round: number; onChanged: () => void }) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [lowOnly, setLowOnly] = useState(false);
  const params = new URLSearchParams({ q: search.trim(), low: lowOnly ? '1' : '0' });
  const query = useOfficeQuery(() => officeApi.get(`/stores/${storeId}/stock?${params.toString()}`, StockView), `${storeId}:${params.toString()}:${round}`);
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<OfficeApiError | string | null>(null);

  const saveLine = async (item: StockItem, text: string) => {
    setNote(null);
    setError(null);
    const milli = text.trim() === '' ? null : quantityOf(text, item.unit, true);
    if (text.trim() !== '' && milli === null) return setError(t('officeStock.badLine'));
    try {
      await officeApi.put(`/stores/${storeId}/stock/${encodeURIComponent(item.productId)}/threshold`, { lowStockMilli: milli });
      setNote(t('officeStock.lineSaved', { name: item.name }));
      onChanged();
    } catch (e) {
      setError(asApiError(e));
    }
  };

  return (
    <div className="stock-panel" data-testid="stock-levels">
      <div className="office-inline-form">
        <label className="stock-search">
          {t('officeStock.search')}
          <input type="search" data-testid="stock-search" value={search} maxLength={64} onChange={(e) => setSearch(e.target.value)} />
        </label>
        <label className="stock-check">
          <input type="checkbox" data-testid="stock-low-only" checked={lowOnly} onChange={(e) => setLowOnly(e.target.checked)} />
          {t('officeStock.lowOnly')}
        </label>
      </div>
      {note && (
        <p className="office-note" role="status">
          {note}
        </p>
      )}
      {error && (typeof error === 'string' ? <p className="office-error" role="alert">{error}</p> : <ErrorState error={error} />)}
      <QueryView
        query={query}
        isEmpty={(v) => v.items.length === 0}
        empty={
          search.trim() || lowOnly ? (
            <EmptyState title={t('officeStock.empty.noMatch')} />
          ) : (
            <EmptyState title={t('officeStock.empty.noProducts')}>
              <p>{t('officeStock.empty.noProductsHint')}</p>
            </EmptyState>
          )
        }
      >
        {(view) => (
          <>
            <table className="office-table stock-table">
              <thead>
                <tr>
                  <th scope="col">{t('officeStock.col.name')}</th>
                  <th scope="col" className="num">{t('officeStock.col.level')}</th>
                  <th scope="col" className="num">{t('officeStock.col.avgCost')}</th>
                  <th scope="col" className="num">{t('officeStock.col.value')}</th>
                  <th scope="col">{t('officeStock.col.line')}</th>
                </tr>
              </thead>
              <tbody>
                {view.items.map((item) => (
                  <LevelRow key={item.productId} item={item} storeLine={view.storeThresholdMilli} writable={writable} onSave={saveLine} />
                ))}
              </tbody>
            </table>
            {view.truncated && <p className="office-note">{t('officeStock.truncated', { count: view.items.length })}</p>}
          </>
        )}
      </QueryView>
    </div>
  );
}

function LevelRow({ item, storeLine, writable, onSave }: { item: StockItem; storeLine: number; writable: boolean; onSave: (item: StockItem, text: string) => Promise<void> }) {
  const { t } = useTranslation();
  const own = item.lowStockMilli === null ? '' : quantity(item.lowStockMilli, item.unit).replace(/kg$/, '');
  const [text, setText] = useState(own);
  return (
    <tr data-testid="stock-row" data-product={item.productId} className={item.low ? 'low' : undefined}>
      <td data-label={t('officeStock.col.name')}>
        <span className="stock-name">{productLabel(item)}</span>
        {item.low && <span className="stock-badge low">{t('officeStock.lowBadge')}</span>}
        {item.stockMilli < 0 && <span className="stock-badge negative">{t('officeStock.negativeBadge')}</span>}
      </td>
      <td className="num" data-label={t('officeStock.col.level')} data-testid="stock-level">
        {quantity(item.stockMilli, item.unit)}
      </td>
      <td className="num" data-label={t('officeStock.col.avgCost')}>
        {item.avgCost === null ? t('officeStock.noCost') : money(item.avgCost, 'CNY')}
      </td>
      <td className="num" data-label={t('officeStock.col.value')} data-testid="stock-value">
        {money(item.valueAtCost, 'CNY')}
      </td>
      <td data-label={t('officeStock.col.line')}>
        {writable ? (
          <form
            className="stock-line-form"
            onSubmit={(e) => {
              e.preventDefault();
              void onSave(item, text);
            }}
          >
            <input
              aria-label={`${t('officeStock.col.line')} ${item.name}`}
              data-testid="stock-line"
              inputMode="decimal"
              size={6}
              value={text}
              placeholder={t('officeStock.storeLine', { value: quantity(storeLine, item.unit) })}
              onChange={(e) => setText(e.target.value)}
            />
            <button type="submit" disabled={text === own} data-testid="stock-line-save">
              {t('officeStock.saveLine')}
            </button>
          </form>
        ) : (
          quantity(item.thresholdMilli, item.unit)
        )}
      </td>
    </tr>
  );
}

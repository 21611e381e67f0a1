import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { StockLevel } from '../../../../src-common/calls/stock';
import type { ApiError } from '../../../../src-common/errors';
import { usePos } from '../../../api/context';
import { level, typedQuantity } from './stock-ui';

type Sort = 'name' | 'level' | 'sku';

/** Stock levels with search, the low-stock list, sorting by a column, and each product's own low-stock line (the till's own, also when a store server owns the levels). */
export function LevelsTable({ refresh, onError, onOk }: { refresh: number; onError: (e: ApiError, text?: string) => void; onOk: () => void }) {
  const { t, i18n } = useTranslation();
  const pos = usePos();
  const [query, setQuery] = useState('');
  const [lowOnly, setLowOnly] = useState(false);
  const [sort, setSort] = useState<{ by: Sort; descending: boolean }>({ by: 'name', descending: false });
  const [rows, setRows] = useState<StockLevel[]>([]);
  const [lines, setLines] = useState<Record<string, string>>({});

  const [saved, setSaved] = useState(0);

  useEffect(() => {
    void pos.call('stock.levels', { query, lowOnly, sort: sort.by, descending: sort.descending, limit: 200 }).then((r) => {
      if (r.ok) setRows(r.value);
      else onError(r.error);
    });
  }, [pos, query, lowOnly, sort, onError, refresh, saved]);

  const header = (by: Sort, label: string, className?: string) => (
    <th className={className} aria-sort={sort.by === by ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
      <button type="button" className="link" data-testid={`stock-sort-${by}`} onClick={() => setSort((s) => ({ by, descending: s.by === by ? !s.descending : false }))}>
        {label} {sort.by === by ? (sort.descending ? '▼' : '▲') : ''}
      </button>
    </th>
  );

  const saveLine = async (row: StockLevel) => {
    const text = (lines[row.productId] ?? '').trim();
    const milli = text === '' ? null : typedQuantity(text, row.unit, true);
    if (text !== '' && milli === null) return onError({ code: 'validation_failed', message: 'quantity' }, t('stock.badQuantity'));
    const r = await pos.call('stock.setLowStock', { productId: row.productId, lowStockMilli: milli });
    if (!r.ok) return onError(r.error);
    onOk();
    setLines((l) => ({ ...l, [row.productId]: '' }));
    setSaved((n) => n + 1);
  };

  return (
    <div data-testid="stock-levels">
      <div className="owner-form inline">
        <label>
          {t('stock.search')}
          <input data-testid="stock-search" value={query} onChange={(e) => setQuery(e.target.value)} autoComplete="off" />
        </label>
        <label className="check">
          <input type="checkbox" data-testid="stock-low-only" checked={lowOnly} onChange={(e) => setLowOnly(e.target.checked)} />
          {t('stock.lowOnly')}
        </label>
      </div>
      {rows.length === 0 ? (
        <p className="muted">{t('stock.none')}</p>
      ) : (
        <table className="owner-table stock-table">
          <thead>
            <tr>
              {header('name', t('stock.colName'))}
              {header('sku', t('stock.colSku'))}
              {header('level', t('stock.colLevel'), 'num')}
              <th>{t('stock.colLine')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.productId} data-testid="stock-row" data-product-id={row.productId} data-level-milli={row.stockMilli} className={row.low ? 'low' : ''}>
                <td>{i18n.language === 'en' && row.nameEn ? row.nameEn : row.name}</td>
                <td className="muted">{row.sku}</td>
                <td className="num" data-testid="stock-level">
                  {level(row.stockMilli, row.unit)} {row.low && <span className="tag warn">{t('stock.low')}</span>}
                </td>
                <td>
                  <form
                    className="stock-line"
                    onSubmit={(e) => {
                      e.preventDefault();
                      void saveLine(row);
                    }}
                  >
                    <input
                      aria-label={t('stock.colLine')}
                      inputMode="decimal"
                      size={6}
                      value={lines[row.productId] ?? ''}
                      placeholder={row.lowStockMilli === null ? t('stock.storeLine', { value: level(row.thresholdMilli, row.unit) }) : level(row.lowStockMilli, row.unit)}
                      onChange={(e) => setLines((l) => ({ ...l, [row.productId]: e.target.value }))}
                    />
                    <button type="submit">
                      {t('stock.setLine')}
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

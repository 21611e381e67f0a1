/**
 * 盘点: the count sheet of the store's products with their levels on the books; the counted figures typed in; the
 * differences shown as they are typed and posted as movements. The server reads the books again when it posts.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { costOfQuantity } from '../../../../src-common/office/stock-cost';
import { CountResult, type StockItem } from '../../../../src-common/office/stock';
import { money, quantity } from '../../../format';
import { officeApi, type OfficeApiError } from '../../api';
import { asApiError, ErrorState } from '../../ui';
import { productLabel, quantityOf } from './shared';

/** A difference's value at the average cost, signed. */
const differenceValue = (deltaMilli: number, avgCost: number | null) => Math.sign(deltaMilli) * costOfQuantity(Math.abs(deltaMilli), avgCost ?? 0);

export function CountSheet({ storeId, items, onPosted }: { storeId: string; items: readonly StockItem[]; onPosted: () => void }) {
  const { t } = useTranslation();
  const [counted, setCounted] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | OfficeApiError | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const filled = items.filter((i) => (counted[i.productId] ?? '').trim() !== '');
  // The sheet of a big store is long: a search narrows what is shown; figures typed stay when it changes.
  const needle = search.trim().toLowerCase();
  const shown = needle ? items.filter((i) => `${i.sku} ${i.name} ${i.nameEn ?? ''}`.toLowerCase().includes(needle)) : items;

  const post = async () => {
    setProblem(null);
    setDone(null);
    if (filled.length === 0) return setProblem(t('officeStock.count.noneFilled'));
    const lines = [];
    for (const item of filled) {
      const countedMilli = quantityOf(counted[item.productId]!, item.unit, true);
      if (countedMilli === null) return setProblem(t('officeStock.error.badCounted', { name: item.name }));
      lines.push({ productId: item.productId, countedMilli });
    }
    setBusy(true);
    try {
      const result = await officeApi.post(`/stores/${storeId}/stock/counts`, { lines }, CountResult);
      const avg = new Map(items.map((i) => [i.productId, i.avgCost]));
      const value = result.lines.reduce((sum, l) => sum + differenceValue(l.deltaMilli, avg.get(l.productId) ?? null), 0);
      setCounted({});
      setDone(t('officeStock.count.done', { posted: result.posted, value: money(value, 'CNY') }));
      onPosted();
    } catch (e) {
      setProblem(asApiError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="stock-panel stock-doc"
      data-testid="stock-count"
      onChange={() => setProblem(null)}
      onSubmit={(e) => {
        e.preventDefault();
        void post();
      }}
    >
      <p className="office-note">{t('officeStock.count.hint')}</p>
      <label className="stock-search">
        {t('officeStock.search')}
        <input type="search" data-testid="stock-count-search" value={search} maxLength={64} onChange={(e) => setSearch(e.target.value)} />
      </label>
      <table className="office-table stock-table">
        <thead>
          <tr>
            <th scope="col">{t('officeStock.col.name')}</th>
            <th scope="col" className="num">{t('officeStock.col.expected')}</th>
            <th scope="col">{t('officeStock.col.counted')}</th>
            <th scope="col" className="num">{t('officeStock.col.difference')}</th>
            <th scope="col" className="num">{t('officeStock.col.diffValue')}</th>
          </tr>
        </thead>
        <tbody>
          {shown.length === 0 && (
            <tr>
              <td colSpan={5}>{t('officeStock.empty.noMatch')}</td>
            </tr>
          )}
          {shown.map((item) => {
            const text = counted[item.productId] ?? '';
            const milli = text.trim() === '' ? null : quantityOf(text, item.unit, true);
            const delta = milli === null ? null : milli - item.stockMilli;
            return (
              <tr key={item.productId} data-testid="stock-count-row" data-product={item.productId} className={delta !== null && delta !== 0 ? 'differs' : undefined}>
                <td data-label={t('officeStock.col.name')}>{productLabel(item)}</td>
                <td className="num" data-label={t('officeStock.col.expected')} data-testid="stock-count-expected">
                  {quantity(item.stockMilli, item.unit)}
                </td>
                <td data-label={t('officeStock.col.counted')}>
                  <input
                    aria-label={`${t('officeStock.col.counted')} ${item.name}`}
                    data-testid="stock-count-input"
                    inputMode="decimal"
                    size={7}
                    value={text}
                    aria-invalid={text.trim() !== '' && milli === null}
                    onChange={(e) => setCounted((c) => ({ ...c, [item.productId]: e.target.value }))}
                  />
                  {item.unit === 'kg' && <span className="stock-unit">kg</span>}
                </td>
                <td className="num" data-label={t('officeStock.col.difference')} data-testid="stock-count-delta">
                  {delta === null ? '' : `${delta > 0 ? '+' : ''}${quantity(delta, item.unit)}`}
                </td>
                <td className="num" data-label={t('officeStock.col.diffValue')}>
                  {delta === null || delta === 0 ? '' : money(differenceValue(delta, item.avgCost), 'CNY')}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="stock-doc-actions">
        <span data-testid="stock-count-filled">{t('officeStock.count.filled', { count: filled.length })}</span>
        <button type="button" onClick={() => setCounted({})} disabled={filled.length === 0}>
          {t('officeStock.count.clear')}
        </button>
        <span className="office-spacer" />
        <button type="submit" className="primary" disabled={busy} data-testid="stock-count-post">
          {t('officeStock.count.post')}
        </button>
      </div>
      {typeof problem === 'string' && (
        <p className="office-error" role="alert" data-testid="stock-doc-problem">
          {problem}
        </p>
      )}
      {problem && typeof problem !== 'string' && <ErrorState error={problem} />}
      {done && (
        <p className="stock-done" role="status" data-testid="stock-doc-done">
          {done}
        </p>
      )}
    </form>
  );
}

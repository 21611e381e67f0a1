/**
 * 库存: with a store chosen, its levels with the value at cost and the low-stock list, receiving, counts, transfers
 * and the latest documents; with every store, each store's totals. The server checks every call's role; this page
 * only hides the forms an account cannot use.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { StockSummary, StockView } from '../../../src-common/office/stock';
import { money } from '../../format';
import { officeApi } from '../api';
import { canWrite, type OfficePageProps } from '../page';
import { EmptyState, QueryView, useOfficeQuery } from '../ui';
import { CountSheet } from './stock/CountSheet';
import { Documents } from './stock/Documents';
import { Levels } from './stock/Levels';
import { ReceiveForm, TransferForm } from './stock/LinesForm';
import './stock/stock.css';

const TABS = ['levels', 'receive', 'count', 'transfer', 'documents'] as const;
type Tab = (typeof TABS)[number];

export function StockPage({ session, storeId, stores }: OfficePageProps) {
  const { t } = useTranslation();
  return (
    <section className="office-page stock-page" data-testid="office-stock">
      <h1>{t('officeStock.title')}</h1>
      {storeId ? <StoreStock key={storeId} storeId={storeId} writable={canWrite(session, storeId)} targets={stores.filter((s) => s.storeId !== storeId && canWrite(session, s.storeId))} /> : <AllStores />}
    </section>
  );
}

function Totals({ totals }: { totals: StockView['totals'] }) {
  const { t } = useTranslation();
  const cards = [
    ['value', money(totals.valueAtCost, 'CNY')],
    ['products', String(totals.products)],
    ['low', String(totals.low)],
    ['negative', String(totals.negative)],
    ['uncosted', String(totals.uncosted)],
  ] as const;
  return (
    <div className="stock-totals">
      {cards.map(([key, value]) => (
        <div key={key} className={`stock-total ${key}`} data-testid={`stock-total-${key}`}>
          <span className="stock-total-label">{t(`officeStock.totals.${key}`)}</span>
          <span className="stock-total-value">{value}</span>
        </div>
      ))}
    </div>
  );
}

function StoreStock({ storeId, writable, targets }: { storeId: string; writable: boolean; targets: OfficePageProps['stores'] }) {
  const { t } = useTranslation();
  const [tab, setTab] = useState<Tab>('levels');
  // Every posting reloads what the page shows (levels, totals, documents).
  const [round, setRound] = useState(0);
  const posted = () => setRound((n) => n + 1);
  const all = useOfficeQuery(() => officeApi.get(`/stores/${storeId}/stock?limit=2000`, StockView), `${storeId}:${round}`);
  // Opening a tab reads the books again: tills' sales keep moving them while the page is open.
  const openTab = (id: Tab) => {
    setTab(id);
    posted();
  };
  const tabs = TABS.filter((id) => writable || id === 'levels' || id === 'documents');

  return (
    <>
      <QueryView query={all}>
        {(view) => (
          <>
            <Totals totals={view.totals} />
            <p className="office-note">{t('officeStock.costing')}</p>
          </>
        )}
      </QueryView>
      {!writable && <p className="office-note" data-testid="stock-read-only">{t('officeStock.readOnly')}</p>}
      <div className="stock-tabs" role="tablist">
        {tabs.map((id) => (
          <button key={id} type="button" role="tab" aria-selected={tab === id} className={tab === id ? 'active' : ''} data-testid={`stock-tab-${id}`} onClick={() => openTab(id)}>
            {t(`officeStock.tabs.${id}`)}
          </button>
        ))}
      </div>
      {tab === 'levels' && <Levels storeId={storeId} writable={writable} round={round} onChanged={posted} />}
      {tab === 'documents' && <Documents storeId={storeId} round={round} />}
      {tab !== 'levels' && tab !== 'documents' && (
        <QueryView
          query={all}
          isEmpty={(v) => v.items.length === 0}
          empty={
            <EmptyState title={t('officeStock.empty.noProducts')}>
              <p>{t('officeStock.empty.noProductsHint')}</p>
            </EmptyState>
          }
        >
          {(view) =>
            tab === 'receive' ? (
              <ReceiveForm storeId={storeId} items={view.items} onPosted={posted} />
            ) : tab === 'count' ? (
              <CountSheet storeId={storeId} items={view.items} onPosted={posted} />
            ) : (
              <TransferForm storeId={storeId} items={view.items} targets={targets} onPosted={posted} />
            )
          }
        </QueryView>
      )}
    </>
  );
}

function AllStores() {
  const { t } = useTranslation();
  const query = useOfficeQuery(() => officeApi.get('/stock', StockSummary), 'stock-summary');
  return (
    <>
      <p className="office-note">{t('officeStock.allStores.hint')}</p>
      <QueryView query={query} isEmpty={(d) => d.stores.length === 0} empty={<EmptyState title={t('officeStock.empty.noStores')} />}>
        {(data) => (
          <table className="office-table stock-table" data-testid="stock-summary">
            <thead>
              <tr>
                <th scope="col">{t('officeStock.allStores.store')}</th>
                <th scope="col" className="num">{t('officeStock.totals.value')}</th>
                <th scope="col" className="num">{t('officeStock.totals.products')}</th>
                <th scope="col" className="num">{t('officeStock.totals.low')}</th>
                <th scope="col" className="num">{t('officeStock.totals.negative')}</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {data.stores.map((s) => (
                <tr key={s.storeId} data-testid="stock-summary-row">
                  <td data-label={t('officeStock.allStores.store')}>{s.name}</td>
                  <td className="num" data-label={t('officeStock.totals.value')}>{money(s.valueAtCost, 'CNY')}</td>
                  <td className="num" data-label={t('officeStock.totals.products')}>{s.products}</td>
                  <td className="num" data-label={t('officeStock.totals.low')}>{s.low}</td>
                  <td className="num" data-label={t('officeStock.totals.negative')}>{s.negative}</td>
                  <td>
                    <a href={`#/stock?store=${encodeURIComponent(s.storeId)}`}>{t('officeStock.allStores.open')}</a>
                  </td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">{t('officeStock.allStores.total')}</th>
                <td className="num" data-testid="stock-summary-total">{money(data.stores.reduce((sum, s) => sum + s.valueAtCost, 0), 'CNY')}</td>
                <td colSpan={4} />
              </tr>
            </tfoot>
          </table>
        )}
      </QueryView>
    </>
  );
}

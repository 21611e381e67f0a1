/**
 * 商品与价格: the chain's catalog (search, add, edit, switch off), each store's own price, categories, the
 * CSV/XLSX import, and which tills have applied each product's latest change. The owner edits the chain; a store's
 * manager sets her store's price and switch; an accountant reads. The server checks every change.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CatalogList, FilledStore, type CatalogProduct, type CatalogTill } from '../../../src-common/office/catalog';
import { money } from '../../format';
import { officeApi, type OfficeApiError } from '../api';
import { canWrite, topRole, type OfficePageProps } from '../page';
import { asApiError, EmptyState, ErrorState, QueryView, useOfficeQuery } from '../ui';
import { Categories } from './catalog/Categories';
import { ImportPanel } from './catalog/ImportPanel';
import { formatRate, ProductEditor } from './catalog/ProductEditor';
import { StorePrices } from './catalog/StorePrices';
import '../catalog.css';

type Panel = { kind: 'new' } | { kind: 'edit'; product: CatalogProduct } | { kind: 'prices'; product: CatalogProduct } | { kind: 'import' } | { kind: 'category' } | null;

export function CatalogPage({ session, storeId, stores }: OfficePageProps) {
  const { t } = useTranslation();
  const owner = topRole(session) === 'owner';
  const [search, setSearch] = useState('');
  const [q, setQ] = useState('');
  const [panel, setPanel] = useState<Panel>(null);
  const params = new URLSearchParams();
  if (storeId) params.set('store', storeId);
  if (q) params.set('q', q);
  const path = `/catalog${params.size ? `?${params.toString()}` : ''}`;
  const query = useOfficeQuery(() => officeApi.get(path, CatalogList), path);
  const storeName = (id: string) => stores.find((s) => s.storeId === id)?.name ?? id;

  const saved = () => {
    setPanel(null);
    query.reload();
  };

  return (
    <section className="office-page catalog" data-testid="office-catalog">
      <h1>{t('officeCatalog.title')}</h1>
      <div className="catalog-toolbar">
        <form
          role="search"
          className="office-inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            setQ(search.trim());
          }}
        >
          <label>
            {t('officeCatalog.search')}
            <input data-testid="catalog-search" type="search" value={search} maxLength={100} placeholder={t('officeCatalog.searchHint')} onChange={(e) => setSearch(e.target.value)} />
          </label>
          <button type="submit">{t('officeCatalog.find')}</button>
        </form>
        {owner && (
          <div className="catalog-actions">
            <button type="button" className="primary" data-testid="catalog-new" onClick={() => setPanel({ kind: 'new' })}>
              {t('officeCatalog.newProduct')}
            </button>
            <button type="button" data-testid="catalog-new-category" onClick={() => setPanel({ kind: 'category' })}>
              {t('officeCatalog.categories')}
            </button>
            <button type="button" data-testid="catalog-import-open" onClick={() => setPanel({ kind: 'import' })}>
              {t('officeCatalog.import.open')}
            </button>
          </div>
        )}
      </div>
      {panel?.kind === 'import' && <ImportPanel onApplied={() => query.reload()} onClose={() => setPanel(null)} />}
      {panel?.kind === 'category' && query.data && <Categories categories={query.data.categories} onSaved={() => query.reload()} onClose={() => setPanel(null)} />}
      {(panel?.kind === 'new' || panel?.kind === 'edit') && query.data && (
        <ProductEditor key={panel.kind === 'edit' ? panel.product.id : 'new'} product={panel.kind === 'edit' ? panel.product : null} categories={query.data.categories} onSaved={saved} onCancel={() => setPanel(null)} />
      )}
      {panel?.kind === 'prices' && (
        <StorePrices
          product={query.data?.products.find((p) => p.id === panel.product.id) ?? panel.product}
          stores={panel.product.stores.filter((s) => canWrite(session, s.storeId)).map((s) => ({ storeId: s.storeId, name: storeName(s.storeId) }))}
          onSaved={() => query.reload()}
          onClose={() => setPanel(null)}
        />
      )}
      <QueryView query={query}>
        {(data) => (
          <>
            {owner && <MissingInStores stores={data.stores} onFilled={() => query.reload()} />}
            <TillVersions tills={data.tills} stores={data.stores} storeName={storeName} />
            {data.products.length === 0 ? (
              <EmptyState title={q ? t('officeCatalog.emptySearch', { q }) : t('officeCatalog.empty')}>
                <p>{q ? t('officeCatalog.emptySearchHint') : owner ? t('officeCatalog.emptyOwner') : t('officeCatalog.emptyOther')}</p>
              </EmptyState>
            ) : (
              <>
              {data.truncated && <p className="office-note">{t('officeCatalog.truncated', { count: data.products.length })}</p>}
              <table className="office-table catalog-stack" data-testid="catalog-table">
                <thead>
                  <tr>
                    <th scope="col">{t('officeCatalog.field.sku')}</th>
                    <th scope="col">{t('officeCatalog.field.name')}</th>
                    <th scope="col">{t('officeCatalog.field.codes')}</th>
                    <th scope="col">{t('officeCatalog.field.category')}</th>
                    <th scope="col" className="num">
                      {t('officeCatalog.field.taxRate')}
                    </th>
                    <th scope="col" className="num">
                      {t('officeCatalog.field.chainPrice')}
                    </th>
                    {data.stores.map((s) => (
                      <th scope="col" className="num" key={s.storeId}>
                        {s.name}
                      </th>
                    ))}
                    <th scope="col">{t('officeCatalog.field.tills')}</th>
                    <th scope="col">
                      <span className="visually-hidden">{t('officeCatalog.actions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.products.map((p) => {
                    const category = data.categories.find((c) => c.id === p.categoryId)?.name ?? t('officeCatalog.noCategory');
                    const writable = p.stores.some((s) => canWrite(session, s.storeId));
                    return (
                      <tr key={p.id} data-testid="catalog-row" data-sku={p.sku} className={p.chainActive ? '' : 'inactive'}>
                        <td data-label={t('officeCatalog.field.sku')}>{p.sku}</td>
                        <td data-label={t('officeCatalog.field.name')}>
                          <span className="catalog-name">{p.name}</span>
                          {p.nameEn && <span className="catalog-sub">{p.nameEn}</span>}
                          {!p.chainActive && <span className="catalog-badge off">{t('officeCatalog.off')}</span>}
                        </td>
                        <td data-label={t('officeCatalog.field.codes')} className="catalog-codes">
                          {p.barcodes.map((b) => (
                            <span key={b}>{b}</span>
                          ))}
                          {p.plu && <span>PLU {p.plu}</span>}
                          <span className="catalog-sub">{t(`officeCatalog.unit.${p.unit}`)}</span>
                        </td>
                        <td data-label={t('officeCatalog.field.category')}>{category}</td>
                        <td data-label={t('officeCatalog.field.taxRate')} className="num">
                          {formatRate(p.taxRateBp)}
                        </td>
                        <td data-label={t('officeCatalog.field.chainPrice')} className="num" data-testid="catalog-chain-price">
                          {money(p.chainPrice, 'CNY')}
                        </td>
                        {data.stores.map((s) => {
                          const row = p.stores.find((x) => x.storeId === s.storeId);
                          return (
                            <td key={s.storeId} data-label={s.name} className="num" data-testid="catalog-store-price-cell" data-store={s.storeId}>
                              {row ? (
                                <>
                                  {money(row.price, 'CNY')}
                                  {row.overridePrice !== null && <span className="catalog-badge own">{t('officeCatalog.ownPrice')}</span>}
                                  {!row.storeActive && <span className="catalog-badge off">{t('officeCatalog.offHere')}</span>}
                                </>
                              ) : (
                                '—'
                              )}
                            </td>
                          );
                        })}
                        <td data-label={t('officeCatalog.field.tills')}>
                          <TillChips tills={data.tills} having={p.tillsHaving} />
                        </td>
                        <td className="catalog-row-actions">
                          {owner && (
                            <button type="button" className="link" data-testid="catalog-edit" onClick={() => setPanel({ kind: 'edit', product: p })}>
                              {t('officeCatalog.edit')}
                            </button>
                          )}
                          {writable && (
                            <button type="button" className="link" data-testid="catalog-prices" onClick={() => setPanel({ kind: 'prices', product: p })}>
                              {t('officeCatalog.storePrices.open')}
                            </button>
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
              </>
            )}
          </>
        )}
      </QueryView>
    </section>
  );
}

/** A till's name, with the end of its id when another till in view has the same name (tills are named after their store at enrolment). */
function tillLabel(till: CatalogTill, tills: readonly CatalogTill[]): string {
  return tills.some((other) => other !== till && other.name === till.name) ? `${till.name} ·${till.terminalId.slice(-4)}` : till.name;
}

/** Which tills have applied the product's latest change (green) and which still wait for their next pull. */
function TillChips({ tills, having }: { tills: readonly CatalogTill[]; having: readonly string[] }) {
  const { t } = useTranslation();
  if (tills.length === 0) return <span className="catalog-sub">{t('officeCatalog.noTills')}</span>;
  return (
    <span className="catalog-tills" data-testid="catalog-tills">
      {tills.map((till) => {
        const has = having.includes(till.terminalId);
        return (
          <span
            key={till.terminalId}
            className={`catalog-chip ${has ? 'has' : 'waits'}`}
            data-testid="catalog-till-chip"
            data-terminal={till.terminalId}
            data-has={has ? 'yes' : 'no'}
            title={has ? t('officeCatalog.tillHas', { name: tillLabel(till, tills) }) : t('officeCatalog.tillWaits', { name: tillLabel(till, tills) })}
          >
            <span aria-hidden="true">{has ? '✓' : '…'}</span> {tillLabel(till, tills)}
            <span className="visually-hidden">{has ? t('officeCatalog.hasIt') : t('officeCatalog.waitsForIt')}</span>
          </span>
        );
      })}
    </span>
  );
}

/** Each store's data version and each till's: a till behind its store gets the rest at its next pull. */
function TillVersions({ tills, stores, storeName }: { tills: readonly CatalogTill[]; stores: CatalogList['stores']; storeName: (id: string) => string }) {
  const { t, i18n } = useTranslation();
  if (tills.length === 0) return <p className="office-note">{t('officeCatalog.noTillsHint')}</p>;
  return (
    <details className="catalog-versions" data-testid="catalog-versions">
      <summary>{t('officeCatalog.versions.title')}</summary>
      <ul>
        {tills.map((till) => {
          const store = stores.find((s) => s.storeId === till.storeId);
          const current = store !== undefined && till.pulledVersion !== null && till.pulledVersion >= store.version;
          return (
            <li key={till.terminalId}>
              <strong>{tillLabel(till, tills)}</strong> · {storeName(till.storeId)} ·{' '}
              {till.pulledVersion === null
                ? t('officeCatalog.versions.never')
                : t(current ? 'officeCatalog.versions.current' : 'officeCatalog.versions.behind', {
                    version: till.pulledVersion,
                    latest: store?.version ?? 0,
                    at: till.pulledAt ? new Date(till.pulledAt).toLocaleString(i18n.language) : '',
                  })}
            </li>
          );
        })}
      </ul>
    </details>
  );
}

/** Stores added after chain products have none of them until the owner fills them from the chain. */
function MissingInStores({ stores, onFilled }: { stores: CatalogList['stores']; onFilled: () => void }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<OfficeApiError | null>(null);
  const lacking = stores.filter((s) => s.missing > 0);
  if (lacking.length === 0) return null;
  return (
    <div className="catalog-panel" data-testid="catalog-missing">
      {lacking.map((s) => (
        <div key={s.storeId} className="catalog-actions">
          <span>{t('officeCatalog.fill.note', { store: s.name, count: s.missing })}</span>
          <button
            type="button"
            className="primary"
            disabled={busy !== null}
            data-testid="catalog-fill"
            onClick={() => {
              setBusy(s.storeId);
              setError(null);
              officeApi
                .post(`/catalog/stores/${s.storeId}/fill-from-chain`, {}, FilledStore)
                .then(onFilled, (e: unknown) => setError(asApiError(e)))
                .finally(() => setBusy(null));
            }}
          >
            {t('officeCatalog.fill.button', { store: s.name })}
          </button>
        </div>
      ))}
      {error && <ErrorState error={error} />}
    </div>
  );
}

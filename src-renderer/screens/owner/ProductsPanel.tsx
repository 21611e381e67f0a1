import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CategoryView, ProductPage, ProductStatusFilter } from '../../../src-common/calls/catalog';
import type { Product } from '../../../src-common/schemas';
import { usePos } from '../../api/context';
import { ManagedByServerNote, useSyncStatus } from '../../components/SyncChip';
import { money, quantity } from '../../format';
import type { PanelProps } from '../panel';
import { CategoriesEditor } from './products/CategoriesEditor';
import { CsvImport } from './products/CsvImport';
import { ProductForm } from './products/ProductForm';
import { percentText, productReasonText } from './products/text';
import '../../styles/products.css';

const PAGE = 50;

/**
 * The owner's products: search and page the catalog (100,000 products page in a few ms), add and edit products,
 * deactivate them, keep the categories, import a CSV after a preview. While the till is enrolled with a store
 * server the catalog is the server's: the list stays, the editors go (main refuses them too).
 */
export function ProductsPanel({ settings, onError, onOk }: PanelProps) {
  const { t, i18n } = useTranslation();
  const pos = usePos();
  const sync = useSyncStatus();
  const managed = sync !== null && sync.state !== 'not_enrolled';
  const [query, setQuery] = useState('');
  const [status, setStatus] = useState<ProductStatusFilter>('all');
  const [categoryId, setCategoryId] = useState('');
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<ProductPage | null>(null);
  const [categories, setCategories] = useState<CategoryView[]>([]);
  const [editing, setEditing] = useState<Product | 'new' | null>(null);
  const [open, setOpen] = useState<'categories' | 'csv' | null>(null);
  const currency = settings.currency;

  const loadCategories = useCallback(async () => {
    const r = await pos.call('catalog.categories', {});
    if (r.ok) setCategories(r.value);
  }, [pos]);

  const load = useCallback(async () => {
    const r = await pos.call('catalog.list', { query, status, offset, limit: PAGE, ...(categoryId ? { categoryId } : {}) });
    if (!r.ok) return onError(r.error);
    setPage(r.value);
  }, [pos, query, status, offset, categoryId, onError]);

  useEffect(() => {
    void pos.call('catalog.categories', {}).then((r) => r.ok && setCategories(r.value));
  }, [pos]);
  useEffect(() => {
    // Typed search waits for a pause in typing.
    const timer = setTimeout(() => void load(), query ? 150 : 0);
    return () => clearTimeout(timer);
  }, [load, query]);

  const setActive = async (product: Product, active: boolean) => {
    const r = await pos.call('catalog.setActive', { productId: product.id, active });
    if (!r.ok) return onError(r.error, productReasonText(t, r.error));
    onOk();
    void load();
  };

  const shown = (p: Product) => (i18n.language === 'en' && p.nameEn ? p.nameEn : p.name);
  const total = page?.total ?? 0;

  return (
    <section className="panel owner-panel products-panel" data-testid="products-panel" data-managed={managed}>
      <h2>{t('products.title')}</h2>
      <ManagedByServerNote />
      <div className="owner-toolbar">
        <input
          type="search"
          className="products-search"
          data-testid="products-search"
          aria-label={t('products.search')}
          placeholder={t('products.search')}
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setOffset(0);
          }}
        />
        <select
          data-testid="products-status"
          aria-label={t('products.status.label')}
          value={status}
          onChange={(e) => {
            setStatus(e.target.value as ProductStatusFilter);
            setOffset(0);
          }}
        >
          {(['all', 'active', 'inactive'] as const).map((s) => (
            <option key={s} value={s}>
              {t(`products.status.${s}`)}
            </option>
          ))}
        </select>
        <select
          data-testid="products-category"
          aria-label={t('products.columns.category')}
          value={categoryId}
          onChange={(e) => {
            setCategoryId(e.target.value);
            setOffset(0);
          }}
        >
          <option value="">{t('products.allCategories')}</option>
          {categories.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
        {managed ? (
          <span className="managed-label" data-testid="products-managed">
            {t('products.managed')}
          </span>
        ) : (
          <>
            <button type="button" className="primary" data-testid="product-add" onClick={() => setEditing('new')}>
              {t('products.add')}
            </button>
            <button type="button" data-testid="products-categories" onClick={() => setOpen('categories')}>
              {t('products.categories')}
            </button>
            <button type="button" data-testid="products-import" onClick={() => setOpen(open === 'csv' ? null : 'csv')}>
              {t('products.import')}
            </button>
          </>
        )}
      </div>
      {open === 'csv' && !managed && (
        <CsvImport
          onError={onError}
          onClose={() => setOpen(null)}
          onImported={() => {
            onOk();
            void load();
            void loadCategories();
          }}
        />
      )}
      <table className="owner-table products-table" data-testid="products-table">
        <thead>
          <tr>
            <th>{t('products.columns.name')}</th>
            <th>{t('products.columns.sku')}</th>
            <th>{t('products.columns.barcodes')}</th>
            <th>{t('products.columns.plu')}</th>
            <th>{t('products.columns.category')}</th>
            <th className="num">{t('products.columns.price')}</th>
            <th className="num">{t('products.columns.taxRate')}</th>
            <th>{t('products.columns.unit')}</th>
            <th className="num">{t('products.columns.stock')}</th>
            <th>{t('products.columns.active')}</th>
            <th>{t('products.columns.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {page?.products.map((p) => (
            <tr key={p.id} data-testid="product-row" data-sku={p.sku} data-active={p.active} className={p.active ? '' : 'inactive'}>
              <td>{shown(p)}</td>
              <td>{p.sku}</td>
              <td className="barcodes">{p.barcodes.join(' ')}</td>
              <td>{p.plu ?? ''}</td>
              <td>{p.categoryName ?? ''}</td>
              <td className="num" data-testid="product-price-cell">
                {money(p.price, currency)}
                {p.unit === 'kg' ? '/kg' : ''}
              </td>
              <td className="num">{percentText(p.taxRateBp)}</td>
              <td>{t(`products.unitShort.${p.unit}`)}</td>
              <td className={`num${p.stockMilli < 0 ? ' bad' : ''}`} data-testid="product-stock">
                {quantity(p.stockMilli, p.unit)}
                {p.unit === 'kg' ? ' kg' : ''}
              </td>
              <td>{p.active ? t('products.active') : t('products.inactive')}</td>
              <td className="actions">
                {!managed && (
                  <>
                    <button type="button" data-testid="product-edit" onClick={() => setEditing(p)}>
                      {t('products.edit')}
                    </button>
                    <button type="button" data-testid={p.active ? 'product-deactivate' : 'product-reactivate'} onClick={() => void setActive(p, !p.active)}>
                      {p.active ? t('products.deactivate') : t('products.reactivate')}
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {page && page.products.length === 0 && <p className="muted">{t('products.empty')}</p>}
      {page && total > 0 && (
        <div className="owner-toolbar products-pager">
          <button type="button" data-testid="products-previous" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
            {t('products.previous')}
          </button>
          <span data-testid="products-page">{t('products.page', { from: offset + 1, to: Math.min(total, offset + PAGE), total })}</span>
          <button type="button" data-testid="products-next" disabled={offset + PAGE >= total} onClick={() => setOffset(offset + PAGE)}>
            {t('products.next')}
          </button>
        </div>
      )}
      {editing && !managed && (
        <ProductForm
          product={editing === 'new' ? null : editing}
          categories={categories}
          currency={currency}
          taxRates={settings.taxRates}
          onError={onError}
          onClose={() => setEditing(null)}
          onCategoryAdded={(c) => setCategories((list) => [...list, c])}
          onSaved={() => {
            setEditing(null);
            onOk();
            void load();
            void loadCategories();
          }}
        />
      )}
      {open === 'categories' && !managed && (
        <CategoriesEditor
          categories={categories}
          onError={onError}
          onClose={() => setOpen(null)}
          onChanged={() => {
            onOk();
            void loadCategories();
            void load();
          }}
        />
      )}
    </section>
  );
}

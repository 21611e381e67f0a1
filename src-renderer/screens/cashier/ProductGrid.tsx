import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CategoryView } from '../../../src-common/calls/catalog';
import type { Product } from '../../../src-common/schemas';
import { usePos } from '../../api/context';
import { money } from '../../format';
import '../../styles/products.css';

/** The category of products without one. */
const NONE = '';

/**
 * Keys for goods without a barcode (bread, loose vegetables, a cup of tea): categories, then their products.
 * A key adds the product the way the search picker does (`onPick`: one shared path, which asks for the weight
 * of goods sold by weight rather than putting in 1 kg). Buttons all, so Tab, Enter and Space reach every key.
 */
export function ProductGrid({ currency, onPick }: { currency: string; onPick: (product: Product) => void }) {
  const { t, i18n } = useTranslation();
  const pos = usePos();
  const [categories, setCategories] = useState<CategoryView[] | null>(null);
  const [open, setOpen] = useState<{ id: string; name: string } | null>(null);
  const [loaded, setLoaded] = useState<{ categoryId: string; products: Product[] } | null>(null);
  const products = open && loaded?.categoryId === open.id ? loaded.products : null;

  useEffect(() => {
    void pos.call('catalog.categories', {}).then((r) => r.ok && setCategories(r.value.filter((c) => c.products > 0)));
  }, [pos]);

  useEffect(() => {
    if (!open) return;
    let current = true;
    void pos.call('catalog.inCategory', { categoryId: open.id === NONE ? null : open.id }).then((r) => current && r.ok && setLoaded({ categoryId: open.id, products: r.value }));
    return () => {
      current = false;
    };
  }, [pos, open]);

  const name = (p: Product) => (i18n.language === 'en' && p.nameEn ? p.nameEn : p.name);

  return (
    <section className="product-grid" data-testid="product-grid" data-keep-focus aria-label={t('products.grid.title')}>
      <div className="product-grid-head">
        {open && (
          <button type="button" data-testid="grid-back" onClick={() => setOpen(null)}>
            ← {t('products.grid.back')}
          </button>
        )}
        <h3>{open ? open.name : t('products.grid.title')}</h3>
      </div>
      <div className="product-grid-keys" role="group" aria-label={open ? open.name : t('products.grid.title')}>
        {!open &&
          [...(categories ?? []), { id: NONE, name: t('products.grid.uncategorised'), sort: 0, products: 0 }].map((c) => (
            <button key={c.id || 'none'} type="button" className="category" data-testid="grid-category" data-category={c.name} onClick={() => setOpen({ id: c.id, name: c.name })}>
              {c.name}
            </button>
          ))}
        {open &&
          products?.map((p) => (
            <button key={p.id} type="button" data-testid="grid-product" data-sku={p.sku} data-unit={p.unit} onClick={() => onPick(p)}>
              <span>{name(p)}</span>
              <span className="price">
                {money(p.price, currency)}
                {p.unit === 'kg' ? t('products.grid.perKg') : ''}
              </span>
            </button>
          ))}
      </div>
      {open && products?.length === 0 && <p className="muted">{t('products.grid.empty')}</p>}
    </section>
  );
}

import { useTranslation } from 'react-i18next';
import type { KioskCategory, KioskOrder } from '../../../src-common/calls/kiosk';
import { ScreenTitle } from '../../components/ScreenTitle';
import { money } from '../../format';
import { CategoryIcon, ProductArt } from './art';

/** Categories as large tabs, the chosen one's products as big cards, and the order bar at the bottom. */
export function Shop({
  categories,
  categoryId,
  order,
  currency,
  onCategory,
  onAdd,
  onReview,
}: {
  categories: readonly KioskCategory[];
  categoryId: string | null;
  order: KioskOrder | null;
  currency: string;
  onCategory: (id: string) => void;
  onAdd: (productId: string) => void;
  onReview: () => void;
}) {
  const { t, i18n } = useTranslation();
  const en = i18n.language === 'en';
  const category = categories.find((c) => c.id === categoryId) ?? categories[0];
  const inOrder = new Map<string, number>();
  for (const line of order?.lines ?? []) inOrder.set(line.productId, (inOrder.get(line.productId) ?? 0) + line.quantity);
  const items = order?.items ?? 0;

  return (
    <section className="kiosk-shop" data-testid="kiosk-shop">
      <ScreenTitle>{t('a11y.kioskShop')}</ScreenTitle>
      <nav className="kiosk-categories" aria-label={t('kiosk.shop.categories')}>
        {categories.map((c) => (
          <button
            key={c.id}
            type="button"
            className={`kiosk-category cat-${c.picture}`}
            aria-pressed={c.id === category?.id}
            data-testid="kiosk-category"
            onClick={() => onCategory(c.id)}
          >
            <CategoryIcon picture={c.picture} />
            <span>{en && c.nameEn ? c.nameEn : c.name}</span>
          </button>
        ))}
      </nav>
      <div className="kiosk-products" data-testid="kiosk-products">
        {category?.products.map((p) => {
          const name = en && p.nameEn ? p.nameEn : p.name;
          const count = inOrder.get(p.id) ?? 0;
          return (
            <button
              key={p.id}
              type="button"
              className={`kiosk-product${count ? ' chosen' : ''}`}
              data-testid="kiosk-product"
              data-product-id={p.id}
              onClick={() => onAdd(p.id)}
            >
              <ProductArt picture={p.picture} name={name} className="kiosk-product-art" decorative />
              {count > 0 && (
                <>
                  <span className="kiosk-product-count" data-testid="kiosk-product-count" aria-hidden="true">
                    {count}
                  </span>
                  <span className="visually-hidden">{t('kiosk.shop.inOrder', { count })}</span>
                </>
              )}
              <span className="kiosk-product-name">{name}</span>
              <span className="kiosk-product-foot">
                <span className="kiosk-product-price">{money(p.price, currency)}</span>
                <span className="kiosk-product-plus" aria-hidden="true">
                  +
                </span>
              </span>
            </button>
          );
        })}
      </div>
      <footer className={`kiosk-orderbar${items ? '' : ' empty'}`}>
        <div className="kiosk-orderbar-summary">
          <span className="kiosk-orderbar-items" data-testid="kiosk-order-items">
            {items ? t('kiosk.shop.items', { count: items }) : t('kiosk.shop.empty')}
          </span>
          <strong className="kiosk-orderbar-total" data-testid="kiosk-order-total">
            {money(order?.total ?? 0, currency)}
          </strong>
        </div>
        <button type="button" className="kiosk-primary" data-testid="kiosk-review" disabled={!items} onClick={onReview}>
          {t('kiosk.shop.checkout')} →
        </button>
      </footer>
    </section>
  );
}

import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KioskCategory, KioskOrder, KioskProduct } from '../../../src-common/calls/kiosk';
import { ScreenTitle } from '../../components/ScreenTitle';
import { money } from '../../format';
import { CategoryBadge, CategoryIcon } from './art';
import { SearchPad } from './SearchPad';

/**
 * Categories as large tabs, the chosen one's products as name-first cards (best sellers first), a search by name or
 * pinyin initials with its own touch keyboard, the prompt to scan a barcode instead, and the order bar at the bottom.
 */
export function Shop({
  categories,
  categoryId,
  order,
  currency,
  onCategory,
  onAdd,
  onSearch,
  onReview,
}: {
  categories: readonly KioskCategory[];
  categoryId: string | null;
  order: KioskOrder | null;
  currency: string;
  onCategory: (id: string) => void;
  onAdd: (productId: string) => void;
  /** The products matching what the customer typed; null when the terminal could not answer. */
  onSearch: (query: string) => Promise<KioskProduct[] | null>;
  onReview: () => void;
}) {
  const { t, i18n } = useTranslation();
  const en = i18n.language === 'en';
  const category = categories.find((c) => c.id === categoryId) ?? categories[0];
  const inOrder = new Map<string, number>();
  for (const line of order?.lines ?? []) inOrder.set(line.productId, (inOrder.get(line.productId) ?? 0) + line.quantity);
  const items = order?.items ?? 0;
  const search = useSearch(onSearch);

  const card = (p: KioskProduct) => {
    const name = en && p.nameEn ? p.nameEn : p.name;
    const count = inOrder.get(p.id) ?? 0;
    return (
      <button
        key={p.id}
        type="button"
        className={`kiosk-product cat-${p.picture}${count ? ' chosen' : ''}`}
        data-testid="kiosk-product"
        data-product-id={p.id}
        onClick={() => onAdd(p.id)}
      >
        <span className="kiosk-product-name" data-testid="kiosk-product-name">
          {name}
        </span>
        {count > 0 && (
          <>
            <span className="kiosk-product-count" data-testid="kiosk-product-count" aria-hidden="true">
              {count}
            </span>
            <span className="visually-hidden">{t('kiosk.shop.inOrder', { count })}</span>
          </>
        )}
        <span className="kiosk-product-foot">
          <CategoryBadge picture={p.picture} className="kiosk-product-badge" />
          <span className="kiosk-product-price">{money(p.price, currency)}</span>
          <span className="kiosk-product-plus" aria-hidden="true">
            +
          </span>
        </span>
      </button>
    );
  };

  return (
    <section className="kiosk-shop" data-testid="kiosk-shop">
      <ScreenTitle>{t('a11y.kioskShop')}</ScreenTitle>
      <div className="kiosk-finders">
        <label className={`kiosk-search${search.open ? ' open' : ''}`}>
          <svg className="kiosk-search-icon" viewBox="0 0 24 24" aria-hidden="true">
            <circle cx="10.5" cy="10.5" r="6.5" fill="none" stroke="currentColor" strokeWidth="2.6" />
            <path d="M15.5 15.5 21 21" stroke="currentColor" strokeWidth="2.6" strokeLinecap="round" />
          </svg>
          <span className="kiosk-visually-hidden">{t('kiosk.search.label')}</span>
          <input
            type="search"
            inputMode="none"
            autoComplete="off"
            spellCheck={false}
            data-testid="kiosk-search"
            placeholder={t('kiosk.search.placeholder')}
            value={search.query}
            onFocus={() => search.setOpen(true)}
            onChange={(e) => search.setQuery(e.target.value)}
          />
        </label>
        <div className="kiosk-scan-prompt" data-testid="kiosk-scan-prompt">
          <svg className="kiosk-scan-icon" viewBox="0 0 48 32" aria-hidden="true">
            {[2, 7, 10, 15, 20, 23, 28, 31, 36, 41, 44].map((x, i) => (
              <rect key={x} x={x} y="2" width={i % 3 === 0 ? 3 : 1.6} height="28" fill="currentColor" />
            ))}
          </svg>
          <span>
            <strong>{t('kiosk.search.scanTitle')}</strong>
            <small>{t('kiosk.search.scanBody')}</small>
          </span>
        </div>
      </div>
      {search.open ? (
        <div className="kiosk-search-results" data-testid="kiosk-search-results" aria-live="polite">
          {search.query.trim() === '' ? (
            <p className="kiosk-search-hint">{t('kiosk.search.hint')}</p>
          ) : search.results === null ? (
            <p className="kiosk-search-hint">{t('kiosk.error')}</p>
          ) : search.results.length === 0 && !search.pending ? (
            <p className="kiosk-search-hint" data-testid="kiosk-search-none">
              {t('kiosk.search.none', { query: search.query.trim() })}
            </p>
          ) : (
            <div className="kiosk-products">{search.results.map(card)}</div>
          )}
        </div>
      ) : (
        <>
          <nav className="kiosk-categories" data-testid="kiosk-categories" aria-label={t('kiosk.shop.categories')}>
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
            {category?.products.map(card)}
          </div>
        </>
      )}
      {search.open && (
        <SearchPad
          onKey={(letter) => search.setQuery((q) => q + letter)}
          onDelete={() => search.setQuery((q) => Array.from(q).slice(0, -1).join(''))}
          onClear={() => search.setQuery('')}
          onDone={search.close}
        />
      )}
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

/** What was typed and what matches it: each change asks the terminal, and only the answer to the latest is shown. */
function useSearch(onSearch: (query: string) => Promise<KioskProduct[] | null>) {
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');
  const [answer, setAnswer] = useState<{ text: string; products: KioskProduct[] | null }>({ text: '', products: [] });
  const latest = useRef(0);
  const text = query.trim().slice(0, 40);
  useEffect(() => {
    const asked = ++latest.current;
    if (text === '') return;
    void onSearch(text).then((products) => {
      if (asked === latest.current) setAnswer({ text, products });
    });
  }, [text, onSearch]);
  const close = () => {
    setOpen(false);
    setQuery('');
  };
  const pending = text !== '' && answer.text !== text;
  return { open, setOpen, query, setQuery, results: text === '' ? [] : answer.products, pending, close };
}

/**
 * One product's price and switch in each store the account may change: a store's own price (or the chain's, when
 * cleared) and whether its tills sell it. The server checks the store again.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MoneyError, formatMoney, parseMoney } from '../../../../src-common/money';
import type { CatalogProduct } from '../../../../src-common/office/catalog';
import { money } from '../../../format';
import { officeApi, type OfficeApiError } from '../../api';
import { asApiError, ErrorState } from '../../ui';

interface Props {
  product: CatalogProduct;
  /** The stores of the product the account may change, with their names. */
  stores: readonly { storeId: string; name: string }[];
  onSaved: () => void;
  onClose: () => void;
}

export function StorePrices({ product, stores, onSaved, onClose }: Props) {
  const { t } = useTranslation();
  return (
    <section className="catalog-panel" data-testid="catalog-store-prices" aria-label={t('officeCatalog.storePrices.title', { name: product.name })}>
      <h2>{t('officeCatalog.storePrices.title', { name: product.name })}</h2>
      <p className="office-note">{t('officeCatalog.storePrices.note', { price: money(product.chainPrice, 'CNY') })}</p>
      {stores.map((s) => {
        const row = product.stores.find((x) => x.storeId === s.storeId);
        return row ? <StoreRow key={s.storeId} productId={product.id} storeId={s.storeId} storeName={s.name} row={row} onSaved={onSaved} /> : null;
      })}
      <div className="catalog-actions">
        <button type="button" onClick={onClose} data-testid="catalog-store-prices-close">
          {t('officeCatalog.close')}
        </button>
      </div>
    </section>
  );
}

function StoreRow({ productId, storeId, storeName, row, onSaved }: { productId: string; storeId: string; storeName: string; row: CatalogProduct['stores'][number]; onSaved: () => void }) {
  const { t } = useTranslation();
  const [price, setPrice] = useState(row.overridePrice === null ? '' : formatMoney(row.overridePrice, 'CNY', { symbol: false }));
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<OfficeApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (work: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
      onSaved();
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };
  const savePrice = () => {
    setProblem(null);
    let fen: number;
    try {
      fen = parseMoney(price, 'CNY');
    } catch (e) {
      if (e instanceof MoneyError) return setProblem(t('officeCatalog.editor.badPrice'));
      throw e;
    }
    void run(() => officeApi.put(`/catalog/stores/${storeId}/products/${productId}/price`, { price: fen }));
  };

  return (
    <form
      className="catalog-store-row"
      data-testid="catalog-store-row"
      data-store={storeId}
      onSubmit={(e) => {
        e.preventDefault();
        savePrice();
      }}
    >
      <strong>{storeName}</strong>
      <span>
        {t('officeCatalog.storePrices.now', { price: money(row.price, 'CNY') })}
        {row.overridePrice !== null && <span className="catalog-badge own">{t('officeCatalog.ownPrice')}</span>}
      </span>
      <label>
        {t('officeCatalog.storePrices.ownPrice')}
        <input data-testid="catalog-store-price" value={price} inputMode="decimal" placeholder={formatMoney(row.price, 'CNY', { symbol: false })} onChange={(e) => setPrice(e.target.value)} />
      </label>
      <button type="submit" className="primary" disabled={busy || !price.trim()} data-testid="catalog-store-price-save">
        {t('officeCatalog.storePrices.save')}
      </button>
      <button
        type="button"
        disabled={busy || row.overridePrice === null}
        data-testid="catalog-store-price-clear"
        onClick={() => {
          setPrice('');
          void run(() => officeApi.put(`/catalog/stores/${storeId}/products/${productId}/price`, { price: null }));
        }}
      >
        {t('officeCatalog.storePrices.followChain')}
      </button>
      <label className="catalog-check">
        <input
          type="checkbox"
          data-testid="catalog-store-active"
          checked={row.storeActive}
          disabled={busy}
          onChange={(e) => {
            const active = e.target.checked;
            void run(() => officeApi.put(`/catalog/stores/${storeId}/products/${productId}/active`, { active }));
          }}
        />
        {t('officeCatalog.storePrices.sells')}
      </label>
      {problem && (
        <p className="office-error" role="alert">
          {problem}
        </p>
      )}
      {error && <ErrorState error={error} />}
    </form>
  );
}

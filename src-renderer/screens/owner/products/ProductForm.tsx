import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CategoryView, ProductInput } from '../../../../src-common/calls/catalog';
import type { ApiError } from '../../../../src-common/errors';
import { formatMoney } from '../../../../src-common/money';
import type { Product, TaxRateSetting } from '../../../../src-common/schemas';
import { usePos } from '../../../api/context';
import { Dialog } from '../../../components/Dialog';
import { parseAmount } from '../owner-ui';
import { percentText, productReasonText } from './text';

/** Rates offered when the technician has not set the shop's: China's VAT rates. */
const COMMON_RATES: readonly TaxRateSetting[] = [0, 100, 300, 600, 900, 1300].map((rateBp) => ({ name: '', rateBp }));

/**
 * Add or edit one product: names, SKU, price in yuan, tax rate, each or by weight (with a PLU), category (picked
 * or made here), and its barcodes. Main checks and canonicalises the barcodes and names the product that holds one.
 */
export function ProductForm({
  product,
  categories,
  currency,
  taxRates,
  onSaved,
  onCategoryAdded,
  onClose,
  onError,
}: {
  product: Product | null;
  categories: readonly CategoryView[];
  currency: string;
  taxRates: readonly TaxRateSetting[];
  onSaved: (product: Product) => void;
  onCategoryAdded: (category: CategoryView) => void;
  onClose: () => void;
  onError: (error: ApiError, text?: string) => void;
}) {
  const { t } = useTranslation();
  const pos = usePos();
  const [name, setName] = useState(product?.name ?? '');
  const [nameEn, setNameEn] = useState(product?.nameEn ?? '');
  const [sku, setSku] = useState(product?.sku ?? '');
  const [price, setPrice] = useState(product ? formatMoney(product.price, currency, { symbol: false }) : '');
  const rates = taxRates.length ? taxRates : COMMON_RATES;
  const [taxRateBp, setTaxRateBp] = useState(product?.taxRateBp ?? rates.find((r) => r.rateBp === 1300)?.rateBp ?? rates[0]!.rateBp);
  const [unit, setUnit] = useState<'each' | 'kg'>(product?.unit ?? 'each');
  const [plu, setPlu] = useState(product?.plu ?? '');
  const [categoryId, setCategoryId] = useState<string | null>(product?.categoryId ?? null);
  const [newCategory, setNewCategory] = useState('');
  const [barcodes, setBarcodes] = useState<string[]>(product?.barcodes.length ? product.barcodes : ['']);
  const [busy, setBusy] = useState(false);

  const priceFen = parseAmount(price, currency);
  const priceOk = priceFen !== null && priceFen >= 0;

  const addCategory = async () => {
    const r = await pos.call('catalog.addCategory', { name: newCategory });
    if (!r.ok) return onError(r.error, productReasonText(t, r.error));
    onCategoryAdded(r.value);
    setCategoryId(r.value.id);
    setNewCategory('');
  };

  const save = async () => {
    if (!priceOk) return;
    const input: ProductInput = {
      sku: sku.trim(),
      name: name.trim(),
      nameEn: nameEn.trim() || null,
      price: priceFen,
      taxRateBp,
      unit,
      plu: unit === 'kg' && plu.trim() ? plu.trim() : null,
      categoryId,
      barcodes: barcodes.map((b) => b.trim()).filter(Boolean),
    };
    setBusy(true);
    const r = await pos.call('catalog.save', product ? { productId: product.id, product: input } : { product: input });
    setBusy(false);
    if (!r.ok) return onError(r.error, productReasonText(t, r.error));
    onSaved(r.value);
  };

  return (
    <Dialog title={product ? t('products.form.editTitle', { name: product.name }) : t('products.form.addTitle')} onClose={onClose} testId="product-form" wide>
      <form
        className="product-form"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <label>
          {t('products.form.name')}
          <input data-testid="product-name" value={name} required maxLength={100} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          {t('products.form.nameEn')}
          <input data-testid="product-name-en" value={nameEn} maxLength={100} onChange={(e) => setNameEn(e.target.value)} />
        </label>
        <label>
          {t('products.form.sku')}
          <input data-testid="product-sku" value={sku} required maxLength={64} onChange={(e) => setSku(e.target.value)} />
        </label>
        <label>
          {t('products.form.price')}
          <input
            data-testid="product-price"
            inputMode="decimal"
            value={price}
            required
            aria-invalid={price !== '' && !priceOk}
            onChange={(e) => setPrice(e.target.value)}
          />
          {price !== '' && !priceOk && <span className="bad">{t('products.form.badPrice')}</span>}
        </label>
        <label>
          {t('products.form.taxRate')}
          <select data-testid="product-tax-rate" value={taxRateBp} onChange={(e) => setTaxRateBp(Number(e.target.value))}>
            {rates.map((r) => (
              <option key={r.rateBp} value={r.rateBp}>
                {r.name ? `${r.name} ${percentText(r.rateBp)}` : percentText(r.rateBp)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('products.form.unit')}
          <select data-testid="product-unit" value={unit} onChange={(e) => setUnit(e.target.value as 'each' | 'kg')}>
            <option value="each">{t('products.unit.each')}</option>
            <option value="kg">{t('products.unit.kg')}</option>
          </select>
        </label>
        <label title={t('products.form.pluHint')}>
          {t('products.form.plu')}
          <input
            data-testid="product-plu"
            inputMode="numeric"
            pattern="\d{1,5}"
            value={unit === 'kg' ? plu : ''}
            disabled={unit !== 'kg'}
            onChange={(e) => setPlu(e.target.value)}
          />
        </label>
        <label>
          {t('products.form.category')}
          <select data-testid="product-category" value={categoryId ?? ''} onChange={(e) => setCategoryId(e.target.value || null)}>
            <option value="">{t('products.noCategory')}</option>
            {categories.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <div className="product-form-new-category">
          <input
            data-testid="product-new-category"
            aria-label={t('products.form.newCategoryName')}
            placeholder={t('products.form.newCategoryName')}
            value={newCategory}
            maxLength={40}
            onChange={(e) => setNewCategory(e.target.value)}
          />
          <button type="button" data-testid="product-add-category" disabled={!newCategory.trim()} onClick={() => void addCategory()}>
            {t('products.form.newCategory')}
          </button>
        </div>
        <fieldset className="product-form-barcodes">
          <legend>{t('products.form.barcodes')}</legend>
          {barcodes.map((code, i) => (
            <div key={i} className="row">
              <input
                data-testid="product-barcode"
                inputMode="numeric"
                aria-label={`${t('products.form.barcodes')} ${i + 1}`}
                value={code}
                onChange={(e) => setBarcodes((list) => list.map((b, j) => (j === i ? e.target.value : b)))}
              />
              <button
                type="button"
                aria-label={t('products.form.removeBarcode', { code })}
                onClick={() => setBarcodes((list) => (list.length > 1 ? list.filter((_, j) => j !== i) : ['']))}
              >
                ×
              </button>
            </div>
          ))}
          <button type="button" data-testid="product-add-barcode" onClick={() => setBarcodes((list) => [...list, ''])}>
            {t('products.form.addBarcode')}
          </button>
        </fieldset>
        <div className="dialog-buttons">
          <button type="button" data-testid="product-cancel" onClick={onClose}>
            {t('products.form.cancel')}
          </button>
          <button type="submit" className="primary" data-testid="product-save" disabled={busy || !priceOk || !name.trim() || !sku.trim()}>
            {t('products.form.save')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** The owner's form for one chain product (new or existing): every store gets it; a store's own price stays. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MoneyError, formatMoney, parseMoney } from '../../../../src-common/money';
import { SavedProduct, type CatalogCategory, type CatalogProduct, type ChainProductInput } from '../../../../src-common/office/catalog';
import { officeApi, type OfficeApiError } from '../../api';
import { asApiError, ErrorState } from '../../ui';

/** Common VAT rates in China (basis points); a product already on another rate keeps it as an extra choice. */
export const TAX_RATES_BP = [0, 100, 300, 500, 600, 900, 1300];

export function formatRate(bp: number): string {
  return `${bp / 100}%`;
}

interface Props {
  product: CatalogProduct | null;
  categories: readonly CatalogCategory[];
  onSaved: () => void;
  onCancel: () => void;
}

export function ProductEditor({ product, categories, onSaved, onCancel }: Props) {
  const { t } = useTranslation();
  const [sku, setSku] = useState(product?.sku ?? '');
  const [name, setName] = useState(product?.name ?? '');
  const [nameEn, setNameEn] = useState(product?.nameEn ?? '');
  const [price, setPrice] = useState(product ? formatMoney(product.chainPrice, 'CNY', { symbol: false }) : '');
  const [taxRateBp, setTaxRateBp] = useState(product?.taxRateBp ?? 1300);
  const [unit, setUnit] = useState<'each' | 'kg'>(product?.unit ?? 'each');
  const [categoryId, setCategoryId] = useState(product?.categoryId ?? '');
  const [plu, setPlu] = useState(product?.plu ?? '');
  const [barcodes, setBarcodes] = useState(product?.barcodes.join(' ') ?? '');
  const [active, setActive] = useState(product?.chainActive ?? true);
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<OfficeApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const rates = TAX_RATES_BP.includes(taxRateBp) ? TAX_RATES_BP : [...TAX_RATES_BP, taxRateBp].sort((a, b) => a - b);

  const save = async () => {
    setProblem(null);
    setError(null);
    let fen: number;
    try {
      fen = parseMoney(price, 'CNY');
    } catch (e) {
      if (e instanceof MoneyError) {
        setProblem(t('officeCatalog.editor.badPrice'));
        return;
      }
      throw e;
    }
    const body: ChainProductInput = {
      sku: sku.trim(),
      name: name.trim(),
      nameEn: nameEn.trim() || null,
      price: fen,
      taxRateBp,
      unit,
      categoryId: categoryId || null,
      plu: plu.trim() ? plu.trim().padStart(5, '0') : null,
      barcodes: barcodes.split(/[\s,，|]+/).filter(Boolean),
      active,
    };
    setBusy(true);
    try {
      if (product) await officeApi.put(`/catalog/products/${product.id}`, body, SavedProduct);
      else await officeApi.post('/catalog/products', body, SavedProduct);
      onSaved();
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="catalog-panel"
      data-testid="catalog-editor"
      aria-label={product ? t('officeCatalog.editor.editTitle') : t('officeCatalog.editor.newTitle')}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h2>{product ? t('officeCatalog.editor.editTitle') : t('officeCatalog.editor.newTitle')}</h2>
      <p className="office-note">{t('officeCatalog.editor.chainNote')}</p>
      <div className="catalog-fields">
        <label>
          {t('officeCatalog.field.sku')}
          <input data-testid="catalog-sku" value={sku} maxLength={64} required onChange={(e) => setSku(e.target.value)} />
        </label>
        <label>
          {t('officeCatalog.field.name')}
          <input data-testid="catalog-name" value={name} maxLength={100} required onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          {t('officeCatalog.field.nameEn')}
          <input data-testid="catalog-name-en" value={nameEn} maxLength={100} onChange={(e) => setNameEn(e.target.value)} />
        </label>
        <label>
          {t('officeCatalog.field.chainPrice')}
          <input data-testid="catalog-price" value={price} inputMode="decimal" placeholder="3.50" required onChange={(e) => setPrice(e.target.value)} />
        </label>
        <label>
          {t('officeCatalog.field.taxRate')}
          <select data-testid="catalog-tax" value={taxRateBp} onChange={(e) => setTaxRateBp(Number(e.target.value))}>
            {rates.map((bp) => (
              <option key={bp} value={bp}>
                {formatRate(bp)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('officeCatalog.field.unit')}
          <select data-testid="catalog-unit" value={unit} onChange={(e) => setUnit(e.target.value as 'each' | 'kg')}>
            <option value="each">{t('officeCatalog.unit.each')}</option>
            <option value="kg">{t('officeCatalog.unit.kg')}</option>
          </select>
        </label>
        <label>
          {t('officeCatalog.field.category')}
          <select data-testid="catalog-category" value={categoryId} onChange={(e) => setCategoryId(e.target.value)}>
            <option value="">{t('officeCatalog.noCategory')}</option>
            {categories.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('officeCatalog.field.plu')}
          <input data-testid="catalog-plu" value={plu} inputMode="numeric" maxLength={5} placeholder="00012" onChange={(e) => setPlu(e.target.value)} />
        </label>
        <label className="wide">
          {t('officeCatalog.field.barcodes')}
          <input data-testid="catalog-barcodes" value={barcodes} inputMode="numeric" placeholder="6901234567892" onChange={(e) => setBarcodes(e.target.value)} />
        </label>
        <label className="catalog-check">
          <input type="checkbox" data-testid="catalog-active" checked={active} onChange={(e) => setActive(e.target.checked)} />
          {t('officeCatalog.field.chainActive')}
        </label>
      </div>
      {problem && (
        <p className="office-error" role="alert">
          {problem}
        </p>
      )}
      {error && <ErrorState error={error} />}
      <div className="catalog-actions">
        <button type="submit" className="primary" disabled={busy} data-testid="catalog-save">
          {t('officeCatalog.editor.save')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('officeCatalog.cancel')}
        </button>
      </div>
    </form>
  );
}

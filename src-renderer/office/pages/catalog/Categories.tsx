/** The owner's chain categories: add one, rename one (every store gets it; a name in use is refused by the server). */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SavedCategory, type CatalogCategory } from '../../../../src-common/office/catalog';
import { officeApi, type OfficeApiError } from '../../api';
import { asApiError, ErrorState } from '../../ui';

export function Categories({ categories, onSaved, onClose }: { categories: readonly CatalogCategory[]; onSaved: () => void; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <section className="catalog-panel" data-testid="catalog-categories" aria-label={t('officeCatalog.categories')}>
      <h2>{t('officeCatalog.categories')}</h2>
      {categories.length === 0 && <p className="office-note">{t('officeCatalog.noCategories')}</p>}
      {categories.map((c) => (
        <CategoryRow key={c.id} category={c} onSaved={onSaved} />
      ))}
      <CategoryRow category={null} onSaved={onSaved} />
      <div className="catalog-actions">
        <button type="button" onClick={onClose}>
          {t('officeCatalog.close')}
        </button>
      </div>
    </section>
  );
}

function CategoryRow({ category, onSaved }: { category: CatalogCategory | null; onSaved: () => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState(category?.name ?? '');
  const [error, setError] = useState<OfficeApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const unchanged = category !== null && name.trim() === category.name;
  return (
    <form
      className="office-inline-form"
      data-testid={category ? 'catalog-category-row' : 'catalog-category-form'}
      onSubmit={(e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        const body = { name: name.trim(), sort: category?.sort ?? 0 };
        const saving = category ? officeApi.put(`/catalog/categories/${category.id}`, body, SavedCategory) : officeApi.post('/catalog/categories', body, SavedCategory);
        saving.then(
          () => {
            if (!category) setName('');
            setBusy(false);
            onSaved();
          },
          (err: unknown) => {
            setError(asApiError(err));
            setBusy(false);
          },
        );
      }}
    >
      <label>
        {category ? t('officeCatalog.categoryName') : t('officeCatalog.newCategoryName')}
        <input data-testid="catalog-category-name" value={name} maxLength={40} onChange={(e) => setName(e.target.value)} />
      </label>
      <button type="submit" className={category ? '' : 'primary'} disabled={busy || !name.trim() || unchanged} data-testid="catalog-category-save">
        {category ? t('officeCatalog.rename') : t('officeCatalog.addCategory')}
      </button>
      {error && <ErrorState error={error} />}
    </form>
  );
}

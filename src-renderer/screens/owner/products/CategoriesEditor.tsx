import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CategoryView } from '../../../../src-common/calls/catalog';
import type { ApiError } from '../../../../src-common/errors';
import { usePos } from '../../../api/context';
import { Dialog } from '../../../components/Dialog';
import { productReasonText } from './text';

/** Add, rename and reorder the shelf categories (the order the cashier's product grid shows them in). */
export function CategoriesEditor({
  categories,
  onChanged,
  onClose,
  onError,
}: {
  categories: readonly CategoryView[];
  onChanged: () => void;
  onClose: () => void;
  onError: (error: ApiError, text?: string) => void;
}) {
  const { t } = useTranslation();
  const pos = usePos();
  const [name, setName] = useState('');
  const [names, setNames] = useState<Record<string, string>>({});

  const done = (r: { ok: true } | { ok: false; error: ApiError }) => {
    if (!r.ok) return onError(r.error, productReasonText(t, r.error));
    onChanged();
  };

  const move = (index: number, by: -1 | 1) => {
    const ids = categories.map((c) => c.id);
    const [id] = ids.splice(index, 1);
    ids.splice(index + by, 0, id!);
    void pos.call('catalog.reorderCategories', { categoryIds: ids }).then(done);
  };

  return (
    <Dialog title={t('products.cats.title')} onClose={onClose} testId="categories-editor" wide>
      <form
        className="owner-form inline"
        onSubmit={(e) => {
          e.preventDefault();
          void pos.call('catalog.addCategory', { name }).then((r) => {
            done(r);
            if (r.ok) setName('');
          });
        }}
      >
        <input data-testid="category-new-name" aria-label={t('products.form.newCategoryName')} placeholder={t('products.form.newCategoryName')} value={name} maxLength={40} onChange={(e) => setName(e.target.value)} />
        <button type="submit" className="primary" data-testid="category-add" disabled={!name.trim()}>
          {t('products.cats.add')}
        </button>
      </form>
      <ol className="category-list">
        {categories.map((c, i) => (
          <li key={c.id} data-testid="category-row" data-category={c.name}>
            <input aria-label={c.name} value={names[c.id] ?? c.name} maxLength={40} onChange={(e) => setNames((n) => ({ ...n, [c.id]: e.target.value }))} />
            <button
              type="button"
              disabled={!(names[c.id] ?? '').trim() || names[c.id] === c.name}
              onClick={() => void pos.call('catalog.renameCategory', { categoryId: c.id, name: names[c.id]! }).then(done)}
            >
              {t('products.cats.rename')}
            </button>
            <button type="button" aria-label={t('products.cats.up', { name: c.name })} disabled={i === 0} onClick={() => move(i, -1)}>
              ↑
            </button>
            <button type="button" aria-label={t('products.cats.down', { name: c.name })} disabled={i === categories.length - 1} onClick={() => move(i, 1)}>
              ↓
            </button>
            <span className="muted">{t('products.cats.count', { count: c.products })}</span>
          </li>
        ))}
      </ol>
      <div className="dialog-buttons">
        <button type="button" onClick={onClose}>
          {t('products.cats.close')}
        </button>
      </div>
    </Dialog>
  );
}

import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { CategoryView } from '../../../src-common/calls/catalog';
import type { PromotionInput, PromotionRuleInput, PromotionView } from '../../../src-common/calls/promotions';
import type { Product } from '../../../src-common/schemas';
import { usePos } from '../../api/context';
import { useSyncStatus } from '../../components/SyncChip';
import { money } from '../../format';
import type { PanelProps } from '../panel';
import { parseAmount, reasonText } from './owner-ui';

type Kind = PromotionRuleInput['kind'] | 'member_price';
const KINDS: readonly Kind[] = ['spend_save', 'nth_item', 'special', 'bundle', 'member_price'];

interface Form {
  id?: string;
  name: string;
  kind: Kind;
  product: string;
  products: string;
  price: string;
  nth: string;
  percentOff: string;
  threshold: string;
  saving: string;
  repeating: boolean;
  /** A 满减 on one category's goods ('' = the whole order). */
  categoryId: string;
  startDate: string;
  endDate: string;
  active: boolean;
}

const EMPTY: Form = { name: '', kind: 'spend_save', product: '', products: '', price: '', nth: '2', percentOff: '50', threshold: '', saving: '', repeating: false, categoryId: '', startDate: '', endDate: '', active: true };
const yuan = (fen: number) => (fen / 100).toFixed(2);

/** A promotion's rule in words, with its products by name where the screen knows them. */
function ruleText(t: TFunction, rule: PromotionRuleInput, names: ReadonlyMap<string, string>, currency: string, categories: readonly CategoryView[]): string {
  const m = (fen: number) => money(fen, currency);
  const name = (id: string) => names.get(id) ?? id;
  switch (rule.kind) {
    case 'special':
      return t('promotions.rules.special', { product: name(rule.productId), price: m(rule.price) });
    case 'nth_item':
      return rule.discount.kind === 'percent_off'
        ? t('promotions.rules.nth_item', { product: name(rule.productId), nth: rule.nth, percent: rule.discount.basisPoints / 100 })
        : t('promotions.rules.nth_item_price', { product: name(rule.productId), nth: rule.nth, price: m(rule.discount.price) });
    case 'bundle':
      return t('promotions.rules.bundle', { products: rule.items.map((i) => `${name(i.productId)}×${i.quantity}`).join(' + '), price: m(rule.price) });
    case 'spend_save': {
      const text = t(rule.repeating ? 'promotions.rules.spend_save_repeating' : 'promotions.rules.spend_save', { threshold: m(rule.threshold), saving: m(rule.saving) });
      if (rule.categoryId === null) return text;
      const category = categories.find((c) => c.id === rule.categoryId)?.name ?? rule.categoryId;
      return t('promotions.rules.in_category', { category, rule: text });
    }
  }
}

/**
 * The owner's promotions: 满减 (on the order or one category), 第N件, specials, bundles, and member prices per product.
 * While the till is enrolled with a store server they are the server's: the list stays, the editors go (main refuses
 * them too).
 */
export function PromotionsPanel({ settings, onError, onOk }: PanelProps) {
  const { t } = useTranslation();
  const pos = usePos();
  const sync = useSyncStatus();
  const managed = sync !== null && sync.state !== 'not_enrolled';
  const [categories, setCategories] = useState<CategoryView[]>([]);
  const currency = settings.currency;
  const [list, setList] = useState<PromotionView[]>([]);
  const [memberPrices, setMemberPrices] = useState<{ productId: string; sku: string; name: string; price: number; memberPrice: number }[]>([]);
  const [names, setNames] = useState<ReadonlyMap<string, string>>(new Map());
  const [form, setForm] = useState<Form>(EMPTY);
  const [message, setMessage] = useState<{ key: string; code?: string } | null>(null);

  const [version, setVersion] = useState(0);
  const load = () => setVersion((v) => v + 1);
  useEffect(() => {
    let live = true;
    void Promise.all([pos.call('promotions.list', {}), pos.call('promotions.memberPrices', {})]).then(([promotions, prices]) => {
      if (!live) return;
      if (!promotions.ok) return onError(promotions.error);
      if (!prices.ok) return onError(prices.error);
      setList(promotions.value);
      setNames((n) => new Map([...n, ...promotions.value.flatMap((p) => p.products.map((x) => [x.id, x.name] as const))]));
      setMemberPrices(prices.value);
    });
    return () => {
      live = false;
    };
  }, [pos, onError, version]);
  useEffect(() => {
    void pos.call('catalog.categories', {}).then((r) => r.ok && setCategories(r.value));
  }, [pos]);

  /** A product by what the owner typed: its barcode, SKU or name, the first match. */
  const findProduct = async (code: string): Promise<Product | null> => {
    const r = await pos.call('catalog.search', { query: code.trim(), limit: 5 });
    if (!r.ok) return null;
    const exact = r.value.find((p) => p.sku === code.trim() || p.barcodes.includes(code.trim()));
    return exact ?? r.value[0] ?? null;
  };

  const set = <K extends keyof Form>(key: K, value: Form[K]) => setForm((f) => ({ ...f, [key]: value }));

  const save = async () => {
    setMessage(null);
    const amount = (text: string) => parseAmount(text, currency);
    const products = async (codes: string[]) => {
      const found: Product[] = [];
      for (const code of codes) {
        const p = await findProduct(code);
        if (!p) {
          setMessage({ key: 'promotions.form.notFound', code });
          return null;
        }
        found.push(p);
      }
      setNames((n) => new Map([...n, ...found.map((p) => [p.id, p.name] as const)]));
      return found;
    };
    const bad = () => setMessage({ key: 'promotions.form.badAmount' });

    if (form.kind === 'member_price') {
      const [product] = (await products([form.product])) ?? [];
      const price = amount(form.price);
      if (!product) return;
      if (price === null) return bad();
      const r = await pos.call('promotions.setMemberPrice', { productId: product.id, memberPrice: price });
      if (!r.ok) return onError(r.error, reasonText(t, r.error));
      setMemberPrices(r.value);
      setForm(EMPTY);
      setMessage({ key: 'promotions.form.saved' });
      return onOk();
    }

    let rule: PromotionRuleInput;
    if (form.kind === 'spend_save') {
      const threshold = amount(form.threshold);
      const saving = amount(form.saving);
      if (threshold === null || saving === null) return bad();
      rule = { kind: 'spend_save', threshold, saving, repeating: form.repeating, categoryId: form.categoryId || null };
    } else if (form.kind === 'bundle') {
      const found = await products(form.products.split(/[,，\s]+/).filter(Boolean));
      const price = amount(form.price);
      if (!found) return;
      if (price === null) return bad();
      const counts = new Map<string, number>();
      for (const p of found) counts.set(p.id, (counts.get(p.id) ?? 0) + 1);
      rule = { kind: 'bundle', items: [...counts].map(([productId, quantity]) => ({ productId, quantity })), price };
    } else {
      const [product] = (await products([form.product])) ?? [];
      if (!product) return;
      if (form.kind === 'special') {
        const price = amount(form.price);
        if (price === null) return bad();
        rule = { kind: 'special', productId: product.id, price };
      } else {
        const percent = Number(form.percentOff);
        if (!Number.isFinite(percent) || percent <= 0 || percent > 100) return bad();
        rule = { kind: 'nth_item', productId: product.id, nth: Number(form.nth), discount: { kind: 'percent_off', basisPoints: Math.round(percent * 100) } };
      }
    }
    const input: PromotionInput = {
      ...(form.id ? { id: form.id } : {}),
      name: form.name,
      active: form.active,
      startDate: form.startDate || null,
      endDate: form.endDate || null,
      rule,
    };
    const r = await pos.call('promotions.save', input);
    if (!r.ok) return onError(r.error, reasonText(t, r.error));
    setForm(EMPTY);
    setMessage({ key: 'promotions.form.saved' });
    onOk();
    load();
  };

  const edit = (p: PromotionView) => {
    const rule = p.rule;
    const base = { ...EMPTY, id: p.id, name: p.name, kind: rule.kind, startDate: p.startDate ?? '', endDate: p.endDate ?? '', active: p.active };
    if (rule.kind === 'spend_save') setForm({ ...base, threshold: yuan(rule.threshold), saving: yuan(rule.saving), repeating: rule.repeating, categoryId: rule.categoryId ?? '' });
    else if (rule.kind === 'special') setForm({ ...base, product: rule.productId, price: yuan(rule.price) });
    else if (rule.kind === 'nth_item') setForm({ ...base, product: rule.productId, nth: String(rule.nth), percentOff: rule.discount.kind === 'percent_off' ? String(rule.discount.basisPoints / 100) : '' });
    else setForm({ ...base, products: rule.items.flatMap((i) => Array<string>(i.quantity).fill(i.productId)).join(', '), price: yuan(rule.price) });
  };

  const end = async (id: string) => {
    const r = await pos.call('promotions.end', { id });
    if (!r.ok) return onError(r.error, reasonText(t, r.error));
    onOk();
    load();
  };

  const clearMemberPrice = async (productId: string) => {
    const r = await pos.call('promotions.setMemberPrice', { productId, memberPrice: null });
    if (!r.ok) return onError(r.error, reasonText(t, r.error));
    setMemberPrices(r.value);
  };

  const needsProduct = form.kind === 'special' || form.kind === 'nth_item' || form.kind === 'member_price';
  return (
    <section className="panel owner-panel" data-testid="promotions-panel" data-managed={managed}>
      <h3>{t('promotions.title')}</h3>
      {managed && (
        <p className="hint" role="note" data-testid="promotions-managed">
          {t('promotions.managed')}
        </p>
      )}
      {list.length === 0 ? (
        <p className="muted">{t('promotions.list.empty')}</p>
      ) : (
        <table className="owner-table" data-testid="promotions-list">
          <thead>
            <tr>
              <th>{t('promotions.list.name')}</th>
              <th>{t('promotions.list.kind')}</th>
              <th>{t('promotions.list.rule')}</th>
              <th>{t('promotions.list.dates')}</th>
              <th>{t('promotions.list.status')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.map((p) => (
              <tr key={p.id} data-testid="promotion-row" data-kind={p.rule.kind}>
                <td>{p.name}</td>
                <td>{t(`promotions.kinds.${p.rule.kind}`)}</td>
                <td>{ruleText(t, p.rule, names, currency, categories)}</td>
                <td>{p.startDate || p.endDate ? `${p.startDate ?? '…'} – ${p.endDate ?? '…'}` : '—'}</td>
                <td data-testid="promotion-status">{!p.active ? t('promotions.list.inactive') : p.inForce ? t('promotions.list.inForce') : t('promotions.list.notInForce')}</td>
                <td>
                  {!managed && (
                    <>
                      <button type="button" onClick={() => edit(p)}>
                        {t('promotions.list.edit')}
                      </button>{' '}
                      {p.active && (
                        <button type="button" data-testid="promotion-end" onClick={() => void end(p.id)}>
                          {t('promotions.list.end')}
                        </button>
                      )}
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {!managed && (
        <>
      <h3>{form.id ? t('promotions.form.editTitle') : t('promotions.form.newTitle')}</h3>
      <form
        className="owner-form inline"
        data-testid="promotion-form"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <label>
          {t('promotions.form.kind')}
          <select data-testid="promotion-kind" value={form.kind} disabled={!!form.id} onChange={(e) => set('kind', e.target.value as Kind)}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`promotions.kinds.${k}`)}
              </option>
            ))}
          </select>
        </label>
        {form.kind !== 'member_price' && (
          <label>
            {t('promotions.form.name')}
            <input data-testid="promotion-name" required maxLength={40} value={form.name} onChange={(e) => set('name', e.target.value)} />
          </label>
        )}
        {needsProduct && (
          <label>
            {t('promotions.form.product')}
            <input data-testid="promotion-product" required value={form.product} onChange={(e) => set('product', e.target.value)} />
          </label>
        )}
        {form.kind === 'bundle' && (
          <label>
            {t('promotions.form.products')}
            <input data-testid="promotion-products" required value={form.products} onChange={(e) => set('products', e.target.value)} />
          </label>
        )}
        {(form.kind === 'special' || form.kind === 'bundle' || form.kind === 'member_price') && (
          <label>
            {t('promotions.form.price')}
            <input data-testid="promotion-price" inputMode="decimal" required value={form.price} onChange={(e) => set('price', e.target.value)} />
          </label>
        )}
        {form.kind === 'nth_item' && (
          <>
            <label>
              {t('promotions.form.nth')}
              <input data-testid="promotion-nth" type="number" min={2} max={99} required value={form.nth} onChange={(e) => set('nth', e.target.value)} />
            </label>
            <label>
              {t('promotions.form.percentOff')}
              <input data-testid="promotion-percent" inputMode="decimal" required value={form.percentOff} onChange={(e) => set('percentOff', e.target.value)} />
            </label>
          </>
        )}
        {form.kind === 'spend_save' && (
          <>
            <label>
              {t('promotions.form.threshold')}
              <input data-testid="promotion-threshold" inputMode="decimal" required value={form.threshold} onChange={(e) => set('threshold', e.target.value)} />
            </label>
            <label>
              {t('promotions.form.saving')}
              <input data-testid="promotion-saving" inputMode="decimal" required value={form.saving} onChange={(e) => set('saving', e.target.value)} />
            </label>
            <label>
              <input type="checkbox" data-testid="promotion-repeating" checked={form.repeating} onChange={(e) => set('repeating', e.target.checked)} />
              {t('promotions.form.repeating')}
            </label>
            <label>
              {t('promotions.form.category')}
              <select data-testid="promotion-category" value={form.categoryId} onChange={(e) => set('categoryId', e.target.value)}>
                <option value="">{t('promotions.form.wholeOrder')}</option>
                {categories.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            </label>
          </>
        )}
        {form.kind !== 'member_price' && (
          <>
            <label>
              {t('promotions.form.startDate')}
              <input type="date" data-testid="promotion-start" value={form.startDate} onChange={(e) => set('startDate', e.target.value)} />
            </label>
            <label>
              {t('promotions.form.endDate')}
              <input type="date" data-testid="promotion-end-date" value={form.endDate} onChange={(e) => set('endDate', e.target.value)} />
            </label>
            <label>
              <input type="checkbox" data-testid="promotion-active" checked={form.active} onChange={(e) => set('active', e.target.checked)} />
              {t('promotions.form.active')}
            </label>
          </>
        )}
        <div className="actions">
          <button type="submit" className="primary" data-testid="promotion-save">
            {t('promotions.form.save')}
          </button>
          {form.id && (
            <button type="button" onClick={() => setForm(EMPTY)}>
              {t('promotions.form.cancel')}
            </button>
          )}
        </div>
        {message && (
          <p role="status" data-testid="promotion-message">
            {t(message.key, { code: message.code })}
          </p>
        )}
      </form>
        </>
      )}

      <h3>{t('promotions.memberPrices.title')}</h3>
      {memberPrices.length === 0 ? (
        <p className="muted">{t('promotions.memberPrices.empty')}</p>
      ) : (
        <table className="owner-table" data-testid="member-prices">
          <tbody>
            {memberPrices.map((m) => (
              <tr key={m.productId}>
                <td>{m.sku}</td>
                <td>{m.name}</td>
                <td className="num">{money(m.price, currency)}</td>
                <td className="num">{money(m.memberPrice, currency)}</td>
                <td>
                  {!managed && (
                    <button type="button" onClick={() => void clearMemberPrice(m.productId)}>
                      {t('promotions.memberPrices.clear')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/**
 * Documents typed line by line: a receipt (进货入库: supplier, products with quantity and unit cost) and a transfer
 * (调拨: the other store, products with quantity). Checked here for what a person can fix at once; the server
 * checks everything again.
 */
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { costOfQuantity } from '../../../../src-common/office/stock-cost';
import { ReceiveResult, TransferResult, type StockItem } from '../../../../src-common/office/stock';
import type { OfficeStore } from '../../../../src-common/office/session';
import { money, quantity } from '../../../format';
import { officeApi } from '../../api';
import { asApiError, ErrorState, EmptyState } from '../../ui';
import type { OfficeApiError } from '../../api';
import { costOf, productLabel, quantityOf, refusalKey } from './shared';

interface Line {
  key: number;
  productId: string;
  quantity: string;
  cost: string;
}

let nextKey = 1;
const blank = (): Line => ({ key: nextKey++, productId: '', quantity: '', cost: '' });

/** The lines' state, their editor, and their check (returns the message of the first problem). */
function useLines(items: readonly StockItem[], withCost: boolean) {
  const { t } = useTranslation();
  const [lines, setLines] = useState<Line[]>([blank()]);
  const byId = new Map(items.map((i) => [i.productId, i]));
  // The levels come low first; a picker reads better by SKU.
  const choices = [...items].sort((a, b) => a.sku.localeCompare(b.sku));
  const update = (key: number, change: Partial<Line>) => setLines((ls) => ls.map((l) => (l.key === key ? { ...l, ...change } : l)));

  const check = (): { ok: true; lines: { productId: string; quantityMilli: number; unitCost: number }[] } | { ok: false; message: string } => {
    const used = lines.filter((l) => l.productId || l.quantity || l.cost);
    if (used.length === 0) return { ok: false, message: t('officeStock.error.noLines') };
    const out = [];
    for (const [i, l] of used.entries()) {
      const item = byId.get(l.productId);
      if (!item) return { ok: false, message: t('officeStock.error.noProduct', { line: i + 1 }) };
      const quantityMilli = quantityOf(l.quantity, item.unit);
      if (quantityMilli === null) return { ok: false, message: t('officeStock.error.badQuantity', { line: i + 1 }) };
      const unitCost = withCost ? costOf(l.cost) : 0;
      if (unitCost === null) return { ok: false, message: t('officeStock.error.badCost', { line: i + 1 }) };
      out.push({ productId: item.productId, quantityMilli, unitCost });
    }
    if (new Set(out.map((l) => l.productId)).size !== out.length) return { ok: false, message: t('officeStock.error.twice') };
    return { ok: true, lines: out };
  };

  const total = lines.reduce((sum, l) => {
    const item = byId.get(l.productId);
    const q = item ? quantityOf(l.quantity, item.unit) : null;
    const c = costOf(l.cost);
    return q !== null && c !== null ? sum + costOfQuantity(q, c) : sum;
  }, 0);

  const editor = (
    <table className="office-table stock-table stock-lines">
      <thead>
        <tr>
          <th scope="col">{t('officeStock.col.product')}</th>
          <th scope="col" className="num">{t('officeStock.col.level')}</th>
          <th scope="col">{t('officeStock.col.quantity')}</th>
          {withCost && <th scope="col">{t('officeStock.col.unitCost')}</th>}
          {withCost && <th scope="col" className="num">{t('officeStock.col.lineCost')}</th>}
          <th scope="col" />
        </tr>
      </thead>
      <tbody>
        {lines.map((l, i) => {
          const item = byId.get(l.productId);
          const q = item ? quantityOf(l.quantity, item.unit) : null;
          const c = costOf(l.cost);
          return (
            <tr key={l.key} data-testid="stock-doc-line">
              <td data-label={t('officeStock.col.product')}>
                <select aria-label={`${t('officeStock.col.product')} ${i + 1}`} data-testid="stock-doc-product" value={l.productId} onChange={(e) => update(l.key, { productId: e.target.value })}>
                  <option value="">{t('officeStock.receive.choose')}</option>
                  {choices.map((p) => (
                    <option key={p.productId} value={p.productId}>
                      {productLabel(p)}
                    </option>
                  ))}
                </select>
              </td>
              <td className="num" data-label={t('officeStock.col.level')}>{item ? quantity(item.stockMilli, item.unit) : ''}</td>
              <td data-label={t('officeStock.col.quantity')}>
                <input aria-label={`${t('officeStock.col.quantity')} ${i + 1}`} data-testid="stock-doc-quantity" inputMode="decimal" size={7} value={l.quantity} onChange={(e) => update(l.key, { quantity: e.target.value })} />
                {item?.unit === 'kg' && <span className="stock-unit">kg</span>}
              </td>
              {withCost && (
                <td data-label={t('officeStock.col.unitCost')}>
                  <input aria-label={`${t('officeStock.col.unitCost')} ${i + 1}`} data-testid="stock-doc-cost" inputMode="decimal" size={7} placeholder="0.00" value={l.cost} onChange={(e) => update(l.key, { cost: e.target.value })} />
                </td>
              )}
              {withCost && (
                <td className="num" data-label={t('officeStock.col.lineCost')}>
                  {q !== null && c !== null ? money(costOfQuantity(q, c), 'CNY') : ''}
                </td>
              )}
              <td>
                <button type="button" className="link" onClick={() => setLines((ls) => (ls.length === 1 ? [blank()] : ls.filter((x) => x.key !== l.key)))}>
                  {t('officeStock.receive.remove')}
                </button>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
  return { editor, check, total, add: () => setLines((ls) => [...ls, blank()]), reset: () => setLines([blank()]) };
}

/** The form's frame: the editor, an "add a line" button, the post button, and what came of it. */
function DocumentForm(props: { testId: string; onEdit: () => void; head: ReactNode; editor: ReactNode; footer?: ReactNode; onAdd: () => void; postLabel: string; busy: boolean; problem: string | OfficeApiError | null; done: string | null; onPost: () => void }) {
  const { t } = useTranslation();
  const refusal = props.problem && typeof props.problem !== 'string' ? refusalKey(props.problem) : null;
  return (
    <form
      className="stock-panel stock-doc"
      data-testid={props.testId}
      // A problem shown goes once the person changes the document.
      onChange={props.onEdit}
      onSubmit={(e) => {
        e.preventDefault();
        props.onPost();
      }}
    >
      <div className="office-inline-form">{props.head}</div>
      {props.editor}
      <div className="stock-doc-actions">
        <button type="button" onClick={props.onAdd} data-testid="stock-doc-add">
          {t('officeStock.receive.addLine')}
        </button>
        {props.footer}
        <span className="office-spacer" />
        <button type="submit" className="primary" disabled={props.busy} data-testid="stock-doc-post">
          {props.postLabel}
        </button>
      </div>
      {typeof props.problem === 'string' && (
        <p className="office-error" role="alert" data-testid="stock-doc-problem">
          {props.problem}
        </p>
      )}
      {props.problem && typeof props.problem !== 'string' && (refusal ? <p className="office-error" role="alert" data-testid="stock-doc-problem">{t(refusal)}</p> : <ErrorState error={props.problem} />)}
      {props.done && (
        <p className="stock-done" role="status" data-testid="stock-doc-done">
          {props.done}
        </p>
      )}
    </form>
  );
}

function usePosting() {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | OfficeApiError | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const run = async (work: () => Promise<string>) => {
    setBusy(true);
    setProblem(null);
    setDone(null);
    try {
      setDone(await work());
    } catch (e) {
      setProblem(asApiError(e));
    } finally {
      setBusy(false);
    }
  };
  return { busy, problem, done, setProblem, run };
}

export function ReceiveForm({ storeId, items, onPosted }: { storeId: string; items: readonly StockItem[]; onPosted: () => void }) {
  const { t } = useTranslation();
  const [supplier, setSupplier] = useState('');
  const [note, setNote] = useState('');
  const lines = useLines(items, true);
  const posting = usePosting();

  const post = () => {
    if (!supplier.trim()) return posting.setProblem(t('officeStock.error.noSupplier'));
    const checked = lines.check();
    if (!checked.ok) return posting.setProblem(checked.message);
    void posting.run(async () => {
      const result = await officeApi.post(`/stores/${storeId}/stock/receipts`, { supplier: supplier.trim(), ...(note.trim() ? { note: note.trim() } : {}), lines: checked.lines }, ReceiveResult);
      lines.reset();
      setNote('');
      onPosted();
      return t('officeStock.receive.done', { count: result.lines.length, total: money(result.totalCost, 'CNY') });
    });
  };

  return (
    <DocumentForm
      testId="stock-receive"
      onEdit={() => posting.setProblem(null)}
      head={
        <>
          <label>
            {t('officeStock.receive.supplier')}
            <input data-testid="stock-supplier" value={supplier} maxLength={100} onChange={(e) => setSupplier(e.target.value)} />
          </label>
          <label>
            {t('officeStock.receive.note')}
            <input data-testid="stock-note" value={note} maxLength={200} onChange={(e) => setNote(e.target.value)} />
          </label>
        </>
      }
      editor={lines.editor}
      footer={
        <span className="stock-doc-total" data-testid="stock-receive-total">
          {t('officeStock.receive.total', { value: money(lines.total, 'CNY') })}
        </span>
      }
      onAdd={lines.add}
      postLabel={t('officeStock.receive.post')}
      busy={posting.busy}
      problem={posting.problem}
      done={posting.done}
      onPost={post}
    />
  );
}

export function TransferForm({ storeId, items, targets, onPosted }: { storeId: string; items: readonly StockItem[]; targets: readonly OfficeStore[]; onPosted: () => void }) {
  const { t } = useTranslation();
  const [to, setTo] = useState('');
  const [note, setNote] = useState('');
  const lines = useLines(items, false);
  const posting = usePosting();
  if (targets.length === 0) {
    return (
      <EmptyState title={t('officeStock.tabs.transfer')}>
        <p data-testid="stock-transfer-none">{t('officeStock.transfer.noOther')}</p>
      </EmptyState>
    );
  }

  const post = () => {
    const target = targets.find((s) => s.storeId === to);
    if (!target) return posting.setProblem(t('officeStock.error.noStore'));
    const checked = lines.check();
    if (!checked.ok) return posting.setProblem(checked.message);
    void posting.run(async () => {
      const body = { toStoreId: to, ...(note.trim() ? { note: note.trim() } : {}), lines: checked.lines.map(({ productId, quantityMilli }) => ({ productId, quantityMilli })) };
      const result = await officeApi.post(`/stores/${storeId}/stock/transfers`, body, TransferResult);
      lines.reset();
      setNote('');
      onPosted();
      return t('officeStock.transfer.done', { count: result.lines.length, store: target.name });
    });
  };

  return (
    <DocumentForm
      testId="stock-transfer"
      onEdit={() => posting.setProblem(null)}
      head={
        <>
          <label>
            {t('officeStock.transfer.to')}
            <select data-testid="stock-transfer-to" value={to} onChange={(e) => setTo(e.target.value)}>
              <option value="">{t('officeStock.transfer.chooseStore')}</option>
              {targets.map((s) => (
                <option key={s.storeId} value={s.storeId}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('officeStock.receive.note')}
            <input value={note} maxLength={200} onChange={(e) => setNote(e.target.value)} />
          </label>
          <p className="office-note">{t('officeStock.transfer.hint')}</p>
        </>
      }
      editor={lines.editor}
      onAdd={lines.add}
      postLabel={t('officeStock.transfer.post')}
      busy={posting.busy}
      problem={posting.problem}
      done={posting.done}
      onPost={post}
    />
  );
}

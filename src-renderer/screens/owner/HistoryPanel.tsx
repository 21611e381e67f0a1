import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { HistoryRow } from '../../../src-common/calls/history';
import type { CallInput } from '../../../src-common/contract';
import { parseMoney } from '../../../src-common/money';
import { WalletKind, type PublicUser } from '../../../src-common/schemas';
import { usePos } from '../../api/context';
import { money } from '../../format';
import type { PanelProps } from '../panel';
import { SaleDrawer } from './history/SaleDrawer';
import { localTime, parseAmountFilter, reasonText, type Translate } from './history/text';
import '../../styles/history.css';

type Form = { receiptNumber: string; amount: string; wallet: string; tender: string; cashierId: string; from: string; to: string };
const EMPTY: Form = { receiptNumber: '', amount: '', wallet: '', tender: '', cashierId: '', from: '', to: '' };
const PAGE = 50;

/** The owner's sales history: search, a paged list newest first, and one sale in a drawer beside it. */
export function HistoryPanel({ user, settings, onError, onOk }: PanelProps) {
  const { t } = useTranslation();
  const tr = t as unknown as Translate;
  const pos = usePos();
  const [form, setForm] = useState<Form>(EMPTY);
  const [query, setQuery] = useState<CallInput<'history.search'>>({ limit: PAGE });
  const [rows, setRows] = useState<HistoryRow[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [cashiers, setCashiers] = useState<PublicUser[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [amountError, setAmountError] = useState(false);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    void pos.call('auth.users', {}).then((r) => (r.ok ? setCashiers(r.value) : onError(r.error, reasonText(tr, r.error))));
  }, [pos, onError, tr]);

  // The first page of the current query (again after a refund, so the list shows it).
  const firstLoad = useRef(true);
  useEffect(() => {
    let live = true;
    // The load on opening clears no error (the cashiers' list may just have reported one); a search the user ran does.
    const initial = firstLoad.current;
    firstLoad.current = false;
    void pos.call('history.search', query).then((r) => {
      if (!live) return;
      setLoaded(true);
      if (!r.ok) return onError(r.error, reasonText(tr, r.error));
      if (!initial) onOk();
      setRows(r.value.rows);
      setNextCursor(r.value.nextCursor);
    });
    return () => {
      live = false;
    };
  }, [pos, query, version, onError, onOk, tr]);

  const more = async () => {
    if (!nextCursor) return;
    const r = await pos.call('history.search', { ...query, cursor: nextCursor });
    if (!r.ok) return onError(r.error, reasonText(tr, r.error));
    setRows((current) => [...current, ...r.value.rows]);
    setNextCursor(r.value.nextCursor);
  };

  const search = () => {
    const amount = parseAmountFilter(form.amount, (s) => parseMoney(s, settings.currency));
    setAmountError(amount === null);
    if (amount === null) return;
    const wallet = WalletKind.safeParse(form.wallet);
    setQuery({
      limit: PAGE,
      ...(form.receiptNumber.trim() ? { receiptNumber: form.receiptNumber.trim() } : {}),
      ...amount,
      ...(wallet.success ? { wallet: wallet.data } : {}),
      ...(form.tender === 'cash' || form.tender === 'wallet' || form.tender === 'other' ? { tender: form.tender } : {}),
      ...(form.cashierId ? { cashierId: form.cashierId } : {}),
      ...(form.from ? { from: form.from } : {}),
      ...(form.to ? { to: form.to } : {}),
    });
  };

  const set = (field: keyof Form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [field]: e.target.value }));
  const refreshList = useCallback(() => setVersion((v) => v + 1), []);
  const closeDrawer = useCallback(() => setSelected(null), []);

  return (
    <section className="panel history" data-testid="history-panel">
      <form
        className="history-search"
        onSubmit={(e) => {
          e.preventDefault();
          search();
        }}
      >
        <label>
          {t('history.search.receiptNumber')}
          <input data-testid="history-receipt" value={form.receiptNumber} onChange={set('receiptNumber')} autoComplete="off" />
        </label>
        <label>
          {t('history.search.amount')}
          <input
            data-testid="history-amount"
            value={form.amount}
            onChange={set('amount')}
            placeholder={t('history.search.amountHint')}
            aria-invalid={amountError}
            inputMode="decimal"
            autoComplete="off"
          />
        </label>
        <label>
          {t('history.search.tender')}
          <select data-testid="history-tender" value={form.tender} onChange={set('tender')}>
            <option value="">{t('history.search.any')}</option>
            {(['cash', 'wallet', 'other'] as const).map((k) => (
              <option key={k} value={k}>
                {t(`history.search.tenders.${k}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('history.search.wallet')}
          <select data-testid="history-wallet" value={form.wallet} onChange={set('wallet')}>
            <option value="">{t('history.search.any')}</option>
            {WalletKind.options.map((w) => (
              <option key={w} value={w}>
                {t(`tenders.${w}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('history.search.cashier')}
          <select data-testid="history-cashier" value={form.cashierId} onChange={set('cashierId')}>
            <option value="">{t('history.search.any')}</option>
            {cashiers.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('history.search.from')}
          <input type="date" data-testid="history-from" value={form.from} onChange={set('from')} />
        </label>
        <label>
          {t('history.search.to')}
          <input type="date" data-testid="history-to" value={form.to} onChange={set('to')} />
        </label>
        <div className="history-search-buttons">
          <button type="submit" className="primary" data-testid="history-search">
            {t('history.search.submit')}
          </button>
          <button
            type="button"
            onClick={() => {
              setForm(EMPTY);
              setAmountError(false);
              setQuery({ limit: PAGE });
            }}
          >
            {t('history.search.reset')}
          </button>
        </div>
        {amountError && (
          <p className="history-form-error" role="alert">
            {t('history.search.badAmount')}
          </p>
        )}
      </form>

      <div className={`history-body${selected ? ' with-drawer' : ''}`}>
        <div className="history-results">
          <table className="history-table" data-testid="history-results">
            <thead>
              <tr>
                <th>{t('history.table.receipt')}</th>
                <th>{t('history.table.time')}</th>
                <th className="num">{t('history.table.total')}</th>
                <th>{t('history.table.tenders')}</th>
                <th>{t('history.table.cashier')}</th>
                <th className="num">{t('history.table.refunded')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr
                  key={row.saleId}
                  data-testid="history-row"
                  data-receipt={row.receiptNumber}
                  aria-selected={row.saleId === selected}
                  tabIndex={0}
                  onClick={() => setSelected(row.saleId)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter') setSelected(row.saleId);
                  }}
                >
                  <td>{row.receiptNumber}</td>
                  <td>{localTime(row.closedAt)}</td>
                  <td className="num">{money(row.total, row.currency)}</td>
                  <td>{row.tenders.map((k) => t(`tenders.${k}`, { defaultValue: k })).join(' + ')}</td>
                  <td>{row.cashierName ?? '—'}</td>
                  <td className="num">
                    {row.refunded > 0 ? money(row.refunded, row.currency) : ''}
                    {row.refundsPending > 0 && <span className="tag">{t('history.table.pending')}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {loaded && rows.length === 0 && (
            <p className="muted" data-testid="history-empty">
              {t('history.table.empty')}
            </p>
          )}
          <div className="history-more">
            <span className="muted">{t('history.table.shown', { count: rows.length })}</span>
            {nextCursor && (
              <button type="button" onClick={() => void more()} data-testid="history-more">
                {t('history.table.more')}
              </button>
            )}
          </div>
        </div>
        {selected && <SaleDrawer key={selected} saleId={selected} user={user} onError={onError} onClose={closeDrawer} onChanged={refreshList} />}
      </div>
    </section>
  );
}

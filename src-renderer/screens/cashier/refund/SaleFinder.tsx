import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TodaysSale, TodaysSales } from '../../../../src-common/calls/history';
import type { ApiError } from '../../../../src-common/errors';
import { usePos } from '../../../api/context';
import { money } from '../../../format';
import { lookupInput, NO_FILTERS, type SaleFilters } from './filters';

/** Waits this long after the last keystroke before asking main again. */
const TYPING_PAUSE_MS = 200;

/**
 * The find step of the refund dialog: today's sales of this terminal, newest first, narrowed as the customer
 * remembers them. A receipt number with Enter (or a receipt scanned: the dialog handles it) opens that sale
 * whatever its day; a row picked opens it from the list.
 */
export function SaleFinder({
  currency,
  filters,
  onFilters,
  onPick,
  onFindReceipt,
  onError,
}: {
  currency: string;
  filters: SaleFilters;
  onFilters: (filters: SaleFilters) => void;
  onPick: (saleId: string) => void;
  onFindReceipt: (receiptNumber: string) => void;
  onError: (error: ApiError) => void;
}) {
  const { t } = useTranslation();
  const pos = usePos();
  const [list, setList] = useState<TodaysSales | null>(null);
  const input = lookupInput(filters, currency);
  const inputKey = JSON.stringify(input);
  // Back from a sale, focus returns here (the receipt number: where a wedge scanner types, and Escape still closes).
  const receiptField = useRef<HTMLInputElement>(null);
  useEffect(() => receiptField.current?.focus(), []);
  const errorRef = useRef(onError);
  useEffect(() => {
    errorRef.current = onError;
  });

  useEffect(() => {
    if (inputKey === 'null') return;
    let current = true;
    const timer = setTimeout(() => {
      void pos.call('refund.todaysSales', JSON.parse(inputKey) as NonNullable<ReturnType<typeof lookupInput>>).then((r) => {
        if (!current) return;
        if (r.ok) setList(r.value);
        else errorRef.current(r.error);
      });
    }, TYPING_PAUSE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [pos, inputKey]);

  const set = (field: keyof SaleFilters) => (e: React.ChangeEvent<HTMLInputElement>) => onFilters({ ...filters, [field]: e.target.value });

  return (
    <div className="refund-finder">
      <p className="muted refund-scan-hint">{t('refundFind.scanHint')}</p>
      <div className="refund-filters">
        <label>
          {t('refundFind.receiptNumber')}
          <input
            ref={receiptField}
            data-testid="refund-receipt-number"
            value={filters.receiptNumber}
            placeholder={t('refundFind.receiptHint')}
            onChange={set('receiptNumber')}
            onKeyDown={(e) => {
              if (e.key !== 'Enter' || !filters.receiptNumber.trim()) return;
              e.preventDefault();
              onFindReceipt(filters.receiptNumber.trim());
            }}
            autoComplete="off"
          />
        </label>
        <label>
          {t('refundFind.amount')}
          <input
            data-testid="refund-filter-amount"
            inputMode="decimal"
            value={filters.amount}
            placeholder={t('refundFind.amountHint')}
            aria-invalid={input === null}
            onChange={set('amount')}
            autoComplete="off"
          />
        </label>
        <label>
          {t('refundFind.from')}
          <input data-testid="refund-filter-from" type="time" value={filters.from} onChange={set('from')} />
        </label>
        <label>
          {t('refundFind.to')}
          <input data-testid="refund-filter-to" type="time" value={filters.to} onChange={set('to')} />
        </label>
        <label title={t('refundFind.lastFourHint')}>
          {t('refundFind.lastFour')}
          <input
            data-testid="refund-filter-last4"
            inputMode="numeric"
            maxLength={4}
            value={filters.lastFour}
            placeholder="1234"
            onChange={(e) => onFilters({ ...filters, lastFour: e.target.value.replace(/\D/g, '').slice(0, 4) })}
            autoComplete="off"
          />
        </label>
        <button type="button" className="refund-filters-clear" onClick={() => onFilters(NO_FILTERS)} disabled={JSON.stringify(filters) === JSON.stringify(NO_FILTERS)}>
          {t('refundFind.clear')}
        </button>
      </div>
      {input === null && (
        <p className="refund-form-error" role="alert">
          {t('refundFind.badAmount')}
        </p>
      )}
      <h3 className="refund-list-title">{t('refundFind.today', { date: list?.businessDate ?? '' })}</h3>
      {list === null ? (
        <p className="muted">{t('refundFind.loading')}</p>
      ) : list.rows.length === 0 ? (
        <p className="muted" data-testid="refund-sales-empty">
          {t('refundFind.empty')}
        </p>
      ) : (
        <table className="refund-sales" data-testid="refund-sales">
          <thead>
            <tr>
              <th>{t('refundFind.table.time')}</th>
              <th>{t('refundFind.table.receipt')}</th>
              <th className="num">{t('refundFind.table.amount')}</th>
              <th>{t('refundFind.table.tender')}</th>
              <th>{t('refundFind.table.refunded')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.rows.map((sale) => (
              <SaleRow key={sale.saleId} sale={sale} onPick={onPick} />
            ))}
          </tbody>
        </table>
      )}
      {list?.more && <p className="muted">{t('refundFind.more', { count: list.rows.length })}</p>}
    </div>
  );
}

function SaleRow({ sale, onPick }: { sale: TodaysSale; onPick: (saleId: string) => void }) {
  const { t } = useTranslation();
  const fully = sale.refunded >= sale.total && sale.total > 0;
  return (
    <tr data-testid="refund-sale-row" data-sale-id={sale.saleId} data-receipt={sale.receiptNumber} onClick={() => onPick(sale.saleId)}>
      <td>{sale.time}</td>
      <td className="refund-receipt-no">{sale.receiptNumber}</td>
      <td className="num" data-testid="refund-sale-total">
        {money(sale.total, sale.currency)}
      </td>
      <td>
        {sale.tenders.map((tender, i) => (
          <span key={i} className="refund-tender">
            {t(`tenders.${tender.kind}`, { defaultValue: tender.kind })}
            {tender.referenceTail && <span className="refund-tail"> ···{tender.referenceTail}</span>}
          </span>
        ))}
      </td>
      <td>
        {sale.refundsPending > 0
          ? t('refundFind.pending')
          : fully
            ? t('refundFind.refundedAll')
            : sale.refunded > 0
              ? t('refundFind.refundedPart', { amount: money(sale.refunded, sale.currency) })
              : ''}
      </td>
      <td>
        <button
          type="button"
          data-testid="refund-sale-pick"
          onClick={(e) => {
            e.stopPropagation();
            onPick(sale.saleId);
          }}
        >
          {t('refundFind.pick')}
        </button>
      </td>
    </tr>
  );
}

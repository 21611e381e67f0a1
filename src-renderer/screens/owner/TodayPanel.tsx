import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TodayView } from '../../../src-common/calls/owner';
import { money } from '../../format';
import { usePos } from '../../api/context';
import type { PanelProps } from '../panel';
import { reasonText } from './owner-ui';
import { ComparisonCard, LowStockTable, TenderTables, TopSellersTable } from './today-parts';

/** Figures read again at most this often while sales keep completing (a busy till completes several a minute). */
const REFRESH_GAP_MS = 1_000;

/** The owner's landing page: the business day so far at a glance, read again whenever a sale or refund completes. */
export function TodayPanel({ onError }: PanelProps) {
  const { t, i18n } = useTranslation();
  const pos = usePos();
  const [today, setToday] = useState<TodayView | null>(null);
  const loading = useRef(false);
  const again = useRef(false);

  const load = useCallback(async () => {
    // One read at a time; an event during a read asks for one more after it.
    if (loading.current) {
      again.current = true;
      return;
    }
    loading.current = true;
    try {
      do {
        again.current = false;
        const r = await pos.call('owner.today', {});
        if (r.ok) setToday(r.value);
        else onError(r.error, reasonText(t, r.error));
        if (again.current) await new Promise((resolve) => setTimeout(resolve, REFRESH_GAP_MS));
      } while (again.current);
    } finally {
      loading.current = false;
    }
  }, [pos, onError, t]);

  useEffect(() => {
    void load();
    return pos.on('owner.dayChanged', () => void load());
  }, [pos, load]);

  if (!today) return <section className="panel owner-panel today" data-testid="today-panel" aria-busy="true" />;
  const m = (amount: number) => money(amount, today.currency);
  const asOf = new Date(today.at).toLocaleTimeString(i18n.language, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
  const empty = today.sales.count === 0 && today.refunds.count === 0;

  return (
    <section className="panel owner-panel today" data-testid="today-panel" data-business-date={today.businessDate}>
      <header className="today-header">
        <h2>{t('today.title')}</h2>
        <span className="muted" data-testid="today-business-date">
          {t('today.businessDate', { date: today.businessDate })}
        </span>
        <span className="muted" data-testid="today-as-of">
          {t('today.asOf', { time: asOf })}
        </span>
        <button type="button" className="today-refresh" data-testid="today-refresh" onClick={() => void load()}>
          {t('today.refresh')}
        </button>
      </header>
      <dl className="today-kpis">
        <div className="today-kpi strong">
          <dt>{t('today.net')}</dt>
          <dd data-testid="today-net">{m(today.net)}</dd>
          <dd className="muted small">{t('today.netHint')}</dd>
        </div>
        <div className="today-kpi">
          <dt>{t('today.salesCount')}</dt>
          <dd data-testid="today-sales-count">{today.sales.count}</dd>
          <dd className="muted small" data-testid="today-sales-amount">
            {m(today.sales.amount)}
          </dd>
        </div>
        <div className="today-kpi">
          <dt>{t('today.averageTicket')}</dt>
          <dd data-testid="today-average-ticket">{today.averageTicket === null ? '—' : m(today.averageTicket)}</dd>
        </div>
        <div className="today-kpi">
          <dt>{t('today.refunds')}</dt>
          <dd data-testid="today-refunds">{t('today.refundsValue', { count: today.refunds.count, amount: m(today.refunds.amount) })}</dd>
        </div>
      </dl>
      {empty && (
        <p className="muted today-empty" data-testid="today-empty">
          {t('today.noSales')}
        </p>
      )}
      <div className="today-grid">
        <div className="today-col">
          <ComparisonCard today={today} />
          <LowStockTable today={today} />
        </div>
        <div className="today-col">
          <TenderTables today={today} />
        </div>
        <div className="today-col">
          <TopSellersTable today={today} />
        </div>
      </div>
    </section>
  );
}

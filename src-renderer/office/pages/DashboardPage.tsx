/** 概览: the landing page — a range of business dates across the stores in scope (the header's store picker). */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { systemTimeZone } from '../../../src-common/business-day';
import { Dashboard } from '../../../src-common/office/dashboard';
import { officeApi } from '../api';
import type { OfficePageProps } from '../page';
import { EmptyState, Loading, QueryView, useOfficeQuery } from '../ui';
import { Differences, HoursChart, Kpis, LowStock, StoresTable, SyncList, TenderTable, TopSellers } from './dashboard-parts';
import { RangePicker, todayBusinessDate, type DateRange } from './RangePicker';
import '../reports.css';

const REFRESH_MS = 60_000;

export function DashboardPage({ storeId, stores }: OfficePageProps) {
  const { t } = useTranslation();
  const [range, setRange] = useState<DateRange>(() => ({ from: todayBusinessDate(), to: todayBusinessDate() }));
  const valid = range.from <= range.to;
  const query = new URLSearchParams({ from: range.from, to: range.to, tz: systemTimeZone(), ...(storeId ? { store: storeId } : {}) }).toString();
  const result = useOfficeQuery(() => (valid ? officeApi.get(`/dashboard?${query}`, Dashboard) : new Promise<never>(() => undefined)), query);
  // "Today so far" keeps itself current while the range reaches today.
  const live = valid && range.to >= todayBusinessDate();
  const { reload } = result;
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [live, reload]);
  const storeName = (id: string) => stores.find((s) => s.storeId === id)?.name ?? id;
  const scope = storeId ? storeName(storeId) : t('officeReports.dashboard.scopeAll');

  return (
    <section className="office-page office-dash" data-testid="office-dashboard">
      <div className="office-page-head">
        <h1>
          {t('officeReports.dashboard.title')} · <span data-testid="dash-scope">{scope}</span>
        </h1>
        <RangePicker range={range} onChange={setRange} testId="dash-range" />
      </div>
      <p className="office-note">{t('officeReports.range.note')}</p>
      <QueryView query={result}>
        {(d) => (
          <div className="office-dash-grid" data-testid="dash-content" data-range={`${d.from}/${d.to}`} aria-busy={result.state === 'loading'}>
            {result.state === 'loading' && <Loading />}
            <section className="office-panel office-wide">
              <Kpis totals={d.chain} testId="dash-kpis" />
              {d.chain.salesCount === 0 && d.chain.refundCount === 0 && (
                <EmptyState title={t('officeReports.dashboard.empty')}>
                  <p>{t('officeReports.dashboard.emptyHint')}</p>
                </EmptyState>
              )}
            </section>
            <section className="office-panel office-wide">
              <h2>{t('officeReports.dashboard.byHour')}</h2>
              <HoursChart data={d} />
            </section>
            <section className="office-panel">
              <h2>{t('officeReports.dashboard.byTender')}</h2>
              <TenderTable totals={d.chain} />
            </section>
            <section className="office-panel">
              <h2>{storeId ? t('officeReports.dashboard.perTill') : t('officeReports.dashboard.perStore')}</h2>
              <StoresTable stores={d.stores} single={storeId !== null} />
            </section>
            <section className="office-panel">
              <h2>{t('officeReports.dashboard.topSellers')}</h2>
              <TopSellers data={d} />
            </section>
            <section className="office-panel">
              <h2>{t('officeReports.dashboard.lowStock')}</h2>
              <LowStock data={d} storeName={storeName} />
            </section>
            <section className="office-panel">
              <h2>{t('officeReports.dashboard.syncTitle')}</h2>
              <SyncList data={d} storeName={storeName} />
            </section>
            <section className="office-panel">
              <h2>{t('officeReports.dashboard.differences')}</h2>
              <Differences data={d} storeName={storeName} />
            </section>
          </div>
        )}
      </QueryView>
    </section>
  );
}

/** 报表: day reports of the stores and the chain (from the facts, beside the tills' Zs), each till's Zs, and exports. */
import { Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { addDays } from '../../../src-common/business-day';
import { DayReports, XReportDetail, XReportList, ZReportDetail, ZReportList, type Totals, type XReportRow, type ZReportRow, type ZSums } from '../../../src-common/office/dashboard';
import { officeApi } from '../api';
import type { OfficePageProps } from '../page';
import { EmptyState, ErrorState, QueryView, asApiError, useOfficeQuery } from '../ui';
import { fen } from './dashboard-parts';
import { ExportPanel } from './ExportPanel';
import { RangePicker, todayBusinessDate, type DateRange } from './RangePicker';
import type { OfficeApiError } from '../api';
import '../reports.css';

export function ReportsPage({ storeId, stores }: OfficePageProps) {
  const { t } = useTranslation();
  const [range, setRange] = useState<DateRange>(() => ({ from: addDays(todayBusinessDate(), -6), to: todayBusinessDate() }));
  const [tab, setTab] = useState<'days' | 'z'>('days');
  const valid = range.from <= range.to;
  const query = new URLSearchParams({ from: range.from, to: range.to, ...(storeId ? { store: storeId } : {}) }).toString();
  const never = () => new Promise<never>(() => undefined);
  const storeName = storeId === null && stores.length > 1 ? (id: string) => stores.find((s) => s.storeId === id)?.name ?? id : null;

  return (
    <section className="office-page office-reports" data-testid="office-reports">
      <div className="office-page-head">
        <h1>{t('officeReports.reports.title')}</h1>
        <RangePicker range={range} onChange={setRange} testId="rep-range" />
      </div>
      <div className="office-tabs" role="tablist">
        {(['days', 'z'] as const).map((key) => (
          <button key={key} type="button" role="tab" aria-selected={tab === key} data-testid={`rep-tab-${key}`} onClick={() => setTab(key)}>
            {t(`officeReports.reports.tabs.${key}`)}
          </button>
        ))}
      </div>
      {tab === 'days' ? (
        <DaysView query={query} load={valid ? undefined : never} />
      ) : (
        <>
          <h2>{t('officeReports.reports.zTitle')}</h2>
          <ZView query={query} load={valid ? undefined : never} storeName={storeName} />
          <h2>{t('officeReports.reports.xTitle')}</h2>
          <XView query={query} load={valid ? undefined : never} storeName={storeName} />
        </>
      )}
      {valid && <ExportPanel range={range} storeId={storeId} />}
    </section>
  );
}

function DaysView({ query, load }: { query: string; load?: () => Promise<never> }) {
  const { t } = useTranslation();
  const result = useOfficeQuery(load ?? (() => officeApi.get(`/reports/days?${query}`, DayReports)), `days?${query}`);
  const zCell = (totals: Totals, z: ZSums | null) => {
    if (!z) return <span className="office-muted">{t('officeReports.reports.noZ')}</span>;
    const off = totals.net - z.net;
    return off === 0 ? <span className="office-ok">{t('officeReports.reports.match')}</span> : <span className="office-bad">{t('officeReports.reports.mismatch', { amount: fen(off) })}</span>;
  };
  const row = (key: string, level: 'chain' | 'store' | 'till', name: string, totals: Totals, z: ZSums | null) => (
    <tr key={key} className={`office-row-${level}`} data-testid={`rep-${level}-row`} data-key={key}>
      <th scope="row">{name}</th>
      <td className="num" data-label={t('officeReports.reports.salesCount')}>{totals.salesCount}</td>
      <td className="num" data-label={t('officeReports.reports.refunds')}>{fen(totals.refunds)}</td>
      <td className="num" data-label={t('officeReports.reports.net')} data-testid={`rep-${level}-net`}>{fen(totals.net)}</td>
      <td className="num" data-label={t('officeReports.reports.zNet')} data-testid={`rep-${level}-z`}>{z ? fen(z.net) : '—'}</td>
      <td data-label={t('officeReports.reports.zCount')}>{zCell(totals, z)}</td>
    </tr>
  );
  return (
    <QueryView
      query={result}
      isEmpty={(d) => d.days.length === 0}
      empty={
        <EmptyState title={t('officeReports.reports.empty')}>
          <p>{t('officeReports.reports.emptyHint')}</p>
        </EmptyState>
      }
    >
      {(d) => (
        <>
          <p className="office-note">{t('officeReports.reports.daysNote')}</p>
          <table className="office-table office-stack" data-testid="rep-days">
            <thead>
              <tr>
                <th scope="col">{`${t('officeReports.reports.level.store')} / ${t('officeReports.reports.level.till')}`}</th>
                <th scope="col" className="num">{t('officeReports.reports.salesCount')}</th>
                <th scope="col" className="num">{t('officeReports.reports.refunds')}</th>
                <th scope="col" className="num">{t('officeReports.reports.net')}</th>
                <th scope="col" className="num">{t('officeReports.reports.zNet')}</th>
                <th scope="col">{t('officeReports.reports.zCount')}</th>
              </tr>
            </thead>
            <tbody>
              {d.days.map((day) => (
                <Fragment key={day.businessDate}>
                  <tr className="office-row-date">
                    <th colSpan={6} scope="rowgroup">{day.businessDate}</th>
                  </tr>
                  {day.stores.length > 1 && row(`${day.businessDate}`, 'chain', t('officeReports.reports.level.chain'), day.chain, day.chainZ)}
                  {day.stores.flatMap((s) => [
                    row(`${day.businessDate}/${s.storeId}`, 'store', s.name, s.totals, s.z),
                    ...s.tills.map((x) => row(`${day.businessDate}/${s.storeId}/${x.terminalId}`, 'till', x.name, x.totals, x.z)),
                  ])}
                </Fragment>
              ))}
            </tbody>
          </table>
        </>
      )}
    </QueryView>
  );
}

/** What the Z and X tables share: a till's report as received, its figures and where its document is. */
type TillReportRow = Pick<ZReportRow, 'storeId' | 'terminalName' | 'businessDate' | 'salesCount' | 'gross' | 'refunds' | 'net' | 'tax'>;

interface TillReportsKind<R extends TillReportRow> {
  kind: 'z' | 'x';
  list(query: string): Promise<{ reports: R[] }>;
  document(report: R): Promise<Record<string, unknown>>;
  key(report: R): string;
  /** The column that tells a till's reports apart: the Z number, or the time an X was printed. */
  which: { header: string; cell(report: R): string; numeric: boolean };
}

const Z_REPORTS: TillReportsKind<ZReportRow> = {
  kind: 'z',
  list: (query) => officeApi.get(`/reports/z?${query}`, ZReportList),
  document: async (z) => (await officeApi.get(`/reports/z/${z.storeId}/${z.terminalId}/${z.zNo}`, ZReportDetail)).report,
  key: (z) => `${z.storeId}/${z.terminalId}/${z.zNo}`,
  which: { header: 'officeReports.reports.zNo', cell: (z) => String(z.zNo), numeric: true },
};

const X_REPORTS: TillReportsKind<XReportRow> = {
  kind: 'x',
  list: (query) => officeApi.get(`/reports/x?${query}`, XReportList),
  document: async (x) => (await officeApi.get(`/reports/x/${x.storeId}/${x.xId}`, XReportDetail)).report,
  key: (x) => `${x.storeId}/${x.xId}`,
  which: { header: 'officeReports.reports.takenAt', cell: (x) => new Date(x.takenAt).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }), numeric: false },
};

function ZView(props: { query: string; load?: () => Promise<never>; storeName: ((storeId: string) => string) | null }) {
  return <TillReports of={Z_REPORTS} {...props} />;
}

function XView(props: { query: string; load?: () => Promise<never>; storeName: ((storeId: string) => string) | null }) {
  return <TillReports of={X_REPORTS} {...props} />;
}

function TillReports<R extends TillReportRow>({ of, query, load, storeName }: { of: TillReportsKind<R>; query: string; load?: () => Promise<never>; storeName: ((storeId: string) => string) | null }) {
  const { t } = useTranslation();
  const result = useOfficeQuery(load ?? (() => of.list(query)), `${of.kind}?${query}`);
  return (
    <QueryView
      query={result}
      isEmpty={(d) => d.reports.length === 0}
      empty={
        <EmptyState title={t(`officeReports.reports.${of.kind}Empty`)}>
          <p>{t(`officeReports.reports.${of.kind}EmptyHint`)}</p>
        </EmptyState>
      }
    >
      {(d) => (
        <table className="office-table office-stack" data-testid={`rep-${of.kind}`}>
          <thead>
            <tr>
              <th scope="col">{t('officeReports.reports.level.till')}</th>
              <th scope="col">{t('officeReports.dashboard.date')}</th>
              <th scope="col" className={of.which.numeric ? 'num' : undefined}>{t(of.which.header)}</th>
              <th scope="col" className="num">{t('officeReports.reports.salesCount')}</th>
              <th scope="col" className="num">{t('officeReports.reports.gross')}</th>
              <th scope="col" className="num">{t('officeReports.reports.refunds')}</th>
              <th scope="col" className="num">{t('officeReports.reports.net')}</th>
              <th scope="col" className="num">{t('officeReports.reports.tax')}</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {d.reports.map((report) => (
              <TillReportLine key={of.key(report)} of={of} report={report} storeName={storeName} />
            ))}
          </tbody>
        </table>
      )}
    </QueryView>
  );
}

function TillReportLine<R extends TillReportRow>({ of, report, storeName }: { of: TillReportsKind<R>; report: R; storeName: ((storeId: string) => string) | null }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [detail, setDetail] = useState<Record<string, unknown> | null>(null);
  const [error, setError] = useState<OfficeApiError | null>(null);
  const toggle = async () => {
    if (open) return setOpen(false);
    setOpen(true);
    if (detail) return;
    try {
      setDetail(await of.document(report));
      setError(null);
    } catch (e) {
      setError(asApiError(e));
    }
  };
  const id = `rep-${of.kind}`;
  return (
    <>
      <tr data-testid={`${id}-row`}>
        <th scope="row">
          {report.terminalName}
          {storeName && <span className="office-list-meta"> · {storeName(report.storeId)}</span>}
        </th>
        <td data-label={t('officeReports.dashboard.date')}>{report.businessDate}</td>
        <td className={of.which.numeric ? 'num' : undefined} data-label={t(of.which.header)}>{of.which.cell(report)}</td>
        <td className="num" data-label={t('officeReports.reports.salesCount')}>{report.salesCount}</td>
        <td className="num" data-label={t('officeReports.reports.gross')}>{fen(report.gross)}</td>
        <td className="num" data-label={t('officeReports.reports.refunds')}>{fen(report.refunds)}</td>
        <td className="num" data-label={t('officeReports.reports.net')} data-testid={`${id}-net`}>{fen(report.net)}</td>
        <td className="num" data-label={t('officeReports.reports.tax')}>{fen(report.tax)}</td>
        <td>
          <button type="button" className="link" aria-expanded={open} onClick={() => void toggle()}>
            {open ? t('officeReports.reports.hide') : t('officeReports.reports.show')}
          </button>
        </td>
      </tr>
      {open && (
        <tr className="office-row-detail">
          <td colSpan={9}>
            {error ? <ErrorState error={error} /> : <p className="office-note">{t('officeReports.reports.asReceived')}</p>}
            {detail && <pre className="office-pre" data-testid={`${id}-detail`}>{JSON.stringify(detail, null, 2)}</pre>}
          </td>
        </tr>
      )}
    </>
  );
}

/** The dashboard's sections: each takes its slice of the reply and says plainly when it has nothing. */
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import uPlot from 'uplot';
import type { Dashboard, StoreTotals, Totals } from '../../../src-common/office/dashboard';
import { money, quantity } from '../../format';
import { UPlotChart } from '../../screens/owner/UPlotChart';

export const fen = (amount: number) => money(amount, 'CNY');
const bars = uPlot.paths.bars!;
const fromZero = (_u: uPlot, _min: number, max: number): uPlot.Range.MinMax => [0, max > 0 ? max * 1.1 : 1];

export function Kpis({ totals, testId }: { totals: Totals; testId: string }) {
  const { t } = useTranslation();
  const cards: [string, string, string | null][] = [
    ['net', fen(totals.net), t('officeReports.dashboard.netHint')],
    ['sales', String(totals.salesCount), null],
    ['averageTicket', fen(totals.averageTicket), null],
    ['refunds', fen(totals.refunds), t('officeReports.dashboard.refundsCount', { count: totals.refundCount })],
  ];
  return (
    <div className="office-kpis" data-testid={testId}>
      {cards.map(([key, value, hint]) => (
        <div key={key} className="office-kpi">
          <span className="office-kpi-label">{t(`officeReports.dashboard.${key}`)}</span>
          <span className="office-kpi-value" data-testid={`${testId}-${key}`}>{value}</span>
          {hint && <span className="office-kpi-hint">{hint}</span>}
        </div>
      ))}
    </div>
  );
}

export function TenderTable({ totals }: { totals: Totals }) {
  const { t } = useTranslation();
  if (totals.tenders.length === 0) return <p className="office-note">{t('officeReports.dashboard.noTenders')}</p>;
  const all = totals.tenders.reduce((s, x) => s + Math.max(0, x.net), 0);
  return (
    <table className="office-table office-stack" data-testid="dash-tenders">
      <thead>
        <tr>
          <th scope="col">{t('officeReports.dashboard.tenderKind')}</th>
          <th scope="col" className="num">{t('officeReports.dashboard.taken')}</th>
          <th scope="col" className="num">{t('officeReports.dashboard.tenderRefunds')}</th>
          <th scope="col" className="num">{t('officeReports.dashboard.tenderNet')}</th>
          <th scope="col">{t('officeReports.dashboard.share')}</th>
        </tr>
      </thead>
      <tbody>
        {totals.tenders.map((x) => {
          const share = all > 0 ? Math.max(0, x.net) / all : 0;
          return (
            <tr key={x.kind} data-testid={`dash-tender-${x.kind}`}>
              <th scope="row">{t(`officeReports.tender.${x.kind}`, { defaultValue: x.kind })}</th>
              <td className="num" data-label={t('officeReports.dashboard.taken')}>{fen(x.amount)}</td>
              <td className="num" data-label={t('officeReports.dashboard.tenderRefunds')}>{fen(x.refunds)}</td>
              <td className="num" data-label={t('officeReports.dashboard.tenderNet')} data-testid={`dash-tender-${x.kind}-net`}>{fen(x.net)}</td>
              <td data-label={t('officeReports.dashboard.share')}>
                <span className="office-share" aria-hidden="true"><span style={{ width: `${(share * 100).toFixed(1)}%` }} /></span>
                <span className="office-share-text">{(share * 100).toFixed(1)}%</span>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function HoursChart({ data: d }: { data: Dashboard }) {
  const { t } = useTranslation();
  const chart = useMemo(() => {
    const data: uPlot.AlignedData = [d.hours.map((h) => h.hour), d.hours.map((h) => h.amount / 100), d.hours.map((h) => h.compareAmount / 100)];
    const options: Omit<uPlot.Options, 'width' | 'height'> = {
      scales: { x: { time: false, range: [-0.5, 23.5] }, y: { range: fromZero } },
      axes: [
        { stroke: '#5b6675', grid: { stroke: '#e5e8ee' }, values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? `${v}:00` : '')) },
        { stroke: '#5b6675', grid: { stroke: '#e5e8ee' }, values: (_u, splits) => splits.map((v) => `¥${v}`) },
      ],
      series: [
        { label: t('officeReports.dashboard.hour') },
        { label: t('officeReports.dashboard.thisPeriod'), stroke: '#0b7a4b', fill: '#0b7a4b99', paths: bars({ size: [0.6, 40] }), value: (_u, v) => (v == null ? '' : `¥${v.toFixed(2)}`) },
        { label: t('officeReports.dashboard.lastWeek'), stroke: '#c2410c', width: 2, dash: [6, 4], value: (_u, v) => (v == null ? '' : `¥${v.toFixed(2)}`) },
      ],
    };
    return { data, options };
  }, [d.hours, t]);
  return (
    <>
      <UPlotChart options={chart.options} data={chart.data} testId="dash-hours" />
      <p className="office-note">{t('officeReports.dashboard.hourChartNote', { from: d.from, to: d.to, compareFrom: d.compareFrom, compareTo: d.compareTo, tz: d.timeZone })}</p>
    </>
  );
}

/** Stores with their tills beneath (every store), or just the tills (one store). */
export function StoresTable({ stores, single }: { stores: readonly StoreTotals[]; single: boolean }) {
  const { t } = useTranslation();
  const head = (
    <tr>
      <th scope="col">{single ? t('officeReports.dashboard.till') : `${t('officeReports.dashboard.store')} / ${t('officeReports.dashboard.till')}`}</th>
      <th scope="col" className="num">{t('officeReports.dashboard.sales')}</th>
      <th scope="col" className="num">{t('officeReports.dashboard.averageTicket')}</th>
      <th scope="col" className="num">{t('officeReports.dashboard.refunds')}</th>
      <th scope="col" className="num">{t('officeReports.dashboard.net')}</th>
    </tr>
  );
  const row = (key: string, name: string, totals: Totals, kind: 'store' | 'till') => (
    <tr key={key} className={`office-row-${kind}`} data-testid={`dash-${kind}-row`} data-id={key}>
      <th scope="row">{name}</th>
      <td className="num" data-label={t('officeReports.dashboard.sales')}>{totals.salesCount}</td>
      <td className="num" data-label={t('officeReports.dashboard.averageTicket')}>{fen(totals.averageTicket)}</td>
      <td className="num" data-label={t('officeReports.dashboard.refunds')}>{fen(totals.refunds)}</td>
      <td className="num" data-label={t('officeReports.dashboard.net')} data-testid={`dash-${kind}-net`}>{fen(totals.net)}</td>
    </tr>
  );
  return (
    <table className="office-table office-stack" data-testid="dash-stores">
      <thead>{head}</thead>
      <tbody>
        {stores.flatMap((s) => [...(single ? [] : [row(s.storeId, s.name, s.totals, 'store')]), ...s.tills.map((x) => row(`${s.storeId}/${x.terminalId}`, x.name, x.totals, 'till'))])}
      </tbody>
    </table>
  );
}

export function TopSellers({ data }: { data: Dashboard }) {
  const { t } = useTranslation();
  if (data.topSellers.length === 0) return <p className="office-note">{t('officeReports.dashboard.noTopSellers')}</p>;
  return (
    <ol className="office-list" data-testid="dash-top">
      {data.topSellers.map((p) => (
        <li key={p.productId}>
          <span className="office-list-name">{p.name}</span>
          <span className="office-list-meta">{quantity(p.quantityMilli, p.unit === 'kg' ? 'kg' : 'each')}</span>
          <span className="num">{fen(p.net)}</span>
        </li>
      ))}
    </ol>
  );
}

export function LowStock({ data, storeName }: { data: Dashboard; storeName: (id: string) => string }) {
  const { t } = useTranslation();
  if (data.lowStock.length === 0) return <p className="office-note">{t('officeReports.dashboard.noStock')}</p>;
  return (
    <>
      <ul className="office-list" data-testid="dash-low-stock">
        {data.lowStock.map((s) => (
          <li key={`${s.storeId}/${s.productId}`} className={s.stockMilli <= 0 ? 'office-bad' : undefined}>
            <span className="office-list-name">{s.name}</span>
            <span className="office-list-meta">{data.stores.length > 1 ? storeName(s.storeId) : ''}</span>
            <span className="num">{quantity(s.stockMilli, s.unit === 'kg' ? 'kg' : 'each')}</span>
          </li>
        ))}
      </ul>
      <p className="office-note">{t('officeReports.dashboard.lowStockNote')}</p>
    </>
  );
}

function since(seconds: number, language: string): string {
  const format = new Intl.RelativeTimeFormat(language, { numeric: 'always' });
  if (seconds < 3600) return format.format(-Math.max(1, Math.round(seconds / 60)), 'minute');
  if (seconds < 86_400 * 2) return format.format(-Math.round(seconds / 3600), 'hour');
  return format.format(-Math.round(seconds / 86_400), 'day');
}

export function SyncList({ data, storeName }: { data: Dashboard; storeName: (id: string) => string }) {
  const { t, i18n } = useTranslation();
  if (data.tills.length === 0) return <p className="office-note">{t('officeReports.dashboard.noTills')}</p>;
  const stale = data.tills.filter((x) => x.stale);
  return (
    <>
      <p className={stale.length ? 'office-warn' : 'office-note'} data-testid="dash-sync-summary">
        {stale.length ? t('officeReports.dashboard.syncStale', { count: stale.length }) : t('officeReports.dashboard.syncOk')}
      </p>
      <ul className="office-list" data-testid="dash-sync">
        {data.tills.map((x) => (
          <li key={`${x.storeId}/${x.terminalId}`} className={x.stale ? 'office-bad' : undefined} data-testid="dash-sync-till">
            <span className="office-list-name">{x.name}</span>
            <span className="office-list-meta">{data.stores.length > 1 ? storeName(x.storeId) : ''}</span>
            <span>
              {x.secondsSinceUpload === null ? t('officeReports.dashboard.never') : since(x.secondsSinceUpload, i18n.language)}
              {x.factsWaiting ? ` · ${t('officeReports.dashboard.waiting', { count: x.factsWaiting })}` : ''}
            </span>
          </li>
        ))}
      </ul>
    </>
  );
}

export function Differences({ data, storeName }: { data: Dashboard; storeName: (id: string) => string }) {
  const { t } = useTranslation();
  const { cashOverShort, zAgainstFacts } = data.differences;
  const tillName = (storeId: string, terminalId: string) => data.tills.find((x) => x.storeId === storeId && x.terminalId === terminalId)?.name ?? terminalId;
  return (
    <div data-testid="dash-differences">
      <p className="office-note">{t('officeReports.dashboard.noReconciliation')}</p>
      <h3>{t('officeReports.dashboard.cashOverShort')}</h3>
      {cashOverShort.length === 0 ? (
        <p className="office-note">{t('officeReports.dashboard.noCashDiff')}</p>
      ) : (
        <table className="office-table office-stack" data-testid="dash-cash-diff">
          <thead>
            <tr>
              <th scope="col">{t('officeReports.dashboard.till')}</th>
              <th scope="col">{t('officeReports.dashboard.date')}</th>
              <th scope="col" className="num">{t('officeReports.dashboard.expected')}</th>
              <th scope="col" className="num">{t('officeReports.dashboard.counted')}</th>
              <th scope="col" className="num">{t('officeReports.dashboard.overShort')}</th>
            </tr>
          </thead>
          <tbody>
            {cashOverShort.map((c) => (
              <tr key={`${c.storeId}/${c.shiftId}`}>
                <th scope="row">{`${tillName(c.storeId, c.terminalId)}${data.stores.length > 1 ? ` · ${storeName(c.storeId)}` : ''}`}</th>
                <td data-label={t('officeReports.dashboard.date')}>{c.businessDate}</td>
                <td className="num" data-label={t('officeReports.dashboard.expected')}>{fen(c.expectedCash)}</td>
                <td className="num" data-label={t('officeReports.dashboard.counted')}>{fen(c.countedCash)}</td>
                <td className={`num ${c.overShort < 0 ? 'office-bad' : ''}`} data-label={t('officeReports.dashboard.overShort')}>{fen(c.overShort)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>{t('officeReports.dashboard.zAgainstFacts')}</h3>
      {zAgainstFacts.length === 0 ? (
        <p className="office-note">{t('officeReports.dashboard.noZDiff')}</p>
      ) : (
        <table className="office-table office-stack" data-testid="dash-z-diff">
          <thead>
            <tr>
              <th scope="col">{t('officeReports.dashboard.till')}</th>
              <th scope="col">{t('officeReports.dashboard.date')}</th>
              <th scope="col" className="num">{t('officeReports.dashboard.zNet')}</th>
              <th scope="col" className="num">{t('officeReports.dashboard.factsNet')}</th>
              <th scope="col" className="num">{t('officeReports.dashboard.difference')}</th>
            </tr>
          </thead>
          <tbody>
            {zAgainstFacts.map((z) => (
              <tr key={`${z.storeId}/${z.terminalId}/${z.businessDate}`}>
                <th scope="row">{tillName(z.storeId, z.terminalId)}</th>
                <td data-label={t('officeReports.dashboard.date')}>{z.businessDate}</td>
                <td className="num" data-label={t('officeReports.dashboard.zNet')}>{fen(z.zNet)}</td>
                <td className="num" data-label={t('officeReports.dashboard.factsNet')}>{fen(z.factsNet)}</td>
                <td className="num office-bad" data-label={t('officeReports.dashboard.difference')}>{fen(z.difference)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import uPlot from 'uplot';
import { addDays, businessDateOf, businessDayRuleOf } from '../../../src-common/business-day';
import type { HourlyChart, WalletMix } from '../../../src-common/calls/owner';
import { usePos } from '../../api/context';
import { money } from '../../format';
import type { PanelProps } from '../panel';
import { reasonText } from './owner-ui';
import { UPlotChart } from './UPlotChart';

const bars = uPlot.paths.bars!;
/** Amounts from zero up, with headroom; an empty chart still has an axis. */
const fromZero = (_u: uPlot, _min: number, max: number): uPlot.Range.MinMax => [0, max > 0 ? max * 1.1 : 1];

/**
 * Sales by hour today beside the same weekday last week, and the tender mix, with uPlot. The mix is a bar
 * chart on a category axis (uPlot's bars path builder; its x values are the tender's index).
 */
export function ChartsPanel({ settings, onError }: PanelProps) {
  const { t } = useTranslation();
  const pos = usePos();
  const [hourly, setHourly] = useState<HourlyChart | null>(null);
  const [mix, setMix] = useState<WalletMix | null>(null);
  // The current business date (at 01:30 still yesterday's), as the Z report's, and the 29 before it.
  const [to, setTo] = useState(() => businessDateOf(new Date(), businessDayRuleOf(settings)));
  const [from, setFrom] = useState(() => addDays(to, -29));
  const yuan = useCallback((fen: number) => fen / 10 ** (settings.currency === 'JPY' || settings.currency === 'KRW' ? 0 : 2), [settings.currency]);

  useEffect(() => {
    void pos.call('chart.hourly', {}).then((h) => {
      if (h.ok) setHourly(h.value);
      else onError(h.error, reasonText(t, h.error));
    });
  }, [pos, onError, t]);
  useEffect(() => {
    if (!from || !to) return;
    void pos.call('chart.walletMix', { from, to }).then((w) => {
      if (w.ok) setMix(w.value);
      else onError(w.error, reasonText(t, w.error));
    });
  }, [pos, onError, t, from, to]);

  const hourlyChart = useMemo(() => {
    if (!hourly) return null;
    const data: uPlot.AlignedData = [hourly.hours.map((h) => h.hour), hourly.hours.map((h) => yuan(h.amount)), hourly.hours.map((h) => yuan(h.compareAmount))];
    const options: Omit<uPlot.Options, 'width' | 'height'> = {
      scales: { x: { time: false, range: [-0.5, 23.5] }, y: { range: fromZero } },
      axes: [
        { stroke: '#94a3b8', grid: { stroke: '#1e293b' }, values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? `${v}:00` : '')) },
        { stroke: '#94a3b8', grid: { stroke: '#1e293b' } },
      ],
      series: [
        { label: t('owner.report.hour') },
        { label: t('owner.charts.today', { date: hourly.date }), stroke: '#22c55e', fill: '#22c55e88', paths: bars({ size: [0.6, 40] }) },
        { label: t('owner.charts.lastWeek', { date: hourly.compareDate }), stroke: '#f59e0b', width: 2 },
      ],
    };
    return { data, options };
  }, [hourly, t, yuan]);

  const mixChart = useMemo(() => {
    if (!mix || mix.kinds.length === 0) return null;
    const labels = mix.kinds.map((k) => t(`tenders.${k.kind}`));
    const data: uPlot.AlignedData = [mix.kinds.map((_, i) => i), mix.kinds.map((k) => yuan(k.amount))];
    const options: Omit<uPlot.Options, 'width' | 'height'> = {
      scales: { x: { time: false, range: [-0.5, mix.kinds.length - 0.5] }, y: { range: fromZero } },
      axes: [
        { stroke: '#94a3b8', grid: { show: false }, splits: () => mix.kinds.map((_, i) => i), values: (_u, splits) => splits.map((i) => labels[i] ?? '') },
        { stroke: '#94a3b8', grid: { stroke: '#1e293b' } },
      ],
      series: [{}, { label: t('owner.charts.mix'), stroke: '#38bdf8', fill: '#38bdf888', paths: bars({ size: [0.6, 80] }) }],
      legend: { show: false },
    };
    return { data, options };
  }, [mix, t, yuan]);

  const mixTotal = mix?.kinds.reduce((s, k) => s + k.amount, 0) ?? 0;
  return (
    <section className="panel owner-panel" data-testid="charts-panel">
      <h3>{t('owner.charts.hourly')}</h3>
      {hourlyChart && <UPlotChart options={hourlyChart.options} data={hourlyChart.data} testId="chart-hourly" />}
      <h3>{t('owner.charts.mix')}</h3>
      <div className="owner-toolbar">
        <label>
          {t('owner.charts.from')} <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} data-testid="mix-from" />
        </label>
        <label>
          {t('owner.charts.to')} <input type="date" value={to} onChange={(e) => setTo(e.target.value)} data-testid="mix-to" />
        </label>
      </div>
      <p className="muted">{t('owner.charts.businessDays')}</p>
      {mixChart ? <UPlotChart options={mixChart.options} data={mixChart.data} testId="chart-wallet-mix" /> : <p className="muted">{t('owner.charts.none')}</p>}
      {mix && mix.kinds.length > 0 && (
        <table className="owner-table" data-testid="mix-table">
          <tbody>
            {mix.kinds.map((k) => (
              <tr key={k.kind} data-testid={`mix-${k.kind}`}>
                <td>{t(`tenders.${k.kind}`)}</td>
                <td className="num">{k.count}</td>
                <td className="num">{money(k.amount, settings.currency)}</td>
                <td className="num">{mixTotal ? `${((k.amount * 100) / mixTotal).toFixed(1)}%` : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

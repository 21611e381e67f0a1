/** A range of business dates (from–to) with quick picks; the dashboard and the reports share it. */
import { useTranslation } from 'react-i18next';
import { addDays, businessDateOf, defaultBusinessDayRule } from '../../../src-common/business-day';

export interface DateRange {
  readonly from: string;
  readonly to: string;
}

/** Today's business date in this browser's zone, the day turning at 04:00 (the tills' default). */
export function todayBusinessDate(): string {
  return businessDateOf(new Date(), defaultBusinessDayRule());
}

export function RangePicker({ range, onChange, testId }: { range: DateRange; onChange: (range: DateRange) => void; testId: string }) {
  const { t } = useTranslation();
  const today = todayBusinessDate();
  const quick: [string, DateRange][] = [
    ['today', { from: today, to: today }],
    ['yesterday', { from: addDays(today, -1), to: addDays(today, -1) }],
    ['last7', { from: addDays(today, -6), to: today }],
    ['thisMonth', { from: `${today.slice(0, 8)}01`, to: today }],
  ];
  const invalid = range.from > range.to;
  return (
    <fieldset className="office-range" data-testid={testId}>
      <legend className="visually-hidden">{t('officeReports.range.label')}</legend>
      <label>
        {t('officeReports.range.from')}
        <input type="date" value={range.from} max={range.to} data-testid={`${testId}-from`} onChange={(e) => e.target.value && onChange({ ...range, from: e.target.value })} />
      </label>
      <label>
        {t('officeReports.range.to')}
        <input type="date" value={range.to} min={range.from} data-testid={`${testId}-to`} onChange={(e) => e.target.value && onChange({ ...range, to: e.target.value })} />
      </label>
      <div className="office-range-quick">
        {quick.map(([key, r]) => (
          <button key={key} type="button" aria-pressed={r.from === range.from && r.to === range.to} data-testid={`${testId}-${key}`} onClick={() => onChange(r)}>
            {t(`officeReports.range.${key}`)}
          </button>
        ))}
      </div>
      {invalid && <p className="office-error">{t('officeReports.range.invalid')}</p>}
    </fieldset>
  );
}

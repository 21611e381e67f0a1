import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { acquirerDateOf } from '../../../src-common/business-day';
import type { Reconciliation } from '../../../src-common/calls/history';
import { usePos } from '../../api/context';
import { money } from '../../format';
import type { PanelProps } from '../panel';
import { DifferenceRow } from './history/DifferenceRow';
import { localTime, reasonText, type Translate } from './history/text';
import '../../styles/history.css';

/** The acquirer's day (Beijing's calendar day) of now, as YYYY-MM-DD. */
const acquirerToday = () => acquirerDateOf(new Date());

const STATES = ['matched', 'missing_local', 'missing_statement', 'amount_mismatch', 'status_mismatch'] as const;

/**
 * Reconciliation with the acquirer: pick a day, download its statement (a background job: retried until it
 * lands, its state shown while it runs), then the differences between the statement and this terminal's
 * payments and refunds, each resolvable with a note (owner only).
 */
export function ReconciliationPanel({ user, settings, onError, onOk }: PanelProps) {
  const { t } = useTranslation();
  const tr = t as unknown as Translate;
  const pos = usePos();
  const [date, setDate] = useState(acquirerToday);
  const [day, setDay] = useState<Reconciliation | null>(null);
  const [onlyDifferences, setOnlyDifferences] = useState(true);
  const [version, setVersion] = useState(0);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  /** Loads in a row that failed: the follow-up poll backs off, and reports only the first. */
  const failures = useRef(0);
  /** Bumped by each failed load: schedules the poll's next (later) try. */
  const [failedLoads, setFailedLoads] = useState(0);
  /** The next load comes from the poll, not from the user. */
  const polled = useRef(false);

  useEffect(() => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return;
    let live = true;
    const fromPoll = polled.current;
    polled.current = false;
    void pos.call('reconcile.day', { date }).then((r) => {
      if (!live) return;
      if (r.ok) {
        failures.current = 0;
        setDay(r.value);
        return;
      }
      failures.current += 1;
      // A poll that keeps failing reports (and beeps) once; a load the user asked for always reports.
      if (!fromPoll || failures.current === 1) onError(r.error, reasonText(tr, r.error));
      setFailedLoads((n) => n + 1);
    });
    return () => {
      live = false;
    };
  }, [pos, date, version, onError, tr]);

  // While the download job runs, follow it: every second, backing off (up to 30 s) while the reload fails.
  const downloading = day?.date === date && day.statement.state === 'downloading';
  useEffect(() => {
    if (!downloading) return;
    const delay = Math.min(1000 * 2 ** failures.current, 30_000);
    const timer = setTimeout(() => {
      polled.current = true;
      reload();
    }, delay);
    return () => clearTimeout(timer);
  }, [downloading, day, failedLoads, reload]);

  const download = async () => {
    const r = await pos.call('statement.download', { date });
    if (!r.ok) return onError(r.error, reasonText(tr, r.error));
    onOk();
    reload();
  };

  const current = day?.date === date ? day : null;
  const c = settings.currency;
  const items = current ? current.items.filter((i) => !onlyDifferences || i.state !== 'matched') : [];
  const statement = current?.statement;

  return (
    <section className="panel reconciliation" data-testid="reconciliation-panel">
      <div className="reconcile-bar">
        <label>
          {t('history.reconcile.date')}
          <input type="date" data-testid="reconcile-date" value={date} onChange={(e) => setDate(e.target.value)} />
        </label>
        {current && (
          <span className="muted" data-testid="reconcile-business-dates">
            {t('history.reconcile.businessDates', { dates: current.businessDates.join(', ') })}
          </span>
        )}
        <button type="button" className="primary" onClick={() => void download()} disabled={!current || downloading} data-testid="reconcile-download">
          {statement?.state === 'downloaded' ? t('history.reconcile.refresh') : t('history.reconcile.download')}
        </button>
        {statement && (
          <span className="muted" data-testid="reconcile-statement" data-state={statement.state}>
            {statement.state === 'downloaded'
              ? t('history.reconcile.state.downloaded', { at: localTime(statement.downloadedAt), rows: statement.rows })
              : statement.state === 'downloading'
                ? t('history.reconcile.state.downloading', { attempts: statement.attempts })
                : t('history.reconcile.state.none')}
            {statement.lastError && <span className="reconcile-error"> · {t('history.reconcile.lastError', { error: statement.lastError })}</span>}
          </span>
        )}
      </div>
      {statement && (
        <p className="muted" data-testid="reconcile-source" data-source={statement.source}>
          {t(`history.reconcile.source.${statement.source}`)}
        </p>
      )}

      {current && statement?.state !== 'none' && (
        <>
          <div className="reconcile-summary">
            {STATES.map((s) => (
              <div key={s} className={`reconcile-count ${s}`} data-testid={`reconcile-count-${s}`} data-count={countOf(current, s)}>
                <span className="reconcile-count-number">{countOf(current, s)}</span>
                <span>{t(`history.reconcile.summary.${s}`)}</span>
              </div>
            ))}
            <div className="reconcile-count open" data-testid="reconcile-count-open" data-count={current.summary.open}>
              <span className="reconcile-count-number">{current.summary.open}</span>
              <span>{t('history.reconcile.summary.open')}</span>
            </div>
            <div className="reconcile-count resolved" data-testid="reconcile-count-resolved" data-count={current.summary.resolved}>
              <span className="reconcile-count-number">{current.summary.resolved}</span>
              <span>{t('history.reconcile.summary.resolved')}</span>
            </div>
          </div>

          <table className="history-table reconcile-totals" data-testid="reconcile-totals">
            <thead>
              <tr>
                <th>
                  <span className="visually-hidden">{t('a11y.columns.source')}</span>
                </th>
                <th className="num">{t('history.reconcile.totals.count')}</th>
                <th className="num">{t('history.reconcile.totals.pays')}</th>
                <th className="num">{t('history.reconcile.totals.refunds')}</th>
                <th className="num">{t('history.reconcile.totals.net')}</th>
              </tr>
            </thead>
            <tbody>
              {(['statement', 'local'] as const).map((side) => (
                <tr key={side} data-testid={`reconcile-totals-${side}`}>
                  <th>{t(`history.reconcile.totals.${side}`)}</th>
                  <td className="num">{current.totals[side].count}</td>
                  <td className="num">{money(current.totals[side].pays, c)}</td>
                  <td className="num">{money(current.totals[side].refunds, c)}</td>
                  <td className="num" data-testid={`reconcile-net-${side}`}>
                    {money(current.totals[side].net, c)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>

          <label className="reconcile-filter">
            <input type="checkbox" checked={onlyDifferences} onChange={(e) => setOnlyDifferences(e.target.checked)} data-testid="reconcile-only-differences" />
            {t('history.reconcile.onlyDifferences')}
          </label>

          {items.length === 0 ? (
            <p className="muted" data-testid="reconcile-none">
              {onlyDifferences ? t('history.reconcile.noDifferences') : t('history.reconcile.noStatementRows')}
            </p>
          ) : (
            <table className="history-table" data-testid="reconcile-items">
              <thead>
                <tr>
                  <th>{t('history.reconcile.columns.type')}</th>
                  <th>{t('history.reconcile.columns.orderNo')}</th>
                  <th className="num">{t('history.reconcile.columns.statement')}</th>
                  <th className="num">{t('history.reconcile.columns.local')}</th>
                  <th className="num">{t('history.reconcile.columns.difference')}</th>
                  <th>{t('history.reconcile.columns.state')}</th>
                  <th>{t('history.reconcile.columns.action')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((item) => (
                  <DifferenceRow key={item.key} item={item} date={date} currency={c} canResolve={user.role === 'owner'} onError={onError} onResolved={reload} />
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}

function countOf(day: Reconciliation, state: (typeof STATES)[number]): number {
  const s = day.summary;
  return { matched: s.matched, missing_local: s.missingLocal, missing_statement: s.missingStatement, amount_mismatch: s.amountMismatch, status_mismatch: s.statusMismatch }[state];
}

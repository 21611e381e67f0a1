/** Exports of the reports: started as a server task, its real progress polled, cancellable, then downloaded. */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { systemTimeZone } from '../../../src-common/business-day';
import { ExportState } from '../../../src-common/office/dashboard';
import { officeApi, type OfficeApiError } from '../api';
import { ErrorState, asApiError } from '../ui';
import type { DateRange } from './RangePicker';

const POLL_MS = 300;

export function ExportPanel({ range, storeId }: { range: DateRange; storeId: string | null }) {
  const { t, i18n } = useTranslation();
  const [content, setContent] = useState<'days' | 'sales'>('days');
  const [format, setFormat] = useState<'csv' | 'xlsx'>('csv');
  const [state, setState] = useState<ExportState | null>(null);
  const [error, setError] = useState<OfficeApiError | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);

  const poll = (exportId: string) => {
    timer.current = setTimeout(() => {
      officeApi.get(`/reports/exports/${exportId}`, ExportState).then(
        (s) => {
          setState(s);
          if (s.state === 'running') poll(exportId);
        },
        (e: unknown) => setError(asApiError(e)),
      );
    }, POLL_MS);
  };

  const start = async () => {
    setError(null);
    // The last export's link goes as the next one starts.
    setState(null);
    try {
      const body = { from: range.from, to: range.to, format, content, language: i18n.language.startsWith('zh') ? 'zh-CN' : 'en', tz: systemTimeZone(), ...(storeId ? { store: storeId } : {}) };
      const s = await officeApi.post('/reports/exports', body, ExportState);
      setState(s);
      if (s.state === 'running') poll(s.exportId);
    } catch (e) {
      setError(asApiError(e));
    }
  };
  const cancel = async () => {
    if (!state) return;
    try {
      setState(await officeApi.delete(`/reports/exports/${state.exportId}`, ExportState));
    } catch (e) {
      setError(asApiError(e));
    }
  };

  const running = state?.state === 'running';
  return (
    <section className="office-panel office-export" data-testid="rep-export">
      <h2>{t('officeReports.reports.exportTitle')}</h2>
      <div className="office-inline-form">
        <label>
          {t('officeReports.reports.exportContent')}
          <select value={content} disabled={running} data-testid="rep-export-content" onChange={(e) => setContent(e.target.value as 'days' | 'sales')}>
            <option value="days">{t('officeReports.reports.contentDays')}</option>
            <option value="sales">{t('officeReports.reports.contentSales')}</option>
          </select>
        </label>
        <label>
          {t('officeReports.reports.exportFormat')}
          <select value={format} disabled={running} data-testid="rep-export-format" onChange={(e) => setFormat(e.target.value as 'csv' | 'xlsx')}>
            <option value="csv">CSV (UTF-8)</option>
            <option value="xlsx">Excel (XLSX)</option>
          </select>
        </label>
        {running ? (
          <button type="button" className="danger" data-testid="rep-export-cancel" onClick={() => void cancel()}>
            {t('officeReports.reports.cancel')}
          </button>
        ) : (
          <button type="button" className="primary" data-testid="rep-export-start" onClick={() => void start()}>
            {t('officeReports.reports.start')}
          </button>
        )}
      </div>
      {state && (
        <div className="office-export-state" data-testid="rep-export-state" data-state={state.state}>
          <progress max={Math.max(1, state.total)} value={state.state === 'done' ? Math.max(1, state.total) : state.done} aria-label={t('officeReports.reports.progress', { done: state.done, total: state.total })} />
          {running && <p className="office-note">{t('officeReports.reports.progress', { done: state.done, total: state.total })}</p>}
          {state.state === 'done' && (
            <p>
              {t('officeReports.reports.done', { total: state.total })}{' '}
              <a href={`/v1/office/reports/exports/${state.exportId}/file`} download={state.fileName} data-testid="rep-export-download">
                {t('officeReports.reports.download', { name: state.fileName })}
              </a>
            </p>
          )}
          {state.state === 'cancelled' && <p className="office-note">{t('officeReports.reports.cancelled')}</p>}
          {state.state === 'failed' && <p className="office-error">{t('officeReports.reports.failed', { message: state.error ?? '' })}</p>}
        </div>
      )}
      {error && <ErrorState error={error} />}
    </section>
  );
}

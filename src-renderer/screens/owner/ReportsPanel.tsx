import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReportView as Report, ZSummary } from '../../../src-common/calls/owner';
import type { ApiError } from '../../../src-common/errors';
import { usePos } from '../../api/context';
import { money } from '../../format';
import type { PanelProps } from '../panel';
import { ReportView, reasonText } from './owner-ui';

/** X report now, Z report (closing the business day) after a confirmation, past Z reports; each printable. */
export function ReportsPanel({ settings, onError, onOk }: PanelProps) {
  const { t } = useTranslation();
  const pos = usePos();
  const [report, setReport] = useState<Report | null>(null);
  const [past, setPast] = useState<ZSummary[]>([]);
  const [confirming, setConfirming] = useState(false);
  const [printed, setPrinted] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const fail = useCallback((error: ApiError) => onError(error, reasonText(t, error)), [onError, t]);
  const loadPast = useCallback(
    () =>
      pos.call('report.listZ', {}).then((r) => {
        if (r.ok) setPast(r.value);
        else fail(r.error);
      }),
    [pos, fail],
  );
  const loadX = useCallback(
    () =>
      pos.call('report.x', {}).then((r) => {
        if (!r.ok) return fail(r.error);
        setReport(r.value);
        return true;
      }),
    [pos, fail],
  );
  useEffect(() => {
    // Loaded together on opening: neither clears an error the other just showed.
    void loadPast();
    void loadX();
  }, [loadPast, loadX]);
  const showX = async () => {
    setPrinted(null);
    // The user asked for the X report: its success clears the last error.
    if (await loadX()) onOk();
  };

  const takeZ = async () => {
    setBusy(true);
    setConfirming(false);
    setPrinted(null);
    const r = await pos.call('report.takeZ', {});
    setBusy(false);
    if (!r.ok) return fail(r.error);
    onOk();
    setReport(r.value);
    void loadPast();
  };

  const view = async (zNo: number) => {
    setPrinted(null);
    const r = await pos.call('report.getZ', { zNo });
    if (!r.ok) return fail(r.error);
    onOk();
    setReport(r.value);
  };

  const print = async () => {
    if (!report) return;
    const r = await pos.call('report.print', report.kind === 'z' && report.zNo !== null ? { zNo: report.zNo } : {});
    if (!r.ok) return fail(r.error);
    onOk();
    setPrinted(t('owner.report.printed', { columns: r.value.columns }));
  };

  return (
    <section className="panel owner-panel" data-testid="reports-panel">
      <div className="owner-toolbar">
        <button type="button" data-testid="report-x" onClick={() => void showX()}>
          {t('owner.report.x')}
        </button>
        <button type="button" className="primary" data-testid="report-take-z" disabled={busy} onClick={() => setConfirming(true)}>
          {t('owner.report.takeZ')}
        </button>
        <button type="button" data-testid="report-print" disabled={!report} onClick={() => void print()}>
          {t('owner.report.print')}
        </button>
        {printed && (
          <span className="muted" role="status" data-testid="report-printed">
            {printed}
          </span>
        )}
      </div>
      {confirming && (
        <div className="owner-confirm" role="alertdialog" aria-labelledby="report-confirm-text" data-testid="report-confirm">
          <p id="report-confirm-text">{t('owner.report.confirmZ')}</p>
          <button type="button" onClick={() => setConfirming(false)}>
            {t('owner.report.cancel')}
          </button>
          <button type="button" className="primary" data-testid="report-confirm-z" onClick={() => void takeZ()}>
            {t('owner.report.confirm')}
          </button>
        </div>
      )}
      <div className="owner-columns wide-left">
        <div>{report && <ReportView report={report} />}</div>
        <aside>
          <h3>{t('owner.report.past')}</h3>
          {past.length === 0 ? (
            <p className="muted">{t('owner.report.noPast')}</p>
          ) : (
            <table className="owner-table" data-testid="report-z-list">
              <tbody>
                {past.map((z) => (
                  <tr key={z.zNo} data-testid="report-z-row">
                    <td>Z{String(z.zNo).padStart(4, '0')}</td>
                    <td>{z.businessDate}</td>
                    <td className="num">{money(z.net, settings.currency)}</td>
                    <td>
                      <button type="button" className="link" onClick={() => void view(z.zNo)}>
                        {t('owner.report.view')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </aside>
      </div>
    </section>
  );
}

import { useTranslation } from 'react-i18next';
import type { KioskStatus } from '../../../src-common/calls/kiosk';

/** Problems the customer must know before paying, each with what still works. Nothing when all is well. */
export function problemsOf(status: KioskStatus | null): string[] {
  if (!status) return [];
  const problems: string[] = [];
  if (status.acquirer === 'offline') problems.push('kiosk.status.offline');
  else if (status.acquirer === 'recovering') problems.push('kiosk.status.recovering');
  else if (status.scanner === 'unavailable') problems.push('kiosk.status.scannerDown');
  if (status.printer === 'paper_out') problems.push('kiosk.status.paperOut');
  else if (status.printer === 'unavailable') problems.push('kiosk.status.printerDown');
  return problems;
}

export function StatusNotice({ status, onCheckAgain }: { status: KioskStatus | null; onCheckAgain: () => void }) {
  const { t } = useTranslation();
  const problems = problemsOf(status);
  if (!status || problems.length === 0) return null;
  const rows: { key: string; ok: boolean }[] = [
    { key: 'payCode', ok: status.payByCode },
    { key: 'payQr', ok: status.payByQr },
    { key: 'receipt', ok: status.printReceipt },
    { key: 'eReceipt', ok: status.eReceipt },
  ];
  return (
    <section className="kiosk-notice" role="status" data-testid="kiosk-notice">
      <h2>
        <span className="kiosk-notice-mark" aria-hidden="true">
          !
        </span>
        {t('kiosk.status.title')}
      </h2>
      {problems.map((p) => (
        <p key={p} data-testid="kiosk-notice-problem">
          {t(p)}
        </p>
      ))}
      <ul className="kiosk-notice-list">
        {rows.map((r) => (
          <li key={r.key} className={r.ok ? 'ok' : 'no'} data-testid={`kiosk-works-${r.key}`} data-ok={r.ok}>
            <span className="kiosk-notice-icon" aria-hidden="true">
              <svg viewBox="0 0 20 20" fill="none" stroke="currentColor" strokeWidth="3.2" strokeLinecap="round" strokeLinejoin="round">
                <path d={r.ok ? 'M4 10.5l4 4 8-9' : 'M5 5l10 10M15 5L5 15'} />
              </svg>
            </span>
            <span>{t(`kiosk.status.${r.key}`)}</span>
            <span className="kiosk-notice-state">{t(r.ok ? 'kiosk.status.works' : 'kiosk.status.notWorking')}</span>
          </li>
        ))}
      </ul>
      {!status.payByQr && (
        <button type="button" className="kiosk-secondary" data-testid="kiosk-check-again" onClick={onCheckAgain}>
          {t('kiosk.status.checkAgain')}
        </button>
      )}
    </section>
  );
}

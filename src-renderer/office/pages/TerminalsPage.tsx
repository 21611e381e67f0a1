/**
 * 收银机: the chosen store's tills (name, version, last contact, what waits to upload and for how long), a
 * one-time enrolment code shown once with its expiry, and revocation after a confirmation.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EnrolmentCode, RevokedTerminal, TerminalList, type TerminalSummary } from '../../../src-common/office/terminals';
import { officeApi, type OfficeApiError } from '../api';
import { canWrite, type OfficePageProps } from '../page';
import { asApiError, EmptyState, ErrorState, QueryView, useOfficeQuery } from '../ui';
import { ChooseStore, Notice, useDurations } from './staff-common';
import './staff.css';

export function TerminalsPage({ session, storeId, stores }: OfficePageProps) {
  const { t } = useTranslation();
  if (!storeId) {
    return (
      <section className="office-page" data-testid="office-terminals">
        <h1>{t('officeStaff.terminals.title')}</h1>
        <ChooseStore pageId="terminals" stores={stores} />
      </section>
    );
  }
  return <StoreTerminals key={storeId} storeId={storeId} writable={canWrite(session, storeId)} />;
}

function StoreTerminals({ storeId, writable }: { storeId: string; writable: boolean }) {
  const { t, i18n } = useTranslation();
  const { ago, age } = useDurations();
  const query = useOfficeQuery(() => officeApi.get(`/stores/${storeId}/terminals`, TerminalList), `terminals:${storeId}`);
  const [code, setCode] = useState<{ code: string; expiresAt: string } | null>(null);
  const [confirming, setConfirming] = useState<TerminalSummary | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<OfficeApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const act = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await action();
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };

  const makeCode = () => act(async () => setCode(await officeApi.post(`/stores/${storeId}/enrolment-codes`, {}, EnrolmentCode)));
  const revoke = (terminal: TerminalSummary) =>
    act(async () => {
      await officeApi.post(`/stores/${storeId}/terminals/${terminal.terminalId}/revoke`, {}, RevokedTerminal);
      setConfirming(null);
      setNotice(t('officeStaff.terminals.revokedDone', { name: terminal.name }));
      query.reload();
    });

  const lag = (term: TerminalSummary) => {
    if (term.factsWaiting === null) return t('officeStaff.terminals.unknownLag');
    if (term.factsWaiting === 0) return t('officeStaff.terminals.upToDate');
    return t('officeStaff.terminals.waiting', { count: term.factsWaiting, age: age(term.lagSeconds ?? 0) });
  };

  return (
    <section className="office-page" data-testid="office-terminals">
      <h1>{t('officeStaff.terminals.title')}</h1>
      <p className="office-note">{t('officeStaff.terminals.intro')}</p>
      {writable && (
        <div>
          <button type="button" className="primary" disabled={busy} data-testid="terminals-new-code" onClick={() => void makeCode()}>
            {t('officeStaff.terminals.newCode')}
          </button>
        </div>
      )}
      {code && (
        <div className="terminal-code" role="status" data-testid="terminals-code-box">
          <strong>{t('officeStaff.terminals.codeTitle')}</strong>
          <code data-testid="terminals-code">{code.code}</code>
          <p>{t('officeStaff.terminals.codeHint', { expires: new Date(code.expiresAt).toLocaleString(i18n.language) })}</p>
        </div>
      )}
      {confirming && (
        <div className="terminal-confirm" role="alertdialog" aria-labelledby="terminal-confirm-text" data-testid="terminals-confirm">
          <p id="terminal-confirm-text">{t('officeStaff.terminals.confirmRevoke', { name: confirming.name })}</p>
          <div className="staff-actions">
            <button type="button" className="danger" disabled={busy} data-testid="terminals-confirm-revoke" onClick={() => void revoke(confirming)}>
              {t('officeStaff.terminals.confirm')}
            </button>
            <button type="button" data-testid="terminals-confirm-cancel" onClick={() => setConfirming(null)} autoFocus>
              {t('officeStaff.cancel')}
            </button>
          </div>
        </div>
      )}
      <Notice text={notice} testId="terminals-notice" />
      {error && <ErrorState error={error} />}
      <QueryView
        query={query}
        isEmpty={(d) => d.terminals.length === 0}
        empty={
          <EmptyState title={t('officeStaff.terminals.empty')}>
            <p>{t('officeStaff.terminals.emptyHint')}</p>
          </EmptyState>
        }
      >
        {(data) => (
          <table className="office-table staff-table">
            <thead>
              <tr>
                <th scope="col">{t('officeStaff.terminals.name')}</th>
                <th scope="col">{t('officeStaff.terminals.version')}</th>
                <th scope="col">{t('officeStaff.terminals.lastContact')}</th>
                <th scope="col">{t('officeStaff.terminals.lag')}</th>
                <th scope="col">{t('officeStaff.terminals.status')}</th>
                {writable && <th scope="col">{t('officeStaff.terminals.actions')}</th>}
              </tr>
            </thead>
            <tbody>
              {data.terminals.map((term) => (
                <tr key={term.terminalId} data-testid="terminal-row" data-terminal={term.terminalId} className={term.revokedAt ? 'inactive' : undefined}>
                  <td data-label={t('officeStaff.terminals.name')}>
                    {term.name}
                    <small className="staff-id">{term.terminalId}</small>
                  </td>
                  <td data-label={t('officeStaff.terminals.version')}>{term.appVersion}</td>
                  <td data-label={t('officeStaff.terminals.lastContact')} title={term.lastContactAt ?? undefined}>
                    {term.lastContactAt ? ago(term.lastContactAt) : t('officeStaff.terminals.never')}
                  </td>
                  <td data-label={t('officeStaff.terminals.lag')} className={term.factsWaiting ? 'staff-warn' : undefined} data-testid="terminal-lag">
                    {lag(term)}
                  </td>
                  <td data-label={t('officeStaff.terminals.status')} data-testid="terminal-status">
                    {term.revokedAt ? t('officeStaff.terminals.revoked') : t('officeStaff.terminals.active')}
                  </td>
                  {writable && (
                    <td>
                      <div className="staff-actions">
                        {!term.revokedAt && (
                          <button type="button" className="danger" disabled={busy} data-testid="terminal-revoke" onClick={() => setConfirming(term)}>
                            {t('officeStaff.terminals.revoke')}
                          </button>
                        )}
                      </div>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryView>
    </section>
  );
}

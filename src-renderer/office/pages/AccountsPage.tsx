/**
 * 后台账号: every account's own two-step sign-in (a QR of the otpauth:// URI, confirmed with a first code; off
 * with a current code), and for the owner the list of accounts: make a store manager or an accountant, reset a
 * password (optionally clearing a lost phone's two-step sign-in), deactivate or reactivate.
 */
import { Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AccountActiveDone, CreatedAccount, OfficeAccountList, PasswordResetDone, PASSWORD_MIN, TotpSetup, TotpState, type OfficeAccountSummary } from '../../../src-common/office/accounts';
import type { OfficeStore } from '../../../src-common/office/session';
import { QrImage } from '../../components/QrImage';
import { officeApi, type OfficeApiError } from '../api';
import { topRole, type OfficePageProps } from '../page';
import { asApiError, EmptyState, ErrorState, QueryView, useOfficeQuery } from '../ui';
import { Notice } from './staff-common';
import './staff.css';

/** Runs one change at a time, with its outcome as a sentence or an error. */
function useAction() {
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<OfficeApiError | null>(null);
  const run = async (action: () => Promise<string>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      setNotice(await action());
      return true;
    } catch (e) {
      setError(asApiError(e));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, notice, error, run };
}

export function AccountsPage({ session, stores, refreshSession }: OfficePageProps) {
  const { t } = useTranslation();
  const owner = topRole(session) === 'owner';
  return (
    <section className="office-page" data-testid="office-accounts">
      <h1>{t('officeStaff.accounts.title')}</h1>
      <MyTotp on={session.totp === true} refreshSession={refreshSession} />
      {owner ? <AccountList login={session.login} stores={stores} /> : <p className="office-note">{t('officeStaff.accounts.ownerOnly')}</p>}
    </section>
  );
}

function CodeInput({ value, onChange, testId }: { value: string; onChange: (v: string) => void; testId: string }) {
  const { t } = useTranslation();
  return (
    <label>
      {t('officeStaff.accounts.code')}
      <input inputMode="numeric" autoComplete="one-time-code" maxLength={6} value={value} data-testid={testId} onChange={(e) => onChange(e.target.value.replace(/\D/g, ''))} />
    </label>
  );
}

function MyTotp({ on, refreshSession }: { on: boolean; refreshSession: () => void }) {
  const { t } = useTranslation();
  const { busy, notice, error, run } = useAction();
  const [setup, setSetup] = useState<{ secret: string; uri: string } | null>(null);
  const [code, setCode] = useState('');
  const codeError = error?.reason === 'totp_wrong' ? t('officeStaff.accounts.codeWrong') : null;

  const start = () =>
    run(async () => {
      setSetup(await officeApi.post('/me/totp', {}, TotpSetup));
      setCode('');
      return '';
    });
  const confirm = () =>
    run(async () => {
      await officeApi.post('/me/totp/confirm', { code }, TotpState);
      setSetup(null);
      setCode('');
      refreshSession();
      return t('officeStaff.accounts.turnedOn');
    });
  const turnOff = () =>
    run(async () => {
      await officeApi.post('/me/totp/off', { code }, TotpState);
      setCode('');
      refreshSession();
      return t('officeStaff.accounts.turnedOff');
    });

  return (
    <div className="staff-panel" data-testid="accounts-totp">
      <h2>{t('officeStaff.accounts.mine')}</h2>
      <p data-testid="accounts-totp-state">{on ? t('officeStaff.accounts.totpOn') : t('officeStaff.accounts.totpOff')}</p>
      {!on && !setup && (
        <div>
          <button type="button" className="primary" disabled={busy} data-testid="accounts-totp-start" onClick={() => void start()}>
            {t('officeStaff.accounts.totpStart')}
          </button>
        </div>
      )}
      {!on && setup && (
        <div className="totp-setup">
          <p>{t('officeStaff.accounts.totpScan')}</p>
          <QrImage text={setup.uri} size={200} testId="accounts-totp-qr" />
          <p>
            {t('officeStaff.accounts.secret')}: <code className="totp-secret" data-testid="accounts-totp-secret">{setup.secret.replace(/(.{4})/g, '$1 ').trim()}</code>
          </p>
          <form
            className="office-inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              if (code.length === 6) void confirm();
            }}
          >
            <CodeInput value={code} onChange={setCode} testId="accounts-totp-code" />
            <button type="submit" className="primary" disabled={busy || code.length !== 6} data-testid="accounts-totp-confirm">
              {t('officeStaff.accounts.confirm')}
            </button>
          </form>
        </div>
      )}
      {on && (
        <form
          className="office-inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (code.length === 6) void turnOff();
          }}
        >
          <p className="office-note">{t('officeStaff.accounts.offHint')}</p>
          <CodeInput value={code} onChange={setCode} testId="accounts-totp-off-code" />
          <button type="submit" disabled={busy || code.length !== 6} data-testid="accounts-totp-off">
            {t('officeStaff.accounts.turnOff')}
          </button>
        </form>
      )}
      <Notice text={notice || null} testId="accounts-totp-notice" />
      {codeError ? (
        <p className="office-error" role="alert" data-testid="accounts-totp-error">
          {codeError}
        </p>
      ) : (
        error && <ErrorState error={error} />
      )}
    </div>
  );
}

function AccountList({ login, stores }: { login: string; stores: readonly OfficeStore[] }) {
  const { t } = useTranslation();
  const query = useOfficeQuery(() => officeApi.get('/accounts', OfficeAccountList), 'accounts');
  const { busy, notice, error, run } = useAction();
  const [resetting, setResetting] = useState<string | null>(null);
  const storeName = (id: string) => (id === '*' ? t('officeStaff.accounts.allStores') : (stores.find((s) => s.storeId === id)?.name ?? id));
  const errorText = error?.reason === 'login_taken' ? t('officeStaff.accounts.loginTaken') : null;

  const change = (action: () => Promise<string>) => run(action).then((ok) => (ok && query.reload(), ok));

  const setActive = (a: OfficeAccountSummary, active: boolean) =>
    change(async () => {
      await officeApi.put(`/accounts/${a.accountId}/active`, { active }, AccountActiveDone);
      return t(active ? 'officeStaff.accounts.reactivated' : 'officeStaff.accounts.deactivated', { login: a.login });
    });

  return (
    <div className="staff-panel">
      <h2>{t('officeStaff.accounts.list')}</h2>
      <CreateAccount stores={stores} busy={busy} change={change} />
      <Notice text={notice} testId="accounts-notice" />
      {errorText ? (
        <p className="office-error" role="alert" data-testid="accounts-error">
          {errorText}
        </p>
      ) : (
        error && <ErrorState error={error} />
      )}
      <QueryView query={query}>
        {(data) => (
          <>
            {data.accounts.length <= 1 && (
              <EmptyState title={t('officeStaff.accounts.empty')}>
                <p>{t('officeStaff.accounts.emptyHint')}</p>
              </EmptyState>
            )}
            <table className="office-table staff-table">
              <thead>
                <tr>
                  <th scope="col">{t('officeStaff.accounts.name')}</th>
                  <th scope="col">{t('officeStaff.accounts.login')}</th>
                  <th scope="col">{t('officeStaff.accounts.role')}</th>
                  <th scope="col">{t('officeStaff.accounts.totp')}</th>
                  <th scope="col">{t('officeStaff.accounts.status')}</th>
                  <th scope="col">{t('officeStaff.accounts.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {data.accounts.map((a) => {
                  const self = a.login === login;
                  return (
                    <Fragment key={a.accountId}>
                      <tr data-testid="account-row" data-login={a.login} className={a.active ? undefined : 'inactive'}>
                        <td data-label={t('officeStaff.accounts.name')}>
                          {a.name} {self && t('officeStaff.accounts.you')}
                        </td>
                        <td data-label={t('officeStaff.accounts.login')}>{a.login}</td>
                        <td data-label={t('officeStaff.accounts.role')}>
                          {a.grants.map((g) => `${t(`office.role.${g.role}`)} · ${storeName(g.storeId)}`).join('，')}
                        </td>
                        <td data-label={t('officeStaff.accounts.totp')}>{a.totp ? t('officeStaff.accounts.on') : t('officeStaff.accounts.off')}</td>
                        <td data-label={t('officeStaff.accounts.status')} data-testid="account-status">
                          {!a.active ? t('officeStaff.accounts.inactive') : a.lockedUntil ? t('officeStaff.accounts.locked') : t('officeStaff.accounts.active')}
                        </td>
                        <td>
                          <div className="staff-actions">
                            <button type="button" disabled={busy} data-testid="account-reset" onClick={() => setResetting(resetting === a.accountId ? null : a.accountId)}>
                              {t('officeStaff.accounts.resetPassword')}
                            </button>
                            {!self &&
                              (a.active ? (
                                <button type="button" className="danger" disabled={busy} data-testid="account-deactivate" onClick={() => void setActive(a, false)}>
                                  {t('officeStaff.accounts.deactivate')}
                                </button>
                              ) : (
                                <button type="button" disabled={busy} data-testid="account-reactivate" onClick={() => void setActive(a, true)}>
                                  {t('officeStaff.accounts.reactivate')}
                                </button>
                              ))}
                          </div>
                        </td>
                      </tr>
                      {resetting === a.accountId && (
                        <tr className="staff-reset-row">
                          <td colSpan={6}>
                            <ResetPassword
                              account={a}
                              busy={busy}
                              onCancel={() => setResetting(null)}
                              onSave={(password, clearTotp) =>
                                void change(async () => {
                                  await officeApi.post(`/accounts/${a.accountId}/password`, { password, clearTotp }, PasswordResetDone);
                                  setResetting(null);
                                  return t('officeStaff.accounts.passwordReset', { login: a.login });
                                })
                              }
                            />
                          </td>
                        </tr>
                      )}
                    </Fragment>
                  );
                })}
              </tbody>
            </table>
          </>
        )}
      </QueryView>
    </div>
  );
}

function CreateAccount({ stores, busy, change }: { stores: readonly OfficeStore[]; busy: boolean; change: (action: () => Promise<string>) => Promise<boolean> }) {
  const { t } = useTranslation();
  const [form, setForm] = useState({ login: '', name: '', password: '', role: 'manager' as 'manager' | 'accountant', storeId: stores[0]?.storeId ?? '' });
  const set = <K extends keyof typeof form>(key: K, value: (typeof form)[K]) => setForm((f) => ({ ...f, [key]: value }));
  const storeId = form.role === 'manager' && form.storeId === '*' ? (stores[0]?.storeId ?? '') : form.storeId;
  const ready = form.login.trim().length >= 3 && form.name.trim() !== '' && form.password.length >= PASSWORD_MIN && storeId !== '';
  return (
    <form
      className="office-inline-form staff-form"
      aria-label={t('officeStaff.accounts.createTitle')}
      onSubmit={(e) => {
        e.preventDefault();
        if (!ready) return;
        void change(async () => {
          await officeApi.post('/accounts', { login: form.login.trim(), name: form.name.trim(), password: form.password, role: form.role, storeId }, CreatedAccount);
          setForm((f) => ({ ...f, login: '', name: '', password: '' }));
          return t('officeStaff.accounts.created', { login: form.login.trim().toLowerCase() });
        });
      }}
    >
      <strong className="staff-form-title">{t('officeStaff.accounts.createTitle')}</strong>
      <label>
        {t('officeStaff.accounts.name')}
        <input value={form.name} maxLength={60} data-testid="account-new-name" onChange={(e) => set('name', e.target.value)} />
      </label>
      <label>
        {t('officeStaff.accounts.login')}
        <input value={form.login} maxLength={64} autoComplete="off" data-testid="account-new-login" onChange={(e) => set('login', e.target.value)} />
      </label>
      <label>
        {t('officeStaff.accounts.password')}
        <input type="password" value={form.password} autoComplete="new-password" data-testid="account-new-password" onChange={(e) => set('password', e.target.value)} />
      </label>
      <label>
        {t('officeStaff.accounts.role')}
        <select value={form.role} data-testid="account-new-role" onChange={(e) => set('role', e.target.value as 'manager' | 'accountant')}>
          <option value="manager">{t('officeStaff.accounts.roleManager')}</option>
          <option value="accountant">{t('officeStaff.accounts.roleAccountant')}</option>
        </select>
      </label>
      <label>
        {t('officeStaff.accounts.store')}
        <select value={storeId} data-testid="account-new-store" onChange={(e) => set('storeId', e.target.value)}>
          {form.role === 'accountant' && <option value="*">{t('officeStaff.accounts.allStores')}</option>}
          {stores.map((s) => (
            <option key={s.storeId} value={s.storeId}>
              {s.name}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="primary" disabled={busy || !ready} data-testid="account-create">
        {t('officeStaff.accounts.create')}
      </button>
    </form>
  );
}

function ResetPassword({ account, busy, onSave, onCancel }: { account: OfficeAccountSummary; busy: boolean; onSave: (password: string, clearTotp: boolean) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  const [clearTotp, setClearTotp] = useState(false);
  return (
    <form
      className="office-inline-form staff-form"
      aria-label={t('officeStaff.accounts.resetTitle', { login: account.login })}
      onSubmit={(e) => {
        e.preventDefault();
        if (password.length >= PASSWORD_MIN) onSave(password, clearTotp);
      }}
    >
      <strong className="staff-form-title">{t('officeStaff.accounts.resetTitle', { login: account.login })}</strong>
      <label>
        {t('officeStaff.accounts.newPassword')}
        <input type="password" value={password} autoComplete="new-password" data-testid="account-new-password-reset" onChange={(e) => setPassword(e.target.value)} />
      </label>
      {account.totp && (
        <label className="staff-check">
          <input type="checkbox" checked={clearTotp} onChange={(e) => setClearTotp(e.target.checked)} />
          {t('officeStaff.accounts.clearTotp')}
        </label>
      )}
      <button type="submit" className="primary" disabled={busy || password.length < PASSWORD_MIN} data-testid="account-password-save">
        {t('officeStaff.accounts.savePassword')}
      </button>
      <button type="button" onClick={onCancel}>
        {t('officeStaff.cancel')}
      </button>
    </form>
  );
}

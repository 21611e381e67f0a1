/** The sign-in page, and the first owner account's set-up (proved with the server's admin token). */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { OfficeSession } from '../../src-common/office/session';
import { officeApi, type OfficeApiError } from './api';
import { asApiError, useErrorText } from './ui';

function useSignInErrorText() {
  const { t } = useTranslation();
  const general = useErrorText();
  return (error: OfficeApiError) => {
    switch (error.reason) {
      case 'wrong_login':
        return t('office.signIn.wrong');
      case 'locked':
        return t('office.signIn.locked');
      case 'totp_required':
        return t('office.signIn.totpRequired');
      case 'totp_wrong':
        return t('office.signIn.totpWrong');
      case 'admin_token':
        return t('office.setup.wrongToken');
      default:
        return error.status === 429 ? t('office.signIn.tooMany') : general(error);
    }
  };
}

export function SignIn({ onSignedIn, ended }: { onSignedIn: (session: OfficeSession) => void; ended: boolean }) {
  const { t } = useTranslation();
  const errorText = useSignInErrorText();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [askTotp, setAskTotp] = useState(false);
  const [error, setError] = useState<OfficeApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await officeApi.post('/session', { login, password, ...(askTotp && totp ? { totp } : {}) }, OfficeSession));
    } catch (e) {
      const err = asApiError(e);
      if (err.reason === 'totp_required') setAskTotp(true);
      setError(err);
      setPassword((p) => (err.reason === 'totp_required' || err.reason === 'totp_wrong' ? p : ''));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="office-signin">
      <form
        className="office-card"
        data-testid="office-signin"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <h1>{t('office.signIn.title')}</h1>
        {ended && !error && <p className="office-note">{t('office.signIn.ended')}</p>}
        <label>
          {t('office.signIn.login')}
          <input data-testid="office-login" autoComplete="username" value={login} onChange={(e) => setLogin(e.target.value)} autoFocus />
        </label>
        <label>
          {t('office.signIn.password')}
          <input data-testid="office-password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {askTotp && (
          <label>
            {t('office.signIn.totp')}
            <input data-testid="office-totp" inputMode="numeric" autoComplete="one-time-code" maxLength={6} value={totp} onChange={(e) => setTotp(e.target.value.replace(/\D/g, ''))} />
          </label>
        )}
        {error && (
          <p className="office-error" role="alert" data-testid="office-signin-error">
            {errorText(error)}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy || !login || !password} data-testid="office-signin-submit">
          {t('office.signIn.submit')}
        </button>
      </form>
    </main>
  );
}

export function Setup({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const errorText = useSignInErrorText();
  const [form, setForm] = useState({ adminToken: '', login: '', name: '', password: '', again: '' });
  const [error, setError] = useState<OfficeApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const mismatch = form.again !== '' && form.again !== form.password;
  const field = (key: keyof typeof form) => ({ value: form[key], onChange: (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value })) });

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const { again: _again, ...body } = form;
      await officeApi.post('/setup', body);
      onDone();
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="office-signin">
      <form
        className="office-card"
        data-testid="office-setup"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <h1>{t('office.setup.title')}</h1>
        <p className="office-note">{t('office.setup.hint')}</p>
        <label>
          {t('office.setup.adminToken')}
          <input data-testid="office-setup-token" type="password" autoComplete="off" {...field('adminToken')} />
        </label>
        <label>
          {t('office.setup.name')}
          <input data-testid="office-setup-name" maxLength={60} {...field('name')} />
        </label>
        <label>
          {t('office.signIn.login')}
          <input data-testid="office-setup-login" autoComplete="username" {...field('login')} />
        </label>
        <label>
          {t('office.setup.password')}
          <input data-testid="office-setup-password" type="password" autoComplete="new-password" {...field('password')} />
        </label>
        <label>
          {t('office.setup.again')}
          <input data-testid="office-setup-again" type="password" autoComplete="new-password" {...field('again')} />
        </label>
        {mismatch && <p className="office-error">{t('office.setup.mismatch')}</p>}
        {error && (
          <p className="office-error" role="alert" data-testid="office-setup-error">
            {errorText(error)}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy || mismatch || !form.adminToken || !form.login || !form.name || form.password.length < 10} data-testid="office-setup-submit">
          {t('office.setup.submit')}
        </button>
      </form>
    </main>
  );
}

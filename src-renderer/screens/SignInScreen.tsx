import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../../src-common/errors';
import type { PublicUser, TerminalStatus } from '../../src-common/schemas';
import { usePos } from '../api/context';
import { TerminalStatusPanel } from './TerminalStatusPanel';

export function SignInScreen({
  status,
  onSignedIn,
  onError,
}: {
  status: TerminalStatus | null;
  onSignedIn: (user: PublicUser) => void;
  onError: (error: ApiError) => void;
}) {
  const pos = usePos();
  const { t } = useTranslation();
  const [users, setUsers] = useState<PublicUser[]>([]);
  const [userId, setUserId] = useState<string | null>(null);
  const [pin, setPin] = useState('');

  useEffect(() => {
    void pos.call('auth.users', {}).then((r) => {
      if (!r.ok) return onError(r.error);
      setUsers(r.value);
      setUserId((current) => current ?? r.value[0]?.id ?? null);
    });
  }, [pos, onError]);

  const submit = async () => {
    if (!userId || pin.length < 4) return;
    const result = await pos.call('auth.signIn', { userId, pin });
    setPin('');
    if (result.ok) onSignedIn(result.value.user);
    else onError(result.error);
  };

  const press = (key: string) => setPin((p) => (key === 'C' ? '' : (p + key).slice(0, 8)));

  return (
    <main className="signin">
      <section className="signin-card">
        <h1>{t('signIn.title')}</h1>
        <div className="user-list" role="radiogroup" aria-label={t('signIn.chooseUser')}>
          {users.map((u) => (
            <button
              key={u.id}
              type="button"
              role="radio"
              aria-checked={u.id === userId}
              className={u.id === userId ? 'user selected' : 'user'}
              onClick={() => setUserId(u.id)}
            >
              <span className="user-name">{u.name}</span>
              <span className="user-role">{t(`roles.${u.role}`)}</span>
            </button>
          ))}
        </div>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <input
            className="pin-input"
            data-testid="pin"
            type="password"
            inputMode="numeric"
            autoComplete="off"
            placeholder={t('signIn.pin')}
            value={pin}
            onChange={(e) => setPin(e.target.value.replace(/\D/g, '').slice(0, 8))}
            autoFocus
          />
          <div className="pin-pad">
            {['1', '2', '3', '4', '5', '6', '7', '8', '9', 'C', '0'].map((k) => (
              <button key={k} type="button" onClick={() => press(k)}>
                {k === 'C' ? t('signIn.clear') : k}
              </button>
            ))}
            <button type="submit" className="primary" data-testid="sign-in">
              {t('signIn.submit')}
            </button>
          </div>
        </form>
        {status?.acquirerMode === 'sandbox' && <p className="muted hint">{t('signIn.demoHint')}</p>}
      </section>
      <TerminalStatusPanel status={status} />
    </main>
  );
}

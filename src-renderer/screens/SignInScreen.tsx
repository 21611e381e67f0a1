import { useEffect, useRef, useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../../src-common/errors';
import type { PublicUser, TerminalStatus } from '../../src-common/schemas';
import { usePos } from '../api/context';
import { Dialog } from '../components/Dialog';
import { TerminalStatusPanel } from './TerminalStatusPanel';
import '../styles/admin.css';
import { issuesOf, problemText } from '../i18n/issues';

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

/**
 * After sign-in: a banner (not a dialog, so nothing is blocked) while the user still has a PIN someone else
 * set (the defaults of a fresh terminal, or a reset). Its button opens the PIN-change dialog.
 */
export function PinChangeBanner({ user }: { user: PublicUser }) {
  const pos = usePos();
  const { t } = useTranslation();
  const [mustChange, setMustChange] = useState(false);
  const [dismissed, setDismissed] = useState(false);
  const [open, setOpen] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    void pos.call('users.self', {}).then((r) => setMustChange(r.ok && r.value.mustChangePin));
  }, [pos, user.id]);

  if (!mustChange || dismissed) return null;
  return (
    <div className="pin-banner" role="status" data-testid="pin-change-banner">
      <span>{t('admin.pinBanner.text')}</span>
      <button type="button" className="primary" data-testid="pin-change-open" ref={opener} onClick={() => setOpen(true)}>
        {t('admin.pinBanner.change')}
      </button>
      <button type="button" className="link" onClick={() => setDismissed(true)}>
        {t('admin.pinBanner.later')}
      </button>
      {open && (
        <PinChangeDialog
          returnFocusTo={opener}
          onClose={() => setOpen(false)}
          onChanged={() => {
            setOpen(false);
            setMustChange(false);
          }}
        />
      )}
    </div>
  );
}

/** Change your own PIN: the current one first (a wrong one counts towards the lockout). */
export function PinChangeDialog({
  onClose,
  onChanged,
  returnFocusTo,
}: {
  onClose: () => void;
  onChanged: () => void;
  /** The control that opened it (./components/Dialog.tsx). */
  returnFocusTo?: RefObject<HTMLElement | null>;
}) {
  const pos = usePos();
  const { t } = useTranslation();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const digits = (v: string) => v.replace(/\D/g, '').slice(0, 8);

  const submit = async () => {
    if (next !== repeat) return setErrors({ repeat: t('admin.pinDialog.mismatch') });
    const r = await pos.call('users.changeOwnPin', { currentPin: current, newPin: next });
    if (r.ok) return onChanged();
    const details = r.error.details as { reason?: string; path?: string } | unknown[] | undefined;
    if (Array.isArray(details)) {
      setErrors(Object.fromEntries(issuesOf(r.error).map((d) => [d.path, problemText(t, d)])));
    } else if (details?.reason) {
      setErrors({ [details.path ?? 'newPin']: t(`admin.invalid.${details.reason}`, { defaultValue: t('errors.validation_failed') }) });
    } else {
      setErrors({ currentPin: t(`errors.${r.error.code}`) });
    }
  };

  const field = (key: string, label: string, value: string, set: (v: string) => void) => (
    <label>
      {label}
      <input
        type="password"
        inputMode="numeric"
        autoComplete="off"
        data-testid={`pin-change-${key}`}
        value={value}
        aria-invalid={errors[key] ? true : undefined}
        onChange={(e) => set(digits(e.target.value))}
      />
      {errors[key] && (
        <span className="field-error" data-testid={`pin-change-error-${key}`}>
          {errors[key]}
        </span>
      )}
    </label>
  );

  return (
    <Dialog title={t('admin.pinDialog.title')} onClose={onClose} testId="pin-change-dialog" {...(returnFocusTo ? { returnFocusTo } : {})}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        {field('currentPin', t('admin.pinDialog.current'), current, setCurrent)}
        {field('newPin', t('admin.pinDialog.next'), next, setNext)}
        {field('repeat', t('admin.pinDialog.repeat'), repeat, setRepeat)}
        <div className="dialog-buttons">
          <button type="button" onClick={onClose}>
            {t('admin.pinDialog.cancel')}
          </button>
          <button type="submit" className="primary" data-testid="pin-change-save" disabled={current.length < 4 || next.length < 4}>
            {t('admin.pinDialog.save')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PublicUser } from '../../../src-common/schemas';
import { usePos } from '../../api/context';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'clear', '0', 'ok'] as const;

/** The technician's way out: pick the technician, type the PIN on a large keypad. Main checks it (and locks). */
export function ExitDialog({ onExit, onClose }: { onExit: (user: PublicUser) => void; onClose: () => void }) {
  const pos = usePos();
  const { t } = useTranslation();
  const [technicians, setTechnicians] = useState<PublicUser[]>([]);
  const [userId, setUserId] = useState<string | null>(null);
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void pos.call('auth.users', {}).then((r) => {
      if (!r.ok) return;
      const found = r.value.filter((u) => u.role === 'technician');
      setTechnicians(found);
      setUserId((current) => current ?? found[0]?.id ?? null);
    });
  }, [pos]);

  const submit = async () => {
    if (!userId || pin.length < 4) return;
    const result = await pos.call('kiosk.exit', { userId, pin });
    setPin('');
    if (result.ok) return onExit(result.value);
    const details = result.error.details as { attemptsLeft?: number } | undefined;
    if (result.error.code === 'wrong_pin') setError(t('kiosk.exit.wrongPin', { count: details?.attemptsLeft ?? 0 }));
    else if (result.error.code === 'locked') setError(t('kiosk.exit.locked'));
    else if (result.error.code === 'forbidden') setError(t('kiosk.exit.forbidden'));
    else setError(t('kiosk.error'));
  };

  const press = (key: (typeof KEYS)[number]) => {
    if (key === 'clear') return setPin('');
    if (key === 'ok') return void submit();
    setPin((p) => (p.length < 8 ? p + key : p));
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      e.stopPropagation();
      if (/^\d$/.test(e.key)) setPin((p) => (p.length < 8 ? p + e.key : p));
      else if (e.key === 'Backspace') setPin((p) => p.slice(0, -1));
      else if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  return (
    <div className="kiosk-overlay" data-testid="kiosk-exit">
      <form
        className="kiosk-modal kiosk-exit"
        role="dialog"
        aria-modal="true"
        aria-labelledby="kiosk-exit-title"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <h2 id="kiosk-exit-title">{t('kiosk.exit.title')}</h2>
        <p className="kiosk-muted">{t('kiosk.exit.hint')}</p>
        <div className="kiosk-segmented" role="group" aria-label={t('kiosk.exit.technician')}>
          {technicians.map((u) => (
            <button key={u.id} type="button" aria-pressed={u.id === userId} onClick={() => setUserId(u.id)}>
              {u.name}
            </button>
          ))}
        </div>
        <div className="kiosk-pin" data-testid="kiosk-exit-pin" aria-label={t('kiosk.exit.pin')}>
          {pin.length ? '●'.repeat(pin.length) : <span className="kiosk-muted">{t('kiosk.exit.pin')}</span>}
        </div>
        {error && (
          <p className="kiosk-alert" role="alert" data-testid="kiosk-exit-error">
            {error}
          </p>
        )}
        <div className="kiosk-keypad">
          {KEYS.map((key) => (
            <button
              key={key}
              type="button"
              data-testid={`kiosk-exit-key-${key}`}
              className={key === 'ok' ? 'kiosk-primary' : undefined}
              onClick={() => press(key)}
            >
              {key === 'clear' ? t('kiosk.exit.clear') : key === 'ok' ? t('kiosk.exit.confirm') : key}
            </button>
          ))}
        </div>
        <button type="button" className="kiosk-link" data-testid="kiosk-exit-cancel" onClick={onClose}>
          {t('kiosk.exit.cancel')}
        </button>
      </form>
    </div>
  );
}

import { useTranslation } from 'react-i18next';

/** "Are you still there?" with its countdown; any touch but "clear order" keeps the order. */
export function IdlePrompt({ seconds, onStay, onLeave }: { seconds: number; onStay: () => void; onLeave: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="kiosk-overlay" data-testid="kiosk-idle" onClick={onStay}>
      <div className="kiosk-modal" role="alertdialog" aria-modal="true" aria-labelledby="kiosk-idle-title">
        <div className="kiosk-idle-ring" data-testid="kiosk-idle-seconds">
          {seconds}
        </div>
        <h2 id="kiosk-idle-title">{t('kiosk.idle.title')}</h2>
        <p>{t('kiosk.idle.body', { seconds })}</p>
        <button type="button" className="kiosk-primary" data-testid="kiosk-idle-stay" onClick={onStay}>
          {t('kiosk.idle.stay')}
        </button>
        <button
          type="button"
          className="kiosk-link"
          data-testid="kiosk-idle-leave"
          onClick={(e) => {
            e.stopPropagation();
            onLeave();
          }}
        >
          {t('kiosk.idle.leave')}
        </button>
      </div>
    </div>
  );
}

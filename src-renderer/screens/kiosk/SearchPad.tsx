import { useTranslation } from 'react-i18next';

/** A keyboard's letter rows: pinyin initials are letters (可乐 → kl), so the pad has nothing else but a delete key. */
const ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'] as const;

/**
 * The on-screen keyboard for the kiosk's search (a kiosk has no keyboard, and the system's own would cover the
 * results): big letter keys at the bottom of the screen, within reach.
 */
export function SearchPad({ onKey, onDelete, onClear, onDone }: { onKey: (letter: string) => void; onDelete: () => void; onClear: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="kiosk-pad" data-testid="kiosk-search-pad" role="group" aria-label={t('kiosk.search.pad')}>
      {ROWS.map((row, i) => (
        <div key={row} className="kiosk-pad-row">
          {Array.from(row).map((letter) => (
            <button key={letter} type="button" className="kiosk-key" data-testid="kiosk-search-key" data-key={letter} onClick={() => onKey(letter)}>
              {letter.toUpperCase()}
            </button>
          ))}
          {i === ROWS.length - 1 && (
            <button type="button" className="kiosk-key wide" data-testid="kiosk-search-delete" aria-label={t('kiosk.search.delete')} onClick={onDelete}>
              ⌫
            </button>
          )}
        </div>
      ))}
      <div className="kiosk-pad-row">
        <button type="button" className="kiosk-secondary" data-testid="kiosk-search-clear" onClick={onClear}>
          {t('kiosk.search.clear')}
        </button>
        <button type="button" className="kiosk-primary" data-testid="kiosk-search-done" onClick={onDone}>
          {t('kiosk.search.done')}
        </button>
      </div>
    </div>
  );
}

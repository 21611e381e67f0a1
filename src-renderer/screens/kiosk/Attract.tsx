import { useTranslation } from 'react-i18next';
import type { Language } from '../../../src-common/schemas';
import { ART } from './art';

const SHOWCASE = ['drinks', 'snacks', 'dairy', 'fresh', 'instant', 'care'] as const;

/** The screen nobody is using: the store's name, tap to start, language and large-text choices. */
export function Attract({
  storeName,
  language,
  large,
  onLanguage,
  onLarge,
  onStart,
}: {
  storeName: string;
  language: Language;
  large: boolean;
  onLanguage: (language: Language) => void;
  onLarge: (large: boolean) => void;
  onStart: () => void;
}) {
  const { t } = useTranslation();
  return (
    <section className="kiosk-attract" data-testid="kiosk-attract" onClick={onStart}>
      <div className="kiosk-attract-store">{storeName}</div>
      <h1 className="kiosk-attract-title">{t('kiosk.attract.title')}</h1>
      <p className="kiosk-attract-subtitle">{t('kiosk.attract.subtitle')}</p>
      <div className="kiosk-attract-tiles" aria-hidden="true">
        {SHOWCASE.map((key) => (
          <svg key={key} viewBox="0 0 100 100" style={{ background: ART[key].color }}>
            <g transform="translate(20 20) scale(0.6)" fill="#fff" stroke="#fff" strokeWidth="8" strokeLinecap="round">
              {ART[key].fill.map((d) => (
                <path key={d} d={d} stroke="none" />
              ))}
              {ART[key].stroke?.map((d) => (
                <path key={d} d={d} fill="none" />
              ))}
            </g>
          </svg>
        ))}
      </div>
      <button type="button" className="kiosk-start" data-testid="kiosk-start" onClick={onStart}>
        <span className="kiosk-start-pulse" aria-hidden="true" />
        {t('kiosk.attract.tap')}
      </button>
      <div className="kiosk-attract-options" onClick={(e) => e.stopPropagation()}>
        <div className="kiosk-segmented" role="group" aria-label={t('kiosk.attract.language')}>
          {(['zh-CN', 'en'] as const).map((l) => (
            <button key={l} type="button" aria-pressed={language === l} data-testid={`kiosk-language-${l}`} onClick={() => onLanguage(l)}>
              {l === 'zh-CN' ? '中文' : 'English'}
            </button>
          ))}
        </div>
        <button type="button" className="kiosk-toggle" aria-pressed={large} data-testid="kiosk-large-text" onClick={() => onLarge(!large)}>
          <span className="kiosk-toggle-aa" aria-hidden="true">
            A<small>A</small>
          </span>
          {t('kiosk.attract.largeText')}
        </button>
      </div>
      <p className="kiosk-attract-accepts">{t('kiosk.attract.accepts')}</p>
    </section>
  );
}

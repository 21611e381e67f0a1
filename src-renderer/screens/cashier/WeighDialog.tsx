import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { TypedGrams, type ScaleReadingView } from '../../../src-common/calls/scale';
import { extendPrice } from '../../../src-common/money';
import type { Cart, Product } from '../../../src-common/schemas';
import type { Result } from '../../../src-common/errors';
import { usePos } from '../../api/context';
import { Dialog } from '../../components/Dialog';
import { money, parseQuantity } from '../../format';
import '../../styles/scale.css';

const POLL_MS = 150;

/** "0.512" from grams, always 3 decimals (a scale's display). */
const kg = (grams: number) => `${grams < 0 ? '-' : ''}${Math.floor(Math.abs(grams) / 1000)}.${String(Math.abs(grams) % 1000).padStart(3, '0')}`;

/**
 * A product sold by weight: the scale's live net weight (stable flag, tare, zero) and the price, added with the
 * stable weight when the cashier confirms; with no scale, or a scale that fails, a typed weight. Main takes the
 * weight from the scale itself (sale.addWeighed with source 'scale'), never from this screen.
 */
export function WeighDialog({
  product,
  currency,
  onAdd,
  onClose,
}: {
  product: Product;
  currency: string;
  /** Makes the add (again with an owner's approval, when the screen asks for one) and says whether it went in. */
  onAdd: (add: (approval?: { userId: string; pin: string }) => Promise<Result<Cart>>) => Promise<boolean>;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation();
  const pos = usePos();
  const [scale, setScale] = useState<{ configured: boolean; reading: ScaleReadingView | null } | null>(null);
  const [typing, setTyping] = useState(false);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const read = async () => {
      const r = await pos.call('scale.read', {});
      if (stopped) return;
      if (r.ok) setScale(r.value);
      timer = setTimeout(() => void read(), POLL_MS);
    };
    void read();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [pos]);

  const reading = scale?.reading ?? null;
  const scaleWorks = scale !== null && scale.configured && reading !== null && reading.state !== 'no_reply' && reading.state !== 'unplugged';
  const typed = scale !== null && (typing || !scaleWorks);
  const typedGrams = parseQuantity(text);
  const typedValid = typedGrams !== null && TypedGrams.safeParse(typedGrams).success;
  const grams = typed ? (typedValid ? typedGrams : null) : reading?.grams ?? null;
  const ready = typed ? typedValid : !!reading && reading.stable && reading.state === 'ok' && reading.grams !== null && reading.grams > 0;
  const name = i18n.language === 'en' && product.nameEn ? product.nameEn : product.name;

  const add = async () => {
    if (!ready || busy) return;
    setBusy(true);
    const weight = typed ? { source: 'typed' as const, grams: typedGrams! } : { source: 'scale' as const };
    const ok = await onAdd((approval) => pos.call('sale.addWeighed', { productId: product.id, weight, ...(approval ? { approval } : {}) }));
    setBusy(false);
    if (ok) onClose();
  };
  const command = (c: 'zero' | 'tare' | 'clearTare') => void pos.call('scale.command', { command: c });

  return (
    <Dialog title={t('scale.weigh.title', { name })} onClose={onClose} testId="weigh-dialog">
      <form
        className="weigh"
        onSubmit={(e) => {
          e.preventDefault();
          void add();
        }}
      >
        <div className="weigh-price muted">{t('scale.weigh.pricePerKg', { price: money(product.price, currency) })}</div>
        {!typed && reading && (
          <div className="weigh-live" data-testid="weigh-live">
            <div className={`weigh-kg${reading.stable ? ' stable' : ''}`} data-testid="weigh-kg" aria-live="polite">
              {reading.grams === null ? '—' : kg(reading.grams)} kg
            </div>
            <div className="weigh-flags">
              <span data-testid="weigh-stable" data-stable={reading.stable} className={reading.stable ? 'ok' : 'warn'}>
                {reading.stable ? t('scale.weigh.stable') : reading.state === 'ok' || reading.state === 'motion' ? t('scale.weigh.unstable') : t(`scale.weigh.state.${reading.state}`)}
              </span>
              {reading.net && <span className="tag">{t('scale.weigh.net')}</span>}
              {reading.tareGrams ? <span className="muted">{t('scale.weigh.tareIs', { kg: kg(reading.tareGrams) })}</span> : null}
            </div>
            <div className="weigh-buttons">
              <button type="button" data-testid="weigh-tare" onClick={() => command('tare')}>
                {t('scale.weigh.tare')}
              </button>
              <button type="button" data-testid="weigh-zero" onClick={() => command('zero')}>
                {t('scale.weigh.zero')}
              </button>
              <button type="button" onClick={() => command('clearTare')}>
                {t('scale.weigh.clearTare')}
              </button>
              <button type="button" className="link" data-testid="weigh-type-instead" onClick={() => setTyping(true)}>
                {t('scale.weigh.typeInstead')}
              </button>
            </div>
          </div>
        )}
        {typed && (
          <>
            {scale && !scaleWorks && (
              <p className="notice warn" data-testid="weigh-no-scale">
                {scale.configured && reading ? t(`scale.weigh.state.${reading.state}`) : t('scale.weigh.noScale')}
              </p>
            )}
            <label>
              {t('scale.weigh.typedLabel')}
              <input
                data-testid="weigh-typed"
                inputMode="decimal"
                autoFocus
                value={text}
                onChange={(e) => setText(e.target.value)}
                aria-invalid={text !== '' && !typedValid}
              />
            </label>
            {text !== '' && !typedValid && <div className="field-error">{t('scale.weigh.typedInvalid')}</div>}
            {scaleWorks && (
              <button type="button" className="link" onClick={() => setTyping(false)}>
                {t('scale.weigh.useScale')}
              </button>
            )}
          </>
        )}
        <div className="weigh-amount">
          {t('scale.weigh.amount')}: <strong data-testid="weigh-amount">{grams !== null && grams > 0 ? money(extendPrice(product.price, grams), currency) : '—'}</strong>
        </div>
        <div className="dialog-buttons">
          <button type="button" onClick={onClose}>
            {t('scale.weigh.cancel')}
          </button>
          <button type="submit" className="primary" data-testid="weigh-add" disabled={!ready || busy}>
            {t('scale.weigh.add')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

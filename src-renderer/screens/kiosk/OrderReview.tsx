import { useTranslation } from 'react-i18next';
import type { KioskOrder, KioskStatus } from '../../../src-common/calls/kiosk';
import { money } from '../../format';
import { CategoryBadge } from './art';
import type { KioskCategory } from '../../../src-common/calls/kiosk';
import { StatusNotice } from './StatusNotice';

/** The order before paying: lines with − / + / remove, the total, and what works for paying now. */
export function OrderReview({
  order,
  categories,
  currency,
  status,
  busy,
  onQuantity,
  onRemove,
  onBack,
  onPay,
  onCheckAgain,
}: {
  order: KioskOrder | null;
  categories: readonly KioskCategory[];
  currency: string;
  status: KioskStatus | null;
  busy: boolean;
  onQuantity: (lineId: string, quantity: number) => void;
  onRemove: (lineId: string) => void;
  onBack: () => void;
  onPay: () => void;
  onCheckAgain: () => void;
}) {
  const { t, i18n } = useTranslation();
  const en = i18n.language === 'en';
  const pictureOf = (productId: string) => categories.find((c) => c.products.some((p) => p.id === productId))?.picture ?? 'other';
  const canPay = !!order?.lines.length && (!status || status.payByCode || status.payByQr);

  return (
    <section className="kiosk-review" data-testid="kiosk-review-step">
      <h1 className="kiosk-step-title">
        {t('kiosk.order.title')}
        {!!order?.items && <small>{t('kiosk.shop.items', { count: order.items })}</small>}
      </h1>
      {!order?.lines.length && <p className="kiosk-empty">{t('kiosk.order.empty')}</p>}
      <ul className="kiosk-lines">
        {order?.lines.map((line) => {
          const name = en && line.nameEn ? line.nameEn : line.name;
          return (
            <li key={line.lineId} className="kiosk-line" data-testid="kiosk-line">
              <CategoryBadge picture={pictureOf(line.productId)} className="kiosk-line-art" />
              <div className="kiosk-line-text">
                <span className="kiosk-line-name">{name}</span>
                <span className="kiosk-line-each">{t('kiosk.order.each', { price: money(line.unitPrice, currency) })}</span>
                <button
                  type="button"
                  className="kiosk-secondary kiosk-remove"
                  data-testid="kiosk-line-remove"
                  aria-label={t('kiosk.order.removeName', { name })}
                  disabled={busy}
                  onClick={() => onRemove(line.lineId)}
                >
                  <svg viewBox="0 0 24 24" aria-hidden="true">
                    <path d="M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13" fill="none" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" strokeLinejoin="round" />
                  </svg>
                  {t('kiosk.order.remove')}
                </button>
              </div>
              <div className="kiosk-stepper">
                <button
                  type="button"
                  aria-label={t('kiosk.order.decrease', { name })}
                  data-testid="kiosk-line-minus"
                  disabled={busy}
                  onClick={() => (line.quantity > 1 ? onQuantity(line.lineId, line.quantity - 1) : onRemove(line.lineId))}
                >
                  −
                </button>
                <output data-testid="kiosk-line-quantity">{line.quantity}</output>
                <button
                  type="button"
                  aria-label={t('kiosk.order.increase', { name })}
                  data-testid="kiosk-line-plus"
                  disabled={busy || line.quantity >= 99}
                  onClick={() => onQuantity(line.lineId, line.quantity + 1)}
                >
                  +
                </button>
              </div>
              <strong className="kiosk-line-net" data-testid="kiosk-line-net">
                {money(line.net, currency)}
              </strong>
            </li>
          );
        })}
      </ul>
      <StatusNotice status={status} onCheckAgain={onCheckAgain} />
      <footer className="kiosk-review-foot">
        <div className="kiosk-review-total">
          <span>{t('kiosk.order.total')}</span>
          <strong data-testid="kiosk-review-total">{money(order?.total ?? 0, currency)}</strong>
        </div>
        <div className="kiosk-review-buttons">
          <button type="button" className="kiosk-secondary" data-testid="kiosk-keep-shopping" onClick={onBack}>
            ← {t('kiosk.order.keepShopping')}
          </button>
          <button type="button" className="kiosk-primary" data-testid="kiosk-pay" disabled={!canPay || busy} onClick={onPay}>
            {t('kiosk.order.pay', { amount: money(order?.total ?? 0, currency) })}
          </button>
        </div>
      </footer>
    </section>
  );
}

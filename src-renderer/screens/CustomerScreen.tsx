import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Cart, PaymentView } from '../../src-common/schemas';
import { QrImage } from '../components/QrImage';
import { ScreenTitle } from '../components/ScreenTitle';
import { usePos } from '../api/context';
import { money, quantity } from '../format';

/**
 * The customer-facing display: the cart as it grows, the total, then the change and a thank-you. Laid out to the
 * viewport (styles.css "customer display": sizes in vmin/vh, no scrolling), from 800×480 up to 1920×1080.
 */
export function CustomerScreen({ storeName }: { storeName: string }) {
  const { t, i18n } = useTranslation();
  const pos = usePos();
  const [cart, setCart] = useState<Cart | null>(null);
  const [done, setDone] = useState<{ total: number; change: number } | null>(null);
  const [currency, setCurrency] = useState('CNY');
  const [qr, setQr] = useState<PaymentView | null>(null);

  useEffect(() => {
    void pos.call('display.current', {}).then((r) => {
      if (!r.ok) return;
      setCart(r.value.cart);
      setQr(r.value.payment);
      if (r.value.cart) setCurrency(r.value.cart.currency);
    });
    const offChanged = pos.on('sale.changed', (next) => {
      setCart(next);
      if (next) {
        setDone(null);
        setCurrency(next.currency);
      }
    });
    const offCompleted = pos.on('sale.completed', (sale) => {
      setQr(null);
      setDone({ total: sale.total, change: sale.change });
    });
    const offPayment = pos.on('payment.changed', (p) => {
      setQr(p.qrCode ? p : null);
      // A part of the sale paid or given back (issue 18): what is left to pay changed.
      if (p.status === 'paid' || p.status === 'reversed') void pos.call('display.current', {}).then((r) => r.ok && r.value.cart && setCart(r.value.cart));
    });
    return () => {
      offChanged();
      offCompleted();
      offPayment();
    };
  }, [pos]);

  const title = storeName || t('app.title');
  if (done && cart === null) {
    return (
      <main className="customer">
        <ScreenTitle>{title}</ScreenTitle>
        <div className="customer-welcome">{t('customer.thanks')}</div>
        <div className="customer-line">
          {t('customer.change')} <strong data-testid="customer-change">{money(done.change, currency)}</strong>
        </div>
      </main>
    );
  }
  if (qr?.qrCode) {
    return (
      <main className="customer">
        <ScreenTitle>{title}</ScreenTitle>
        <div className="customer-line">
          {t('customer.total')} <strong data-testid="customer-total">{money(qr.amount, currency)}</strong>
        </div>
        <div className="customer-qr">
          <QrImage text={qr.qrCode} size={360} testId="customer-qr" />
        </div>
        <div className="customer-store">{t('customer.scanToPay', { wallet: t(`tenders.${qr.wallet ?? 'other'}`) })}</div>
      </main>
    );
  }
  if (!cart || cart.lines.length === 0) {
    return (
      <main className="customer">
        <ScreenTitle>{title}</ScreenTitle>
        <div className="customer-store">{storeName}</div>
        <div className="customer-welcome">{t('customer.welcome')}</div>
      </main>
    );
  }
  const last = cart.lines.find((l) => l.lineId === cart.lastLineId) ?? cart.lines.at(-1)!;
  // Newest last and kept in view: older lines drop off the top when the screen is full.
  return (
    <main className="customer active">
      <ScreenTitle>{title}</ScreenTitle>
      <div className="customer-store" data-testid="customer-store">
        {storeName}
      </div>
      <div className="customer-last">
        <span>{i18n.language === 'en' && last.nameEn ? last.nameEn : last.name}</span>
        <span>
          {quantity(last.quantityMilli, last.unit)} × {money(last.unitPrice, cart.currency)}
        </span>
      </div>
      <ul className="customer-lines">
        {cart.lines.map((l) => (
          <li key={l.lineId} data-testid="customer-line">
            <span className="name">{i18n.language === 'en' && l.nameEn ? l.nameEn : l.name}</span>
            <span className="qty">{quantity(l.quantityMilli, l.unit)}</span>
            <span className="amount">{money(l.net, cart.currency)}</span>
          </li>
        ))}
      </ul>
      {cart.promotionTotal > 0 && (
        <div className="customer-line" data-testid="customer-promotions">
          {t('promotions.cart.total')} <strong>-{money(cart.promotionTotal, cart.currency)}</strong>
        </div>
      )}
      <div className="customer-total">
        {t('customer.total')} <strong data-testid="customer-total">{money(cart.total, cart.currency)}</strong>
      </div>
      {cart.paidParts && cart.paidParts.length > 0 && (
        <div className="customer-line" data-testid="customer-remaining">
          {t('splitPay.customerPaid', {
            paid: money(cart.paidParts.reduce((sum, p) => sum + p.amount, 0), cart.currency),
            remaining: money(cart.stillDue ?? 0, cart.currency),
          })}
        </div>
      )}
      {cart.member && (
        <div className="customer-member" data-testid="customer-member">
          {t('members.attached', { phone: cart.member.maskedPhone })} · {t('members.balance', { points: cart.member.balance })}
          {cart.points && ` · ${t('members.redeemed', { points: cart.points.points, amount: money(cart.points.amount, cart.currency), mode: t(cart.points.mode === 'tender' ? 'members.modeTender' : 'members.modeDiscount') })}`}
        </div>
      )}
    </main>
  );
}

import { useTranslation } from 'react-i18next';
import type { Cart } from '../../../src-common/schemas';
import { money } from '../../format';

export function TotalsPanel({ cart, currency }: { cart: Cart | null; currency: string }) {
  const { t } = useTranslation();
  const count = cart ? cart.lines.reduce((n, l) => n + (l.unit === 'each' ? l.quantityMilli / 1000 : 1), 0) : 0;
  return (
    <section className="totals" aria-label={t('cashier.total')}>
      <div className="total-label">{t('cashier.total')}</div>
      <div className="total-amount" data-testid="total">
        {money(cart?.total ?? 0, currency)}
      </div>
      <div className="muted">{t('cashier.items', { count })}</div>
      <dl className="breakdown">
        <dt>{t('cashier.subtotal')}</dt>
        <dd data-testid="subtotal">{money(cart?.subtotal ?? 0, currency)}</dd>
        {!!cart && cart.promotionTotal > 0 && (
          <>
            <dt>{t('promotions.cart.total')}</dt>
            <dd data-testid="promotion-total">-{money(cart.promotionTotal, currency)}</dd>
          </>
        )}
        {!!cart && cart.lineDiscountTotal + cart.orderDiscount > 0 && (
          <>
            <dt>{t('cashier.discount')}</dt>
            <dd data-testid="discount-total">-{money(cart.lineDiscountTotal + cart.orderDiscount, currency)}</dd>
          </>
        )}
        {cart?.taxes.map((tax) => (
          <div key={tax.rateBp} className="tax-row">
            <dt>{t('cashier.tax', { rate: tax.rateBp / 100 })}</dt>
            <dd data-testid={`tax-${tax.rateBp}`}>{money(tax.tax, currency)}</dd>
          </div>
        ))}
        {!!cart && cart.cashRounding !== 0 && (
          <>
            <dt>{t('cashier.cashDue')}</dt>
            <dd data-testid="cash-due">{money(cart.cashDue, currency)}</dd>
          </>
        )}
      </dl>
    </section>
  );
}

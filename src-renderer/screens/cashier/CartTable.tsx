import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { Cart } from '../../../src-common/schemas';
import { money, quantity } from '../../format';
import { ScreenTitle } from '../../components/ScreenTitle';

export function CartTable({ cart, selectedLineId, onSelect }: { cart: Cart | null; selectedLineId: string | null; onSelect: (lineId: string) => void }) {
  const { t, i18n } = useTranslation();
  const lastRow = useRef<HTMLTableRowElement>(null);
  const scroller = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // Braces matter: scrollIntoView returns a promise in current Chromium, and an effect may return only a cleanup.
    void lastRow.current?.scrollIntoView({ block: 'nearest' });
  }, [cart?.lastLineId, cart?.lines.length]);
  // The line chosen with ↑/↓ from the scan field comes into view (a long sale scrolls).
  useEffect(() => {
    void scroller.current?.querySelector('tr.selected')?.scrollIntoView({ block: 'nearest' });
  }, [selectedLineId]);

  if (!cart || cart.lines.length === 0) {
    return (
      <div className="cart-empty" data-testid="cart-empty">
        <h1>{t('cashier.ready')}</h1>
        <p className="muted">{t('cashier.empty')}</p>
      </div>
    );
  }
  const english = i18n.language === 'en';
  return (
    // Focusable and named: it scrolls on its own, so a keyboard must be able to reach it (WCAG 2.1.1).
    <div className="cart-scroll" ref={scroller} tabIndex={0} role="region" aria-label={t('a11y.saleLines')}>
      <ScreenTitle>{t('workspace.cashier')}</ScreenTitle>
      <table className="cart" data-testid="cart">
        <thead>
          <tr>
            <th>{t('cashier.line')}</th>
            <th className="name">{t('cashier.item')}</th>
            <th className="num">{t('cashier.quantity')}</th>
            <th className="num">{t('cashier.unitPrice')}</th>
            <th className="num">{t('cashier.discount')}</th>
            <th className="num">{t('cashier.amount')}</th>
          </tr>
        </thead>
        <tbody>
          {cart.lines.map((line, index) => {
            const last = line.lineId === cart.lastLineId;
            const classes = [last ? 'last' : '', line.lineId === selectedLineId ? 'selected' : ''].join(' ').trim();
            const discount = line.lineDiscount + line.orderDiscount;
            return (
              <tr
                key={line.lineId}
                ref={last ? lastRow : undefined}
                className={classes}
                data-testid="cart-line"
                data-line-id={line.lineId}
                aria-selected={line.lineId === selectedLineId}
                onClick={() => onSelect(line.lineId)}
              >
                <td>{index + 1}</td>
                <td className="name">
                  {english && line.nameEn ? line.nameEn : line.name}
                  {line.weighed && <span className="tag">{t('cashier.weighed')}</span>}
                  {line.stockShort && (
                    <span className="tag warn" role="note" data-testid="line-stock-short">
                      {t('stock.lineShort', { level: quantity(line.stockShort.levelMilli, line.unit) })}
                    </span>
                  )}
                  {line.promotions.map((p) => (
                    <span key={p.promotionId} className="tag promotion" data-testid="line-promotion">
                      {p.name} -{money(p.saving, cart.currency)}
                    </span>
                  ))}
                  <div className="sku">{line.sku}</div>
                </td>
                <td className="num" data-testid="line-quantity">
                  {quantity(line.quantityMilli, line.unit)}
                </td>
                <td className="num">
                  {money(line.unitPrice, cart.currency)}
                  {line.unit === 'kg' ? '/kg' : ''}
                </td>
                <td className="num discount">{discount ? `-${money(discount, cart.currency)}` : ''}</td>
                <td className="num amount" data-testid="line-amount">
                  {money(line.net, cart.currency)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {cart.spendSave && (
        <p className="cart-spend-save" data-testid="cart-spend-save">
          <span className="tag promotion">{t('promotions.cart.spendSave')}</span> {cart.spendSave.name} -{money(cart.spendSave.saving, cart.currency)}
        </p>
      )}
    </div>
  );
}

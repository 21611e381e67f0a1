import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KioskFinished } from '../../../src-common/calls/kiosk';
import { QrImage } from '../../components/QrImage';
import { money } from '../../format';

const AUTO_RETURN_MS = 30_000;

/**
 * Paid: the order number (the receipt number) big, the paper receipt, and with a store server the e-receipt's QR
 * (its URL: the customer's phone opens the receipt; staff scan it for a return). Without a store server no QR: a
 * phone could not open it; the order number is what staff look the sale up by. Then back to the start.
 */
export function DoneStep({ finished, onFinish }: { finished: KioskFinished; onFinish: () => void }) {
  const { t } = useTranslation();
  const [until] = useState(() => Date.now() + AUTO_RETURN_MS);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => {
      const at = Date.now();
      setNow(at);
      if (at >= until) {
        clearInterval(timer);
        onFinish();
      }
    }, 500);
    return () => clearInterval(timer);
  }, [until, onFinish]);
  const orderNumber = finished.receiptNumber.split('-').at(-1)!.replace(/^0+(?=\d{3})/, '');
  const wallet = finished.wallet ? t(`tenders.${finished.wallet}`, { defaultValue: finished.wallet }) : '';

  return (
    <section className="kiosk-done" data-testid="kiosk-done">
      <div className="kiosk-done-check" aria-hidden="true">
        <svg viewBox="0 0 100 100">
          <circle cx="50" cy="50" r="46" fill="#22c55e" />
          <path d="M28 52l15 15 30-32" fill="none" stroke="#052e16" strokeWidth="9" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
      </div>
      <h1 className="kiosk-done-title">{t('kiosk.done.paid')}</h1>
      <p className="kiosk-done-total">
        {t('kiosk.done.total', { amount: money(finished.total, finished.currency) })}
        {wallet && ` · ${wallet}`}
      </p>
      <div className="kiosk-order-number">
        <span>{t('kiosk.done.orderNumber')}</span>
        <strong data-testid="kiosk-order-number" data-receipt-number={finished.receiptNumber}>
          {orderNumber}
        </strong>
        <small data-testid="kiosk-receipt-number">{finished.receiptNumber}</small>
      </div>
      <div className="kiosk-receipt-options">
        {finished.printing && (
          <div className="kiosk-receipt-paper" data-testid="kiosk-receipt-printing">
            <svg viewBox="0 0 60 80" aria-hidden="true">
              <path d="M6 4h48v70l-8-6-8 6-8-6-8 6-8-6-8 6z" fill="#f1f5f9" />
              <path d="M16 20h28M16 32h28M16 44h18" stroke="#0f172a" strokeWidth="4" strokeLinecap="round" />
            </svg>
            <p>{t('kiosk.done.printing')}</p>
          </div>
        )}
        {finished.eReceipt ? (
          <div className="kiosk-receipt-qr">
            <QrImage text={finished.eReceipt} size={260} testId="kiosk-ereceipt-qr" />
            <p>{t(finished.printing ? 'kiosk.done.eReceipt' : 'kiosk.done.eReceiptOnly')}</p>
          </div>
        ) : (
          !finished.printing && (
            <p className="kiosk-muted" data-testid="kiosk-no-receipt">
              {t('kiosk.done.noReceipt')}
            </p>
          )
        )}
      </div>
      <button type="button" className="kiosk-primary kiosk-finish" data-testid="kiosk-finish" onClick={onFinish}>
        {t('kiosk.done.finish')}
      </button>
      <p className="kiosk-muted">{t('kiosk.done.autoReturn', { seconds: Math.max(0, Math.ceil((until - now) / 1000)) })}</p>
    </section>
  );
}

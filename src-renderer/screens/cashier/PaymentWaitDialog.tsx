import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PaymentView } from '../../../src-common/schemas';
import { Dialog } from '../../components/Dialog';
import { QrImage } from '../../components/QrImage';
import { money } from '../../format';

const WAITING = ['submitted', 'pending', 'unknown'];

/**
 * While the customer confirms on their phone: what is happening, how long the terminal will wait,
 * and a way out. Every ending says what to do next.
 */
export function PaymentWaitDialog({ payment, currency, onCancel, onClose }: { payment: PaymentView; currency: string; onCancel: () => void; onClose: () => void }) {
  const { t } = useTranslation();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, []);
  const seconds = Math.max(0, Math.ceil((payment.deadline - now) / 1000));
  const waiting = WAITING.includes(payment.status);
  const wallet = payment.wallet ? t(`tenders.${payment.wallet}`, { defaultValue: payment.wallet }) : '';

  return (
    <Dialog title={t('wallet.title', { wallet })} onClose={waiting ? () => undefined : onClose} testId="payment-dialog">
      <div className="payment-wait" data-status={payment.status} data-testid="payment-status">
        <div className="payment-amount">{money(payment.amount, currency)}</div>
        <div className="muted">{payment.maskedCode}</div>
        {payment.qrCode && <QrImage text={payment.qrCode} size={220} testId="merchant-qr" />}
        {payment.status === 'pending' && <p className="payment-message">{t(payment.qrCode ? 'wallet.scanQr' : 'wallet.pending')}</p>}
        {(payment.status === 'submitted' || payment.status === 'unknown') && <p className="payment-message">{t('wallet.checking')}</p>}
        {payment.status === 'cancelling' && <p className="payment-message">{t('wallet.cancelling')}</p>}
        {payment.status === 'paid' && payment.failureCode === 'sale_completion_pending' && (
          <p className="payment-message error" data-testid="sale-completion-pending">
            {t('wallet.completionPending')}
          </p>
        )}
        {payment.status === 'failed' && <p className="payment-message error">{t(`wallet.failed.${payment.failureCode ?? 'other'}`, { defaultValue: t('wallet.failed.other') })}</p>}
        {payment.status === 'reversed' && <p className="payment-message error">{t('wallet.reversed')}</p>}
        {payment.status === 'needs_attention' && <p className="payment-message error">{t('wallet.needsAttention')}</p>}
        {waiting && (
          <div className="countdown" data-testid="payment-countdown">
            {t('wallet.countdown', { seconds })}
          </div>
        )}
      </div>
      <div className="dialog-buttons">
        {waiting || payment.status === 'cancelling' ? (
          <button type="button" onClick={onCancel} disabled={payment.status === 'cancelling'} data-testid="payment-cancel">
            {t('wallet.cancel')}
          </button>
        ) : (
          <button type="button" className="primary" onClick={onClose} data-testid="payment-back">
            {t('wallet.back')}
          </button>
        )}
      </div>
    </Dialog>
  );
}

import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KioskOrder, KioskStatus } from '../../../src-common/calls/kiosk';
import type { PaymentView } from '../../../src-common/schemas';
import { QrImage } from '../../components/QrImage';
import { ScreenTitle } from '../../components/ScreenTitle';
import { money } from '../../format';
import { StatusNotice } from './StatusNotice';
import { useMerchantQrWallets } from '../../components/use-merchant-qr-wallets';

export const IN_FLIGHT = ['submitted', 'pending', 'unknown', 'cancelling'];
/** The customer may have been charged (a reversal never confirmed, or a different amount paid): staff must look. */
export const needsAttention = (payment: PaymentView | null): boolean => payment?.status === 'needs_attention';
const QR_WALLETS = ['wechat', 'alipay', 'unionpay'] as const;
export type QrWallet = (typeof QR_WALLETS)[number];

/** What went wrong with the last payment, in the customer's words; null when nothing did. */
export function outcomeKey(payment: PaymentView | null): string | null {
  if (!payment) return null;
  if (payment.status === 'failed') return `kiosk.pay.failed.${payment.failureCode ?? 'other'}`;
  if (payment.status === 'reversed') return 'kiosk.pay.reversed';
  if (payment.status === 'needs_attention') return 'kiosk.pay.needsAttention';
  return null;
}

/**
 * The pay step: the amount, then either "show your payment code to the scanner" (listening all along) or
 * "scan our QR"; while the payment is in flight, what is happening and how long the kiosk will wait.
 */
export function PayStep({
  order,
  payment,
  status,
  currency,
  busy,
  message,
  onQr,
  onCancel,
  onBack,
  onCheckAgain,
}: {
  order: KioskOrder;
  payment: PaymentView | null;
  status: KioskStatus | null;
  currency: string;
  busy: boolean;
  message: string | null;
  onQr: (wallet: QrWallet) => void;
  onCancel: (paymentId: string) => void;
  onBack: () => void;
  onCheckAgain: () => void;
}) {
  const { t } = useTranslation();
  const qrWallets = useMerchantQrWallets();
  const [now, setNow] = useState(() => Date.now());
  const inFlight = payment && IN_FLIGHT.includes(payment.status) ? payment : null;
  useEffect(() => {
    if (!inFlight) return;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [inFlight]);

  if (needsAttention(payment)) {
    // No way to pay again, nothing to go back to: only the message (and the technician's exit in the corner).
    return (
      <section className="kiosk-pay kiosk-attention" data-testid="kiosk-pay-attention">
        <ScreenTitle>{t('kiosk.pay.title')}</ScreenTitle>
        <div className="kiosk-due">
          <span>{t('kiosk.pay.due')}</span>
          <strong data-testid="kiosk-pay-total">{money(order.total, currency)}</strong>
        </div>
        <div className="kiosk-attention-mark" aria-hidden="true">
          !
        </div>
        <p className="kiosk-big-message" role="alert" data-testid="kiosk-pay-message">
          {t('kiosk.pay.needsAttention')}
        </p>
        <p className="kiosk-muted">{t('kiosk.pay.staffComing')}</p>
      </section>
    );
  }

  if (payment?.status === 'paid' && payment.failureCode === 'sale_completion_pending') {
    // Paid; the terminal records the order as soon as it can (a full disk), and the finished screen follows.
    return (
      <section className="kiosk-pay kiosk-paying" data-testid="kiosk-paying" data-status="paid">
        <ScreenTitle>{t('kiosk.pay.title')}</ScreenTitle>
        <div className="kiosk-due">
          <span>{t('kiosk.pay.due')}</span>
          <strong data-testid="kiosk-pay-total">{money(order.total, currency)}</strong>
        </div>
        <div className="kiosk-wait">
          <div className="kiosk-spinner" aria-hidden="true" />
          <p className="kiosk-big-message" data-testid="kiosk-pay-message">
            {t('kiosk.pay.completionPending')}
          </p>
          <p className="kiosk-muted">{t('kiosk.pay.staffComing')}</p>
        </div>
      </section>
    );
  }

  if (inFlight || (busy && !payment)) {
    const seconds = inFlight ? Math.max(0, Math.ceil((inFlight.deadline - now) / 1000)) : 0;
    const wallet = inFlight?.wallet ? t(`tenders.${inFlight.wallet}`, { defaultValue: inFlight.wallet }) : '';
    const status = inFlight?.status ?? 'submitted';
    return (
      <section className="kiosk-pay kiosk-paying" data-testid="kiosk-paying" data-status={status}>
        <ScreenTitle>{t('kiosk.pay.title')}</ScreenTitle>
        <div className="kiosk-due">
          <span>{t('kiosk.pay.due')}</span>
          <strong data-testid="kiosk-pay-total">{money(order.total, currency)}</strong>
        </div>
        {inFlight?.qrCode ? (
          <div className="kiosk-qr-card">
            <p className="kiosk-big-message">{t('kiosk.pay.scanThisQr', { wallet })}</p>
            <div className="kiosk-qr-frame">
              <QrImage text={inFlight.qrCode} size={520} testId="kiosk-merchant-qr" />
            </div>
          </div>
        ) : status === 'pending' ? (
          <div className="kiosk-wait">
            <PhoneArt pin />
            <p className="kiosk-big-message" data-testid="kiosk-pay-message">
              {t('kiosk.pay.pin')}
            </p>
            <p className="kiosk-muted">{t('kiosk.pay.pinHint')}</p>
          </div>
        ) : (
          <div className="kiosk-wait">
            <div className="kiosk-spinner" aria-hidden="true" />
            <p className="kiosk-big-message" data-testid="kiosk-pay-message">
              {t(status === 'cancelling' ? 'kiosk.pay.cancelling' : 'kiosk.pay.checking')}
            </p>
          </div>
        )}
        {inFlight && status !== 'cancelling' && (
          <>
            <p className="kiosk-countdown" data-testid="kiosk-pay-countdown">
              {t('kiosk.pay.waitUpTo', { seconds })}
            </p>
            <button type="button" className="kiosk-secondary kiosk-cancel" data-testid="kiosk-pay-cancel" onClick={() => onCancel(inFlight.paymentId)}>
              {t('kiosk.pay.cancel')}
            </button>
          </>
        )}
      </section>
    );
  }

  const outcome = outcomeKey(payment);
  return (
    <section className="kiosk-pay" data-testid="kiosk-pay">
      <ScreenTitle>{t('kiosk.pay.title')}</ScreenTitle>
      <div className="kiosk-due">
        <span>{t('kiosk.pay.due')}</span>
        <strong data-testid="kiosk-pay-total">{money(order.total, currency)}</strong>
      </div>
      {(message || outcome) && (
        <p className="kiosk-alert" role="alert" data-testid="kiosk-pay-error">
          {message ?? t(outcome!, { defaultValue: t('kiosk.pay.failed.other') })}
        </p>
      )}
      <StatusNotice status={status} onCheckAgain={onCheckAgain} />
      <div className={`kiosk-method kiosk-method-code${status && !status.payByCode ? ' off' : ''}`} data-testid="kiosk-method-code">
        <PhoneArt />
        <div>
          <h2>{t('kiosk.pay.code.title')}</h2>
          <p>{t('kiosk.pay.code.steps')}</p>
          {(!status || status.payByCode) && <p className="kiosk-ready">● {t('kiosk.pay.code.ready')}</p>}
        </div>
      </div>
      <div className="kiosk-or">
        <span>{t('kiosk.pay.or')}</span>
      </div>
      <div className={`kiosk-method kiosk-method-qr${status && !status.payByQr ? ' off' : ''}`}>
        <h2>{t('kiosk.pay.qr.title')}</h2>
        <p>{t('kiosk.pay.qr.choose')}</p>
        <div className="kiosk-wallets">
          {QR_WALLETS.filter((w) => qrWallets?.includes(w) ?? false).map((w) => (
            <button
              key={w}
              type="button"
              className={`kiosk-wallet wallet-${w}`}
              data-testid={`kiosk-qr-${w}`}
              disabled={busy || (status !== null && !status.payByQr)}
              onClick={() => onQr(w)}
            >
              {t(`tenders.${w}`)}
            </button>
          ))}
        </div>
      </div>
      {(!status || status.payByCode) && (
        <div className="kiosk-scanner-hint" aria-hidden="true">
          <span>{t('kiosk.pay.code.below')}</span>
          <svg viewBox="0 0 48 48" fill="none" stroke="currentColor" strokeWidth="6" strokeLinecap="round" strokeLinejoin="round">
            <path d="M10 10l14 14 14-14M10 26l14 14 14-14" />
          </svg>
        </div>
      )}
      <button type="button" className="kiosk-secondary kiosk-back" data-testid="kiosk-pay-back" onClick={onBack}>
        ← {t('kiosk.pay.back')}
      </button>
    </section>
  );
}

/** A phone showing a payment code (or a PIN pad while the customer confirms). */
function PhoneArt({ pin = false }: { pin?: boolean }) {
  return (
    <svg className="kiosk-phone" viewBox="0 0 120 200" aria-hidden="true">
      <rect x="8" y="4" width="104" height="192" rx="16" fill="#e2e8f0" />
      <rect x="16" y="20" width="88" height="156" rx="6" fill="#0f172a" />
      {pin ? (
        <g fill="#22c55e">
          {[0, 1, 2].map((row) =>
            [0, 1, 2].map((col) => <circle key={`${row}${col}`} cx={38 + col * 22} cy={92 + row * 24} r="8" />),
          )}
          <g fill="#f1f5f9">
            {[0, 1, 2, 3, 4, 5].map((i) => (
              <circle key={i} cx={30 + i * 12} cy="52" r="4" />
            ))}
          </g>
        </g>
      ) : (
        <g fill="#f1f5f9">
          {[0, 3, 5, 8, 10, 12, 15, 18, 20, 23, 26, 28, 31, 34, 36, 39, 42, 45, 48, 51, 54, 56, 59, 62].map((x, i) => (
            <rect key={x} x={26 + x} y="40" width={i % 3 === 0 ? 2.5 : 1.5} height="34" />
          ))}
          <rect x="36" y="90" width="48" height="48" fill="#f1f5f9" />
          <rect x="42" y="96" width="12" height="12" fill="#0f172a" />
          <rect x="66" y="96" width="12" height="12" fill="#0f172a" />
          <rect x="42" y="120" width="12" height="12" fill="#0f172a" />
          <rect x="62" y="116" width="6" height="6" fill="#0f172a" />
          <rect x="72" y="126" width="8" height="8" fill="#0f172a" />
        </g>
      )}
    </svg>
  );
}

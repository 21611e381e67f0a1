import { useCallback, useEffect, useRef, useState } from 'react';
import type { i18n as I18n } from 'i18next';
import { I18nextProvider, useTranslation } from 'react-i18next';
import type { KioskCategory, KioskFinished, KioskOrder, KioskStart, KioskStatus } from '../../../src-common/calls/kiosk';
import type { ScanOutcome } from '../../../src-common/calls/scan';
import type { ApiError } from '../../../src-common/errors';
import type { Language, PaymentView, PublicUser } from '../../../src-common/schemas';
import { useConnectionState, usePos } from '../../api/context';
import { WedgeDetector } from '../../scanner/wedge';
import { errorBeep } from '../../sound';
import '../../styles/kiosk.css';
import { Attract } from './Attract';
import { DoneStep } from './DoneStep';
import { ExitDialog } from './ExitDialog';
import { IdlePrompt } from './IdlePrompt';
import { useLockdown, useSecretGesture } from './lockdown';
import { OrderReview } from './OrderReview';
import { IN_FLIGHT, needsAttention, PayStep, type QrWallet } from './PayStep';
import { Shop } from './Shop';
import { useIdle } from './useIdle';

type Step = 'attract' | 'shop' | 'review' | 'pay' | 'done';
const PROGRESS: readonly Step[] = ['shop', 'review', 'pay', 'done'];
/** Why main refused an order change (`details.reason`), in the customer's words. */
const REASON_MESSAGES: Record<string, string> = {
  sold_by_weight: 'kiosk.soldByWeight',
  unknown_barcode: 'kiosk.unknownBarcode',
  not_priced: 'kiosk.notPriced',
  needs_attention: 'kiosk.pay.needsAttention',
};
const reasonOf = (error: ApiError) => (error.details as { reason?: string } | undefined)?.reason;

/**
 * The self-service kiosk (route #/kiosk). A customer's language choice lasts one order and is never the
 * terminal's setting: the kiosk translates with its own i18next instance (sharing the messages).
 */
export function KioskScreen({ onExit }: { onExit?: (user: PublicUser) => void }) {
  const { i18n } = useTranslation();
  const [kioskI18n] = useState(() => i18n.cloneInstance({ lng: i18n.language }));
  return (
    <I18nextProvider i18n={kioskI18n}>
      <Kiosk i18n={kioskI18n} {...(onExit ? { onExit } : {})} />
    </I18nextProvider>
  );
}

/** attract → shop → review → pay → done, and back. */
function Kiosk({ i18n, onExit }: { i18n: I18n; onExit?: (user: PublicUser) => void }) {
  const pos = usePos();
  // Re-rendered when the kiosk's language changes; `i18n` (a stable instance) is what changes it.
  const { t } = useTranslation();
  const connection = useConnectionState();
  useLockdown();

  const [start, setStart] = useState<KioskStart | null>(null);
  const [refused, setRefused] = useState(false);
  const [step, setStep] = useState<Step>('attract');
  const [categories, setCategories] = useState<KioskCategory[]>([]);
  const [categoryId, setCategoryId] = useState<string | null>(null);
  const [order, setOrder] = useState<KioskOrder | null>(null);
  const [payment, setPayment] = useState<PaymentView | null>(null);
  const [status, setStatus] = useState<KioskStatus | null>(null);
  const [finished, setFinished] = useState<KioskFinished | null>(null);
  const [large, setLarge] = useState(false);
  const [busy, setBusy] = useState(false);
  const [payMessage, setPayMessage] = useState<string | null>(null);
  const [toast, setToast] = useState<string | null>(null);
  const [exitOpen, setExitOpen] = useState(false);

  const orderRef = useRef<KioskOrder | null>(null);
  const stepRef = useRef<Step>(step);
  const busyRef = useRef(false);
  const finishing = useRef<string | null>(null);
  /** The order being paid is no longer the open sale: paid (its finished screen) or voided (back to the start). */
  const orderGone = useRef<(before: KioskOrder | null) => void>(() => undefined);
  useEffect(() => {
    orderRef.current = order;
    stepRef.current = step;
  });

  const inFlight = payment && IN_FLIGHT.includes(payment.status) ? payment : null;
  /** The last payment may have charged the customer: nothing but "ask staff" until a person has looked. */
  const held = needsAttention(payment);
  const currency = order?.currency ?? start?.currency ?? 'CNY';

  const showError = useCallback(
    (error: ApiError) => {
      errorBeep();
      setToast(t(REASON_MESSAGES[reasonOf(error) ?? ''] ?? 'kiosk.error'));
    },
    [t],
  );
  useEffect(() => {
    if (!toast) return;
    const timer = setTimeout(() => setToast(null), 5000);
    return () => clearTimeout(timer);
  }, [toast]);

  const refreshStatus = useCallback(() => {
    void pos.call('kiosk.status', {}).then((r) => r.ok && setStatus(r.value));
  }, [pos]);

  /** Every (re)connection is a new session: begin again; an order or payment left open is picked up. */
  useEffect(() => {
    if (connection !== 'online') return;
    let live = true;
    void pos.call('kiosk.begin', {}).then(async (r) => {
      if (!live) return;
      if (!r.ok) {
        setRefused(true);
        return;
      }
      setRefused(false);
      setStart(r.value);
      if (i18n.language !== r.value.language) void i18n.changeLanguage(r.value.language);
      const before = orderRef.current;
      const wasPaying = stepRef.current === 'pay';
      setOrder(r.value.order);
      // Always the answer's: a payment this screen last saw may have ended while it was away.
      setPayment(r.value.payment);
      if (r.value.payment && r.value.order) {
        setStep('pay');
      } else if (before && wasPaying && r.value.order?.saleId !== before.saleId) {
        // The order being paid is gone (its `sale.completed` lost with the connection): show it finished, or start again.
        orderGone.current(before);
      } else if (r.value.order?.lines.length) {
        setStep((s) => (s === 'attract' ? 'review' : s));
      } else if (wasPaying) {
        orderGone.current(null);
      }
      const menu = await pos.call('kiosk.menu', {});
      if (live && menu.ok) setCategories(menu.value.categories);
    });
    return () => {
      live = false;
    };
  }, [pos, connection, i18n]);

  const reset = useCallback(() => {
    setStep('attract');
    setOrder(null);
    setPayment(null);
    setFinished(null);
    setPayMessage(null);
    setCategoryId(null);
    setLarge(false);
    if (start && i18n.language !== start.language) void i18n.changeLanguage(start.language);
  }, [start, i18n]);

  /** Shows the paid order's number; false when main knows no such paid order (`quiet`: without an error). */
  const finish = useCallback(
    async (saleId: string, quiet = false): Promise<boolean> => {
      if (finishing.current === saleId) return true;
      finishing.current = saleId;
      const r = await pos.call('kiosk.finished', { saleId });
      if (!r.ok) {
        finishing.current = null;
        if (!quiet) showError(r.error);
        return false;
      }
      setFinished(r.value);
      setOrder(null);
      setPayment(null);
      setPayMessage(null);
      setStep('done');
      return true;
    },
    [pos, showError],
  );

  useEffect(() => {
    orderGone.current = (before) => {
      if (!before) return reset();
      void finish(before.saleId, true).then((ok) => {
        if (!ok) reset();
      });
    };
  });

  /** The kiosk's order changed (this screen's own change, a scan, or staff voiding it): the order as main has it now. */
  const refetchOrder = useCallback(async () => {
    const r = await pos.call('kiosk.order', {});
    if (!r.ok) return;
    const before = orderRef.current;
    if (before && stepRef.current === 'pay' && r.value?.saleId !== before.saleId) return orderGone.current(before);
    setOrder(r.value);
  }, [pos]);

  useEffect(() => {
    const offs = [
      pos.on('payment.changed', (p) => {
        if (p.saleId === orderRef.current?.saleId) setPayment(p);
      }),
      pos.on('sale.completed', (sale) => {
        if (sale.saleId === orderRef.current?.saleId) void finish(sale.saleId);
      }),
      pos.on('sale.changed', () => void refetchOrder()),
      pos.on('device.status', () => refreshStatus()),
    ];
    return () => offs.forEach((off) => off());
  }, [pos, finish, refreshStatus, refetchOrder]);

  useEffect(() => {
    if (!start || step === 'attract') return;
    refreshStatus();
    const timer = setInterval(refreshStatus, 5000);
    return () => clearInterval(timer);
  }, [start, step, refreshStatus]);

  /** Order calls run one after another (two quick taps add two), each answer being the order as main has it. */
  const queue = useRef<Promise<void>>(Promise.resolve());
  const change = (call: () => ReturnType<typeof pos.call<'kiosk.add'>>) => {
    queue.current = queue.current.then(async () => {
      const r = await call();
      if (r.ok) setOrder(r.value);
      else showError(r.error);
    });
  };

  const search = useCallback(async (query: string) => {
    const r = await pos.call('kiosk.search', { query });
    return r.ok ? r.value.products : null;
  }, [pos]);

  const goPay = async () => {
    await queue.current;
    const r = await pos.call('kiosk.beginPayment', {});
    if (!r.ok) return showError(r.error);
    setOrder(r.value.order);
    setStatus(r.value.status);
    setPayment(null);
    setPayMessage(null);
    setStep('pay');
  };

  const walletError = (error: ApiError): string => {
    const reason = reasonOf(error);
    if (reason === 'product_barcode') return t('kiosk.pay.productBarcode');
    if (reason === 'code_reused') return t('kiosk.pay.codeReused');
    if (reason === 'too_long_for_acquirer') return t('kiosk.pay.codeTooLong');
    if (reason === 'offline') return t('kiosk.pay.offline');
    if (reason === 'needs_attention') return t('kiosk.pay.needsAttention');
    if (error.code === 'validation_failed') return t('kiosk.pay.notACode');
    return t('kiosk.error');
  };

  const startPayment = async (call: () => Promise<Awaited<ReturnType<typeof pos.call<'kiosk.payByQr'>>>>) => {
    if (busyRef.current) return;
    const saleId = orderRef.current?.saleId;
    busyRef.current = true;
    setBusy(true);
    setPayMessage(null);
    const r = await call();
    busyRef.current = false;
    setBusy(false);
    if (!r.ok) {
      errorBeep();
      setPayMessage(walletError(r.error));
      refreshStatus();
      // Refused because the last payment needs staff: show that payment (the screen then holds); otherwise none.
      if (reasonOf(r.error) === 'needs_attention') {
        const latest = await pos.call('kiosk.payment', {});
        setPayment(latest.ok ? latest.value : null);
      } else setPayment(null);
      return;
    }
    setPayment(r.value);
    // Paid with its order still to be recorded (a full disk): `sale.completed` finishes it once it is.
    if (r.value.status === 'paid' && r.value.failureCode !== 'sale_completion_pending' && saleId) void finish(saleId);
  };
  const payByQr = (wallet: QrWallet) => startPayment(() => pos.call('kiosk.payByQr', { wallet }));

  const cancelPayment = async (paymentId: string) => {
    const r = await pos.call('kiosk.cancelPayment', { paymentId });
    if (r.ok) setPayment(r.value);
    else showError(r.error);
  };

  const checkAgain = async () => {
    const r = await pos.call('kiosk.beginPayment', {});
    if (r.ok) setStatus(r.value.status);
    else showError(r.error);
  };

  // Scans (the kiosk's scanner, or a keyboard wedge sent with scan.submit) are decided in the core from the step
  // this screen reports: at the pay step the customer's payment code, before it an item. The screen shows the outcome.
  const scanStep = held || exitOpen || busy || step === 'done' ? 'busy' : step === 'pay' ? 'paying' : 'shopping';
  useEffect(() => {
    if (start) void pos.call('screen.report', { surface: 'kiosk', step: scanStep });
  }, [pos, start, scanStep]);
  const onScanOutcome = useRef<(outcome: ScanOutcome) => void>(() => undefined);
  useEffect(() => {
    onScanOutcome.current = (outcome) => {
      if (outcome.kind === 'item') {
        if (step === 'attract') setStep('shop');
      } else if (outcome.kind === 'payment') {
        setPayMessage(null);
      } else if (outcome.kind === 'refused') {
        errorBeep();
        const error: ApiError = { code: 'validation_failed', message: outcome.message ?? '', details: { reason: outcome.reason } };
        if (outcome.reason === 'pay_first') setToast(t('kiosk.payFirst'));
        else if (step === 'pay') {
          setPayMessage(walletError(error));
          refreshStatus();
        } else showError(error);
      }
    };
  });
  useEffect(() => pos.on('scan.outcome', (outcome) => onScanOutcome.current(outcome)), [pos]);
  useEffect(() => {
    const detector = new WedgeDetector();
    const onKey = (e: KeyboardEvent) => {
      const result = detector.key(e.key, e.timeStamp);
      if (result.kind === 'scan') {
        e.preventDefault();
        void pos.call('scan.submit', { code: result.code });
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [pos]);

  const clearOrder = async (reason: 'customer' | 'idle') => {
    await queue.current;
    if (orderRef.current) {
      const r = await pos.call('kiosk.clear', { reason });
      if (!r.ok) return showError(r.error);
    }
    reset();
  };

  // Nobody there: ask, then clear the order; never while a payment is in flight or held for staff.
  const idle = useIdle(['shop', 'review', 'pay'].includes(step) && !inFlight && !held && !busy && !exitOpen, () => void clearOrder('idle'));

  const tapCorner = useSecretGesture(() => setExitOpen(true));

  const chooseLanguage = (language: Language) => {
    if (i18n.language !== language) void i18n.changeLanguage(language);
  };

  if (refused) {
    return (
      <main className="kiosk kiosk-off" data-testid="kiosk-screen" data-step="off">
        <h1>{t('kiosk.off.title')}</h1>
        <p>{t('kiosk.off.body')}</p>
        <a className="kiosk-secondary" href="#/">
          {t('kiosk.off.staff')}
        </a>
      </main>
    );
  }

  const language = i18n.language === 'en' ? 'en' : 'zh-CN';
  return (
    <main className={`kiosk${large ? ' large' : ''}`} data-testid="kiosk-screen" data-step={start ? step : 'connecting'} lang={language}>
      <button type="button" className="kiosk-corner" data-testid="kiosk-corner" tabIndex={-1} aria-hidden="true" onClick={tapCorner} />
      {!start || (step === 'pay' && !order) ? (
        <div className="kiosk-connecting">
          <div className="kiosk-spinner" aria-hidden="true" />
          <p>{t('kiosk.connecting')}</p>
        </div>
      ) : step === 'attract' ? (
        <Attract
          storeName={start.storeName}
          language={language}
          large={large}
          onLanguage={chooseLanguage}
          onLarge={setLarge}
          onStart={() => setStep(orderRef.current?.lines.length ? 'review' : 'shop')}
        />
      ) : (
        <>
          <header className="kiosk-header">
            <div className="kiosk-brand">
              <strong>{start.storeName}</strong>
              <span>{t('kiosk.attract.title')}</span>
            </div>
            <ol className="kiosk-progress" aria-hidden="true">
              {PROGRESS.map((s, i) => (
                <li key={s} className={s === step ? 'current' : PROGRESS.indexOf(step) > i ? 'past' : ''}>
                  {i + 1}
                </li>
              ))}
            </ol>
            <button type="button" className="kiosk-chip" data-testid="kiosk-switch-language" onClick={() => chooseLanguage(language === 'en' ? 'zh-CN' : 'en')}>
              {t('kiosk.header.language')}
            </button>
            {step !== 'done' && !inFlight && !held && !busy && (
              <button type="button" className="kiosk-chip" data-testid="kiosk-start-over" onClick={() => void clearOrder('customer')}>
                {t('kiosk.header.startOver')}
              </button>
            )}
          </header>
          <div className="kiosk-body">
            {step === 'shop' && (
              <Shop
                categories={categories}
                categoryId={categoryId}
                order={order}
                currency={currency}
                onCategory={setCategoryId}
                onAdd={(productId) => change(() => pos.call('kiosk.add', { productId }))}
                onSearch={search}
                onReview={() => {
                  refreshStatus();
                  setStep('review');
                }}
              />
            )}
            {step === 'review' && (
              <OrderReview
                order={order}
                categories={categories}
                currency={currency}
                status={status}
                busy={busy}
                onQuantity={(lineId, quantity) => change(() => pos.call('kiosk.setQuantity', { lineId, quantity }))}
                onRemove={(lineId) => change(() => pos.call('kiosk.remove', { lineId }))}
                onBack={() => setStep('shop')}
                onPay={() => void goPay()}
                onCheckAgain={() => void checkAgain()}
              />
            )}
            {step === 'pay' && order && (
              <PayStep
                order={order}
                payment={payment}
                status={status}
                currency={currency}
                busy={busy}
                message={payMessage}
                onQr={(wallet) => void payByQr(wallet)}
                onCancel={(paymentId) => void cancelPayment(paymentId)}
                onBack={() => {
                  setPayMessage(null);
                  setStep('review');
                }}
                onCheckAgain={() => void checkAgain()}
              />
            )}
            {step === 'done' && finished && <DoneStep finished={finished} onFinish={reset} />}
          </div>
        </>
      )}
      {start && connection !== 'online' && (
        <div className="kiosk-overlay" data-testid="kiosk-reconnecting">
          <div className="kiosk-modal" role="alertdialog" aria-modal="true" aria-labelledby="kiosk-reconnecting-text">
            <div className="kiosk-spinner" aria-hidden="true" />
            <p id="kiosk-reconnecting-text">{t('kiosk.connecting')}</p>
          </div>
        </div>
      )}
      {toast && (
        <div className="kiosk-toast" role="alert" data-testid="kiosk-toast">
          {toast}
        </div>
      )}
      {idle.prompting && <IdlePrompt seconds={idle.secondsLeft} onStay={idle.stay} onLeave={() => void clearOrder('customer')} />}
      {exitOpen && (
        <ExitDialog
          onClose={() => setExitOpen(false)}
          onExit={(user) => {
            setExitOpen(false);
            if (onExit) onExit(user);
            else location.hash = '#/';
          }}
        />
      )}
    </main>
  );
}

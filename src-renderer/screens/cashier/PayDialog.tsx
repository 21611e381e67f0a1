import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { cashRoundingFor } from '../../../src-common/cash-rounding';
import { classifyPaymentCode, looksLikeProductBarcode } from '../../../src-common/payment-code';
import { currencyExponent, parseMoney } from '../../../src-common/money';
import { settle } from '../../../src-common/pricing';
import { amountToPay } from '../../../src-common/member-points';
import type { Cart, CashRoundingSetting } from '../../../src-common/schemas';
import { Dialog } from '../../components/Dialog';
import { money } from '../../format';
import { useMerchantQrWallets } from '../../components/use-merchant-qr-wallets';

function trySettle(...args: Parameters<typeof settle>): ReturnType<typeof settle> | null {
  try {
    return settle(...args);
  } catch {
    return null; // an over-large non-cash amount: the dialog simply cannot complete yet
  }
}

/** What the cashier may type as cash at the pay step: up to 6 whole units (¥999,999) and the currency's decimals. A
 * payment code is 16+ characters and a product barcode 8+ digits, so a short number is never either. */
const CASH_TYPED = /^\d{1,6}(\.\d{0,2})?$/;

type PaidPartView = NonNullable<Cart['paidParts']>[number];

export interface PayRequest {
  tenders: { kind: 'cash' | 'other'; amount: number }[];
}

/**
 * Cash with quick-cash buttons and live change; part of the total can go on another tender first. A wallet payment
 * may be a part of the sale (issue 18): its amount is typed before the code is scanned (prefilled with all that is
 * still due); the parts paid so far are listed with what remains, and can be given back before the sale is voided.
 */
export function PayDialog({
  cart,
  cashRounding,
  busy,
  onSubmit,
  onPaymentCode,
  onPaymentQr,
  onReverseParts,
  onPartAmount,
  onClose,
  before,
}: {
  cart: Cart;
  /** Shown first: the member's points to redeem (issue 16). */
  before?: ReactNode;
  cashRounding: CashRoundingSetting;
  busy: boolean;
  onSubmit: (request: PayRequest) => void;
  /** `amount`: the part of the sale this payment is for (all that is still due when it is that). */
  onPaymentCode: (code: string, amount: number) => void;
  onPaymentQr: (wallet: 'wechat' | 'alipay' | 'unionpay', amount: number) => void;
  /** Gives the paid parts back (before the sale can be voided). */
  onReverseParts: () => void;
  /** The next part's amount as typed (null while it is not a valid amount), for a code a scanner reads. */
  onPartAmount?: (amount: number | null) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const qrWallets = useMerchantQrWallets();
  const currency = cart.currency;
  const rounding = cashRoundingFor(cashRounding, currency);
  const [other, setOther] = useState<number[]>([]);
  const [cashText, setCashText] = useState('');
  const [code, setCode] = useState('');
  /** Said under the field, where the cashier looks, and cleared by the next keystroke. */
  const [codeError, setCodeError] = useState<string | null>(null);

  let cash: number | null = null;
  try {
    cash = cashText.trim() === '' ? 0 : parseMoney(cashText, currency);
  } catch {
    cash = null;
  }
  const tenders = [...other.map((amount) => ({ kind: 'other' as const, amount })), ...(cash ? [{ kind: 'cash' as const, amount: cash }] : [])];
  // What is still due after the wallet parts paid so far (all of it when none is).
  const toPay = cart.stillDue ?? amountToPay(cart);
  const parts = cart.paidParts ?? [];
  const [confirmReverse, setConfirmReverse] = useState(false);
  const codeInput = useRef<HTMLInputElement>(null);
  // The parts given back (their list and its button go), or a reversal ended with a part kept (the button was
  // disabled meanwhile): the focus, lost with them, returns to the code field, where the scanner types.
  const reversingNow = parts.some((p) => p.reversing);
  const partsState = parts.map((p) => `${p.paymentId}:${p.reversing ? 'r' : ''}${p.reversalFailed ? 'f' : ''}`).join();
  const hadParts = useRef(parts.length > 0);
  useEffect(() => {
    const lost = document.activeElement === null || document.activeElement === document.body;
    if ((hadParts.current && parts.length === 0) || lost) codeInput.current?.focus();
    hadParts.current = parts.length > 0;
  }, [parts.length, partsState]);
  const [partText, setPartText] = useState(() => formatAmount(toPay, currency));
  // A part paid, or given back, while the dialog is open: the next part starts from what is now due.
  const [partFor, setPartFor] = useState(toPay);
  if (partFor !== toPay) {
    setPartFor(toPay);
    setPartText(formatAmount(toPay, currency));
  }
  let part: number | null = null;
  try {
    const typed = parseMoney(partText, currency);
    part = typed >= 1 && typed <= toPay ? typed : null;
  } catch {
    part = null;
  }
  useEffect(() => onPartAmount?.(part), [part, onPartAmount]);
  const settlement = trySettle(toPay, tenders, rounding);
  const due = settlement ? settlement.cashDue : toPay;
  const unit = 10 ** currencyExponent(currency);
  const quick = [...new Set([due, ...[10, 20, 50, 100].map((y) => Math.ceil(due / (y * unit)) * y * unit)])].filter((a) => a >= due && a > 0).slice(0, 4);
  const ready = !!settlement?.complete && cash !== null && !busy;

  /**
   * The one field the dialog opens on: a scanned or typed payment code goes to the wallet; a short number is the
   * cash tendered (the sale completes when it covers what is due); Enter with nothing typed takes exact cash.
   */
  function submitCodeOrCash() {
    const text = code.trim();
    if (busy || (text === '' && cash === null)) return;
    if (text === '' || CASH_TYPED.test(text)) {
      let typed: number;
      try {
        typed = text === '' ? (cash ?? 0) : parseMoney(text, currency);
      } catch {
        return;
      }
      const amount = text === '' && !typed ? due : typed;
      const offered = [...other.map((a) => ({ kind: 'other' as const, amount: a })), ...(amount ? [{ kind: 'cash' as const, amount }] : [])];
      const result = trySettle(toPay, offered, rounding);
      setCode('');
      if (result?.complete) onSubmit({ tenders: offered });
      else setCashText(fmt(amount));
      return;
    }
    // Refused here, keeping what was typed as cash: a product barcode or a code no wallet uses never reaches the acquirer.
    if (!classifyPaymentCode(text).ok) {
      setCodeError(looksLikeProductBarcode(text) ? t('wallet.productBarcode') : t('wallet.notACode'));
      return;
    }
    if (part === null) {
      setCodeError(t('splitPay.partAmountInvalid'));
      return;
    }
    if (other.length === 0) onPaymentCode(text, part);
  }

  const fmt = (amount: number) => formatAmount(amount, currency);

  return (
    <Dialog title={t('pay.title')} onClose={onClose} testId="pay-dialog" wide>
      {before}
      <form
        className="wallet-code"
        onSubmit={(e) => {
          e.preventDefault();
          submitCodeOrCash();
        }}
      >
        <label className="pay-figure">
          <span>{t('pay.walletCode')}</span>
          <input
            ref={codeInput}
            data-testid="payment-code"
            autoComplete="off"
            spellCheck={false}
            placeholder={t('pay.walletCodeHint')}
            value={code}
            onChange={(e) => {
              setCode(e.target.value);
              setCodeError(null);
            }}
            aria-invalid={codeError !== null}
            aria-describedby={codeError ? 'pay-code-error' : undefined}
          />
          {codeError && (
            <span className="field-error" role="alert" id="pay-code-error" data-testid="pay-code-error">
              {codeError}
            </span>
          )}
        </label>

        <div className="qr-buttons">
          {(['wechat', 'alipay', 'unionpay'] as const).filter((wallet) => qrWallets?.includes(wallet) ?? false).map((wallet) => (
            <button key={wallet} type="button" disabled={busy || other.length > 0 || part === null} onClick={() => part !== null && onPaymentQr(wallet, part)} data-testid={`qr-${wallet}`}>
              {t('pay.showQr', { wallet: t(`tenders.${wallet}`) })}
            </button>
          ))}
        </div>
      </form>
      {/* After the code's form and outside it: the dialog still opens on the code field, and Enter there still submits it (one field per form); Enter here goes back to the code. */}
      <label className="pay-figure part-amount">
        <span>{t('splitPay.partAmount')}</span>
        <input
          data-testid="part-amount"
          inputMode="decimal"
          autoComplete="off"
          value={partText}
          title={t('splitPay.partAmountHint')}
          onChange={(e) => {
            setPartText(e.target.value);
            setCodeError(null);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') codeInput.current?.focus();
          }}
          aria-invalid={part === null}
        />
      </label>
      {parts.length > 0 && (
        <div className="paid-parts" data-testid="paid-parts">
          <strong>{t('splitPay.paidParts')}</strong>
          <ul>
            {parts.map((p) => (
              <li key={p.paymentId} data-testid="paid-part">
                <span>{p.wallet ? t(`tenders.${p.wallet}`, { defaultValue: p.wallet }) : ''}</span> <span className="muted">{p.maskedCode}</span>{' '}
                <strong>{money(p.amount, currency)}</strong>
                {p.reversing && (
                  <span className="muted" data-testid="paid-part-reversing">
                    {' '}
                    {t('splitPay.reversing')}
                  </span>
                )}
                {p.reversalFailed && !p.reversing && (
                  <span className="field-error paid-part-error" role="alert" data-testid="paid-part-not-reversed">
                    {reversalFailureText(t, p.reversalFailed, p.wallet ? t(`tenders.${p.wallet}`, { defaultValue: p.wallet }) : '', money(p.amount, currency))}
                  </span>
                )}
              </li>
            ))}
          </ul>
          <span className="paid-parts-remaining">
            {t('splitPay.remaining')} <strong data-testid="pay-remaining">{money(toPay, currency)}</strong>
          </span>
          {/* Two presses: the first asks, the second gives the money back. */}
          <button
            type="button"
            disabled={busy || reversingNow}
            className={confirmReverse ? 'danger' : undefined}
            data-testid="reverse-parts"
            onClick={() => {
              if (!confirmReverse) return setConfirmReverse(true);
              setConfirmReverse(false);
              onReverseParts();
            }}
          >
            {confirmReverse ? t('splitPay.reverseConfirm', { amount: money(parts.reduce((sum, p) => sum + p.amount, 0), currency) }) : t('splitPay.reverse')}
          </button>
        </div>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (ready) onSubmit({ tenders });
        }}
      >
        <div className="pay-grid">
          <div className="pay-figure">
            <span>{t('pay.due')}</span>
            <strong data-testid="pay-due">{money(due, currency)}</strong>
          </div>
          {other.length > 0 && (
            <div className="pay-figure">
              <span>{t('pay.other')}</span>
              <strong>{money(other.reduce((a, b) => a + b, 0), currency)}</strong>
            </div>
          )}
          <label className="pay-figure">
            <span>{t('pay.tendered')}</span>
            <input data-testid="cash-tendered" inputMode="decimal" value={cashText} onChange={(e) => setCashText(e.target.value)} aria-invalid={cash === null} />
          </label>
          <div className={settlement && !settlement.complete ? 'pay-figure change owed' : 'pay-figure change'}>
            <span>{settlement && !settlement.complete ? t('pay.remaining') : t('pay.change')}</span>
            <strong data-testid="pay-change">{money(settlement ? (settlement.complete ? settlement.change : settlement.remaining) : 0, currency)}</strong>
          </div>
        </div>
        <div className="quick-cash">
          {quick.map((amount, i) => (
            <button key={amount} type="button" data-testid="quick-cash" onClick={() => setCashText(fmt(amount))}>
              {i === 0 ? `${t('pay.exact')} ` : ''}
              {money(amount, currency)}
            </button>
          ))}
          <button
            type="button"
            disabled={!cash || !settlement || cash > settlement.cashDue}
            onClick={() => {
              if (cash) setOther((o) => [...o, cash]);
              setCashText('');
            }}
          >
            {t('pay.addOther')}
          </button>
        </div>
        <div className="dialog-buttons">
          <button type="button" onClick={onClose}>
            {t('dialog.cancel')}
          </button>
          <button type="submit" className="primary big" disabled={!ready} data-testid="pay-complete">
            {t('pay.complete')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** What the cashier reads under a part its provider did not give back: which part, why, and what to do now. */
function reversalFailureText(t: TFunction, failure: NonNullable<PaidPartView['reversalFailed']>, wallet: string, amount: string): string {
  if (failure.reason === 'refused') {
    return failure.providerMessage
      ? t('splitPay.notReversed.refusedWhy', { wallet, amount, why: failure.providerMessage })
      : t('splitPay.notReversed.refused', { wallet, amount });
  }
  return t('splitPay.notReversed.unconfirmed', { wallet, amount });
}

function formatAmount(amount: number, currency: string): string {
  const exponent = currencyExponent(currency);
  return exponent === 0 ? String(amount) : (amount / 10 ** exponent).toFixed(exponent);
}

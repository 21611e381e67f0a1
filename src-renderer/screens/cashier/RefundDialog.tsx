import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../../../src-common/errors';
import type { PublicUser, Refundable, RefundView } from '../../../src-common/schemas';
import { usePos } from '../../api/context';
import { Dialog } from '../../components/Dialog';
import { OwnerApprovalFields, useOwnerApproval } from '../../components/OwnerApproval';
import { money, parseQuantity, quantity } from '../../format';
import { NO_FILTERS, type SaleFilters } from './refund/filters';
import { SaleFinder } from './refund/SaleFinder';
import '../../styles/refund.css';

type Step = { kind: 'find' } | { kind: 'loading' } | { kind: 'choose'; refundable: Refundable } | { kind: 'done'; refund: RefundView };

const REASONS = ['return', 'wrongItem', 'priceError', 'other'] as const;

/** Some legs of a refund of several went back and some did not: said as such, never as "nothing went back". */
function partlyThrough(refund: RefundView): boolean {
  return !!refund.legs && refund.status !== 'refunded' && ['failed', 'needs_attention'].includes(refund.status) && refund.legs.some((l) => l.status === 'refunded');
}

/**
 * Refund: find the sale (today's sales of this terminal narrowed by amount, time, the payment's last four or the
 * receipt number; or its receipt scanned, any day), pick what comes back, an owner approves with a
 * PIN (checked in main), and the money goes to the wallet it came from, or back in cash. A sale of today
 * with no refund can instead be voided as a whole (当日整单作废: the wallet payment is reversed), with
 * the same approval, after a second click to confirm.
 *
 * From the owner's history it opens on a sale (`saleId`) and, with `confirmWithOwnPin`, the signed-in
 * owner confirms with their own PIN, checked in main (history.refund / history.voidSale).
 */
export function RefundDialog({
  user,
  currency,
  onError,
  onClose,
  saleId,
  confirmWithOwnPin = false,
}: {
  user: PublicUser;
  currency: string;
  onError: (error: ApiError) => void;
  onClose: () => void;
  saleId?: string;
  confirmWithOwnPin?: boolean;
}) {
  const { t } = useTranslation();
  const pos = usePos();
  /** The legs of a refund of several, as "微信支付 ¥60.00、支付宝 ¥40.00" (those that `which` picks). */
  const legsText = (refund: RefundView, which: (leg: NonNullable<RefundView['legs']>[number]) => boolean) =>
    (refund.legs ?? [])
      .filter(which)
      .map((l) => `${t(`tenders.${l.tenderKind}`, { defaultValue: l.tenderKind })} ${money(l.walletAmount, currency)}`)
      .join(t('splitPay.legs.separator'));
  const [step, setStep] = useState<Step>(saleId ? { kind: 'loading' } : { kind: 'find' });
  const [filters, setFilters] = useState<SaleFilters>(NO_FILTERS);
  const [quantities, setQuantities] = useState<Record<number, string>>({});
  const [reason, setReason] = useState<(typeof REASONS)[number]>('return');
  const [receiptText, setReceiptText] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmVoid, setConfirmVoid] = useState(false);
  const needsApproval = user.role !== 'owner' && !confirmWithOwnPin;
  const [ownPin, setOwnPin] = useState('');

  const owner = useOwnerApproval(needsApproval);
  const ready = confirmWithOwnPin ? /^\d{4,8}$/.test(ownPin) : owner.ready;

  const loading = step.kind === 'loading';
  useEffect(() => {
    if (!saleId || !loading) return;
    void pos.call('refund.refundable', { saleId }).then((r) => (r.ok ? setStep({ kind: 'choose', refundable: r.value }) : onError(r.error)));
  }, [pos, saleId, loading, onError]);

  // A receipt's QR or barcode scanned while the dialog looks for a sale: the core routes it here (the till's step is refund).
  const finding = step.kind === 'find';
  const findRef = useRef<(number: string) => Promise<unknown>>(async () => undefined);
  useEffect(() => {
    if (!finding) return;
    return pos.on('scan.outcome', (scan) => {
      if (scan.kind !== 'receipt') return;
      void findRef.current(scan.code);
    });
  }, [pos, finding]);

  // A wallet refund that is still under way ends later: follow it.
  const refundId = step.kind === 'done' ? step.refund.refundId : null;
  useEffect(() => {
    if (!refundId) return;
    const off = pos.on('refund.changed', (refund) => {
      if (refund.refundId === refundId) setStep({ kind: 'done', refund });
    });
    // What changed before this listened (the next leg of a refund of several may go back at once): read it once.
    void pos.call('refund.get', { refundId }).then((r) => r.ok && setStep((current) => (current.kind === 'done' && current.refund.refundId === refundId ? { kind: 'done', refund: r.value } : current)));
    return off;
  }, [pos, refundId]);
  const refunded = step.kind === 'done' && step.refund.status === 'refunded';
  useEffect(() => {
    if (!refunded || !refundId) return;
    void pos.call('refund.receipt', { refundId }).then((r) => r.ok && setReceiptText(r.value.text));
  }, [pos, refunded, refundId]);

  const open = async (id: string) => {
    const refundable = await pos.call('refund.refundable', { saleId: id });
    if (!refundable.ok) return onError(refundable.error);
    setQuantities({});
    setConfirmVoid(false);
    setStep({ kind: 'choose', refundable: refundable.value });
  };
  /** A receipt's number typed, or its QR / barcode scanned (a kiosk e-receipt too): that sale, whatever its day. */
  const find = async (number: string) => {
    const sale = await pos.call('sale.findByReceipt', { receiptNumber: number });
    if (!sale.ok) return onError(sale.error);
    return open(sale.value.saleId);
  };
  useEffect(() => {
    findRef.current = find;
  });

  const submit = async (refundable: Refundable) => {
    const lines = refundable.lines
      .map((l) => ({ lineNo: l.lineNo, quantityMilli: quantities[l.lineNo] === undefined ? 0 : (parseQuantity(quantities[l.lineNo]!) ?? -1) }))
      .filter((l) => l.quantityMilli !== 0);
    if (lines.length === 0 || lines.some((l) => l.quantityMilli < 0)) return;
    setBusy(true);
    const result = confirmWithOwnPin
      ? await pos.call('history.refund', { saleId: refundable.saleId, lines, reason: t(`refundDialog.reasons.${reason}`), pin: ownPin })
      : await pos.call('refund.request', {
          saleId: refundable.saleId,
          lines,
          reason: t(`refundDialog.reasons.${reason}`),
          ...(needsApproval ? { approval: owner.approval } : {}),
        });
    setBusy(false);
    owner.setPin('');
    setOwnPin('');
    if (!result.ok) return onError(result.error);
    setStep({ kind: 'done', refund: result.value });
  };

  const voidSale = async (refundable: Refundable) => {
    if (!confirmVoid) return setConfirmVoid(true);
    setBusy(true);
    const result = confirmWithOwnPin
      ? await pos.call('history.voidSale', { saleId: refundable.saleId, reason: t(`refundDialog.reasons.${reason}`), pin: ownPin })
      : await pos.call('refund.voidSale', {
          saleId: refundable.saleId,
          reason: t(`refundDialog.reasons.${reason}`),
          ...(needsApproval ? { approval: owner.approval } : {}),
        });
    setBusy(false);
    owner.setPin('');
    setOwnPin('');
    setConfirmVoid(false);
    if (!result.ok) return onError(result.error);
    setStep({ kind: 'done', refund: result.value });
  };

  return (
    <Dialog title={t('refundDialog.title')} onClose={onClose} testId="refund-dialog" wide>
      {step.kind === 'loading' && <p className="muted">{t('history.loading')}</p>}
      {step.kind === 'find' && (
        <div className="refund-flow">
          <div className="refund-scroll">
            <SaleFinder currency={currency} filters={filters} onFilters={setFilters} onPick={(id) => void open(id)} onFindReceipt={(n) => void find(n)} onError={onError} />
          </div>
          <div className="dialog-buttons">
            <button type="button" onClick={onClose} data-testid="refund-cancel">
              {t('dialog.cancel')}
            </button>
          </div>
        </div>
      )}

      {step.kind === 'choose' && (
        <form
          className="refund-flow"
          onSubmit={(e) => {
            e.preventDefault();
            void submit(step.refundable);
          }}
        >
          <div className="refund-scroll">
            <p className="muted">
              {t('refundDialog.sale', { number: step.refundable.receiptNumber })} · {t('refundDialog.left', { amount: money(step.refundable.refundable, step.refundable.currency) })}
            </p>
            <table className="cart refund-lines">
              <tbody>
                {step.refundable.lines.map((line) => (
                  <tr key={line.lineNo} data-testid="refund-line">
                    <td className="name">{line.name}</td>
                    <td className="num">
                      {t('refundDialog.canReturn', { quantity: quantity(line.refundableQuantityMilli, line.unit), amount: money(line.refundableAmount, step.refundable.currency) })}
                    </td>
                    <td className="num">
                      <input
                        aria-label={t('refundDialog.quantity')}
                        data-testid="refund-quantity"
                        inputMode="decimal"
                        disabled={line.refundableQuantityMilli === 0}
                        placeholder="0"
                        value={quantities[line.lineNo] ?? ''}
                        onChange={(e) => setQuantities((q) => ({ ...q, [line.lineNo]: e.target.value }))}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <label>
              {t('refundDialog.reason')}
              <select value={reason} onChange={(e) => setReason(e.target.value as (typeof REASONS)[number])}>
                {REASONS.map((r) => (
                  <option key={r} value={r}>
                    {t(`refundDialog.reasons.${r}`)}
                  </option>
                ))}
              </select>
            </label>
            {needsApproval && <OwnerApprovalFields state={owner} pinTestId="refund-approval-pin" />}
            {confirmWithOwnPin && (
              <label>
                {t('history.refund.ownPin')}
                <input
                  data-testid="refund-own-pin"
                  type="password"
                  inputMode="numeric"
                  autoComplete="off"
                  value={ownPin}
                  onChange={(e) => setOwnPin(e.target.value.replace(/\D/g, '').slice(0, 8))}
                />
              </label>
            )}
            {step.refundable.voidable && (
              <fieldset className="refund-void">
                <legend>{t('refundDialog.voidSale')}</legend>
                <p className="muted">{t('refundDialog.voidHint')}</p>
                <div className="dialog-buttons">
                  <button
                    type="button"
                    disabled={busy || !ready}
                    data-testid="refund-void"
                    data-confirm={confirmVoid ? 'true' : 'false'}
                    onClick={() => void voidSale(step.refundable)}
                  >
                    {confirmVoid ? t('refundDialog.voidConfirm', { amount: money(step.refundable.paid, step.refundable.currency) }) : t('refundDialog.voidSale')}
                  </button>
                </div>
              </fieldset>
            )}
          </div>
          <div className="dialog-buttons">
            {!saleId && (
              <button type="button" className="refund-back" data-testid="refund-back" onClick={() => setStep({ kind: 'find' })}>
                {t('refundFind.back')}
              </button>
            )}
            <button type="button" onClick={onClose}>
              {t('dialog.cancel')}
            </button>
            <button type="submit" className="primary" disabled={busy || !ready} data-testid="refund-submit">
              {t('refundDialog.submit')}
            </button>
          </div>
        </form>
      )}

      {step.kind === 'done' && (
        <div className="refund-flow" data-testid="refund-result" data-status={step.refund.status} data-void={step.refund.void ? 'true' : 'false'}>
          <div className="refund-scroll refund-result">
            {step.refund.void && <h3 data-testid="refund-voided">{t('refundDialog.voided')}</h3>}
            <div className="payment-amount">{money(step.refund.amount, currency)}</div>
            <p className="payment-message">
              {partlyThrough(step.refund)
                ? t('splitPay.legs.partlyFailed', { done: legsText(step.refund, (l) => l.status === 'refunded'), left: legsText(step.refund, (l) => l.status !== 'refunded') })
                : t(`refundDialog.${step.refund.void ? 'voidStatus' : 'status'}.${step.refund.status}`, {
                    tender: step.refund.legs ? legsText(step.refund, () => true) : t(`tenders.${step.refund.tenderKind}`, { defaultValue: step.refund.tenderKind }),
                  })}
            </p>
            {step.refund.legs && (
              <ul className="refund-legs" data-testid="refund-legs" aria-label={t('splitPay.legs.title')}>
                {step.refund.legs.map((leg) => (
                  <li key={leg.refundId} data-testid="refund-leg" data-status={leg.status}>
                    {t('splitPay.legs.leg', { n: leg.leg })} {t(`tenders.${leg.tenderKind}`, { defaultValue: leg.tenderKind })} {money(leg.walletAmount, currency)} ·{' '}
                    {leg.failureCode === 'previous_leg_failed' ? t('splitPay.legs.notSent') : t(`history.refundStatus.${leg.status}`, { defaultValue: leg.status })}
                  </li>
                ))}
              </ul>
            )}
            {step.refund.void && step.refund.status === 'failed' && step.refund.failureMessage && (
              <p className="muted" data-testid="refund-failure">
                {step.refund.failureMessage}
              </p>
            )}
            {step.refund.status === 'refunded' && step.refund.cashAmount > 0 && (
              <p className="payment-message" data-testid="refund-cash">
                {t('refundDialog.handBack', { amount: money(step.refund.cashAmount, currency) })}
              </p>
            )}
            {receiptText && (
              <details open>
                <summary>{t(step.refund.void ? 'refundDialog.voidReceipt' : 'refundDialog.receipt')}</summary>
                <pre className="receipt-text" data-testid="refund-receipt-text">
                  {receiptText}
                </pre>
              </details>
            )}
          </div>
          <div className="dialog-buttons">
            {/* A void the acquirer refused is not sent again: a normal refund follows it. */}
            {((step.refund.status === 'failed' && !step.refund.void) || step.refund.status === 'needs_attention') && (
              <button
                type="button"
                onClick={() =>
                  void pos.call('refund.retry', { refundId: step.refund.refundId }).then((r) => (r.ok ? setStep({ kind: 'done', refund: r.value }) : onError(r.error)))
                }
              >
                {t('refundDialog.retry')}
              </button>
            )}
            <button type="button" className="primary" onClick={onClose} data-testid="refund-close">
              {t('dialog.close')}
            </button>
          </div>
        </div>
      )}
    </Dialog>
  );
}

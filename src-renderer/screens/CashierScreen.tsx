import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError, Result } from '../../src-common/errors';
import type { Cart, PaymentView, Product, PublicUser, Settings } from '../../src-common/schemas';
import type { ScanOutcome } from '../../src-common/calls/scan';
import { usePos } from '../api/context';
import { money } from '../format';
import { WedgeDetector } from '../scanner/wedge';
import { CartTable } from './cashier/CartTable';
import { HeldScansBanner } from './cashier/HeldScansBanner';
import { DiscountDialog, NoSaleDialog, QuantityDialog, ResumeDialog, VoidDialog, type DiscountRequest } from './cashier/dialogs';
import { PayDialog, type PayRequest } from './cashier/PayDialog';
import { PaymentWaitDialog } from './cashier/PaymentWaitDialog';
import { ProductGrid } from './cashier/ProductGrid';
import { ReceiptDialog, type Finished } from './cashier/ReceiptDialog';
import { RefundDialog } from './cashier/RefundDialog';
import { WeighDialog } from './cashier/WeighDialog';
import { TotalsPanel } from './cashier/TotalsPanel';
import { MemberBadge, MemberDialog, PointsRedeem } from './cashier/MemberDialog';
import { MEMBER_QR_PATTERN } from '../../src-common/member-code';
import { heldFor, OpenShiftDialog, OversellDialog, type HeldChange, type OversellAsk } from './cashier/StockShiftDialogs';

type DialogState = null | 'quantity' | 'lineDiscount' | 'orderDiscount' | 'void' | 'resume' | 'pay' | 'refund' | 'noSale' | 'member' | 'weigh';

/** A code a scanner or a person typed, as opposed to a search: no spaces, 6+ characters, digits and ASCII only. */
const looksLikeCode = (text: string) => /^[0-9]{6,}$/.test(text) || /^[0-9A-Za-z-]{8,}$/.test(text);

/** Paid and its sale closed; a paid payment whose sale is still to be recorded (a full disk) keeps its dialog, which says so. */
const settled = (p: PaymentView) => p.status === 'paid' && p.failureCode !== 'sale_completion_pending';
/** A paid part of a sale with more still due (issue 18): the pay step stays open for the rest. */
const partPaid = (p: PaymentView) => p.status === 'paid' && (p.remaining ?? 0) > 0;

/** The message key of a refusal about the paid parts of a sale (issue 18); undefined for any other refusal. */
function partsErrorKey(error: ApiError): string | undefined {
  const reason = (error.details as { reason?: string } | undefined)?.reason;
  if (reason === 'paid_parts') return 'splitPay.errors.paidParts';
  if (reason === 'exceeds_due') return 'splitPay.errors.exceedsDue';
  if (reason === 'reversing_parts') return 'splitPay.errors.reversingParts';
  if (reason === 'no_paid_parts') return 'splitPay.errors.noPaidParts';
  return undefined;
}

/** payment.reverseParts refused at once (before any part was sent back): why, in the cashier's words. */
function reverseRefusalKey(error: ApiError): string | undefined {
  const reason = (error.details as { reason?: string } | undefined)?.reason;
  if (reason === 'payment_in_progress') return 'splitPay.errors.paymentInProgress';
  if (reason === 'sale_completion_pending') return 'splitPay.errors.completionPending';
  return partsErrorKey(error);
}

export function CashierScreen({
  user,
  settings,
  onError,
  onOk,
}: {
  user: PublicUser;
  settings: Settings;
  onError: (error: ApiError, text?: string) => void;
  onOk: () => void;
}) {
  const pos = usePos();
  const { t, i18n } = useTranslation();
  const [cart, setCart] = useState<Cart | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<Product[]>([]);
  const [resultIndex, setResultIndex] = useState(0);
  const [dialog, setDialog] = useState<DialogState>(null);
  /** The product sold by weight being weighed (dialog 'weigh'). */
  const [weighing, setWeighing] = useState<Product | null>(null);
  const [completed, setCompleted] = useState<Finished | null>(null);
  const [payment, setPayment] = useState<PaymentView | null>(null);
  /** The sale a wallet payment was started for on this screen, so its completion shows the receipt here. */
  const walletSale = useRef<{ saleId: string; wallet: string | null; maskedCode?: string | null; amount?: number } | null>(null);
  const [busy, setBusy] = useState(false);
  /** The next wallet part's amount as the pay dialog has it (for a code a scanner reads at the pay step). */
  const [partAmount, setPartAmount] = useState<number | null>(null);
  /** A line refused until a shift is open or an owner approves it beyond the stock: made again once it is. */
  const [held, setHeld] = useState<null | { change: HeldChange; code: string | null } & ({ kind: 'shift' } | { kind: 'oversell'; ask: OversellAsk })>(null);
  const input = useRef<HTMLInputElement>(null);
  const currency = cart?.currency ?? settings.currency;
  const selectedLine = cart?.lines.find((l) => l.lineId === selected) ?? null;
  const modalOpen = dialog !== null || completed !== null || payment !== null || weighing !== null || held !== null;

  const focusScan = useCallback(() => {
    // Nor while another screen part's modal dialog is open over the till (the PIN change): its fields keep the focus.
    if (!modalOpen && !document.querySelector('[aria-modal="true"]')) input.current?.focus();
  }, [modalOpen]);

  useEffect(() => {
    void pos.call('sale.current', {}).then((r) => {
      if (!r.ok) return onError(r.error);
      setCart(r.value);
      setSelected(r.value?.lastLineId ?? null);
    });
    void pos.call('payment.current', {}).then((r) => {
      // After a restart: a payment still running, or one that ended badly, is shown so the cashier knows where things stand.
      if (r.ok && r.value && r.value.status !== 'paid') setPayment(r.value);
    });
    const offs = [
      pos.on('sale.changed', (next) => setCart(next)),
      // A paid payment closes its sale; `sale.completed` then shows the receipt, so the waiting dialog goes.
      pos.on('payment.changed', (p) => {
        const ours = p.saleId === walletSale.current?.saleId;
        // A part paid or given back changes what the open sale still asks for.
        if (p.status === 'paid' || p.status === 'reversed') void pos.call('sale.current', {}).then((r) => r.ok && setCart(r.value));
        if (partPaid(p)) {
          // The rest is still due: back to the pay step, the part listed there.
          if (ours) walletSale.current = null;
          setPayment((current) => (current && current.paymentId === p.paymentId ? null : current));
          if (ours) setDialog('pay');
          return;
        }
        if (ours) walletSale.current = { saleId: p.saleId, wallet: p.wallet, maskedCode: p.maskedCode, amount: p.amount };
        // A payment started here (or from a code the core took at this screen's pay step) shows its waiting dialog.
        setPayment((current) =>
          current && current.paymentId === p.paymentId ? (settled(p) ? null : p) : !current && ours && !settled(p) ? p : current,
        );
      }),
      pos.on('sale.completed', (sale) => {
        if (walletSale.current?.saleId !== sale.saleId) return; // cash sales show their receipt from sale.complete
        setPayment(null);
        const paid = walletSale.current;
        setCompleted({
          saleId: sale.saleId,
          receiptNumber: sale.receiptNumber,
          change: sale.change,
          wallet: paid.wallet,
          ...(paid.wallet ? { walletPaid: { amount: paid.amount ?? sale.total, maskedCode: paid.maskedCode ?? null } } : {}),
        });
        walletSale.current = null;
      }),
    ];
    return () => offs.forEach((off) => off());
  }, [pos, onError]);

  useEffect(focusScan, [focusScan]);

  // Scans are decided in the core from what this screen says it is doing: the pay step takes the customer's
  // payment code, the refund dialog a receipt, otherwise an item. The screen shows what became of each.
  const step = dialog === 'pay' || payment ? 'paying' : dialog === 'refund' ? 'refund' : 'selling';
  useEffect(() => {
    void pos.call('screen.report', { surface: 'till', step, ...(step === 'paying' && dialog === 'pay' && partAmount !== null ? { partAmount } : {}) });
  }, [pos, step, dialog, partAmount]);
  useEffect(() => () => void pos.call('screen.report', { surface: 'till', step: 'elsewhere' }), [pos]);
  const onScanOutcome = useRef<(outcome: ScanOutcome) => void>(() => undefined);
  useEffect(() => pos.on('scan.outcome', (outcome) => onScanOutcome.current(outcome)), [pos]);

  const apply = useCallback(
    async (call: Promise<Result<Cart>>, describe?: (error: ApiError) => string | undefined) => {
      const result = await call;
      if (result.ok) {
        setCart(result.value);
        setSelected(result.value.lastLineId);
        onOk();
      } else {
        const parts = partsErrorKey(result.error);
        onError(result.error, describe?.(result.error) ?? (parts ? t(parts) : undefined));
      }
      return result.ok;
    },
    [onError, onOk, t],
  );

  /** A cart change that may be refused for the shift or the stock: then held, and made again once that is settled. */
  const guarded = useCallback(
    async (change: HeldChange, code: string | null, describe?: (error: ApiError) => string | undefined) => {
      const result = await change();
      const need = result.ok ? null : heldFor(result.error);
      if (need) {
        setHeld({ ...need, change, code });
        return false;
      }
      return apply(Promise.resolve(result), describe);
    },
    [apply],
  );
  /** A code main refused as weight_required (a kg product's SKU or barcode, typed or from a scanner): weigh it. */
  const weighByCode = useCallback(
    async (code: string, productId?: string) => {
      const found = await pos.call('catalog.search', { query: code, limit: 8 });
      const product = found.ok
        ? found.value.find((p) => (productId ? p.id === productId : p.unit === 'kg' && (p.sku === code || p.barcodes.includes(code))))
        : undefined;
      if (product) {
        setWeighing(product);
        setDialog('weigh');
      }
    },
    [pos],
  );

  const scan = useCallback(
    (code: string) =>
      guarded((approval) => pos.call('sale.scan', { code, ...(approval ? { approval } : {}) }), code, (error) => {
        if (error.code === 'weight_required') {
          const { productId } = (error.details ?? {}) as { productId?: string };
          if (productId) void weighByCode(code, productId);
          return undefined;
        }
        if (error.code === 'not_found') return t('cashier.unknownBarcode', { code });
        const details = error.details as { reason?: string } | undefined;
        if (error.code === 'validation_failed' && details?.reason === 'bad_check_digit') return t('cashier.badCheckDigit', { code });
        return undefined;
      }),
    [guarded, pos, t, weighByCode],
  );

  // Scans from a keyboard-wedge scanner while focus is somewhere other than the scan field: routed by the core
  // like a device scan (its outcome comes back as scan.outcome).
  useEffect(() => {
    const detector = new WedgeDetector();
    const onKey = (e: KeyboardEvent) => {
      if (modalOpen || document.activeElement === input.current) return;
      const result = detector.key(e.key, e.timeStamp);
      if (result.kind === 'scan') {
        e.preventDefault();
        void pos.call('scan.submit', { code: result.code });
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [modalOpen, pos]);

  const search = async (text: string) => {
    setQuery(text);
    setResultIndex(0);
    const q = text.trim();
    if (!q || looksLikeCode(q) || MEMBER_QR_PATTERN.test(q)) return setResults([]);
    const r = await pos.call('catalog.search', { query: q, limit: 8 });
    if (r.ok) setResults(r.value);
  };

  /**
   * The one path of a product picked by hand (search picker, product grid): goods sold by weight never go in as
   * 1 kg; their weight is asked for first.
   */
  /** A product picked from the search or the grid; one sold by weight goes through the weigh dialog, never straight in. */
  const addPicked = (product: Product) => {
    if (product.unit !== 'kg') return void guarded((approval) => pos.call('sale.addProduct', { productId: product.id, ...(approval ? { approval } : {}) }), null);
    setWeighing(product);
    setDialog('weigh');
  };

  const submitScanField = async () => {
    const q = query.trim();
    if (!q) return;
    const picked = results[resultIndex];
    setQuery('');
    setResults([]);
    // A member QR typed or scanned into the field: the core's scan router attaches the member (scan.outcome says so).
    if (MEMBER_QR_PATTERN.test(q)) return void pos.call('scan.submit', { code: q });
    if (picked && !looksLikeCode(q)) addPicked(picked);
    else await scan(q);
  };

  const needsApproval = user.role === 'cashier';
  const discount = async (request: DiscountRequest, lineId?: string) => {
    const call = lineId
      ? pos.call('sale.setLineDiscount', { lineId, ...request })
      : pos.call('sale.setOrderDiscount', request);
    if (await apply(call)) setDialog(null);
  };

  const pay = async (request: PayRequest) => {
    setBusy(true);
    const result = await pos.call('sale.complete', request);
    setBusy(false);
    if (!result.ok) return onError(result.error);
    onOk();
    setDialog(null);
    setCart(null);
    setCompleted({ saleId: result.value.saleId, receiptNumber: result.value.receiptNumber, change: result.value.change });
  };

  const payByQr = (wallet: 'wechat' | 'alipay' | 'unionpay', amount: number) => startPayment(pos.call('payment.payByQr', { wallet, amount }));
  const payByCode = (code: string, amount: number) => startPayment(pos.call('payment.payByCode', { code, amount }));
  const reverseParts = async () => {
    setBusy(true);
    const result = await pos.call('payment.reverseParts', {});
    setBusy(false);
    if (!result.ok) {
      const key = reverseRefusalKey(result.error);
      return onError(result.error, key ? t(key) : undefined);
    }
    onOk();
    // The parts are shown as going back until each provider answers (payment.changed refreshes the cart again).
    void pos.call('sale.current', {}).then((r) => r.ok && setCart(r.value));
  };

  const startPayment = async (started: Promise<Result<PaymentView>>) => {
    setBusy(true);
    setDialog(null);
    if (cart) walletSale.current = { saleId: cart.saleId, wallet: null };
    // Show the waiting state as soon as the payment is committed, not when the acquirer answers.
    const off = pos.on('payment.changed', (p) => {
      if (p.status !== 'paid' && p.saleId === cart?.saleId) setPayment((current) => current ?? p);
    });
    const result = await started;
    off();
    setBusy(false);
    if (!result.ok) {
      walletSale.current = null;
      setPayment(null);
      setDialog('pay');
      return onError(result.error, walletErrorText(result.error));
    }
    onOk();
    if (partPaid(result.value)) {
      walletSale.current = null;
      setPayment(null);
      setDialog('pay');
      void pos.call('sale.current', {}).then((r) => r.ok && setCart(r.value));
      return;
    }
    setPayment(settled(result.value) ? null : result.value);
  };

  const partsErrorText = (error: ApiError): string | undefined => {
    const key = partsErrorKey(error);
    return key ? t(key) : undefined;
  };

  const walletErrorText = (error: ApiError): string | undefined => {
    const reason = (error.details as { reason?: string } | undefined)?.reason;
    const parts = partsErrorText(error);
    if (parts) return parts;
    if (reason === 'product_barcode') return t('wallet.productBarcode');
    if (reason === 'code_reused') return t('wallet.codeReused');
    if (reason === 'too_long_for_acquirer') return t('wallet.codeTooLong');
    if (reason === 'needs_attention') return t('wallet.lastNeedsAttention');
    if (reason === 'sale_changed') return t('wallet.saleChanged');
    if (reason === 'offline') return t('wallet.offline');
    if (error.code === 'validation_failed') return t('wallet.notACode');
    return undefined;
  };

  const scanRefusalText = (outcome: ScanOutcome): string | undefined => {
    if (outcome.reason === 'not_found' || outcome.reason === 'unknown_barcode') return t('cashier.unknownBarcode', { code: outcome.code });
    if (outcome.reason === 'bad_check_digit') return t('cashier.badCheckDigit', { code: outcome.code });
    if (outcome.reason === 'payment_code_not_at_pay_step') return t('cashier.paymentCodeNotAtPayStep');
    if (outcome.reason === 'payment_in_progress') return t('cashier.paymentInProgress');
    if (outcome.reason === 'member_not_found') return t('members.memberNotFound');
    return undefined;
  };

  useEffect(() => {
    onScanOutcome.current = (outcome) => {
      if (outcome.kind === 'member') {
        onOk();
      } else if (outcome.kind === 'item') {
        if (outcome.cart) setSelected(outcome.cart.lastLineId);
        onOk();
      } else if (outcome.kind === 'payment') {
        // The core sent the customer's code to the payments engine: wait for it like a payment started here.
        if (cart) walletSale.current = { saleId: cart.saleId, wallet: null };
        setDialog(null);
      } else if (outcome.kind === 'refused' && (outcome.reason === 'no_open_shift' || outcome.reason === 'oversell')) {
        // A scanner's item that needs a shift or an owner first: asked again here, so the screen can hold it.
        void guarded((approval) => pos.call('sale.scan', { code: outcome.code, ...(approval ? { approval } : {}) }), outcome.code);
      } else if (outcome.kind === 'refused' && outcome.reason === 'weight_required') {
        void weighByCode(outcome.code);
      } else if (outcome.kind === 'refused') {
        const error: ApiError = { code: 'validation_failed', message: outcome.message ?? outcome.reason ?? '', details: { reason: outcome.reason } };
        if ((step === 'paying' || walletSale.current) && !payment) {
          walletSale.current = null;
          setDialog('pay');
          onError(error, walletErrorText(error) ?? scanRefusalText(outcome));
        } else onError(error, scanRefusalText(outcome));
      }
    };
  });


  const simple = async (call: Promise<Result<null>>) => {
    const result = await call;
    if (!result.ok) return onError(result.error, partsErrorText(result.error));
    onOk();
    setDialog(null);
    setCart(null);
    setSelected(null);
  };

  const actions: { key: string; label: string; run: () => void; enabled: boolean; testId: string }[] = [
    { key: 'F2', label: t('keys.quantity'), testId: 'key-quantity', enabled: !!selectedLine && !selectedLine.weighed, run: () => setDialog('quantity') },
    {
      key: 'F3',
      label: t('keys.remove'),
      testId: 'key-remove',
      enabled: !!selectedLine,
      run: () => selectedLine && void apply(pos.call('sale.removeLine', { lineId: selectedLine.lineId })),
    },
    { key: 'F4', label: t('keys.lineDiscount'), testId: 'key-line-discount', enabled: !!selectedLine, run: () => setDialog('lineDiscount') },
    { key: 'F5', label: t('keys.orderDiscount'), testId: 'key-order-discount', enabled: !!cart?.lines.length, run: () => setDialog('orderDiscount') },
    { key: 'F6', label: t('keys.suspend'), testId: 'key-suspend', enabled: !!cart?.lines.length, run: () => void simple(pos.call('sale.suspend', {})) },
    { key: 'F7', label: t('keys.resume'), testId: 'key-resume', enabled: !cart?.lines.length, run: () => setDialog('resume') },
    { key: 'F8', label: t('keys.void'), testId: 'key-void', enabled: !!cart, run: () => setDialog('void') },
    { key: 'F9', label: t('keys.refund'), testId: 'key-refund', enabled: !cart?.lines.length, run: () => setDialog('refund') },
    { key: 'F10', label: t('keys.noSale'), testId: 'key-no-sale', enabled: !cart?.lines.length, run: () => setDialog('noSale') },
    { key: 'F11', label: t('members.key'), testId: 'key-member', enabled: user.role !== 'technician', run: () => setDialog('member') },
    {
      key: 'F12',
      label: t('keys.pay'),
      testId: 'key-pay',
      enabled: !!cart?.lines.length,
      run: () => {
        setDialog('pay');
        void pos.call('sale.beginPayment', {});
      },
    },
  ];

  // A layout effect: the key handler sees the cart committed with the DOM, so F12 pressed the instant a
  // scanned line appears is not read against the cart before it (a passive effect runs after paint).
  useLayoutEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (modalOpen) return;
      const action = actions.find((a) => a.key === e.key);
      if (action) {
        e.preventDefault();
        if (action.enabled) action.run();
        return;
      }
      if ((e.key === 'ArrowUp' || e.key === 'ArrowDown') && results.length === 0 && cart?.lines.length) {
        e.preventDefault();
        const index = cart.lines.findIndex((l) => l.lineId === selected);
        const next = Math.max(0, Math.min(cart.lines.length - 1, index + (e.key === 'ArrowUp' ? -1 : 1)));
        setSelected(cart.lines[next]!.lineId);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  return (
    <main className="cashier">
      <section className="sale-area">
        <form
          className="scan-bar"
          onSubmit={(e) => {
            e.preventDefault();
            void submitScanField();
          }}
        >
          <input
            ref={input}
            data-testid="scan-input"
            className="scan-input"
            autoComplete="off"
            spellCheck={false}
            placeholder={t('cashier.scanPlaceholder')}
            value={query}
            onChange={(e) => void search(e.target.value)}
            onBlur={(e) => {
              // Focus moved into the product grid (Tab, a touch): it stays there; a scan there is caught as a wedge scan.
              if (!(e.relatedTarget instanceof Element && e.relatedTarget.closest('[data-keep-focus]'))) setTimeout(focusScan, 0);
            }}
            onKeyDown={(e) => {
              if (results.length && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
                e.preventDefault();
                setResultIndex((i) => Math.max(0, Math.min(results.length - 1, i + (e.key === 'ArrowDown' ? 1 : -1))));
              } else if (e.key === 'Escape') {
                setQuery('');
                setResults([]);
              }
            }}
          />
          {results.length > 0 && (
            <ul className="search-results" role="listbox" data-testid="search-results">
              {results.map((p, i) => (
                <li
                  key={p.id}
                  role="option"
                  aria-selected={i === resultIndex}
                  onMouseDown={(e) => {
                    e.preventDefault();
                    setQuery('');
                    setResults([]);
                    addPicked(p);
                  }}
                >
                  <span className="name">{i18n.language === 'en' && p.nameEn ? p.nameEn : p.name}</span>
                  <span className="sku">{p.sku}</span>
                  <span className="price">
                    {money(p.price, currency)}
                    {p.unit === 'kg' ? '/kg' : ''}
                  </span>
                </li>
              ))}
            </ul>
          )}
          {query.trim() && !looksLikeCode(query.trim()) && results.length === 0 && <div className="search-none muted">{t('cashier.searchNoResult')}</div>}
        </form>
        <HeldScansBanner active={step === 'selling' && !modalOpen} onError={onError} />
        <CartTable cart={cart} selectedLineId={selected} onSelect={setSelected} />
        <ProductGrid currency={currency} onPick={addPicked} />
      </section>
      <aside className="side">
        <MemberBadge cart={cart} />
        <TotalsPanel cart={cart} currency={currency} />
        <div className="keys">
          {actions.map((a) => (
            <button key={a.key} type="button" className={a.key === 'F12' ? 'key pay' : 'key'} disabled={!a.enabled} onClick={a.run} data-testid={a.testId}>
              <kbd>{a.key}</kbd>
              <span>{a.label}</span>
            </button>
          ))}
        </div>
      </aside>

      {dialog === 'weigh' && weighing && (
        <WeighDialog
          product={weighing}
          currency={currency}
          onAdd={(add) => guarded(add, null)}
          onClose={() => {
            setWeighing(null);
            setDialog(null);
          }}
        />
      )}
      {dialog === 'quantity' && selectedLine && (
        <QuantityDialog
          line={selectedLine}
          onClose={() => setDialog(null)}
          onSubmit={(quantityMilli) =>
            void guarded((approval) => pos.call('sale.setQuantity', { lineId: selectedLine.lineId, quantityMilli, ...(approval ? { approval } : {}) }), null).then(() => setDialog(null))
          }
        />
      )}
      {dialog === 'lineDiscount' && selectedLine && (
        <DiscountDialog
          title={t('discountDialog.lineTitle', { name: selectedLine.name })}
          currency={currency}
          needsApproval={needsApproval}
          onClose={() => setDialog(null)}
          onSubmit={(request) => void discount(request, selectedLine.lineId)}
        />
      )}
      {dialog === 'orderDiscount' && (
        <DiscountDialog
          title={t('discountDialog.orderTitle')}
          currency={currency}
          needsApproval={needsApproval}
          onClose={() => setDialog(null)}
          onSubmit={(request) => void discount(request)}
        />
      )}
      {dialog === 'void' && <VoidDialog onClose={() => setDialog(null)} onSubmit={(reason) => void simple(pos.call('sale.void', { reason }))} />}
      {dialog === 'resume' && (
        <ResumeDialog
          currency={currency}
          onClose={() => setDialog(null)}
          onResume={(saleId) => void apply(pos.call('sale.resume', { saleId })).then((ok) => ok && setDialog(null))}
        />
      )}
      {dialog === 'pay' && cart && (
        <PayDialog
          cart={cart}
          cashRounding={settings.cashRounding}
          busy={busy}
          onClose={() => setDialog(null)}
          onSubmit={(r) => void pay(r)}
          onPaymentCode={(code, amount) => void payByCode(code, amount)}
          onPaymentQr={(wallet, amount) => void payByQr(wallet, amount)}
          onReverseParts={() => void reverseParts()}
          onPartAmount={setPartAmount}
          before={<PointsRedeem cart={cart} rule={settings.memberPoints} onError={onError} onOk={onOk} />}
        />
      )}
      {dialog === 'member' && <MemberDialog cart={cart} onError={onError} onClose={() => setDialog(null)} />}
      {payment && (
        <PaymentWaitDialog
          payment={payment}
          currency={currency}
          onCancel={() => void pos.call('payment.cancel', { paymentId: payment.paymentId }).then((r) => r.ok && setPayment(r.value))}
          onClose={() => {
            setPayment(null);
            setDialog('pay');
          }}
        />
      )}
      {dialog === 'noSale' && (
        <NoSaleDialog
          needsApproval={needsApproval}
          onClose={() => setDialog(null)}
          onSubmit={(request) =>
            void pos.call('drawer.noSale', request).then((r) => {
              if (!r.ok) return onError(r.error);
              onOk();
              setDialog(null);
            })
          }
        />
      )}
      {dialog === 'refund' && <RefundDialog user={user} currency={currency} onError={onError} onClose={() => setDialog(null)} />}
      {completed && <ReceiptDialog sale={completed} currency={currency} onClose={() => setCompleted(null)} />}
      {held?.kind === 'shift' && (
        <OpenShiftDialog
          currency={currency}
          heldCode={held.code}
          onClose={() => setHeld(null)}
          onOpened={() => {
            setHeld(null);
            void guarded(held.change, held.code);
          }}
        />
      )}
      {held?.kind === 'oversell' && (
        <OversellDialog
          ask={held.ask}
          onClose={() => setHeld(null)}
          onApprove={(approval) => {
            setHeld(null);
            void guarded(() => held.change(approval), held.code);
          }}
        />
      )}
    </main>
  );
}

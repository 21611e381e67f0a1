import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { usePos } from '../../api/context';
import { deviceProblemKey, useDeviceStatuses } from '../../api/useDeviceStatuses';
import { Dialog } from '../../components/Dialog';
import { money } from '../../format';

/** After payment: the change, big, and the receipt preview; Enter starts the next sale. */
export interface Finished {
  saleId: string;
  receiptNumber: string;
  change: number;
  /** Wallet that paid, when not cash. */
  wallet?: string | null;
  /** What the wallet took, and the customer's code as the till may show it (masked). */
  walletPaid?: { amount: number; maskedCode: string | null };
}

export function ReceiptDialog({ sale, currency, onClose }: { sale: Finished; currency: string; onClose: () => void }) {
  const { t } = useTranslation();
  const pos = usePos();
  const [preview, setPreview] = useState<{ text: string; svg: string } | null>(null);
  const [reprint, setReprint] = useState<string | null>(null);
  const printState = usePrintState();
  useEffect(() => {
    void pos.call('sale.receipt', { saleId: sale.saleId }).then((r) => r.ok && setPreview({ text: r.value.text, svg: r.value.svg }));
  }, [pos, sale.saleId]);
  return (
    <Dialog title={t('receipt.title')} onClose={onClose} testId="receipt-dialog" wide>
      <div className="receipt-layout">
        <div className="receipt-summary">
          <div className="muted">{t('receipt.number', { number: sale.receiptNumber })}</div>
          {sale.wallet && sale.walletPaid ? (
            // A wallet sale: what was taken and how, not a big "change ¥0.00".
            <>
              <div className="change-label">{t('receipt.walletPaid', { wallet: t(`tenders.${sale.wallet}`) })}</div>
              <div className="change-amount" data-testid="receipt-wallet-paid">
                {money(sale.walletPaid.amount, currency)}
              </div>
              {sale.walletPaid.maskedCode && (
                <div className="muted" data-testid="receipt-wallet-code">
                  {t('receipt.walletCode', { code: sale.walletPaid.maskedCode })}
                </div>
              )}
            </>
          ) : (
            <>
              <div className="change-label">{t('receipt.change')}</div>
              <div className="change-amount" data-testid="receipt-change">
                {money(sale.change, currency)}
              </div>
            </>
          )}
          <button type="button" className="primary big" data-autofocus onClick={onClose} data-testid="next-customer">
            {t('receipt.next')}
          </button>
          <button type="button" onClick={() => void pos.call('sale.reprint', { saleId: sale.saleId }).then((r) => setReprint(r.ok ? 'queued' : r.error.code))} data-testid="reprint">
            {t('receipt.reprint')}
          </button>
          {printState && (
            <div className={`print-state ${printState.tone}`} role="status" data-testid="receipt-print-state" data-state={printState.state}>
              {printState.text}
            </div>
          )}
          {reprint && <div className="muted" data-testid="reprint-status">{t(reprint === 'queued' ? 'receipt.reprintQueued' : 'receipt.noPrinter')}</div>}
        </div>
        <div className="receipt-preview">
          {preview && <img alt={preview.text} src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(preview.svg)}`} />}
          {preview && (
            <details>
              <summary>TXT</summary>
              <pre data-testid="receipt-text">{preview.text}</pre>
            </details>
          )}
        </div>
      </div>
    </Dialog>
  );
}

/**
 * What became of the receipt, from the printer's state and its queue: held (paper out, cover open: it prints by
 * itself once fixed), printing, printed; or no printer at all, which is a state of this till, not an error.
 */
function usePrintState(): { state: 'none' | 'held' | 'printing' | 'printed'; tone: 'muted' | 'warn'; text: string } | null {
  const { t } = useTranslation();
  const statuses = useDeviceStatuses();
  if (!statuses) return null;
  const printer = statuses.find((d) => d.role === 'printer');
  if (!printer) return { state: 'none', tone: 'muted', text: t('receipt.noPrinter') };
  const problem = deviceProblemKey(printer);
  if (problem) return { state: 'held', tone: 'warn', text: t('receipt.notPrinted', { reason: t(problem) }) };
  if (printer.queued > 0) return { state: 'printing', tone: 'muted', text: t('receipt.printing') };
  return { state: 'printed', tone: 'muted', text: t('receipt.printed') };
}

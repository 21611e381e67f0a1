import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SaleDetail } from '../../../../src-common/calls/history';
import type { ApiError } from '../../../../src-common/errors';
import type { PublicUser } from '../../../../src-common/schemas';
import { usePos } from '../../../api/context';
import { money, quantity } from '../../../format';
import { RefundDialog } from '../../cashier/RefundDialog';
import { localTime, reasonText, type Translate } from './text';

/**
 * One sale from the history, beside the list: its lines, tenders, every payment attempt (codes masked),
 * its refunds, the receipt as printed; reprint it; refund it (owner only: confirmed with the owner's PIN).
 */
export function SaleDrawer({
  saleId,
  user,
  onError,
  onClose,
  onChanged,
}: {
  saleId: string;
  user: PublicUser;
  onError: (error: ApiError, text?: string) => void;
  onClose: () => void;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const tr = t as unknown as Translate;
  const pos = usePos();
  const [detail, setDetail] = useState<SaleDetail | null>(null);
  const [preview, setPreview] = useState<{ text: string; svg: string } | null>(null);
  const [reprint, setReprint] = useState<'queued' | 'no_printer' | null>(null);
  const [refunding, setRefunding] = useState(false);
  const [version, setVersion] = useState(0);
  const canRefund = user.role === 'owner';

  useEffect(() => {
    let live = true;
    void pos.call('history.sale', { saleId }).then((r) => {
      if (!live) return;
      if (r.ok) setDetail(r.value);
      else onError(r.error, reasonText(tr, r.error));
    });
    void pos.call('sale.receipt', { saleId }).then((r) => {
      if (!live) return;
      if (r.ok) setPreview({ text: r.value.text, svg: r.value.svg });
      else onError(r.error, reasonText(tr, r.error));
    });
    return () => {
      live = false;
    };
  }, [pos, saleId, version, onError, tr]);

  const doReprint = async () => {
    const r = await pos.call('sale.reprint', { saleId });
    if (r.ok) return setReprint('queued');
    const details = r.error.details as { reason?: string } | undefined;
    if (details?.reason === 'no_printer') return setReprint('no_printer');
    onError(r.error, reasonText(tr, r.error));
  };

  const closeRefund = useCallback(() => {
    setRefunding(false);
    setVersion((v) => v + 1);
    onChanged();
  }, [onChanged]);
  const refundError = useCallback((error: ApiError) => onError(error, reasonText(tr, error)), [onError, tr]);

  if (!detail) {
    return (
      <aside className="history-drawer" data-testid="history-drawer" aria-busy="true">
        <p className="muted">{t('history.loading')}</p>
      </aside>
    );
  }
  const c = detail.currency;
  return (
    <aside className="history-drawer" data-testid="history-drawer" data-sale={detail.saleId} aria-label={t('history.detail.title', { number: detail.receiptNumber })}>
      <header className="history-drawer-head">
        <h3 data-testid="history-detail-number">{t('history.detail.title', { number: detail.receiptNumber })}</h3>
        <button type="button" onClick={onClose} data-testid="history-drawer-close" aria-label={t('history.detail.close')}>
          ×
        </button>
      </header>
      <dl className="history-facts">
        <dt>{t('history.detail.closedAt')}</dt>
        <dd>{localTime(detail.closedAt)}</dd>
        <dt>{t('history.detail.cashier')}</dt>
        <dd>{detail.cashierName ?? '—'}</dd>
        <dt>{t('history.detail.total')}</dt>
        <dd className="num" data-testid="history-detail-total">
          {money(detail.total, c)}
        </dd>
      </dl>

      <div className="history-actions">
        <button type="button" onClick={() => void doReprint()} data-testid="history-reprint">
          {t('history.detail.reprint')}
        </button>
        {canRefund ? (
          <button type="button" className="primary" disabled={detail.refundable <= 0} onClick={() => setRefunding(true)} data-testid="history-refund">
            {t('history.detail.refund')} · {detail.refundable > 0 ? t('history.detail.refundable', { amount: money(detail.refundable, c) }) : t('history.detail.nothingRefundable')}
          </button>
        ) : (
          <span className="muted">{t('history.detail.readOnly')}</span>
        )}
      </div>
      {reprint && (
        <p className="muted" data-testid="history-reprint-status" data-status={reprint}>
          {t(reprint === 'queued' ? 'history.detail.reprintQueued' : 'history.detail.noPrinter')}
        </p>
      )}

      <h4>{t('history.detail.lines')}</h4>
      <table className="history-table compact">
        <tbody>
          {detail.lines.map((l) => (
            <tr key={l.lineNo} data-testid="history-detail-line">
              <td>{l.name}</td>
              <td className="num">× {quantity(l.quantityMilli, l.unit)}</td>
              <td className="num">{money(l.net, c)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <dl className="history-facts">
        <dt>{t('history.detail.subtotal')}</dt>
        <dd className="num">{money(detail.subtotal, c)}</dd>
        {detail.discountTotal !== 0 && (
          <>
            <dt>{t('history.detail.discount')}</dt>
            <dd className="num">-{money(detail.discountTotal, c)}</dd>
          </>
        )}
        {detail.rounding !== 0 && (
          <>
            <dt>{t('history.detail.rounding')}</dt>
            <dd className="num">{money(detail.rounding, c)}</dd>
          </>
        )}
        <dt>{t('history.detail.tax')}</dt>
        <dd className="num">{money(detail.taxTotal, c)}</dd>
      </dl>

      <h4>{t('history.detail.tenders')}</h4>
      <ul className="history-list">
        {detail.tenders.map((tender, i) => (
          <li key={i} data-testid="history-detail-tender">
            {t(`tenders.${tender.kind}`, { defaultValue: tender.kind })} {money(tender.amount, c)}
            {tender.kind === 'cash' && detail.change > 0 && (
              <span className="muted">
                {' '}
                ({money(tender.tendered, c)} · {t('history.detail.change')} {money(detail.change, c)})
              </span>
            )}
          </li>
        ))}
      </ul>

      <h4>{t('history.detail.payments')}</h4>
      {detail.payments.length === 0 ? (
        <p className="muted">{t('history.detail.noPayments')}</p>
      ) : (
        <ul className="history-list">
          {detail.payments.map((p) => (
            <li key={p.paymentId} data-testid="history-detail-payment" data-status={p.status}>
              {t(`tenders.${p.wallet ?? 'other'}`, { defaultValue: p.wallet ?? '' })} {money(p.amount, c)} · {t(`history.paymentStatus.${p.status}`, { defaultValue: p.status })}
              {p.maskedCode && (
                <span className="muted" data-testid="history-masked-code">
                  {' '}
                  · {t('history.detail.code')} {p.maskedCode}
                </span>
              )}
              <div className="muted small">
                {t('history.detail.orderNo')} {p.clientSn}
              </div>
            </li>
          ))}
        </ul>
      )}

      <h4>{t('history.detail.refunds')}</h4>
      {detail.refunds.length === 0 ? (
        <p className="muted">{t('history.detail.noRefunds')}</p>
      ) : (
        <ul className="history-list">
          {detail.refunds.map((r) => (
            <li key={r.refundId} data-testid="history-detail-refund" data-status={r.status}>
              {money(r.amount, c)} · {(r.legs?.map((l) => l.tenderKind) ?? [r.tenderKind]).map((kind) => t(`tenders.${kind}`, { defaultValue: kind })).join(' + ')} · {t(`history.refundStatus.${r.status}`, { defaultValue: r.status })}
              <div className="muted small">
                {localTime(r.createdAt)} · {r.reason} · {t('history.detail.refundNo')} {r.refundRequestNo}
              </div>
            </li>
          ))}
        </ul>
      )}

      <h4>{t('history.detail.receipt')}</h4>
      <div className="receipt-preview" data-testid="history-receipt">
        {preview && <img alt={preview.text} src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(preview.svg)}`} />}
        {preview && (
          <details>
            <summary>TXT</summary>
            <pre data-testid="history-receipt-text">{preview.text}</pre>
          </details>
        )}
      </div>

      {refunding && <RefundDialog user={user} currency={c} saleId={detail.saleId} confirmWithOwnPin onError={refundError} onClose={closeRefund} />}
    </aside>
  );
}

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReconciliationItem } from '../../../../src-common/calls/history';
import type { ApiError } from '../../../../src-common/errors';
import { usePos } from '../../../api/context';
import { money } from '../../../format';
import { localTime, reasonText, type Translate } from './text';

/** One line of the reconciliation: both sides, the difference, and (owner) a note that resolves it. */
export function DifferenceRow({
  item,
  date,
  currency,
  canResolve,
  onError,
  onResolved,
}: {
  item: ReconciliationItem;
  date: string;
  currency: string;
  canResolve: boolean;
  onError: (error: ApiError, text?: string) => void;
  onResolved: () => void;
}) {
  const { t } = useTranslation();
  const tr = t as unknown as Translate;
  const pos = usePos();
  const [editing, setEditing] = useState(false);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);

  const save = async () => {
    setBusy(true);
    const r = await pos.call('reconcile.resolve', { date, key: item.key, note });
    setBusy(false);
    if (!r.ok) return onError(r.error, reasonText(tr, r.error));
    setEditing(false);
    setNote('');
    onResolved();
  };

  const amount = (value: number | undefined | null) => (value === undefined || value === null ? '—' : money(value, currency));
  return (
    <>
      <tr className={`reconcile-item ${item.state}${item.resolution ? ' resolved' : ''}`} data-testid="reconcile-item" data-key={item.key} data-state={item.state} data-resolved={item.resolution ? 'true' : 'false'}>
        <td>{t(`history.reconcile.types.${item.type}`)}</td>
        <td>
          <div>{item.refundRequestNo ?? item.clientSn}</div>
          <div className="muted small">
            {item.local?.receiptNumber ?? ''} {localTime(item.statement?.finishedAt ?? item.local?.finishedAt ?? null)}
          </div>
        </td>
        <td className="num" data-testid="reconcile-statement-amount">
          {amount(item.statement?.amount)}
        </td>
        <td className="num" data-testid="reconcile-local-amount">
          {amount(item.local?.amount)}
        </td>
        <td className="num" data-testid="reconcile-difference">
          {item.difference !== 0 ? money(item.difference, currency) : ''}
        </td>
        <td>
          <span className={`reconcile-state ${item.state}`}>{t(`history.reconcile.summary.${item.state}`)}</span>
          {item.detail && <div className="muted small">{t(`history.reconcile.details.${item.detail}`, { date: item.statement?.date ?? '' })}</div>}
          {item.state === 'status_mismatch' && item.local && (
            <div className="muted small">
              {t('history.reconcile.localStatus', {
                status: t(`history.${item.local.kind === 'payment' ? 'paymentStatus' : 'refundStatus'}.${item.local.status}`, { defaultValue: item.local.status }),
              })}
            </div>
          )}
        </td>
        <td>
          {item.resolution ? (
            <span className="reconcile-resolution" data-testid="reconcile-resolution">
              {t('history.reconcile.resolvedBy', { name: item.resolution.byName ?? item.resolution.by, at: localTime(item.resolution.at), note: item.resolution.note })}
            </span>
          ) : item.state !== 'matched' && canResolve && !editing ? (
            <button type="button" onClick={() => setEditing(true)} data-testid="reconcile-resolve">
              {t('history.reconcile.resolve')}
            </button>
          ) : null}
        </td>
      </tr>
      {editing && (
        <tr className="reconcile-note-row">
          <td colSpan={7}>
            <form
              className="reconcile-note"
              onSubmit={(e) => {
                e.preventDefault();
                void save();
              }}
            >
              <label>
                {t('history.reconcile.note')}
                <textarea data-testid="reconcile-note" value={note} maxLength={500} placeholder={t('history.reconcile.notePlaceholder')} onChange={(e) => setNote(e.target.value)} />
              </label>
              <div className="dialog-buttons">
                <button type="button" onClick={() => setEditing(false)}>
                  {t('dialog.cancel')}
                </button>
                <button type="submit" className="primary" disabled={busy || note.trim() === ''} data-testid="reconcile-save">
                  {t('history.reconcile.save')}
                </button>
              </div>
            </form>
          </td>
        </tr>
      )}
    </>
  );
}

import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ShiftView } from '../../../src-common/calls/owner';
import type { ApiError } from '../../../src-common/errors';
import { usePos } from '../../api/context';
import { OwnerApprovalFields, useOwnerApproval } from '../../components/OwnerApproval';
import { money } from '../../format';
import type { PanelProps } from '../panel';
import { HandoverForm } from './HandoverForm';
import { localTime, parseAmount, reasonText } from './owner-ui';

interface Unresolved {
  payments: { paymentId: string; orderNo: string; status: string; amount: number }[];
  refunds: { refundId: string; refundRequestNo: string; status: string; amount: number }[];
  jobs: { kind: string; count: number }[];
}

/** The drawer's shift: open with a float, cash in and out with a reason, close with the counted cash. */
export function ShiftPanel({ user, settings, onError, onOk }: PanelProps) {
  const { t } = useTranslation();
  const pos = usePos();
  const currency = settings.currency;
  const m = (amount: number) => money(amount, currency);
  const [shift, setShift] = useState<ShiftView | null>(null);
  const [closed, setClosed] = useState<ShiftView | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [float, setFloat] = useState('');
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [counted, setCounted] = useState('');
  const [note, setNote] = useState('');
  const [unresolved, setUnresolved] = useState<Unresolved | null>(null);
  const [handedOver, setHandedOver] = useState<{ name: string; printed: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const needsApproval = user.role !== 'owner';
  const approval = useOwnerApproval(needsApproval);

  useEffect(() => {
    void pos.call('shift.current', {}).then((r) => {
      setLoaded(true);
      if (r.ok) setShift(r.value);
      else onError(r.error);
    });
  }, [pos, onError]);
  // The owner sees the last shifts (refreshed when one closes).
  const [recent, setRecent] = useState<ShiftView[]>([]);
  const isOwner = user.role === 'owner';
  const lastClosed = closed?.shiftId;
  useEffect(() => {
    if (!isOwner) return;
    void pos.call('shift.list', { limit: 10 }).then((r) => {
      if (r.ok) setRecent(r.value.filter((s) => s.closedAt !== null));
      else onError(r.error);
    });
  }, [pos, isOwner, lastClosed, onError]);

  const fail = (error: ApiError) => onError(error, reasonText(t, error));

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    try {
      await action();
    } finally {
      setBusy(false);
    }
  };

  const open = () =>
    run(async () => {
      const value = parseAmount(float || '0', currency);
      if (value === null) return onError({ code: 'validation_failed', message: 'amount' }, t('owner.shift.badAmount'));
      const r = await pos.call('shift.open', { float: value });
      if (!r.ok) return fail(r.error);
      onOk();
      setClosed(null);
      setShift(r.value);
      setFloat('');
    });

  const move = (kind: 'in' | 'out') =>
    run(async () => {
      const value = parseAmount(amount, currency);
      if (value === null || value <= 0) return onError({ code: 'validation_failed', message: 'amount' }, t('owner.shift.badAmount'));
      const r =
        kind === 'in'
          ? await pos.call('shift.cashIn', { amount: value, reason })
          : await pos.call('shift.cashOut', { amount: value, reason, ...(needsApproval ? { approval: approval.approval } : {}) });
      approval.setPin('');
      if (!r.ok) return fail(r.error);
      onOk();
      setShift(r.value);
      setAmount('');
      setReason('');
    });

  const close = () =>
    run(async () => {
      const value = parseAmount(counted, currency);
      if (value === null) return onError({ code: 'validation_failed', message: 'amount' }, t('owner.shift.badAmount'));
      const r = await pos.call('shift.close', { counted: value, ...(note.trim() ? { note } : {}) });
      if (!r.ok) {
        const details = r.error.details as (Unresolved & { reason?: string }) | undefined;
        if (details?.reason === 'unresolved') setUnresolved({ payments: details.payments, refunds: details.refunds, jobs: details.jobs });
        return fail(r.error);
      }
      onOk();
      setUnresolved(null);
      setClosed(r.value);
      setShift(null);
      setCounted('');
      setNote('');
    });

  if (!loaded) return <section className="panel owner-panel" data-testid="shift-panel" />;

  return (
    <section className="panel owner-panel" data-testid="shift-panel">
      <h2>{t('owner.shift.title')}</h2>

      {closed && <ClosedShift shift={closed} currency={currency} />}
      {handedOver && (
        <p role="status" data-testid="handover-done">
          {t('stock.handoverDone', { name: handedOver.name })} · {handedOver.printed ? t('stock.handoverPrinted') : t('stock.handoverNoPrinter')}
        </p>
      )}

      {!shift && (
        <form
          className="owner-form"
          onSubmit={(e) => {
            e.preventDefault();
            void open();
          }}
        >
          {!closed && <p className="muted">{t('owner.shift.none')}</p>}
          <label>
            {t('owner.shift.float')}
            <input data-testid="shift-float" inputMode="decimal" value={float} onChange={(e) => setFloat(e.target.value)} placeholder="0.00" autoComplete="off" />
          </label>
          <button type="submit" className="primary big" data-testid="shift-open" disabled={busy}>
            {closed ? t('owner.shift.newShift') : t('owner.shift.open')}
          </button>
        </form>
      )}

      {shift && (
        <div className="owner-columns">
          <div>
            <h3>{t('owner.shift.drawer')}</h3>
            <p className="muted">
              {t('owner.shift.openedAt')} {localTime(shift.openedAt)} · {t('owner.shift.openedBy')} {shift.openedBy?.name ?? '—'}
            </p>
            {shift.blind ? (
              // Blind count: a cashier counts the drawer without the expected figure; the close shows the over/short.
              <p className="muted" role="note" data-testid="shift-blind">
                {t('owner.shift.blind')}
              </p>
            ) : (
              <dl className="owner-figures" data-testid="shift-cash">
                <dt>{t('owner.shift.floatRow')}</dt>
                <dd data-testid="shift-float-amount">{m(shift.cash.float)}</dd>
                <dt>{t('owner.shift.tendered')}</dt>
                <dd>{m(shift.cash.tendered)}</dd>
                <dt>{t('owner.shift.change')}</dt>
                <dd>{m(-shift.cash.change)}</dd>
                <dt>{t('owner.shift.kept')}</dt>
                <dd data-testid="shift-kept">{m(shift.cash.kept)}</dd>
                <dt>{t('owner.shift.cashRefunds')}</dt>
                <dd data-testid="shift-cash-refunds">{m(-shift.cash.cashRefunds)}</dd>
                <dt>{t('owner.shift.cashIn')}</dt>
                <dd data-testid="shift-cash-in">{m(shift.cash.cashIn)}</dd>
                <dt>{t('owner.shift.cashOut')}</dt>
                <dd data-testid="shift-cash-out">{m(-shift.cash.cashOut)}</dd>
                <dt className="strong">{t('owner.shift.expected')}</dt>
                <dd className="strong" data-testid="shift-expected">
                  {m(shift.cash.expected)}
                </dd>
              </dl>
            )}
            {shift.movements.length > 0 && (
              <table className="owner-table" data-testid="shift-movements">
                <caption>{t('owner.shift.movements')}</caption>
                <tbody>
                  {shift.movements.map((mv) => (
                    <tr key={mv.id}>
                      <td>{localTime(mv.at)}</td>
                      <td>{mv.kind === 'in' ? t('owner.shift.cashIn') : t('owner.shift.cashOut')}</td>
                      <td>{mv.reason}</td>
                      <td className="num">{m(mv.kind === 'in' ? mv.amount : -mv.amount)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>

          <div>
            <form className="owner-form" onSubmit={(e) => e.preventDefault()}>
              <h3>{t('owner.shift.movement')}</h3>
              <label>
                {t('owner.shift.amount')}
                <input data-testid="cash-amount" inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} autoComplete="off" />
              </label>
              <label>
                {t('owner.shift.reason')}
                <input data-testid="cash-reason" value={reason} maxLength={100} onChange={(e) => setReason(e.target.value)} autoComplete="off" />
              </label>
              {needsApproval && <OwnerApprovalFields state={approval} pinTestId="cash-out-approval-pin" />}
              <div className="dialog-buttons">
                <button type="button" data-testid="cash-in" disabled={busy || !amount || !reason.trim()} onClick={() => void move('in')}>
                  {t('owner.shift.doCashIn')}
                </button>
                <button type="button" data-testid="cash-out" disabled={busy || !amount || !reason.trim() || !approval.ready} onClick={() => void move('out')}>
                  {t('owner.shift.doCashOut')}
                </button>
              </div>
            </form>

            <form
              className="owner-form"
              onSubmit={(e) => {
                e.preventDefault();
                void close();
              }}
            >
              <h3>{t('owner.shift.close')}</h3>
              <label>
                {t('owner.shift.counted')}
                <input data-testid="shift-counted" inputMode="decimal" value={counted} onChange={(e) => setCounted(e.target.value)} autoComplete="off" />
              </label>
              <label>
                {t('owner.shift.note')}
                <input data-testid="shift-note" value={note} maxLength={200} onChange={(e) => setNote(e.target.value)} autoComplete="off" />
              </label>
              <button type="submit" className="primary big" data-testid="shift-close" disabled={busy || !counted}>
                {t('owner.shift.doClose')}
              </button>
            </form>
            <HandoverForm
              currency={currency}
              onError={onError}
              onOk={onOk}
              onDone={(done) => {
                setClosed(done.closed);
                setShift(done.opened);
                setHandedOver({ name: done.opened.openedBy?.name ?? '', printed: done.printed });
              }}
            />
            {unresolved && (
              <div className="owner-unresolved" role="alert" data-testid="shift-unresolved">
                <p>{t('owner.shift.unresolved')}</p>
                <ul>
                  {unresolved.payments.map((p) => (
                    <li key={p.paymentId} data-testid="unresolved-payment">
                      {t('owner.shift.unresolvedPayment', { orderNo: p.orderNo, status: p.status, amount: m(p.amount) })}
                    </li>
                  ))}
                  {unresolved.refunds.map((r) => (
                    <li key={r.refundId} data-testid="unresolved-refund">
                      {t('owner.shift.unresolvedRefund', { no: r.refundRequestNo, status: r.status, amount: m(r.amount) })}
                    </li>
                  ))}
                  {unresolved.jobs.map((j) => (
                    <li key={j.kind} data-testid="unresolved-job">
                      {t('owner.shift.unresolvedJob', { kind: j.kind, count: j.count })}
                    </li>
                  ))}
                </ul>
              </div>
            )}
          </div>
        </div>
      )}

      {recent.length > 0 && (
        <table className="owner-table" data-testid="shift-history">
          <caption>{t('owner.shift.history')}</caption>
          <thead>
            <tr>
              <th>{t('owner.shift.openedAt')}</th>
              <th>{t('owner.shift.closedAt')}</th>
              <th className="num">{t('owner.shift.expected')}</th>
              <th className="num">{t('owner.shift.counted_')}</th>
              <th className="num">{t('owner.shift.overShort')}</th>
            </tr>
          </thead>
          <tbody>
            {recent.map((s) => (
              <tr key={s.shiftId}>
                <td>
                  {localTime(s.openedAt)} · {s.openedBy?.name ?? '—'}
                </td>
                <td>
                  {s.closedAt ? localTime(s.closedAt) : ''} · {s.closedBy?.name ?? '—'}
                </td>
                <td className="num">{s.blind ? '' : m(s.cash.expected)}</td>
                <td className="num">{m(s.counted ?? 0)}</td>
                <td className="num">{m(s.overShort ?? 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function ClosedShift({ shift, currency }: { shift: ShiftView; currency: string }) {
  const { t } = useTranslation();
  const m = (amount: number) => money(amount, currency);
  const overShort = shift.overShort ?? 0;
  const kind = overShort > 0 ? 'over' : overShort < 0 ? 'short' : 'even';
  return (
    <div className={`owner-closed ${kind}`} data-testid="shift-closed">
      <h3>{t('owner.shift.closed')}</h3>
      <dl className="owner-figures">
        <dt>{t('owner.shift.expected')}</dt>
        <dd data-testid="closed-expected">{shift.blind ? '' : m(shift.cash.expected)}</dd>
        <dt>{t('owner.shift.counted_')}</dt>
        <dd data-testid="closed-counted">{m(shift.counted ?? 0)}</dd>
        <dt className="strong">{t('owner.shift.overShort')}</dt>
        <dd className="strong" data-testid="shift-over-short" data-kind={kind} data-amount={overShort}>
          {kind === 'even' ? t('owner.shift.even') : t(`owner.shift.${kind}`, { amount: m(Math.abs(overShort)) })}
        </dd>
      </dl>
    </div>
  );
}

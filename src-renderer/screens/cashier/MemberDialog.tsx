import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MemberView } from '../../../src-common/calls/members';
import type { ApiError } from '../../../src-common/errors';
import { MAINLAND_MOBILE, MEMBER_QR_PATTERN } from '../../../src-common/member-code';
import { maxRedemption } from '../../../src-common/member-points';
import type { Cart, MemberPointsSetting } from '../../../src-common/schemas';
import { usePos } from '../../api/context';
import { Dialog } from '../../components/Dialog';
import { money } from '../../format';

/**
 * The cashier finds a member by the phone typed in full (or a member QR scanned into the field), or makes one, and
 * attaches them to the sale. The phone is shown only as the cashier types it; everything the till answers is masked.
 */
export function MemberDialog({ cart, onError, onClose }: { cart: Cart | null; onError: (error: ApiError, text?: string) => void; onClose: () => void }) {
  const { t } = useTranslation();
  const pos = usePos();
  const [text, setText] = useState('');
  const [name, setName] = useState('');
  const [found, setFound] = useState<MemberView | null>(null);
  const [missing, setMissing] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const typed = text.trim();
  const isPhone = MAINLAND_MOBILE.test(typed);
  const isQr = MEMBER_QR_PATTERN.test(typed);

  const fail = (error: ApiError) => {
    const reason = (error.details as { reason?: string } | undefined)?.reason;
    onError(error, reason === 'phone_format' ? t('members.phoneFormat') : reason === 'phone_taken' ? t('members.phoneTaken') : undefined);
  };

  async function find() {
    if (!isPhone && !isQr) return onError({ code: 'validation_failed', message: 'phone_format' }, t('members.phoneFormat'));
    setBusy(true);
    const r = await pos.call('member.find', isPhone ? { phone: typed } : { qr: typed });
    setBusy(false);
    if (!r.ok) return fail(r.error);
    setFound(r.value);
    setMissing(r.value ? null : isPhone ? typed : null);
    if (!r.value && isQr) onError({ code: 'not_found', message: 'member_not_found' }, t('members.memberNotFound'));
  }

  async function attach(memberId: string | null) {
    setBusy(true);
    const r = await pos.call('sale.setMember', { memberId });
    setBusy(false);
    if (!r.ok) return fail(r.error);
    onClose();
  }

  async function create() {
    if (!missing) return;
    setBusy(true);
    const r = await pos.call('member.create', { phone: missing, name: name.trim() === '' ? null : name.trim() });
    setBusy(false);
    if (!r.ok) return fail(r.error);
    await attach(r.value.memberId);
  }

  const current = cart?.member ?? null;
  return (
    <Dialog title={t('members.dialogTitle')} onClose={onClose} testId="member-dialog">
      {current && (
        <div className="member-current" data-testid="member-current">
          <span>{t('members.attached', { phone: current.maskedPhone })}</span>
          {current.name && <span> · {current.name}</span>}
          <span className="muted"> · {t('members.balance', { points: current.balance })}</span>
          <button type="button" onClick={() => void attach(null)} disabled={busy} data-testid="member-detach">
            {t('members.detach')}
          </button>
        </div>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (missing) void create();
          else if (found) void attach(found.memberId);
          else void find();
        }}
      >
        <label>
          {t('members.phoneOrQr')}
          <input
            data-testid="member-phone"
            inputMode="tel"
            autoComplete="off"
            spellCheck={false}
            placeholder={t('members.phoneHint')}
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setFound(null);
              setMissing(null);
            }}
            aria-invalid={typed !== '' && !isPhone && !isQr && typed.length >= 11}
          />
        </label>
        {found && (
          <p className="member-found" data-testid="member-found">
            {found.maskedPhone} {found.name ? `· ${found.name}` : ''} · {t('members.balance', { points: found.balance })}
          </p>
        )}
        {missing && (
          <>
            <p className="muted" data-testid="member-not-found">
              {t('members.notFound')}
            </p>
            <label>
              {t('members.name')}
              <input data-testid="member-name" autoComplete="off" maxLength={40} value={name} onChange={(e) => setName(e.target.value)} />
            </label>
          </>
        )}
        <p className="muted small">{t('members.privacy')}</p>
        <div className="dialog-buttons">
          <button type="button" onClick={onClose}>
            {t('members.close')}
          </button>
          {!found && !missing && (
            <button type="submit" className="primary" disabled={busy || (!isPhone && !isQr)} data-testid="member-find">
              {t('members.find')}
            </button>
          )}
          {found && (
            <button type="submit" className="primary" disabled={busy} data-testid="member-attach">
              {t('members.attach')}
            </button>
          )}
          {missing && (
            <button type="submit" className="primary" disabled={busy} data-testid="member-create">
              {t('members.create')}
            </button>
          )}
        </div>
      </form>
    </Dialog>
  );
}

/** The sale's member on the cashier screen, masked. */
export function MemberBadge({ cart }: { cart: Cart | null }) {
  const { t } = useTranslation();
  if (!cart?.member) return null;
  return (
    <div className="member-badge" data-testid="member-badge">
      <strong>{t('members.attached', { phone: cart.member.maskedPhone })}</strong>
      <span className="muted"> {t('members.balance', { points: cart.member.balance })}</span>
    </div>
  );
}

/** At the pay step: the attached member's points to redeem on this sale (whole steps, within the cap). */
export function PointsRedeem({
  cart,
  rule,
  onError,
  onOk,
}: {
  cart: Cart;
  rule: MemberPointsSetting;
  onError: (error: ApiError, text?: string) => void;
  onOk: () => void;
}) {
  const { t } = useTranslation();
  const pos = usePos();
  const [text, setText] = useState('');
  if (!cart.member) return null;
  const totalBefore = cart.points?.mode === 'discount' ? cart.total + cart.points.amount : cart.total;
  const max = maxRedemption(cart.member.balance, totalBefore, rule);
  const redeem = async (points: number) => {
    const r = await pos.call('sale.redeemPoints', { points });
    if (r.ok) {
      setText('');
      return onOk();
    }
    const details = r.error.details as { reason?: string; max?: number; step?: number } | undefined;
    onError(r.error, details?.reason === 'points_not_redeemable' ? t('members.notRedeemable', { step: details.step, max: details.max }) : undefined);
  };
  const points = Number(text.trim());
  return (
    <section className="points-redeem" data-testid="points-redeem">
      <h3>
        {t('members.redeemTitle')} · {t('members.attached', { phone: cart.member.maskedPhone })} · {t('members.balance', { points: cart.member.balance })}
      </h3>
      {cart.points ? (
        <p data-testid="points-redeemed">
          {t('members.redeemed', { points: cart.points.points, amount: money(cart.points.amount, cart.currency), mode: t(cart.points.mode === 'tender' ? 'members.modeTender' : 'members.modeDiscount') })}{' '}
          <button type="button" onClick={() => void redeem(0)} data-testid="points-clear">
            {t('members.redeemClear')}
          </button>
        </p>
      ) : max ? (
        <form
          className="points-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (Number.isSafeInteger(points) && points > 0) void redeem(points);
          }}
        >
          <span className="muted">{t('members.redeemHint', { step: rule.redeemPoints, value: money(rule.redeemValue, cart.currency), max: max.points })}</span>
          <input data-testid="points-input" inputMode="numeric" aria-label={t('members.redeemPoints')} value={text} onChange={(e) => setText(e.target.value)} />
          <button type="submit" data-testid="points-redeem-submit" disabled={!(Number.isSafeInteger(points) && points > 0)}>
            {t('members.redeem')}
          </button>
          <button type="button" data-testid="points-max" onClick={() => void redeem(max.points)}>
            {t('members.redeemMax')}
          </button>
        </form>
      ) : (
        <p className="muted">{t('members.redeemNone', { balance: cart.member.balance })}</p>
      )}
    </section>
  );
}

import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MemberHistory, MemberView } from '../../../src-common/calls/members';
import type { ReportView } from '../../../src-common/calls/owner';
import { parseMoney } from '../../../src-common/money';
import type { MemberPointsSetting } from '../../../src-common/schemas';
import { usePos } from '../../api/context';
import { money } from '../../format';
import { localTime } from './history/text';
import type { PanelProps } from '../panel';

/** The owner's members: find by phone ending or name, a member's points and sales, deleting one's personal data, the points rules. */
export function MembersPanel({ settings, onError, onOk }: PanelProps) {
  const { t } = useTranslation();
  const pos = usePos();
  const [query, setQuery] = useState('');
  const [members, setMembers] = useState<MemberView[]>([]);
  const [history, setHistory] = useState<MemberHistory | null>(null);
  const [confirming, setConfirming] = useState(false);

  const load = useCallback(
    (q: string) =>
      pos.call('member.search', { query: q }).then((r) => {
        if (!r.ok) return onError(r.error);
        setMembers(r.value);
      }),
    [pos, onError],
  );
  useEffect(() => void load(''), [load]);

  const open = async (memberId: string) => {
    const r = await pos.call('member.history', { memberId });
    if (!r.ok) return onError(r.error);
    setConfirming(false);
    setHistory(r.value);
  };

  const anonymise = async (memberId: string) => {
    const r = await pos.call('member.anonymise', { memberId });
    if (!r.ok) return onError(r.error);
    onOk();
    await open(memberId);
    await load(query);
  };

  return (
    <section className="panel members" data-testid="members-panel">
      <h2>{t('members.panel.title')}</h2>
      <form
        className="members-search"
        onSubmit={(e) => {
          e.preventDefault();
          void load(query.trim());
        }}
      >
        <input data-testid="members-search" placeholder={t('members.panel.search')} value={query} onChange={(e) => setQuery(e.target.value)} />
        <button type="submit" className="primary">
          {t('members.find')}
        </button>
      </form>
      <table className="owner-table" data-testid="members-list">
        <thead>
          <tr>
            <th>{t('members.panel.phone')}</th>
            <th>{t('members.panel.name')}</th>
            <th className="num">{t('members.panel.balance')}</th>
            <th>{t('members.panel.since')}</th>
          </tr>
        </thead>
        <tbody>
          {members.map((m) => (
            <tr key={m.memberId} data-testid="member-row" className={history?.member.memberId === m.memberId ? 'selected' : ''} onClick={() => void open(m.memberId)}>
              <td>{m.maskedPhone ?? t('members.panel.anonymised')}</td>
              <td>{m.name ?? ''}</td>
              <td className="num">{m.balance}</td>
              <td>{localTime(m.createdAt).slice(0, 10)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {members.length === 0 && <p className="muted">{t('members.panel.none')}</p>}

      {history && (
        <div className="member-history" data-testid="member-history">
          <h3>
            {history.member.maskedPhone ?? t('members.panel.anonymised')} {history.member.name ?? ''} · {t('members.balance', { points: history.member.balance })}
          </h3>
          <div className="owner-tables">
            <table className="owner-table" data-testid="member-points">
              <caption>{t('members.panel.history')}</caption>
              <thead>
                <tr>
                  <th>{t('members.panel.at')}</th>
                  <th>{t('members.panel.reason')}</th>
                  <th>{t('members.panel.receipt')}</th>
                  <th className="num">{t('members.panel.delta')}</th>
                  <th className="num">{t('members.panel.total')}</th>
                </tr>
              </thead>
              <tbody>
                {history.points.map((p) => (
                  <tr key={p.entryId}>
                    <td>{localTime(p.at)}</td>
                    <td>
                      {t(`members.panel.reasons.${p.reason}`)}
                      {p.uncollected > 0 && <span className="muted"> {t('members.panel.uncollected', { points: p.uncollected })}</span>}
                    </td>
                    <td>{p.receiptNumber ?? ''}</td>
                    <td className="num">{p.delta > 0 ? `+${p.delta}` : p.delta}</td>
                    <td className="num">{p.amount ? money(p.amount, settings.currency) : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <table className="owner-table" data-testid="member-sales">
              <caption>{t('members.panel.sales')}</caption>
              <thead>
                <tr>
                  <th>{t('members.panel.at')}</th>
                  <th>{t('members.panel.receipt')}</th>
                  <th className="num">{t('members.panel.total')}</th>
                </tr>
              </thead>
              <tbody>
                {history.sales.map((s) => (
                  <tr key={s.saleId}>
                    <td>{localTime(s.closedAt)}</td>
                    <td>{s.receiptNumber}</td>
                    <td className="num">{money(s.total, settings.currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {!history.member.anonymised &&
            (confirming ? (
              <p className="member-anonymise" role="alert">
                {t('members.panel.anonymiseConfirm')}{' '}
                <button type="button" className="danger" data-testid="member-anonymise-confirm" onClick={() => void anonymise(history.member.memberId)}>
                  {t('members.panel.anonymise')}
                </button>
                <button type="button" onClick={() => setConfirming(false)}>
                  {t('members.close')}
                </button>
              </p>
            ) : (
              <button type="button" data-testid="member-anonymise" onClick={() => setConfirming(true)}>
                {t('members.panel.anonymise')}
              </button>
            ))}
        </div>
      )}

      <PointsRules rules={settings.memberPoints} currency={settings.currency} onError={onError} onOk={onOk} />
    </section>
  );
}

/** The points rules (owner's settings, audited by the settings service). */
function PointsRules({ rules, currency, onError, onOk }: { rules: MemberPointsSetting; currency: string } & Pick<PanelProps, 'onError' | 'onOk'>) {
  const { t } = useTranslation();
  const pos = usePos();
  const [form, setForm] = useState({
    earnPerYuan: String(rules.earnPerYuan),
    redeemAs: rules.redeemAs,
    redeemPoints: String(rules.redeemPoints),
    redeemValue: money(rules.redeemValue, currency).replace(/[^\d.]/g, ''),
    redeemCap: String(rules.redeemCapBp / 100),
  });
  const [saved, setSaved] = useState(false);
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => {
    setSaved(false);
    setForm({ ...form, [key]: e.target.value });
  };
  const save = async () => {
    let redeemValue: number;
    try {
      redeemValue = parseMoney(form.redeemValue, currency);
    } catch {
      return onError({ code: 'validation_failed', message: 'redeemValue' });
    }
    const next = {
      earnPerYuan: Number(form.earnPerYuan),
      redeemAs: form.redeemAs,
      redeemPoints: Number(form.redeemPoints),
      redeemValue,
      redeemCapBp: Math.round(Number(form.redeemCap) * 100),
    };
    const r = await pos.call('admin.updateSettings', { memberPoints: next });
    if (!r.ok) return onError(r.error);
    onOk();
    setSaved(true);
  };
  return (
    <form
      className="points-rules"
      data-testid="points-rules"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h3>{t('members.panel.rules')}</h3>
      <label>
        {t('members.panel.earnPerYuan')}
        <input data-testid="rule-earn" inputMode="numeric" value={form.earnPerYuan} onChange={set('earnPerYuan')} />
      </label>
      <label>
        {t('members.panel.redeemAs')}
        <select data-testid="rule-redeem-as" value={form.redeemAs} onChange={set('redeemAs')}>
          <option value="discount">{t('members.modeDiscount')}</option>
          <option value="tender">{t('members.modeTender')}</option>
        </select>
      </label>
      <label>
        {t('members.panel.redeemPoints')}
        <input data-testid="rule-redeem-points" inputMode="numeric" value={form.redeemPoints} onChange={set('redeemPoints')} />
      </label>
      <label>
        {t('members.panel.redeemValue')}
        <input data-testid="rule-redeem-value" inputMode="decimal" value={form.redeemValue} onChange={set('redeemValue')} />
      </label>
      <label>
        {t('members.panel.redeemCap')}
        <input data-testid="rule-redeem-cap" inputMode="decimal" value={form.redeemCap} onChange={set('redeemCap')} />
      </label>
      <button type="submit" className="primary" data-testid="rules-save">
        {t('members.panel.save')}
      </button>
      {saved && <span className="muted">{t('members.panel.saved')}</span>}
    </form>
  );
}

/** The X/Z report's member points, on screen. */
export function MembersFigures({ members, currency }: { members: NonNullable<ReportView['members']>; currency: string }) {
  const { t } = useTranslation();
  const m = (amount: number) => money(amount, currency);
  return (
    <dl className="owner-figures members" data-testid="report-members">
      <dt>{t('members.panel.reasons.earn')}</dt>
      <dd data-testid="report-points-earned">
        {members.earned.points} ({members.earned.count})
      </dd>
      <dt>{t('members.panel.reasons.redeem')}</dt>
      <dd data-testid="report-points-redeemed">
        {members.redeemed.points} · {m(members.redeemed.amount)} ({members.redeemed.count})
      </dd>
      {members.returned.count > 0 && (
        <>
          <dt>{t('members.panel.reasons.refund_redeem')}</dt>
          <dd data-testid="report-points-returned">
            {members.returned.points} · {m(members.returned.amount)}
          </dd>
        </>
      )}
      {members.takenBack.count > 0 && (
        <>
          <dt>{t('members.panel.reasons.refund_earn')}</dt>
          <dd data-testid="report-points-taken-back">{members.takenBack.points}</dd>
        </>
      )}
    </dl>
  );
}

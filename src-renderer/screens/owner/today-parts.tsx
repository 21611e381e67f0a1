/** The cards of the owner's today page (TodayPanel): each with its own empty state. */
import { useTranslation } from 'react-i18next';
import type { Takings, TodayView } from '../../../src-common/calls/owner';
import { money, quantity } from '../../format';

type Props = { today: TodayView };

const hh = (hour: number) => `${String(hour).padStart(2, '0')}:00`;

/** Today's takings against last week's, in words: "12.5% more", "the same". */
function Change({ today, lastWeek }: { today: Takings; lastWeek: Takings }) {
  const { t } = useTranslation();
  const change = (today.amount - lastWeek.amount) / lastWeek.amount;
  const percent = `${Math.abs(change * 100).toFixed(1)}%`;
  if (Math.abs(change) < 0.0005) return <span data-testid="change">{t('today.same')}</span>;
  return (
    <span className={change > 0 ? 'today-up' : 'today-down'} data-testid="change">
      {t(change > 0 ? 'today.up' : 'today.down', { percent })}
    </span>
  );
}

function CompareRow({ label, wholeLabel, now, lastWeek, lastWeekWhole, currency, testId }: {
  label: string;
  wholeLabel: string;
  now: Takings;
  lastWeek: Takings;
  lastWeekWhole: Takings;
  currency: string;
  testId: string;
}) {
  const { t } = useTranslation();
  const m = (amount: number) => money(amount, currency);
  return (
    <div className="today-compare-row" data-testid={testId}>
      <h4>{label}</h4>
      <p className="today-compare-now">
        <strong data-testid="now-amount">{m(now.amount)}</strong> <span className="muted">{t('today.salesOf', { count: now.count })}</span>
      </p>
      {lastWeek.amount > 0 ? (
        <>
          <p className="muted">
            {t('today.lastWeekSameTime')} <span data-testid="last-week-amount">{m(lastWeek.amount)}</span> · {t('today.salesOf', { count: lastWeek.count })}
          </p>
          <p>
            <Change today={now} lastWeek={lastWeek} />
          </p>
        </>
      ) : (
        <p className="muted" data-testid="change">
          {t('today.noCompare')}
        </p>
      )}
      <p className="muted small" data-testid="last-week-whole">
        {t(wholeLabel, { amount: m(lastWeekWhole.amount), count: lastWeekWhole.count })}
      </p>
    </div>
  );
}

/** This hour and the day so far, each beside the same weekday last week up to the same time. */
export function ComparisonCard({ today }: Props) {
  const { t } = useTranslation();
  const { thisHour, daySoFar } = today;
  return (
    <section className="today-card" data-testid="today-compare">
      <h3>{t('today.compare', { date: today.compareDate })}</h3>
      <div className="today-compare">
        <CompareRow
          label={t('today.thisHour', { from: hh(thisHour.hour), to: hh((thisHour.hour + 1) % 24) })}
          wholeLabel="today.lastWeekWholeHour"
          now={thisHour.today}
          lastWeek={thisHour.lastWeek}
          lastWeekWhole={thisHour.lastWeekWhole}
          currency={today.currency}
          testId="today-this-hour"
        />
        <CompareRow
          label={t('today.daySoFar')}
          wholeLabel="today.lastWeekWholeDay"
          now={daySoFar.today}
          lastWeek={daySoFar.lastWeek}
          lastWeekWhole={daySoFar.lastWeekWhole}
          currency={today.currency}
          testId="today-day-so-far"
        />
      </div>
    </section>
  );
}

/** Cash / wallets / other, then each wallet. */
export function TenderTables({ today }: Props) {
  const { t } = useTranslation();
  const m = (amount: number) => money(amount, today.currency);
  const walletTotal = today.wallets.reduce((sum, w) => sum + w.net, 0);
  return (
    <section className="today-card" data-testid="today-tenders">
      <h3>{t('today.byTender')}</h3>
      {today.tenders.length === 0 ? (
        <p className="muted" data-testid="today-tenders-empty">
          {t('today.noTenders')}
        </p>
      ) : (
        <table className="owner-table">
          <thead>
            <tr>
              <th>{t('today.kind')}</th>
              <th className="num">{t('today.count')}</th>
              <th className="num">{t('today.amount')}</th>
              <th className="num">{t('today.refundsCol')}</th>
              <th className="num">{t('today.netCol')}</th>
            </tr>
          </thead>
          <tbody>
            {today.tenders.map((row) => (
              <tr key={row.group} data-testid={`today-tender-${row.group}`}>
                <td>{t(`today.groups.${row.group}`)}</td>
                <td className="num" data-testid="count">
                  {row.count}
                </td>
                <td className="num" data-testid="amount">
                  {m(row.amount)}
                </td>
                <td className="num" data-testid="refunds">
                  {m(-row.refunds)}
                </td>
                <td className="num" data-testid="net">
                  {m(row.net)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>{t('today.byWallet')}</h3>
      {today.wallets.length === 0 ? (
        <p className="muted" data-testid="today-wallets-empty">
          {t('today.noWallets')}
        </p>
      ) : (
        <table className="owner-table">
          <thead>
            <tr>
              <th>{t('today.wallet')}</th>
              <th className="num">{t('today.count')}</th>
              <th className="num">{t('today.netCol')}</th>
              <th className="num">%</th>
            </tr>
          </thead>
          <tbody>
            {today.wallets.map((row) => (
              <tr key={row.kind} data-testid={`today-wallet-${row.kind}`}>
                <td>{t(`tenders.${row.kind}`)}</td>
                <td className="num" data-testid="count">
                  {row.count}
                </td>
                <td className="num" data-testid="net">
                  {m(row.net)}
                </td>
                <td className="num">{walletTotal ? `${((row.net * 100) / walletTotal).toFixed(1)}%` : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function TopSellersTable({ today }: Props) {
  const { t, i18n } = useTranslation();
  const en = i18n.language === 'en';
  return (
    <section className="today-card" data-testid="today-top-sellers">
      <h3>
        {t('today.topSellers')} <span className="muted small">{t('today.topSellersHint')}</span>
      </h3>
      {today.topSellers.length === 0 ? (
        <p className="muted" data-testid="today-top-sellers-empty">
          {t('today.noTopSellers')}
        </p>
      ) : (
        <table className="owner-table">
          <thead>
            <tr>
              <th className="num">{t('today.rank')}</th>
              <th>{t('today.product')}</th>
              <th className="num">{t('today.quantity')}</th>
              <th className="num">{t('today.amount')}</th>
            </tr>
          </thead>
          <tbody>
            {today.topSellers.map((row, i) => (
              <tr key={row.productId} data-testid="today-top-seller" data-sku={row.sku}>
                <td className="num muted">{i + 1}</td>
                <td className="today-name" title={en && row.nameEn ? row.nameEn : row.name}>
                  {en && row.nameEn ? row.nameEn : row.name}
                </td>
                <td className="num" data-testid="quantity">
                  {quantity(row.quantityMilli, row.unit)}
                </td>
                <td className="num" data-testid="amount">
                  {money(row.amount, today.currency)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function LowStockTable({ today }: Props) {
  const { t, i18n } = useTranslation();
  const en = i18n.language === 'en';
  const { threshold, count, items } = today.lowStock;
  return (
    <section className="today-card" data-testid="today-low-stock" data-count={count}>
      <h3>
        {t('today.lowStock')} <span className="muted small">{t('today.lowStockHint', { threshold })}</span>
      </h3>
      {items.length === 0 ? (
        <p className="muted" data-testid="today-low-stock-empty">
          {t('today.noLowStock', { threshold })}
        </p>
      ) : (
        <>
          <table className="owner-table">
            <thead>
              <tr>
                <th>{t('today.sku')}</th>
                <th>{t('today.product')}</th>
                <th className="num">{t('today.stock')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((row) => (
                <tr key={row.productId} data-testid="today-low-stock-item" data-sku={row.sku} className={row.stockMilli <= 0 ? 'today-out' : undefined}>
                  <td className="muted">{row.sku}</td>
                  <td className="today-name" title={en && row.nameEn ? row.nameEn : row.name}>
                    {en && row.nameEn ? row.nameEn : row.name}
                  </td>
                  <td className="num" data-testid="stock">
                    {quantity(row.stockMilli, row.unit)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {count > items.length && (
            <p className="muted small" data-testid="today-low-stock-more">
              {t('today.moreLowStock', { count: count - items.length, total: count })}
            </p>
          )}
        </>
      )}
    </section>
  );
}

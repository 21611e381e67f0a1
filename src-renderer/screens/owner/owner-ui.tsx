/** Small pieces the owner's panels share: amounts typed in yuan, refusal reasons in words, the report view. */
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { ReportView as Report } from '../../../src-common/calls/owner';
import type { ApiError } from '../../../src-common/errors';
import { MoneyError, parseMoney } from '../../../src-common/money';
import { MembersFigures } from './MembersPanel';
import { money } from '../../format';
import { formatPayerAmount } from '../../../src-common/cross-border';

/** What a person typed as an amount, in minor units; null when it is not one. */
export function parseAmount(text: string, currency: string): number | null {
  try {
    return parseMoney(text, currency);
  } catch (error) {
    if (error instanceof MoneyError) return null;
    throw error;
  }
}

/** The precise reason of a refusal, in words, when this area knows it. */
export function reasonText(t: TFunction, error: ApiError): string | undefined {
  const details = (error.details ?? {}) as Record<string, unknown>;
  if (details.needsApproval === true) return t('owner.reasons.needsApproval');
  const reason = typeof details.reason === 'string' ? details.reason : undefined;
  const key = `owner.reasons.${reason}`;
  return reason && t(key, { ...details, defaultValue: '' }) ? t(key, details) : undefined;
}

const localTime = (iso: string) => {
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
};
export { localTime };

const percent = (bp: number) => `${bp / 100}%`;

/** An X or Z report on screen: the totals, counts, and the breakdowns. */
export function ReportView({ report }: { report: Report }) {
  const { t } = useTranslation();
  const m = (amount: number) => money(amount, report.currency);
  const walletTotal = report.wallets.reduce((sum, w) => sum + w.net, 0);
  const empty = report.counts.sales === 0 && report.counts.refunds === 0 && report.counts.voids === 0;
  return (
    <article className="owner-report" data-testid="report-view" data-kind={report.kind} data-z-no={report.zNo ?? ''}>
      <header>
        <h3 data-testid="report-title">{report.kind === 'z' ? t('owner.report.zTitle', { no: report.zNo }) : t('owner.report.xTitle')}</h3>
        <p className="muted">
          {t('owner.report.businessDate')} <strong data-testid="report-business-date">{report.businessDate}</strong> ·{' '}
          {t('owner.report.window', { from: report.from ? localTime(report.from) : t('owner.report.start'), to: localTime(report.to) })}
          {report.takenBy && ` · ${t('owner.report.takenBy')} ${report.takenBy.name}`}
        </p>
        {empty && <p className="muted" data-testid="report-empty">{t('owner.report.empty')}</p>}
      </header>
      <dl className="owner-figures">
        <dt>{t('owner.report.gross')}</dt>
        <dd data-testid="report-gross">{m(report.gross)}</dd>
        <dt>{t('owner.report.discounts')}</dt>
        <dd data-testid="report-discounts">{m(-report.discounts)}</dd>
        <dt>{t('owner.report.sales')}</dt>
        <dd data-testid="report-sales">{m(report.sales)}</dd>
        {report.rounding !== 0 && (
          <>
            <dt>{t('owner.report.rounding')}</dt>
            <dd data-testid="report-rounding">{m(report.rounding)}</dd>
          </>
        )}
        <dt>{t('owner.report.refunds')}</dt>
        <dd data-testid="report-refunds">{m(-report.refunds)}</dd>
        <dt className="strong">{t('owner.report.net')}</dt>
        <dd className="strong" data-testid="report-net">
          {m(report.net)}
        </dd>
        <dt>{t('owner.report.tax')}</dt>
        <dd data-testid="report-tax">{m(report.tax)}</dd>
        {!!report.merchantDiscounts && (
          <>
            <dt>{t('owner.report.merchantDiscounts')}</dt>
            <dd data-testid="report-merchant-discounts">{m(report.merchantDiscounts)}</dd>
          </>
        )}
      </dl>
      {!!report.promotions?.length && (
        <dl className="owner-figures" data-testid="report-promotions">
          {report.promotions.map((p) => (
            <div key={p.promotionId} data-testid="report-promotion">
              <dt>
                {p.name} · {t('promotions.report.sales', { count: p.sales })}
              </dt>
              <dd data-testid="report-promotion-saving">{m(-p.saving)}</dd>
            </div>
          ))}
        </dl>
      )}
      <dl className="owner-figures counts">
        <dt>{t('owner.report.salesCount')}</dt>
        <dd data-testid="report-sales-count">{report.counts.sales}</dd>
        <dt>{t('owner.report.refundCount')}</dt>
        <dd data-testid="report-refund-count">{report.counts.refunds}</dd>
        <dt>{t('owner.report.voidCount')}</dt>
        <dd data-testid="report-void-count">{report.counts.voids}</dd>
        <dt>{t('owner.report.items')}</dt>
        <dd data-testid="report-items">{report.counts.items}</dd>
      </dl>
      {report.members && <MembersFigures members={report.members} currency={report.currency} />}
      <div className="owner-tables">
        <table className="owner-table">
          <caption>{t('owner.report.byTender')}</caption>
          <thead>
            <tr>
              <th>{t('owner.report.kind')}</th>
              <th className="num">{t('owner.report.count')}</th>
              <th className="num">{t('owner.report.amount')}</th>
              <th className="num">{t('owner.report.refunds')}</th>
              <th className="num">{t('owner.report.netCol')}</th>
            </tr>
          </thead>
          <tbody>
            {report.tenders.map((row) => (
              <tr key={row.kind} data-testid={`report-tender-${row.kind}`}>
                <td>{t(`tenders.${row.kind}`)}</td>
                <td className="num">{row.count}</td>
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
        {report.wallets.length > 0 && (
          <table className="owner-table">
            <caption>{t('owner.report.byWallet')}</caption>
            <thead>
              <tr>
                <th>{t('owner.report.wallet')}</th>
                <th className="num">{t('owner.report.count')}</th>
                <th className="num">{t('owner.report.netCol')}</th>
                <th className="num">{t('owner.report.share')}</th>
              </tr>
            </thead>
            <tbody>
              {report.wallets.map((row) => (
                <tr key={row.kind} data-testid={`report-wallet-${row.kind}`}>
                  <td>{t(`tenders.${row.kind}`)}</td>
                  <td className="num">{row.count}</td>
                  <td className="num">{m(row.net)}</td>
                  <td className="num">{walletTotal ? `${((row.net * 100) / walletTotal).toFixed(1)}%` : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {!!report.payers?.length && <PayersTable report={report} />}
        <table className="owner-table">
          <caption>{t('owner.report.byTax')}</caption>
          <thead>
            <tr>
              <th>{t('owner.report.rate')}</th>
              <th className="num">{t('owner.report.taxable')}</th>
              <th className="num">{t('owner.report.tax')}</th>
            </tr>
          </thead>
          <tbody>
            {report.taxes.map((row) => (
              <tr key={row.rateBp} data-testid={`report-tax-${row.rateBp}`}>
                <td>{percent(row.rateBp)}</td>
                <td className="num">{m(row.netTaxable)}</td>
                <td className="num" data-testid="tax">
                  {m(row.netTax)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <table className="owner-table">
          <caption>{t('owner.report.byCashier')}</caption>
          <thead>
            <tr>
              <th>{t('owner.report.cashier')}</th>
              <th className="num">{t('owner.report.count')}</th>
              <th className="num">{t('owner.report.amount')}</th>
              <th className="num">{t('owner.report.refunds')}</th>
            </tr>
          </thead>
          <tbody>
            {report.cashiers.map((row) => (
              <tr key={row.userId ?? ''}>
                <td>{row.name || '—'}</td>
                <td className="num">{row.count}</td>
                <td className="num">{m(row.amount)}</td>
                <td className="num">{m(-row.refunds)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <table className="owner-table">
          <caption>{t('owner.report.byHour')}</caption>
          <thead>
            <tr>
              <th>{t('owner.report.hour')}</th>
              <th className="num">{t('owner.report.count')}</th>
              <th className="num">{t('owner.report.amount')}</th>
            </tr>
          </thead>
          <tbody>
            {report.hours.map((row) => (
              <tr key={row.hour}>
                <td>{String(row.hour).padStart(2, '0')}:00</td>
                <td className="num">{row.count}</td>
                <td className="num">{m(row.amount)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <dl className="owner-figures">
          <dt>{t('owner.report.cash')}</dt>
          <dd>{m(report.cash.kept)}</dd>
          <dt>{t('owner.shift.cashRefunds')}</dt>
          <dd>{m(-report.cash.refunds)}</dd>
          <dt>{t('owner.shift.cashIn')}</dt>
          <dd>{m(report.cash.cashIn)}</dd>
          <dt>{t('owner.shift.cashOut')}</dt>
          <dd>{m(-report.cash.cashOut)}</dd>
          <dt className="strong">{t('owner.report.cashNet')}</dt>
          <dd className="strong" data-testid="report-cash-net">
            {m(report.cash.net)}
          </dd>
        </dl>
      </div>
    </article>
  );
}

/** A cross-border store's wallet tenders: its own currency beside what the customers paid in theirs, as the wallets replied. */
function PayersTable({ report }: { report: Report }) {
  const { t } = useTranslation();
  const m = (amount: number) => money(amount, report.currency);
  const payer = (amount: number, currency: string) => (amount < 0 ? `-${formatPayerAmount(-amount, currency)}` : formatPayerAmount(amount, currency));
  return (
    <table className="owner-table" data-testid="report-payers">
      <caption>{t('owner.report.payers.caption', { currency: report.currency })}</caption>
      <thead>
        <tr>
          <th>{t('owner.report.payers.walletProvider')}</th>
          <th className="num">{t('owner.report.count')}</th>
          <th className="num">{t('owner.report.payers.amount')}</th>
          <th className="num">{t('owner.report.payers.refunds')}</th>
          <th className="num">{t('owner.report.payers.paid')}</th>
          <th className="num">{t('owner.report.payers.refunded')}</th>
          <th className="num">{t('owner.report.payers.net')}</th>
        </tr>
      </thead>
      <tbody>
        {report.payers!.map((row) => (
          <tr key={`${row.wallet}:${row.provider}:${row.payerCurrency ?? ''}`} data-testid={`report-payer-${row.wallet}-${row.provider}`}>
            <td>
              {t(`tenders.${row.wallet}`)} · {t(`gateway.provider.${row.provider}`, { defaultValue: row.provider })}
              {row.refundsWithoutPayer > 0 && (
                <div className="muted" data-testid="payer-refunds-missing">
                  {t('owner.report.payers.refundsMissing', { count: row.refundsWithoutPayer, amount: m(row.refundsWithoutPayerAmount) })}
                </div>
              )}
            </td>
            <td className="num">{row.count}</td>
            <td className="num">{m(row.amount)}</td>
            <td className="num">{m(-row.refunds)}</td>
            {row.payerCurrency === null ? (
              <td className="muted" colSpan={3}>
                {t('owner.report.payers.missing')}
              </td>
            ) : (
              <>
                <td className="num" data-testid="payer-paid">
                  {payer(row.payerAmount, row.payerCurrency)}
                </td>
                <td className="num" data-testid="payer-refunded">
                  {payer(-row.payerRefunds, row.payerCurrency)}
                </td>
                <td className="num" data-testid="payer-net">
                  {payer(row.payerNet, row.payerCurrency)}
                </td>
              </>
            )}
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <td colSpan={7} className="muted">
            {t('owner.report.payers.note')}
          </td>
        </tr>
      </tfoot>
    </table>
  );
}

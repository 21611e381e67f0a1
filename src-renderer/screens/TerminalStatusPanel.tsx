import { useTranslation } from 'react-i18next';
import type { TerminalStatus } from '../../src-common/schemas';

export function TerminalStatusPanel({ status }: { status: TerminalStatus | null }) {
  const { t, i18n } = useTranslation();
  const when = (iso: string) => new Date(iso).toLocaleString(i18n.language);
  return (
    <aside className="status-panel" aria-labelledby="status-title">
      <h2 id="status-title">{t('status.title')}</h2>
      {status && (
        <dl>
          <dt>{t('status.terminalId')}</dt>
          <dd data-testid="terminal-id">{status.terminalId}</dd>
          <dt>{t('status.store')}</dt>
          <dd>{status.storeName}</dd>
          <dt>{t('status.currency')}</dt>
          <dd>{status.currency}</dd>
          <dt>{t('status.products')}</dt>
          <dd data-testid="product-count">{status.products}</dd>
          <dt>{t('status.createdAt')}</dt>
          <dd>{when(status.createdAt)}</dd>
          <dt>{t('status.starts')}</dt>
          <dd data-testid="start-count">{status.startCount}</dd>
          <dt>{t('status.lastStart')}</dt>
          <dd>{when(status.lastStartedAt)}</dd>
          <dt>{t('status.schema')}</dt>
          <dd data-testid="schema-version">{status.schemaVersion}</dd>
          <dt>{t('status.sqlite')}</dt>
          <dd>{status.sqliteVersion}</dd>
          <dt>{t('status.journal')}</dt>
          <dd>{status.journalMode}</dd>
          <dt>{t('status.version')}</dt>
          <dd>{status.appVersion}</dd>
        </dl>
      )}
    </aside>
  );
}

import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Settings, TerminalStatus } from '../src-common/contract';
import type { ApiError } from '../src-common/errors';
import { ConnectionProvider, useConnectionState, usePos } from './api/context';
import type { Connection } from './api/connect';
import { errorKey } from './i18n';
import { parseHash } from './route';
import { CashierScreen } from './screens/CashierScreen';
import { CustomerScreen } from './screens/CustomerScreen';

export function App({ connection }: { connection: Connection }) {
  return (
    <ConnectionProvider value={connection}>
      <Shell />
    </ConnectionProvider>
  );
}

function useHashPath(): string {
  const [path, setPath] = useState(() => parseHash(location.hash).path);
  useEffect(() => {
    const update = () => setPath(parseHash(location.hash).path);
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return path;
}

function Shell() {
  const pos = usePos();
  const { t, i18n } = useTranslation();
  const connection = useConnectionState();
  const path = useHashPath();
  const [settings, setSettings] = useState<Settings | null>(null);
  const [status, setStatus] = useState<TerminalStatus | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const applySettings = useCallback(
    (next: Settings) => {
      setSettings(next);
      if (i18n.language !== next.language) void i18n.changeLanguage(next.language);
    },
    [i18n],
  );

  useEffect(() => {
    if (connection !== 'online') return;
    void pos.call('settings.get', {}).then((r) => (r.ok ? applySettings(r.value) : setError(r.error)));
    void pos.call('terminal.status', {}).then((r) => (r.ok ? setStatus(r.value) : setError(r.error)));
  }, [pos, connection, applySettings]);

  useEffect(() => pos.on('settings.changed', applySettings), [pos, applySettings]);

  const switchLanguage = async () => {
    const next = (settings?.language ?? i18n.language) === 'zh-CN' ? 'en' : 'zh-CN';
    const result = await pos.call('settings.setLanguage', { language: next });
    if (result.ok) applySettings(result.value);
    else setError(result.error);
  };

  if (path === '/customer') return <CustomerScreen storeName={settings?.storeName ?? ''} />;

  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">{t('app.title')}</div>
        <div className="store" data-testid="store-name">
          {status?.storeName ?? settings?.storeName ?? ''}
        </div>
        {status && (
          <span className={`badge ${status.acquirerMode}`} data-testid="acquirer-badge">
            {t(status.acquirerMode === 'sandbox' ? 'app.sandbox' : 'app.live')}
          </span>
        )}
        <span className={`connection ${connection}`} data-testid="connection" role="status">
          {t(`connection.${connection}`)}
        </span>
        <button type="button" className="language" data-testid="switch-language" onClick={switchLanguage} aria-label={t('language.label')}>
          {t('language.switchTo')}
        </button>
      </header>
      {error && (
        <div className="error-banner" role="alert" data-testid="error" data-code={error.code}>
          {t(errorKey(error.code))}
          <button type="button" onClick={() => setError(null)} aria-label="×">
            ×
          </button>
        </div>
      )}
      <CashierScreen status={status} />
    </div>
  );
}

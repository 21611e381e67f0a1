import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../src-common/errors';
import type { PublicUser, Settings, TerminalStatus } from '../src-common/schemas';
import { ConnectionProvider, useConnectionState, usePos } from './api/context';
import type { Connection } from './api/connect';
import { DeviceChips } from './components/DeviceChips';
import { SyncChip } from './components/SyncChip';
import { NoticeBanner, NoticeProvider, type Notice } from './components/Notice';
import { parseHash } from './route';
import { CashierScreen } from './screens/CashierScreen';
import { CustomerScreen } from './screens/CustomerScreen';
import { KioskScreen } from './screens/kiosk/KioskScreen';
import { OwnerScreen, ShiftScreen } from './screens/owner/OwnerScreen';
import { TechnicianScreen } from './screens/technician/TechnicianScreen';
import { PinChangeBanner, SignInScreen } from './screens/SignInScreen';
import { errorBeep } from './sound';

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

type WorkspaceId = 'cashier' | 'shift' | 'owner' | 'technician';
/** The workspaces a role may open, its home first. Main checks every call anyway; this only picks screens. */
const WORKSPACES: Record<PublicUser['role'], readonly WorkspaceId[]> = {
  cashier: ['cashier', 'shift'],
  owner: ['cashier', 'owner'],
  technician: ['technician', 'cashier'],
};

export type { Notice } from './components/Notice';

function Shell() {
  const pos = usePos();
  const { t, i18n } = useTranslation();
  const connection = useConnectionState();
  const path = useHashPath();
  const [settings, setSettings] = useState<Settings | null>(null);
  const [status, setStatus] = useState<TerminalStatus | null>(null);
  const [user, setUser] = useState<PublicUser | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [chosenWorkspace, setWorkspace] = useState<WorkspaceId | null>(null);
  const workspaces = user ? WORKSPACES[user.role] : [];
  const workspace = chosenWorkspace && workspaces.includes(chosenWorkspace) ? chosenWorkspace : (workspaces[0] ?? 'cashier');

  const applySettings = useCallback(
    (next: Settings) => {
      setSettings(next);
      if (i18n.language !== next.language) void i18n.changeLanguage(next.language);
    },
    [i18n],
  );
  const showError = useCallback((error: ApiError, text?: string) => {
    errorBeep();
    setNotice(text === undefined ? { code: error.code } : { code: error.code, text });
  }, []);
  const clearNotice = useCallback(() => setNotice(null), []);

  useEffect(() => {
    if (connection !== 'online') return;
    void pos.call('settings.get', {}).then((r) => (r.ok ? applySettings(r.value) : showError(r.error)));
    void pos.call('terminal.status', {}).then((r) => (r.ok ? setStatus(r.value) : showError(r.error)));
    void pos.call('auth.me', {}).then((r) => (r.ok ? setUser(r.value) : showError(r.error)));
  }, [pos, connection, applySettings, showError]);

  useEffect(() => pos.on('settings.changed', applySettings), [pos, applySettings]);

  // The acquirer's reachability and the backlog of payment jobs, always on screen.
  const [acquirer, setAcquirer] = useState<{ online: boolean; pendingJobs: number } | null>(null);
  useEffect(() => {
    if (connection !== 'online') return;
    const refresh = () => void pos.call('payment.status', {}).then((r) => r.ok && setAcquirer(r.value));
    refresh();
    const timer = setInterval(refresh, 5000);
    const off = pos.on('payment.changed', refresh);
    return () => {
      clearInterval(timer);
      off();
    };
  }, [pos, connection]);

  const switchLanguage = async () => {
    const next = (settings?.language ?? i18n.language) === 'zh-CN' ? 'en' : 'zh-CN';
    const result = await pos.call('settings.setLanguage', { language: next });
    if (result.ok) applySettings(result.value);
    else showError(result.error);
  };

  const signOut = async () => {
    await pos.call('auth.signOut', {});
    setUser(null);
    setWorkspace(null);
  };

  if (path === '/customer') return <CustomerScreen storeName={settings?.storeName ?? ''} />;
  if (path === '/kiosk') return <KioskScreen onExit={(technician) => { location.hash = '#/'; setUser(technician); }} />;

  return (
    <NoticeProvider notice={notice} clear={clearNotice}>
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
          {acquirer && (
            <span className={`connection ${acquirer.online ? 'online' : 'offline'}`} data-testid="acquirer-status">
              {t(acquirer.online ? 'acquirer.online' : 'acquirer.offline')}
              {acquirer.pendingJobs > 0 && ` · ${t('acquirer.pending', { count: acquirer.pendingJobs })}`}
            </span>
          )}
          {user && <DeviceChips />}
          {user && <SyncChip />}
          {workspaces.length > 1 && (
            <nav className="workspaces" aria-label={t('workspace.cashier')}>
              {workspaces.map((w) => (
                <button key={w} type="button" data-testid={`workspace-${w}`} aria-pressed={w === workspace} onClick={() => setWorkspace(w)}>
                  {t(w === 'cashier' || w === 'shift' ? `workspace.${w}` : `workspace.${w}.title`)}
                </button>
              ))}
            </nav>
          )}
          {user && (
            <span className="who" data-testid="signed-in-user">
              {user.name} · {t(`roles.${user.role}`)}
              <button type="button" className="link" onClick={signOut}>
                {t('signIn.signOut')}
              </button>
            </span>
          )}
          <button type="button" className="language" data-testid="switch-language" onClick={switchLanguage} lang={i18n.language === 'en' ? 'zh-CN' : 'en'}>
            {t('language.switchTo')}
          </button>
        </header>
        <NoticeBanner />
        {user && <PinChangeBanner key={user.id} user={user} />}
        {user && settings ? (
          workspace === 'shift' ? (
            <ShiftScreen user={user} settings={settings} onError={showError} onOk={clearNotice} />
          ) : workspace === 'owner' ? (
            <OwnerScreen user={user} settings={settings} onError={showError} onOk={clearNotice} />
          ) : workspace === 'technician' ? (
            <TechnicianScreen user={user} settings={settings} onError={showError} onOk={clearNotice} />
          ) : (
            <CashierScreen user={user} settings={settings} onError={showError} onOk={clearNotice} />
          )
        ) : (
          <SignInScreen
            status={status}
            onSignedIn={(u) => {
              clearNotice();
              setUser(u);
            }}
            onError={showError}
          />
        )}
      </div>
    </NoticeProvider>
  );
}

/**
 * The owner's web back office (issue 15), served by the store server at /office/: sign-in (or the first owner's
 * set-up), then a header (store picker, language, account) and one page at a time: #/<page>?store=<id>.
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { OfficeSession, SetupState } from '../../src-common/office/session';
import { formatHash, parseHash } from '../route';
import { officeApi, whenSignedOut } from './api';
import { officePages } from './pages';
import { topRole } from './page';
import { asApiError, ErrorState, Loading } from './ui';
import type { OfficeApiError } from './api';
import { Setup, SignIn } from './SignIn';

type Phase =
  | { kind: 'loading' }
  | { kind: 'failed'; error: OfficeApiError }
  | { kind: 'setup' }
  | { kind: 'signedOut'; ended: boolean }
  | { kind: 'in'; session: OfficeSession };

function useHash() {
  const [hash, setHash] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const update = () => setHash(parseHash(location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return hash;
}

/** Where a fresh page starts: signed in already, the first set-up, or the sign-in page. */
async function firstPhase(): Promise<Phase> {
  try {
    return { kind: 'in', session: await officeApi.get('/session', OfficeSession) };
  } catch (e) {
    const error = asApiError(e);
    if (error.status !== 401) return { kind: 'failed', error };
    try {
      const { needed } = await officeApi.get('/setup', SetupState);
      return needed ? { kind: 'setup' } : { kind: 'signedOut', ended: error.reason === 'session_ended' };
    } catch (e2) {
      return { kind: 'failed', error: asApiError(e2) };
    }
  }
}

export function OfficeApp() {
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });

  useEffect(() => {
    let live = true;
    void firstPhase().then((p) => live && setPhase(p));
    whenSignedOut(() => setPhase({ kind: 'signedOut', ended: true }));
    return () => {
      live = false;
      whenSignedOut(null);
    };
  }, []);

  const retry = () => {
    setPhase({ kind: 'loading' });
    void firstPhase().then(setPhase);
  };

  switch (phase.kind) {
    case 'loading':
      return <Loading />;
    case 'failed':
      return <ErrorState error={phase.error} onRetry={retry} />;
    case 'setup':
      return <Setup onDone={() => setPhase({ kind: 'signedOut', ended: false })} />;
    case 'signedOut':
      return <SignIn ended={phase.ended} onSignedIn={(session) => setPhase({ kind: 'in', session })} />;
    case 'in':
      return <Office session={phase.session} onSignedOut={() => setPhase({ kind: 'signedOut', ended: false })} onSession={(session) => setPhase({ kind: 'in', session })} />;
  }
}

function Office({ session, onSignedOut, onSession }: { session: OfficeSession; onSignedOut: () => void; onSession: (s: OfficeSession) => void }) {
  const { t, i18n } = useTranslation();
  const hash = useHash();
  const role = topRole(session);
  const pages = officePages.filter((p) => !p.roles || p.roles.includes(role));
  const page = pages.find((p) => `/${p.id}` === hash.path) ?? pages[0]!;
  const asked = hash.params.get('store');
  const storeId = asked && session.stores.some((s) => s.storeId === asked) ? asked : null;
  // A store manager of one store always looks at that store.
  const onlyStore = session.stores.length === 1 && !session.grants.some((g) => g.storeId === '*') ? session.stores[0]!.storeId : null;
  const chosenStore = storeId ?? onlyStore;

  const go = (pageId: string, store: string | null) => {
    const params = new URLSearchParams();
    if (store) params.set('store', store);
    window.location.assign(formatHash({ path: `/${pageId}`, params }));
  };

  const refreshSession = useCallback(() => {
    void officeApi.get('/session', OfficeSession).then(onSession, () => undefined);
  }, [onSession]);

  const signOut = async () => {
    await officeApi.delete('/session').catch(() => undefined);
    onSignedOut();
  };

  const switchLanguage = () => void i18n.changeLanguage(i18n.language === 'en' ? 'zh-CN' : 'en');
  const Page = page.Component;

  return (
    <div className="office">
      <header className="office-header">
        <span className="office-brand">{t('office.brand')}</span>
        {!onlyStore && session.stores.length > 0 && (
          <label className="office-store-picker">
            <span className="visually-hidden">{t('office.store')}</span>
            <select data-testid="office-store-picker" value={chosenStore ?? ''} onChange={(e) => go(page.id, e.target.value || null)}>
              <option value="">{t('office.allStores')}</option>
              {session.stores.map((s) => (
                <option key={s.storeId} value={s.storeId}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
        )}
        {onlyStore && <span className="office-store-name">{session.stores[0]!.name}</span>}
        <span className="office-spacer" />
        <button type="button" className="link" data-testid="office-language" onClick={switchLanguage} lang={i18n.language === 'en' ? 'zh-CN' : 'en'}>
          {i18n.language === 'en' ? '中文' : 'English'}
        </button>
        <span className="office-user" data-testid="office-user">
          {session.name} · {t(`office.role.${role}`)}
        </span>
        <button type="button" data-testid="office-signout" onClick={() => void signOut()}>
          {t('office.signOut')}
        </button>
      </header>
      <nav className="office-nav" aria-label={t('office.navLabel')}>
        {pages.map((p) => (
          <a key={p.id} href={formatHash({ path: `/${p.id}`, params: new URLSearchParams(chosenStore && !onlyStore ? { store: chosenStore } : {}) })} aria-current={p.id === page.id ? 'page' : undefined} data-testid={`office-nav-${p.id}`}>
            {t(p.labelKey)}
          </a>
        ))}
      </nav>
      <main className="office-main">
        <Page session={session} storeId={chosenStore} stores={session.stores} refreshSession={refreshSession} />
      </main>
    </div>
  );
}

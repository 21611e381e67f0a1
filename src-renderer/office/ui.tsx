/** What every back-office page shares: loading, error and empty states, and a query hook. */
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { OfficeApiError } from './api';

export type Query<T> =
  | { readonly state: 'loading'; readonly data: T | null; readonly reload: () => void }
  | { readonly state: 'error'; readonly error: OfficeApiError; readonly data: T | null; readonly reload: () => void }
  | { readonly state: 'ready'; readonly data: T; readonly reload: () => void };

/** Runs `load` now and whenever `key` changes; the latest answer wins (a slow older one is dropped). */
export function useOfficeQuery<T>(load: () => Promise<T>, key: string): Query<T> {
  const [round, setRound] = useState(0);
  const wanted = `${key}\u0000${round}`;
  const [result, setResult] = useState<{ for: string; data: T | null; error: OfficeApiError | null } | null>(null);
  const loadRef = useRef(load);
  useEffect(() => {
    loadRef.current = load;
  });
  useEffect(() => {
    let live = true;
    loadRef.current().then(
      (data) => live && setResult({ for: wanted, data, error: null }),
      (error: unknown) => live && setResult((r) => ({ for: wanted, data: r?.data ?? null, error: asApiError(error) })),
    );
    return () => {
      live = false;
    };
  }, [wanted]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  const data = result?.data ?? null;
  if (!result || result.for !== wanted) return { state: 'loading', data, reload };
  if (result.error) return { state: 'error', error: result.error, data, reload };
  return { state: 'ready', data: result.data as T, reload };
}

export function asApiError(error: unknown): OfficeApiError {
  if (error instanceof OfficeApiError) return error;
  return new OfficeApiError(0, 'unexpected', error instanceof Error ? error.message : String(error));
}

/** A sentence for an error that says what to do; the server's own message (English) is kept as detail. */
export function useErrorText(): (error: OfficeApiError) => string {
  const { t } = useTranslation();
  return (error) => {
    if (error.code === 'network') return t('office.error.network');
    if (error.status === 403) return t('office.error.forbidden');
    if (error.status === 404) return t('office.error.notFound');
    if (error.status === 429) return t('office.error.rateLimited');
    if (error.status === 503 || error.status >= 500) return t('office.error.unavailable');
    if (error.code === 'bad_reply') return t('office.error.badReply');
    return t('office.error.other', { message: error.message });
  };
}

export function Loading({ what }: { what?: string }) {
  const { t } = useTranslation();
  return (
    <div className="office-state" role="status" aria-live="polite" data-testid="office-loading">
      <span className="office-spinner" aria-hidden="true" />
      {what ?? t('office.loading')}
    </div>
  );
}

export function ErrorState({ error, onRetry }: { error: OfficeApiError; onRetry?: () => void }) {
  const { t } = useTranslation();
  const text = useErrorText();
  return (
    <div className="office-state error" role="alert" data-testid="office-error">
      <p>{text(error)}</p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          {t('office.retry')}
        </button>
      )}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="office-state empty" data-testid="office-empty">
      <p className="office-empty-title">{title}</p>
      {children}
    </div>
  );
}

/** Loading → error → empty → content, the order every page follows. */
export function QueryView<T>({ query, isEmpty, empty, children }: { query: Query<T>; isEmpty?: (data: T) => boolean; empty?: ReactNode; children: (data: T) => ReactNode }) {
  if (query.state === 'error') return <ErrorState error={query.error} onRetry={query.reload} />;
  if (query.data === null) return <Loading />;
  if (isEmpty?.(query.data)) return <>{empty}</>;
  return <>{children(query.data)}</>;
}

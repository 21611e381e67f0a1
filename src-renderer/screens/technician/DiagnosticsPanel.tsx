import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallInput, CallOutput } from '../../../src-common/contract';
import { usePos } from '../../api/context';
import { MaintenanceProgress } from '../../components/MaintenanceProgress';
import type { PanelProps } from '../panel';
import { JobsPanel } from './JobsPanel';
import { useReasonText } from './SettingsPanel';

type Logs = CallOutput<'diagnostics.logs'>;
type Health = CallOutput<'diagnostics.database'>;
type Backup = CallOutput<'diagnostics.backups'>['backups'][number];
const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
/** A datetime-local value (local time, no zone) as an ISO instant, or undefined when empty. */
const isoOf = (local: string) => (local ? new Date(local).toISOString() : undefined);

/** The technician's operations that run in the SQL worker, shown with a progress bar and a cancel button. */
const DIAGNOSTICS_OPERATIONS = ['database.fast_check', 'database.full_check', 'backup', 'restore', 'support_bundle', 'logs'] as const;

export function DiagnosticsPanel({ onError, onOk }: PanelProps) {
  return (
    <section className="panel admin" data-testid="diagnostics-panel">
      <MaintenanceProgress operations={DIAGNOSTICS_OPERATIONS} />
      <DatabaseSection onError={onError} onOk={onOk} />
      <BackupSection onError={onError} onOk={onOk} />
      <JobsPanel onError={onError} />
      <LogSection onError={onError} />
    </section>
  );
}

type Handlers = Pick<PanelProps, 'onError' | 'onOk'>;

function LogSection({ onError }: Pick<PanelProps, 'onError'>) {
  const pos = usePos();
  const { t, i18n } = useTranslation();
  const [level, setLevel] = useState('');
  const [text, setText] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [logs, setLogs] = useState<Logs | null>(null);

  const search = useCallback(async () => {
    const query: CallInput<'diagnostics.logs'> = { limit: 300 };
    if (level) query.level = level as (typeof LEVELS)[number];
    if (text.trim()) query.text = text.trim();
    const fromIso = isoOf(from);
    const toIso = isoOf(to);
    if (fromIso) query.from = fromIso;
    if (toIso) query.to = toIso;
    const r = await pos.call('diagnostics.logs', query);
    if (r.ok) setLogs(r.value);
    else onError(r.error);
  }, [pos, onError, level, text, from, to]);
  useEffect(() => {
    void pos.call('diagnostics.logs', { limit: 300 }).then((r) => (r.ok ? setLogs(r.value) : onError(r.error)));
  }, [pos, onError]);

  return (
    <section data-testid="log-viewer">
      <h2>{t('admin.diagnostics.logs')}</h2>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void search();
        }}
      >
        <label>
          {t('admin.diagnostics.level')}
          <select value={level} onChange={(e) => setLevel(e.target.value)} data-testid="log-level">
            <option value="">{t('admin.diagnostics.anyLevel')}</option>
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('admin.diagnostics.text')}
          <input value={text} maxLength={100} onChange={(e) => setText(e.target.value)} data-testid="log-text" />
        </label>
        <label>
          {t('admin.diagnostics.from')}
          <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label>
          {t('admin.diagnostics.to')}
          <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
        <button type="submit" className="primary" data-testid="log-search">
          {t('admin.diagnostics.search')}
        </button>
      </form>
      {logs && (
        <>
          <p className="note" data-testid="log-count">
            {t('admin.diagnostics.entries', { count: logs.entries.length, files: logs.scannedFiles })}
            {logs.truncated && ` · ${t('admin.diagnostics.truncated')}`}
          </p>
          <table className="log-table" tabIndex={0} aria-label={t('admin.diagnostics.logs')} data-testid="log-table">
            <thead>
              <tr>
                <th>{t('admin.diagnostics.time')}</th>
                <th>{t('admin.diagnostics.level')}</th>
                <th>{t('admin.diagnostics.message')}</th>
              </tr>
            </thead>
            <tbody>
              {logs.entries.map((e, i) => (
                <tr key={i} data-testid="log-entry">
                  <td>{new Date(e.time).toLocaleString(i18n.language)}</td>
                  <td className={`level-${e.level}`}>{e.level}</td>
                  <td>
                    {e.msg}
                    <div className="mono muted">{e.fields}</div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function DatabaseSection({ onError, onOk }: Handlers) {
  const pos = usePos();
  const { t } = useTranslation();
  const [health, setHealth] = useState<Health | null>(null);
  const [bundle, setBundle] = useState<string | null>(null);
  const check = useCallback(
    (full: boolean) =>
      void pos.call('diagnostics.database', { full }).then((r) => {
        if (!r.ok) return onError(r.error);
        setHealth(r.value);
        onOk();
      }),
    [pos, onError, onOk],
  );
  useEffect(() => check(false), [check]);
  const exportBundle = async () => {
    const r = await pos.call('diagnostics.supportBundle', {});
    if (!r.ok) return onError(r.error);
    setBundle(t('admin.diagnostics.bundleWritten', { path: r.value.path, size: bytes(r.value.bytes) }));
  };
  return (
    <section data-testid="db-health">
      <h2>{t('admin.diagnostics.database')}</h2>
      {health && (
        <dl>
          <dt>{health.check === 'full' ? t('admin.diagnostics.fullCheck') : t('admin.diagnostics.quickCheck')}</dt>
          <dd className={health.ok ? 'ok' : 'bad'} data-testid="db-health-result">
            {health.ok ? t('admin.diagnostics.healthOk') : `${t('admin.diagnostics.healthBad')}: ${health.problems.join('; ')}`}
          </dd>
          <dt>{t('admin.diagnostics.fileSize')}</dt>
          <dd>{bytes(health.fileBytes)}</dd>
          <dt>{t('admin.diagnostics.walSize')}</dt>
          <dd>{bytes(health.walBytes)}</dd>
          <dt>{t('admin.diagnostics.pages')}</dt>
          <dd>
            {health.pageCount} / {health.freelistCount} × {health.pageSize} B
          </dd>
          <dt>{t('admin.diagnostics.schema')}</dt>
          <dd>
            {health.schemaVersion} / {health.latestSchemaVersion} · SQLite {health.sqliteVersion} · {health.journalMode}
          </dd>
        </dl>
      )}
      <div className="row">
        <button type="button" onClick={() => check(false)}>
          {t('admin.diagnostics.quickCheck')}
        </button>
        <button type="button" onClick={() => check(true)} data-testid="db-full-check">
          {t('admin.diagnostics.fullCheck')}
        </button>
        <button type="button" onClick={() => void exportBundle()} data-testid="support-bundle">
          {t('admin.diagnostics.supportBundle')}
        </button>
      </div>
      {bundle && (
        <p className="ok mono" data-testid="support-bundle-result">
          {bundle}
        </p>
      )}
    </section>
  );
}

function BackupSection({ onError, onOk }: Handlers) {
  const pos = usePos();
  const { t, i18n } = useTranslation();
  const reasonText = useReasonText();
  const [backups, setBackups] = useState<Backup[]>([]);
  const [pending, setPending] = useState(false);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const load = useCallback(
    () =>
      void pos.call('diagnostics.backups', {}).then((r) => {
        if (!r.ok) return onError(r.error);
        setBackups(r.value.backups);
        setPending(r.value.pendingRestore);
      }),
    [pos, onError],
  );
  useEffect(load, [load]);

  const backup = async () => {
    const r = await pos.call('diagnostics.backup', {});
    if (!r.ok) return onError(r.error);
    onOk();
    setMessage(t('admin.diagnostics.backedUp', { path: r.value.path }));
    load();
  };
  const restore = async (name: string) => {
    setConfirming(null);
    const r = await pos.call('diagnostics.restore', { name });
    if (!r.ok) return onError(r.error, reasonText(r.error));
    onOk();
    setMessage(t('admin.diagnostics.restoreStaged', { name }));
    load();
  };

  return (
    <section data-testid="backups">
      <h2>{t('admin.diagnostics.backups')}</h2>
      <div className="row">
        <button type="button" className="primary" onClick={() => void backup()} data-testid="backup-now">
          {t('admin.diagnostics.backupNow')}
        </button>
      </div>
      {message && (
        <p className="warn" role="status" data-testid="backup-message">
          {message}
        </p>
      )}
      {pending && !message && (
        <p className="warn" data-testid="restore-pending">
          {t('admin.diagnostics.restorePending')}
        </p>
      )}
      {backups.length === 0 ? (
        <p className="note">{t('admin.diagnostics.noBackups')}</p>
      ) : (
        <table>
          <tbody>
            {backups.map((b) => (
              <tr key={b.name} data-testid="backup-row">
                <td className="mono">{b.name}</td>
                <td>{bytes(b.bytes)}</td>
                <td>{new Date(b.modifiedAt).toLocaleString(i18n.language)}</td>
                <td>
                  {confirming === b.name ? (
                    <div className="row">
                      <span>{t('admin.diagnostics.confirmRestore', { name: b.name })}</span>
                      <button type="button" className="danger" onClick={() => void restore(b.name)} data-testid="restore-confirm">
                        {t('admin.diagnostics.restore')}
                      </button>
                      <button type="button" onClick={() => setConfirming(null)}>
                        {t('admin.users.cancel')}
                      </button>
                    </div>
                  ) : (
                    <button type="button" onClick={() => setConfirming(b.name)} data-testid="restore">
                      {t('admin.diagnostics.restore')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

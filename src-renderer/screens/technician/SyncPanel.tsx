import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallOutput } from '../../../src-common/contract';
import type { ApiError } from '../../../src-common/errors';
import { usePos } from '../../api/context';
import { useSyncStatus } from '../../components/SyncChip';
import type { PanelProps } from '../panel';

type Runs = CallOutput<'sync.history'>;

/** Why a sync call was refused, in the technician's words (the sync reasons first, then the console's). */
function useSyncErrorText() {
  const { t, i18n } = useTranslation();
  return useCallback(
    (error: ApiError) => {
      const reason = (error.details as { reason?: string } | undefined)?.reason;
      // The details carry what the text names: a certificate's dates, shown in the screen's language.
      const details = typeof error.details === 'object' && error.details !== null && !Array.isArray(error.details) ? (error.details as Record<string, unknown>) : {};
      const date = (iso: unknown) => (typeof iso === 'string' ? new Date(iso).toLocaleString(i18n.language) : '');
      const text = reason ? t(`sync.reasons.${reason}`, { validTo: date(details.validTo), validFrom: date(details.validFrom), defaultValue: '' }) : '';
      return text || t(`errors.${error.code}`);
    },
    [t, i18n.language],
  );
}

/**
 * The technician's store-server tab: enrolment (the server's certificate fingerprint compared, then confirmed; or the
 * certificate of the CA that signs the server's), state, history.
 */
export function SyncPanel({ onError, onOk }: PanelProps) {
  const status = useSyncStatus();
  return (
    <section className="panel admin" data-testid="sync-panel">
      {status && status.state === 'not_enrolled' && <EnrolSection onError={onError} onOk={onOk} />}
      {status && status.state !== 'not_enrolled' && <StatusSection status={status} onError={onError} onOk={onOk} />}
      <HistorySection onError={onError} />
    </section>
  );
}

/** How the till will check the server's certificate: its fingerprint confirmed now, or the shop's CA that signs it. */
type Trust = 'pin' | 'ca';

function EnrolSection({ onError, onOk }: Pick<PanelProps, 'onError' | 'onOk'>) {
  const { t } = useTranslation();
  const [serverUrl, setServerUrl] = useState('https://');
  const [trust, setTrust] = useState<Trust>('pin');
  return (
    <section data-testid="sync-enrol">
      <h2>{t('sync.enrol.title')}</h2>
      <label>
        {t('sync.enrol.serverUrl')}
        <input data-testid="sync-server-url" value={serverUrl} onChange={(e) => setServerUrl(e.target.value)} inputMode="url" />
      </label>
      <fieldset className="sync-trust" data-testid="sync-trust">
        <legend>{t('sync.enrol.trust')}</legend>
        {(['pin', 'ca'] as const).map((choice) => (
          <label key={choice} className="inline">
            <input type="radio" name="sync-trust" value={choice} data-testid={`sync-trust-${choice}`} checked={trust === choice} onChange={() => setTrust(choice)} />
            {t(`sync.enrol.trustChoice.${choice}`)}
          </label>
        ))}
      </fieldset>
      {/* keyed by the address: another address typed forgets the fingerprint read from the last one */}
      {trust === 'pin' ? <FingerprintEnrol key={serverUrl} serverUrl={serverUrl} onError={onError} onOk={onOk} /> : <CaEnrol serverUrl={serverUrl} onError={onError} onOk={onOk} />}
    </section>
  );
}

function CodeInput({ code, setCode }: { code: string; setCode: (code: string) => void }) {
  const { t } = useTranslation();
  return (
    <label>
      {t('sync.enrol.code')}
      <input data-testid="sync-code" value={code} onChange={(e) => setCode(e.target.value.toUpperCase())} autoComplete="off" />
    </label>
  );
}

/** Today's flow: read the certificate the server presents, compare its fingerprint with the one the server showed. */
function FingerprintEnrol({ serverUrl, onError, onOk }: { serverUrl: string } & Pick<PanelProps, 'onError' | 'onOk'>) {
  const pos = usePos();
  const { t } = useTranslation();
  const reasonText = useSyncErrorText();
  const [inspected, setInspected] = useState<{ serverUrl: string; fingerprint: string } | null>(null);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);

  const read = async () => {
    setBusy(true);
    const r = await pos.call('sync.inspect', { serverUrl });
    setBusy(false);
    if (r.ok) setInspected(r.value);
    else onError(r.error, reasonText(r.error));
  };
  const enrol = async () => {
    if (!inspected) return;
    setBusy(true);
    const r = await pos.call('sync.enrol', { serverUrl: inspected.serverUrl, code, fingerprint: inspected.fingerprint });
    setBusy(false);
    if (r.ok) onOk();
    else onError(r.error, reasonText(r.error));
  };

  return (
    <>
      <button type="button" data-testid="sync-read-certificate" disabled={busy} onClick={() => void read()}>
        {t('sync.enrol.read')}
      </button>
      {inspected && (
        <div data-testid="sync-fingerprint-check">
          <p>{t('sync.enrol.fingerprint')}</p>
          <p className="mono" data-testid="sync-fingerprint">
            {inspected.fingerprint}
          </p>
          <p className="hint">{t('sync.enrol.compare')}</p>
          <CodeInput code={code} setCode={setCode} />
          <div className="row">
            <button type="button" data-testid="sync-enrol-confirm" disabled={busy || code.trim().length < 8} onClick={() => void enrol()}>
              {t('sync.enrol.confirm')}
            </button>
            <button type="button" onClick={() => setInspected(null)}>
              {t('sync.enrol.cancel')}
            </button>
          </div>
        </div>
      )}
    </>
  );
}

/** A server whose certificate the shop's CA signs: the CA's certificate pasted or opened from a file; main checks it. */
function CaEnrol({ serverUrl, onError, onOk }: { serverUrl: string } & Pick<PanelProps, 'onError' | 'onOk'>) {
  const pos = usePos();
  const { t } = useTranslation();
  const reasonText = useSyncErrorText();
  const [pem, setPem] = useState('');
  const [fileName, setFileName] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);

  const enrol = async () => {
    setBusy(true);
    const r = await pos.call('sync.enrol', { serverUrl, code, caCertificate: pem });
    setBusy(false);
    if (r.ok) onOk();
    else onError(r.error, reasonText(r.error));
  };

  return (
    <div data-testid="sync-ca">
      <p className="hint">{t('sync.enrol.caHint')}</p>
      <label>
        {t('sync.enrol.caPem')}
        <textarea
          data-testid="sync-ca-pem"
          className="mono"
          rows={8}
          value={pem}
          spellCheck={false}
          placeholder="-----BEGIN CERTIFICATE-----"
          onChange={(e) => (setPem(e.target.value), setFileName(null))}
        />
      </label>
      <label className="inline">
        {t('sync.enrol.caFile')}
        <input
          type="file"
          accept=".pem,.crt,.cer,application/x-pem-file,application/x-x509-ca-cert"
          data-testid="sync-ca-file"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (!file) return;
            // A CA certificate is a couple of kilobytes; anything far bigger is not one (main refuses over 20,000 characters).
            void file.text().then((text) => (setPem(text.slice(0, 20_000)), setFileName(file.name)));
          }}
        />
      </label>
      {fileName && (
        <p className="note" data-testid="sync-ca-file-name">
          {t('sync.enrol.caFileRead', { name: fileName })}
        </p>
      )}
      <CodeInput code={code} setCode={setCode} />
      <div className="row">
        <button type="button" data-testid="sync-enrol-ca" disabled={busy || pem.trim().length === 0 || code.trim().length < 8} onClick={() => void enrol()}>
          {t('sync.enrol.caConfirm')}
        </button>
      </div>
    </div>
  );
}

function StatusSection({ status, onError, onOk }: { status: NonNullable<ReturnType<typeof useSyncStatus>> } & Pick<PanelProps, 'onError' | 'onOk'>) {
  const pos = usePos();
  const { t, i18n } = useTranslation();
  const reasonText = useSyncErrorText();
  const time = (iso: string | null) => (iso ? new Date(iso).toLocaleString(i18n.language) : t('sync.status.never'));
  const rows: [string, string | number, string?][] = [
    ['server', status.serverUrl ?? ''],
    [status.trust === 'ca' ? 'caFingerprint' : 'fingerprint', status.fingerprint ?? '', 'mono'],
    ['store', `${status.storeName ?? ''} (${status.storeId ?? ''})`],
    ['enrolledAt', time(status.enrolledAt)],
    ['state', t(`sync.state.${status.state}`)],
    ['lastContact', time(status.lastContactAt)],
    ['lastUpload', time(status.lastUploadAt)],
    ['lastPull', time(status.lastPullAt)],
    ['waiting', status.factsWaiting],
    ...(status.numberingHistory ? [['numbering', t('sync.status.numberingValue', { done: status.numberingHistory.done, total: status.numberingHistory.total })] as [string, string]] : []),
    ['acked', status.factsAcked],
    ['oldestWaiting', status.oldestWaitingAt ? time(status.oldestWaitingAt) : '—'],
    ['version', status.pulledVersion],
    ['stream', status.streamId ?? '', 'mono'],
  ];
  if (status.lastError) rows.push(['lastError', status.lastError]);
  if (status.alert) rows.push(['alert', status.alert]);
  const syncNow = async () => {
    const r = await pos.call('sync.now', {});
    if (r.ok) onOk();
    else onError(r.error, reasonText(r.error));
  };
  const unenrol = async () => {
    if (!window.confirm(t('sync.status.unenrolConfirm', { count: status.factsWaiting }))) return;
    const r = await pos.call('sync.unenrol', {});
    if (r.ok) onOk();
    else onError(r.error, reasonText(r.error));
  };
  return (
    <section data-testid="sync-status">
      <h2>{t('sync.status.title')}</h2>
      <dl className="facts">
        {rows.map(([key, value, className]) => (
          <div key={key} data-testid={`sync-status-${key}`}>
            <dt>{t(`sync.status.${key}`)}</dt>
            <dd className={className}>{value}</dd>
          </div>
        ))}
      </dl>
      <div className="row">
        <button type="button" data-testid="sync-now" onClick={() => void syncNow()}>
          {t('sync.status.now')}
        </button>
        <button type="button" data-testid="sync-unenrol" onClick={() => void unenrol()}>
          {t('sync.status.unenrol')}
        </button>
      </div>
    </section>
  );
}

function HistorySection({ onError }: Pick<PanelProps, 'onError'>) {
  const pos = usePos();
  const { t, i18n } = useTranslation();
  const [runs, setRuns] = useState<Runs | null>(null);
  const load = useCallback(() => void pos.call('sync.history', {}).then((r) => (r.ok ? setRuns(r.value) : onError(r.error))), [pos, onError]);
  useEffect(() => {
    load();
    return pos.on('sync.changed', load);
  }, [pos, load]);
  const time = (iso: string) => new Date(iso).toLocaleString(i18n.language);
  return (
    <section data-testid="sync-history">
      <h2>{t('sync.history.title')}</h2>
      {runs && runs.length === 0 && <p className="muted">{t('sync.history.none')}</p>}
      {runs && runs.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>{t('sync.history.kind')}</th>
              <th>{t('sync.history.status')}</th>
              <th>{t('sync.history.attempts')}</th>
              <th>{t('sync.history.when')}</th>
              <th>{t('sync.history.error')}</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => (
              <tr key={run.jobId} data-testid="sync-run" data-kind={run.kind} data-status={run.status}>
                <td>{t(run.kind === 'sync.upload' ? 'sync.history.upload' : 'sync.history.pull')}</td>
                <td>{t(`admin.jobs.state.${run.status}`)}</td>
                <td>
                  {run.history.length === 0 ? (
                    run.attempts
                  ) : (
                    <details>
                      <summary>{run.attempts}</summary>
                      <ul>
                        {run.history.map((a) => (
                          <li key={a.attempt}>
                            {`#${a.attempt} ${time(a.startedAt)} · ${t(`admin.jobs.outcome.${a.outcome}`)}`}
                            {a.error && ` · ${a.error}`}
                          </li>
                        ))}
                      </ul>
                    </details>
                  )}
                </td>
                <td>{time(run.finishedAt ?? run.createdAt)}</td>
                <td>{run.lastError}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { businessDateOf, businessDayRuleOf } from '../../../src-common/business-day';
import type { ExportKind } from '../../../src-common/calls/owner';
import type { Language } from '../../../src-common/schemas';
import { usePos } from '../../api/context';
import { MaintenanceProgress } from '../../components/MaintenanceProgress';
import type { PanelProps } from '../panel';
import { reasonText } from './owner-ui';

const KINDS: readonly ExportKind[] = ['sales', 'payments', 'zreports'];
/** Written in the terminal's SQL worker: a progress bar and a cancel button while it runs. */
const EXPORT_OPERATIONS = ['export'] as const;

function fromBase64(data: string): Uint8Array<ArrayBuffer> {
  const binary = atob(data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * CSV exports: main writes the file to <dataDir>/exports/; the page reads it back in pages of ≤ 512 KiB
 * (WebSocket frames stop at 1 MiB) and saves the pages as one Blob.
 */
export function ExportPanel({ settings, onError, onOk }: PanelProps) {
  const { t, i18n } = useTranslation();
  const pos = usePos();
  const [english, setEnglish] = useState(false);
  const [kind, setKind] = useState<ExportKind>('sales');
  // The current business date, as the Z report's (at 01:30 still yesterday's).
  const [from, setFrom] = useState(() => businessDateOf(new Date(), businessDayRuleOf(settings)));
  const [to, setTo] = useState(from);
  const [made, setMade] = useState<{ name: string; rows: number; bytes: number } | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [saved, setSaved] = useState(false);

  const create = async () => {
    setMade(null);
    setSaved(false);
    // Column names and statuses in the screen's language, or English for an English spreadsheet.
    const language: Language = english || i18n.language === 'en' ? 'en' : 'zh-CN';
    const r = await pos.call('export.create', { kind, from, to, language });
    if (!r.ok) return onError(r.error, reasonText(t, r.error));
    onOk();
    setMade(r.value);
  };

  const download = async () => {
    if (!made) return;
    const parts: Uint8Array<ArrayBuffer>[] = [];
    let offset = 0;
    setProgress(0);
    for (;;) {
      const r = await pos.call('export.read', { name: made.name, offset });
      if (!r.ok) {
        setProgress(null);
        return onError(r.error, reasonText(t, r.error));
      }
      parts.push(fromBase64(r.value.data));
      offset += r.value.bytes;
      setProgress(r.value.size ? Math.round((offset * 100) / r.value.size) : 100);
      if (r.value.done) break;
    }
    const url = URL.createObjectURL(new Blob(parts, { type: 'text/csv;charset=utf-8' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = made.name;
    link.dataset.testid = 'export-link';
    link.dataset.bytes = String(offset);
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    setProgress(null);
    setSaved(true);
  };

  return (
    <section className="panel owner-panel" data-testid="export-panel">
      <h3>{t('owner.export.title')}</h3>
      <form
        className="owner-form inline"
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        <label>
          {t('owner.export.kind')}
          <select data-testid="export-kind" value={kind} onChange={(e) => setKind(e.target.value as ExportKind)}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`owner.export.kinds.${k}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('owner.export.from')}
          <input type="date" data-testid="export-from" value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label>
          {t('owner.export.to')}
          <input type="date" data-testid="export-to" value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
        <label>
          <input type="checkbox" data-testid="export-english" checked={english} onChange={(e) => setEnglish(e.target.checked)} />
          {t('owner.export.englishColumns')}
        </label>
        <button type="submit" className="primary" data-testid="export-create">
          {t('owner.export.create')}
        </button>
      </form>
      <MaintenanceProgress operations={EXPORT_OPERATIONS} />
      <p className="muted" data-testid="export-business-days">
        {t('owner.export.businessDays')}
      </p>
      {made && (
        <p data-testid="export-result" data-rows={made.rows} data-bytes={made.bytes}>
          {t('owner.export.done', made)}{' '}
          <button type="button" data-testid="export-download" disabled={progress !== null} onClick={() => void download()}>
            {t('owner.export.download')}
          </button>{' '}
          {progress !== null && <span role="status">{t('owner.export.downloading', { percent: progress })}</span>}
          {saved && <span data-testid="export-saved">{t('owner.export.saved')}</span>}
        </p>
      )}
    </section>
  );
}

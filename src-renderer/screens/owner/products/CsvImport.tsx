import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CsvPreview } from '../../../../src-common/calls/catalog';
import type { ApiError } from '../../../../src-common/errors';
import { usePos } from '../../../api/context';
import { MaintenanceProgress } from '../../../components/MaintenanceProgress';
import { uploadCsv } from './upload';

const IMPORT_OPERATIONS = ['catalog.import'] as const;

/**
 * A catalog CSV: checked first (nothing written) and shown as counts and a table of the bad rows; imported only
 * when the owner confirms, in the terminal's SQL worker with its progress bar. The bad rows are skipped.
 */
export function CsvImport({ onImported, onClose, onError }: { onImported: () => void; onClose: () => void; onError: (error: ApiError, text?: string) => void }) {
  const { t } = useTranslation();
  const pos = usePos();
  const [text, setText] = useState<string | null>(null);
  const [preview, setPreview] = useState<CsvPreview | null>(null);
  const [busy, setBusy] = useState<'checking' | 'importing' | null>(null);
  const [result, setResult] = useState<{ inserted: number; updated: number; skipped: number } | null>(null);

  const check = async (csv: string) => {
    setBusy('checking');
    const uploaded = await uploadCsv(pos, csv);
    const r = uploaded.ok ? await pos.call('catalog.previewCsv', uploaded.value) : uploaded;
    setBusy(null);
    if (!r.ok) return onError(r.error);
    setPreview(r.value);
  };

  const confirm = async () => {
    if (text === null) return;
    setBusy('importing');
    const uploaded = await uploadCsv(pos, text);
    const r = uploaded.ok ? await pos.call('catalog.importCsv', uploaded.value) : uploaded;
    setBusy(null);
    if (!r.ok) return onError(r.error);
    setPreview(null);
    setResult({ inserted: r.value.inserted, updated: r.value.updated, skipped: r.value.skipped.length });
    onImported();
  };

  return (
    <section className="csv-import" data-testid="csv-import" aria-label={t('products.csv.title')}>
      <h3>{t('products.csv.title')}</h3>
      <p className="muted">{t('products.csv.hint')}</p>
      <label className="csv-file">
        {t('products.csv.file')}
        <input
          type="file"
          accept=".csv,text/csv"
          data-testid="csv-file"
          onChange={(e) => {
            const file = e.target.files?.[0];
            setPreview(null);
            setResult(null);
            if (!file) return setText(null);
            void file.text().then((csv) => {
              setText(csv);
              void check(csv);
            });
          }}
        />
      </label>
      {busy === 'checking' && <p role="status">{t('products.csv.checking')}</p>}
      {preview && (
        <div data-testid="csv-preview" data-to-add={preview.toAdd} data-to-change={preview.toChange} data-errors={preview.errors.length}>
          <p role="status">{t('products.csv.summary', { ...preview, errors: preview.errors.length })}</p>
          {preview.errors.length > 0 && (
            <table className="owner-table">
              <caption>{t('products.csv.errorsTitle')}</caption>
              <thead>
                <tr>
                  <th className="num">{t('products.csv.line')}</th>
                  <th>{t('products.csv.column')}</th>
                  <th>{t('products.csv.problem')}</th>
                </tr>
              </thead>
              <tbody>
                {preview.errors.map((e) => (
                  <tr key={`${e.line}-${e.code}`} data-testid="csv-error" data-line={e.line} data-column={e.column ?? ''}>
                    <td className="num">{e.line}</td>
                    <td>{e.column ?? t('products.csv.whole')}</td>
                    <td>{e.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <div className="owner-toolbar">
            <button type="button" className="primary" data-testid="csv-confirm" disabled={busy !== null || preview.toAdd + preview.toChange === 0} onClick={() => void confirm()}>
              {t('products.csv.confirm')}
            </button>
            <button type="button" onClick={onClose}>
              {t('products.csv.cancel')}
            </button>
          </div>
        </div>
      )}
      <MaintenanceProgress operations={IMPORT_OPERATIONS} />
      {result && (
        <p role="status" data-testid="csv-result" data-inserted={result.inserted} data-updated={result.updated}>
          {t('products.csv.done', result)}
        </p>
      )}
    </section>
  );
}

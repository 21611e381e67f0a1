/**
 * The owner's catalog import: choose a CSV or XLSX file, see what it would do row by row (and why a row would be
 * skipped) with nothing written yet, then apply the good rows to every store in one go.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CatalogImportReply, MAX_IMPORT_FILE_BYTES } from '../../../../src-common/office/catalog';
import { money } from '../../../format';
import { officeApi, type OfficeApiError } from '../../api';
import { asApiError, ErrorState } from '../../ui';

const COLUMNS = 'sku,barcodes,name,name_en,price,tax_rate,unit,category,active,plu';

function toBase64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

export function ImportPanel({ onApplied, onClose }: { onApplied: () => void; onClose: () => void }) {
  const { t } = useTranslation();
  const [file, setFile] = useState<{ name: string; format: 'csv' | 'xlsx'; base64: string } | null>(null);
  const [preview, setPreview] = useState<CatalogImportReply | null>(null);
  const [applied, setApplied] = useState<CatalogImportReply | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<OfficeApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const send = async (chosen: NonNullable<typeof file>, apply: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const reply = await officeApi.post('/catalog/import', { format: chosen.format, fileBase64: chosen.base64, apply }, CatalogImportReply);
      if (apply) {
        setApplied(reply);
        setPreview(null);
        onApplied();
      } else setPreview(reply);
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };

  const choose = async (chosen: File | undefined) => {
    setPreview(null);
    setApplied(null);
    setProblem(null);
    setError(null);
    if (!chosen) return;
    const format = /\.xlsx$/i.test(chosen.name) ? 'xlsx' : /\.csv$/i.test(chosen.name) ? 'csv' : null;
    if (!format) return setProblem(t('officeCatalog.import.wrongType'));
    if (chosen.size > MAX_IMPORT_FILE_BYTES) return setProblem(t('officeCatalog.import.tooBig', { mb: MAX_IMPORT_FILE_BYTES / 1024 / 1024 }));
    const next = { name: chosen.name, format, base64: toBase64(new Uint8Array(await chosen.arrayBuffer())) } as const;
    setFile(next);
    await send(next, false);
  };

  const changing = preview ? preview.inserted + preview.updated : 0;
  return (
    <section className="catalog-panel" data-testid="catalog-import" aria-label={t('officeCatalog.import.title')}>
      <h2>{t('officeCatalog.import.title')}</h2>
      <p className="office-note">{t('officeCatalog.import.help', { columns: COLUMNS })}</p>
      <label>
        {t('officeCatalog.import.file')}
        <input type="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" data-testid="catalog-import-file" onChange={(e) => void choose(e.target.files?.[0])} />
      </label>
      {problem && (
        <p className="office-error" role="alert">
          {problem}
        </p>
      )}
      {busy && (
        <p className="office-note" role="status">
          {t('officeCatalog.import.reading')}
        </p>
      )}
      {error && <ErrorState error={error} />}
      {applied && (
        <p className="catalog-done" role="status" data-testid="catalog-import-done">
          {t('officeCatalog.import.done', { inserted: applied.inserted, updated: applied.updated, skipped: applied.skipped.length })}
        </p>
      )}
      {preview && file && (
        <div data-testid="catalog-import-preview" className="catalog-preview">
          <p>
            <strong>{file.name}</strong>{' '}
            {t('officeCatalog.import.summary', { inserted: preview.inserted, updated: preview.updated, unchanged: preview.unchanged, skipped: preview.skipped.length })}
          </p>
          {preview.ignoredColumns.length > 0 && <p className="office-note">{t('officeCatalog.import.ignored', { columns: preview.ignoredColumns.join(', ') })}</p>}
          {preview.skipped.length > 0 && (
            <>
              <h3>{t('officeCatalog.import.skippedTitle')}</h3>
              <table className="office-table catalog-stack" data-testid="catalog-import-skipped">
                <thead>
                  <tr>
                    <th scope="col">{t('officeCatalog.import.line')}</th>
                    <th scope="col">{t('officeCatalog.import.why')}</th>
                    <th scope="col">{t('officeCatalog.import.detail')}</th>
                  </tr>
                </thead>
                <tbody>
                  {preview.skipped.map((s) => (
                    <tr key={`${s.line}-${s.code}`} data-testid="catalog-import-skipped-row">
                      <td data-label={t('officeCatalog.import.line')}>{s.line}</td>
                      <td data-label={t('officeCatalog.import.why')}>{t(`officeCatalog.rowError.${s.code}`, { defaultValue: s.code })}</td>
                      <td data-label={t('officeCatalog.import.detail')} className="catalog-detail">
                        {s.message}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
          {preview.rows.length > 0 && (
            <>
              <h3>{t('officeCatalog.import.rowsTitle')}</h3>
              <table className="office-table catalog-stack" data-testid="catalog-import-rows">
                <thead>
                  <tr>
                    <th scope="col">{t('officeCatalog.import.line')}</th>
                    <th scope="col">{t('officeCatalog.field.sku')}</th>
                    <th scope="col">{t('officeCatalog.field.name')}</th>
                    <th scope="col" className="num">
                      {t('officeCatalog.field.chainPrice')}
                    </th>
                    <th scope="col">{t('officeCatalog.import.action')}</th>
                  </tr>
                </thead>
                <tbody>
                  {preview.rows.map((r) => (
                    <tr key={r.line} data-testid="catalog-import-row">
                      <td data-label={t('officeCatalog.import.line')}>{r.line}</td>
                      <td data-label={t('officeCatalog.field.sku')}>{r.sku}</td>
                      <td data-label={t('officeCatalog.field.name')}>{r.name}</td>
                      <td data-label={t('officeCatalog.field.chainPrice')} className="num">
                        {money(r.price, 'CNY')}
                      </td>
                      <td data-label={t('officeCatalog.import.action')}>{t(`officeCatalog.import.actions.${r.action}`)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </div>
      )}
      <div className="catalog-actions">
        {preview && file && (
          <button type="button" className="primary" disabled={busy || changing === 0} data-testid="catalog-import-apply" onClick={() => void send(file, true)}>
            {t('officeCatalog.import.apply', { count: changing })}
          </button>
        )}
        <button type="button" onClick={onClose}>
          {t('officeCatalog.close')}
        </button>
      </div>
    </section>
  );
}

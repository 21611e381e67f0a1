import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallInput, CallOutput } from '../../../src-common/contract';
import { usePos } from '../../api/context';
import type { PanelProps } from '../panel';
import '../../styles/admin.css';
import { AUDIT_ACTIONS } from '../../../src-common/audit-actions';
import { auditRowText } from './audit-text';

type Row = CallOutput<'audit.list'>[number];
type Verification = CallOutput<'audit.verify'>;
const PAGE = 50;

export function AuditPanel({ onError, settings }: PanelProps) {
  const pos = usePos();
  const { t, i18n } = useTranslation();
  const [action, setAction] = useState('');
  const [rows, setRows] = useState<Row[]>([]);
  const [more, setMore] = useState(false);
  const [verification, setVerification] = useState<Verification | null>(null);

  const fetchPage = useCallback(
    async (beforeSeq?: number) => {
      const input: CallInput<'audit.list'> = { limit: PAGE };
      if (action) input.action = action;
      if (beforeSeq) input.beforeSeq = beforeSeq;
      const r = await pos.call('audit.list', input);
      if (!r.ok) {
        onError(r.error);
        return null;
      }
      setMore(r.value.length === PAGE);
      return r.value;
    },
    [pos, onError, action],
  );
  useEffect(() => {
    void pos.call('audit.list', action ? { limit: PAGE, action } : { limit: PAGE }).then((r) => {
      if (!r.ok) return onError(r.error);
      setRows(r.value);
      setMore(r.value.length === PAGE);
    });
  }, [pos, onError, action]);

  const older = async () => {
    const page = await fetchPage(rows.at(-1)?.seq);
    if (page) setRows([...rows, ...page]);
  };
  const verify = async () => {
    const r = await pos.call('audit.verify', {});
    if (r.ok) setVerification(r.value);
    else onError(r.error);
  };

  return (
    <section className="panel admin" data-testid="audit-panel">
      <div className="row">
        <label>
          {t('admin.audit.action')}
          <select value={action} onChange={(e) => setAction(e.target.value)} data-testid="audit-action">
            <option value="">{t('admin.audit.all')}</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {t(`audit.actions.${a}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="primary" onClick={() => void verify()} data-testid="audit-verify">
          {t('admin.audit.verify')}
        </button>
      </div>
      {verification && (
        <p className={verification.ok ? 'ok' : 'bad'} role="status" data-testid="audit-verify-result" data-ok={String(verification.ok)}>
          {verification.ok
            ? t('admin.audit.verifyOk', { rows: verification.rows })
            : t('admin.audit.verifyBad', { seq: verification.firstBadSeq, reason: t(`audit.chainProblems.${verification.reason}`) })}
        </p>
      )}
      {rows.length === 0 ? (
        <p className="note">{t('admin.audit.empty')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('admin.audit.seq')}</th>
              <th>{t('admin.audit.at')}</th>
              <th>{t('admin.audit.actor')}</th>
              <th>{t('admin.audit.action')}</th>
              <th>{t('admin.audit.subject')}</th>
              <th>{t('admin.audit.details')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const text = auditRowText(t, r, settings.currency, i18n.language);
              return (
                <tr key={r.seq} data-testid="audit-row" data-action={r.action}>
                  <td className="audit-nowrap">{r.seq}</td>
                  <td className="audit-nowrap">{new Date(r.at).toLocaleString(i18n.language)}</td>
                  <td className="audit-nowrap">{r.actorRole ? t(`roles.${r.actorRole}`) : t('admin.audit.system')}</td>
                  <td className="audit-nowrap" data-testid="audit-action-label">
                    {text.action}
                  </td>
                  <td data-testid="audit-subject">{text.subject}</td>
                  <td data-testid="audit-details">
                    {text.details.map((d) => (
                      <span key={d.label} className="audit-detail">
                        {t('audit.detail', { label: d.label, value: d.value })}
                      </span>
                    ))}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {more && (
        <button type="button" onClick={() => void older()}>
          {t('admin.audit.more')}
        </button>
      )}
    </section>
  );
}

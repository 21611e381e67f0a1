import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallOutput } from '../../../src-common/contract';
import { usePos } from '../../api/context';
import type { PanelProps } from '../panel';

type Jobs = CallOutput<'diagnostics.jobs'>;
type Job = Jobs['jobs'][number];

/** Every job of the durable runner (open ones first, then the latest finished) with each attempt's outcome. */
export function JobsPanel({ onError }: Pick<PanelProps, 'onError'>) {
  const pos = usePos();
  const { t } = useTranslation();
  const [jobs, setJobs] = useState<Jobs | null>(null);
  const load = useCallback(() => void pos.call('diagnostics.jobs', {}).then((r) => (r.ok ? setJobs(r.value) : onError(r.error))), [pos, onError]);
  useEffect(load, [load]);
  return (
    <section data-testid="jobs">
      <h2>{t('admin.jobs.title')}</h2>
      <div className="row">
        <span data-testid="jobs-open">
          {jobs && (jobs.totalOpen === 0 ? t('admin.jobs.noneOpen') : jobs.open.map((k) => `${k.kind} ${k.count}`).join(' · '))}
        </span>
        <button type="button" onClick={load}>
          {t('admin.diagnostics.refresh')}
        </button>
      </div>
      {jobs && jobs.jobs.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>{t('admin.jobs.kind')}</th>
              <th>{t('admin.jobs.subject')}</th>
              <th>{t('admin.jobs.status')}</th>
              <th>{t('admin.jobs.attempts')}</th>
              <th>{t('admin.jobs.lastError')}</th>
              <th>{t('admin.jobs.when')}</th>
            </tr>
          </thead>
          <tbody>
            {jobs.jobs.map((j) => (
              <JobRow key={j.id} job={j} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function JobRow({ job }: { job: Job }) {
  const { t, i18n } = useTranslation();
  const time = (iso: string) => new Date(iso).toLocaleString(i18n.language);
  const open = job.status === 'queued' || job.status === 'running';
  return (
    <tr data-testid="job-row" data-status={job.status}>
      <td>{job.kind}</td>
      <td className="mono">{job.subject}</td>
      <td>{t(`admin.jobs.state.${job.status}`)}</td>
      <td>
        {job.history.length === 0 ? (
          job.attempts
        ) : (
          <details>
            <summary>{job.attempts}</summary>
            <ul data-testid="job-history">
              {job.history.map((a) => (
                <li key={a.attempt}>
                  {`#${a.attempt} ${time(a.startedAt)} → ${time(a.endedAt)} · ${t(`admin.jobs.outcome.${a.outcome}`)}`}
                  {a.error && ` · ${a.error}`}
                </li>
              ))}
            </ul>
          </details>
        )}
      </td>
      <td>{job.lastError}</td>
      <td>{open ? time(new Date(job.runAt).toISOString()) : job.finishedAt && time(job.finishedAt)}</td>
    </tr>
  );
}

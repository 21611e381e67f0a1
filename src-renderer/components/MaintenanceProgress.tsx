import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MaintenanceOperation, MaintenanceProgress as Progress, MaintenanceWorkerState } from '../../src-common/calls/admin';
import { usePos } from '../api/context';

/**
 * Progress bars of the maintenance operations running in the terminal's SQL worker (checks, backups,
 * imports, exports, support bundles), each with a cancel button, and a line when the worker restarts.
 * Shows the operations of the given kinds; the last state of each stays until another starts.
 */
export function MaintenanceProgress({ operations }: { operations: readonly MaintenanceOperation[] }) {
  const pos = usePos();
  const { t } = useTranslation();
  const [shown, setShown] = useState<Progress[]>([]);
  const [worker, setWorker] = useState<MaintenanceWorkerState | null>(null);
  const kinds = operations.join(',');

  useEffect(() => {
    const wanted = new Set(kinds.split(','));
    const offProgress = pos.on('maintenance.progress', (p) => {
      if (!wanted.has(p.operation)) return;
      // The running ones, and this one (finished ones stay until the next event).
      setShown((list) => [...list.filter((x) => x.operationId !== p.operationId && x.state === 'running'), p]);
    });
    const offWorker = pos.on('maintenance.worker', setWorker);
    // Operations already running when the panel opens.
    void pos.call('maintenance.status', {}).then((r) => {
      if (!r.ok) return;
      setWorker(r.value.worker);
      setShown((list) => (list.length ? list : r.value.operations.filter((p) => wanted.has(p.operation))));
    });
    return () => {
      offProgress();
      offWorker();
    };
  }, [pos, kinds]);

  const cancel = (operationId: string) => void pos.call('maintenance.cancel', { operationId });

  return (
    <div className="maintenance-progress" data-testid="maintenance-progress">
      {worker?.state === 'restarting' && (
        <p className="bad" role="status" data-testid="maintenance-worker-restarting">
          {t('admin.maintenance.workerRestarting')}
        </p>
      )}
      {shown.map((p) => (
        <div key={p.operationId} className="row" data-testid="maintenance-operation" data-operation={p.operation} data-state={p.state}>
          <span>{t(`admin.maintenance.operations.${p.operation}`)}</span>
          {p.state === 'running' ? (
            <>
              <progress
                data-testid="maintenance-bar"
                {...(p.total ? { value: p.done, max: p.total } : {})}
                aria-label={t(`admin.maintenance.operations.${p.operation}`)}
              />
              <span className="muted">
                {t(`admin.maintenance.phases.${p.phase}`, { defaultValue: p.phase })}
                {p.total ? ` ${p.done}/${p.total}` : p.done ? ` ${p.done}` : ''}
              </span>
              <button type="button" data-testid="maintenance-cancel" onClick={() => cancel(p.operationId)}>
                {t('admin.maintenance.cancel')}
              </button>
            </>
          ) : (
            <span className={p.state === 'done' ? 'ok' : 'bad'} role="status">
              {t(`admin.maintenance.states.${p.state}`)}
            </span>
          )}
        </div>
      ))}
    </div>
  );
}

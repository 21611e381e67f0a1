import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SyncStatus } from '../../src-common/calls/sync';
import { useConnectionState, usePos } from '../api/context';

/** The store server link as the core reports it, kept current by `sync.changed` events. Null until loaded. */
export function useSyncStatus(): SyncStatus | null {
  const pos = usePos();
  const connection = useConnectionState();
  const [status, setStatus] = useState<SyncStatus | null>(null);
  useEffect(() => {
    if (connection !== 'online') return;
    const off = pos.on('sync.changed', setStatus);
    const refresh = () => void pos.call('sync.status', {}).then((r) => r.ok && setStatus(r.value));
    refresh();
    // Facts are written by every sale; the count waiting is read again now and then rather than on each event.
    const timer = setInterval(refresh, 10_000);
    return () => {
      off();
      clearInterval(timer);
    };
  }, [pos, connection]);
  return status;
}

/** The top bar's store-server chip: reachable or not, facts waiting, an alert; nothing on a till that is not enrolled. */
export function SyncChip() {
  const { t, i18n } = useTranslation();
  const status = useSyncStatus();
  if (!status || status.state === 'not_enrolled') return null;
  const health = status.alert || status.state === 'refused' ? 'down' : status.state === 'online' && status.factsWaiting === 0 ? 'ok' : 'warn';
  const last = status.lastUploadAt ?? status.lastContactAt;
  const title = [
    status.storeName,
    last && `${t('sync.status.lastUpload')}: ${new Date(last).toLocaleString(i18n.language)}`,
    status.alert && `${t('sync.status.alert')}: ${status.alert}`,
    status.lastError,
  ]
    .filter(Boolean)
    .join('\n');
  return (
    <span className={`device-chip ${health}`} data-testid="sync-chip" data-state={status.state} data-health={health} title={title} role="status">
      {t(`sync.chip.${status.state}`)}
      {status.factsWaiting > 0 && ` · ${t('sync.chip.waiting', { count: status.factsWaiting })}`}
      {status.numberingHistory && ` · ${t('sync.chip.numbering', { done: status.numberingHistory.done, total: status.numberingHistory.total })}`}
      {status.alert && ` · ${t('sync.chip.alert')}`}
    </span>
  );
}

/** Above an editor of what the store server owns: says it is read-only here while the till is enrolled. */
export function ManagedByServerNote() {
  const { t } = useTranslation();
  const status = useSyncStatus();
  if (!status || status.state === 'not_enrolled') return null;
  return (
    <p className="hint" data-testid="managed-by-server" role="note">
      {t('sync.managedNote')}
    </p>
  );
}

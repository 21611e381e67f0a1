import { useTranslation } from 'react-i18next';
import { deviceHealth, deviceProblemKey, useDeviceStatuses } from '../api/useDeviceStatuses';

/** The top bar's device line: each configured device, its role and, when it is not working, why. */
export function DeviceChips() {
  const { t } = useTranslation();
  const statuses = useDeviceStatuses();
  if (!statuses?.length) return null;
  return (
    <span className="device-chips" data-testid="device-chips">
      {statuses.map((d) => {
        const problem = deviceProblemKey(d);
        const health = deviceHealth(d);
        return (
          <span key={d.id} className={`device-chip ${health}`} data-testid={`device-chip-${d.role}`} data-health={health} title={d.detail ?? undefined}>
            {t(`devices.roles.${d.role}`)}
            {problem && ` · ${t(problem)}`}
            {!problem && d.role === 'printer' && d.queued > 0 && ` · ${t('devices.problem.queued', { count: d.queued })}`}
          </span>
        );
      })}
    </span>
  );
}

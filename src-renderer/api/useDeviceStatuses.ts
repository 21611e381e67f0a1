import { useEffect, useState } from 'react';
import type { DeviceStatus } from '../../src-common/schemas';
import { useConnectionState, usePos } from './context';

/** Every configured device and its state, kept current by the core's `device.status` events. Null until loaded. */
export function useDeviceStatuses(): DeviceStatus[] | null {
  const pos = usePos();
  const connection = useConnectionState();
  const [statuses, setStatuses] = useState<DeviceStatus[] | null>(null);
  useEffect(() => {
    if (connection !== 'online') return;
    // Subscribed before the load, so a change that happens meanwhile is not lost (the load then includes it too).
    const off = pos.on('device.status', (status) =>
      setStatuses((current) => {
        const list = current ?? [];
        return list.some((d) => d.id === status.id) ? list.map((d) => (d.id === status.id ? status : d)) : [...list, status];
      }),
    );
    void pos.call('devices.status', {}).then((r) => r.ok && setStatuses(r.value));
    return off;
  }, [pos, connection]);
  return statuses;
}

/** How a device is doing, as a cashier needs to know it: working, working with a warning, or stopped. */
export type DeviceHealth = 'ok' | 'warn' | 'down';

export function deviceHealth(status: DeviceStatus): DeviceHealth {
  if (status.state === 'error' || status.state === 'closed') return 'down';
  return status.queued > 0 && status.role === 'printer' ? 'warn' : 'ok';
}

/**
 * Why a device is stopped, as an i18n key under `devices.problem`: the printer's own condition when it said one
 * (paper out, cover open), else "not connected" or a fault.
 */
export function deviceProblemKey(status: DeviceStatus): string | null {
  if (status.state === 'closed') return 'devices.problem.not_connected';
  if (status.state !== 'error') return null;
  if (status.detail === 'paper_out' || status.detail === 'cover_open') return `devices.problem.${status.detail}`;
  return 'devices.problem.fault';
}

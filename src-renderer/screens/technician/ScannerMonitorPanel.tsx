import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MonitorEntry } from '../../../src-common/calls/devices';
import { usePos } from '../../api/context';
import type { PanelProps } from '../panel';
import '../../styles/devices.css';

const POLL_MS = 300;
const KEEP = 200;
/** The longest wait between polls while the monitor call fails. */
const MAX_BACKOFF_MS = 10_000;

/**
 * What the scanners send, live: raw bytes beside the decoded scan. Polled through a technician-only call (not an
 * event, which every connection would receive: a scan can be a payment code, and main masks those here too).
 */
export function ScannerMonitorPanel({ onError }: PanelProps) {
  const { t, i18n } = useTranslation();
  const pos = usePos();
  // While the monitor is open, a scan with no cashier screen to take it is a test: the core keeps none for later.
  useEffect(() => {
    void pos.call('screen.report', { surface: 'till', step: 'monitor' });
    return () => void pos.call('screen.report', { surface: 'till', step: 'elsewhere' });
  }, [pos]);
  const [rows, setRows] = useState<MonitorEntry[]>([]);
  const [ready, setReady] = useState(false);
  const after = useRef(0);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let first = true;
    let failures = 0;
    const poll = async () => {
      const r = await pos.call('devices.monitor', { afterSeq: after.current });
      if (stopped) return;
      if (!r.ok) {
        // Keeps trying, less and less often; the error is shown once per run of failures.
        failures += 1;
        if (failures === 1) onError(r.error);
        timer = setTimeout(() => void poll(), Math.min(POLL_MS * 2 ** failures, MAX_BACKOFF_MS));
        return;
      }
      failures = 0;
      // The first answer only sets where to start: the monitor shows scans made while it is open.
      if (!first && r.value.entries.length) setRows((all) => [...r.value.entries.slice().reverse(), ...all].slice(0, KEEP));
      if (first) setReady(true);
      first = false;
      after.current = r.value.lastSeq;
      timer = setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [pos, onError]);

  const time = (iso: string) => new Date(iso).toLocaleTimeString(i18n.language, { hour12: false });

  return (
    <section className="panel devices-monitor" data-testid="scanner-monitor-panel" data-ready={ready}>
      <h2>
        {t('devices.monitor.title')}{' '}
        <button type="button" onClick={() => setRows([])} data-testid="monitor-clear">
          {t('devices.monitor.clear')}
        </button>
      </h2>
      <p className="muted">{t('devices.monitor.hint')}</p>
      <table className="devices-table" data-testid="monitor-table">
        <thead>
          <tr>
            <th>{t('devices.monitor.time')}</th>
            <th>{t('devices.monitor.device')}</th>
            <th>{t('devices.monitor.hex')}</th>
            <th>{t('devices.monitor.text')}</th>
            <th>{t('devices.monitor.symbology')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td colSpan={5} className="muted">
                {t('devices.monitor.empty')}
              </td>
            </tr>
          )}
          {rows.map((e) => (
            <tr key={e.seq} data-testid="monitor-row" className={e.kind === 'dropped' ? 'dropped' : undefined}>
              <td className="mono">{time(e.at)}</td>
              <td className="mono">{e.deviceId}</td>
              <td className="mono hex" data-testid="monitor-hex">
                {e.hex}
              </td>
              <td className="mono scan-text" data-testid="monitor-text">
                {e.text ?? t('devices.monitor.dropped', { reason: e.reason })}
              </td>
              <td data-testid="monitor-symbology">{e.symbology ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

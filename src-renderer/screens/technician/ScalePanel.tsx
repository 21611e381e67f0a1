import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallOutput } from '../../../src-common/contract';
import type { ScaleFrameEntry } from '../../../src-common/calls/scale';
import { usePos } from '../../api/context';
import type { PanelProps } from '../panel';
import '../../styles/devices.css';
import '../../styles/scale.css';

const POLL_MS = 200;
const KEEP = 100;

const kg = (grams: number) => `${grams < 0 ? '-' : ''}${Math.floor(Math.abs(grams) / 1000)}.${String(Math.abs(grams) % 1000).padStart(3, '0')}`;

/** The technician's scale view: live weight and stable flag, zero and tare, and the frames with their raw bytes. */
export function ScalePanel({ onError }: PanelProps) {
  const { t, i18n } = useTranslation();
  const pos = usePos();
  const [scale, setScale] = useState<CallOutput<'scale.read'> | null>(null);
  const [rows, setRows] = useState<ScaleFrameEntry[]>([]);
  const after = useRef(0);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      const [read, frames] = await Promise.all([pos.call('scale.read', {}), pos.call('scale.monitor', { afterSeq: after.current })]);
      if (stopped) return;
      if (read.ok) setScale(read.value);
      if (frames.ok) {
        if (frames.value.entries.length) setRows((all) => [...frames.value.entries.slice().reverse(), ...all].slice(0, KEEP));
        after.current = frames.value.lastSeq;
      }
      timer = setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [pos]);

  const command = async (c: 'zero' | 'tare' | 'clearTare') => {
    const r = await pos.call('scale.command', { command: c });
    if (!r.ok) onError(r.error);
  };
  const reading = scale?.reading ?? null;
  const time = (iso: string) => new Date(iso).toLocaleTimeString(i18n.language, { hour12: false });

  return (
    <section className="panel scale-view devices" data-testid="scale-panel">
      <div>
        <h2>{t('scale.tech.title')}</h2>
        {scale && !scale.configured && <p className="muted">{t('scale.tech.none')}</p>}
        {scale?.configured && (
          <>
            <p>
              {t('scale.tech.protocol')}: {scale.protocol ? t(`scale.protocols.${scale.protocol}`) : ''}
            </p>
            <div className={`weigh-kg${reading?.stable ? ' stable' : ''}`} data-testid="scale-live">
              {reading?.grams != null ? kg(reading.grams) : '—'} kg
            </div>
            <div className="weigh-flags" style={{ justifyContent: 'flex-start' }}>
              <span data-testid="scale-stable" data-stable={reading?.stable ?? false} className={reading?.stable ? 'ok' : 'warn'}>
                {reading?.stable ? t('scale.weigh.stable') : reading && reading.state !== 'ok' && reading.state !== 'motion' ? t(`scale.weigh.state.${reading.state}`) : t('scale.weigh.unstable')}
              </span>
              {reading?.net && <span className="tag">{t('scale.weigh.net')}</span>}
            </div>
            <div className="weigh-buttons" style={{ justifyContent: 'flex-start' }}>
              <button type="button" data-testid="scale-zero" onClick={() => void command('zero')}>
                {t('scale.weigh.zero')}
              </button>
              <button type="button" data-testid="scale-tare" onClick={() => void command('tare')}>
                {t('scale.weigh.tare')}
              </button>
              <button type="button" onClick={() => void command('clearTare')}>
                {t('scale.weigh.clearTare')}
              </button>
            </div>
          </>
        )}
      </div>
      <div>
        <h2>{t('scale.tech.frames')}</h2>
        <table className="devices-table" data-testid="scale-frames">
          <thead>
            <tr>
              <th>{t('devices.monitor.time')}</th>
              <th>{t('scale.tech.hex')}</th>
              <th>{t('scale.tech.said')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((e) => (
              <tr key={e.seq} className={e.kind === 'dropped' ? 'dropped' : undefined} data-testid="scale-frame">
                <td className="mono">{time(e.at)}</td>
                <td className="mono hex">{e.hex}</td>
                <td className="mono">
                  {e.kind === 'dropped'
                    ? t(`scale.tech.dropped.${e.reason ?? 'bad_frame'}`)
                    : [e.grams !== null ? `${kg(e.grams)} kg` : '', e.net ? t('scale.weigh.net') : '', e.condition && e.condition !== 'ok' ? t(`scale.tech.condition.${e.condition}`) : '']
                        .filter(Boolean)
                        .join(' · ')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

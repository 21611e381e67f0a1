import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { HeldScan } from '../../../src-common/calls/scan';
import type { ApiError } from '../../../src-common/errors';
import { usePos } from '../../api/context';

const SHOWN = 5;

/**
 * Scans made while no till screen was open (price checks while nobody was signed in, say): the core holds them
 * briefly and never puts them on a sale by itself. Offered here at the selling step; the cashier adds them to the
 * sale (Alt+A) or discards them (Alt+D). Each added one comes back as a `scan.outcome`, like any scan.
 */
export function HeldScansBanner({ active, onError }: { active: boolean; onError: (error: ApiError) => void }) {
  const pos = usePos();
  const { t } = useTranslation();
  const [held, setHeld] = useState<HeldScan[]>([]);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void pos.call('scan.held', {}).then((r) => r.ok && setHeld(r.value));
    return pos.on('scan.heldChanged', ({ scans }) => setHeld(scans));
  }, [pos]);

  const take = async (action: 'add' | 'discard') => {
    if (busy || !held.length) return;
    setBusy(true);
    const r = await pos.call('scan.takeHeld', { action, ids: held.map((h) => h.id) });
    setBusy(false);
    if (!r.ok) return onError(r.error);
    // The list as it is now (another screen may have taken some meanwhile).
    const now = await pos.call('scan.held', {});
    if (now.ok) setHeld(now.value);
  };

  const visible = active && held.length > 0;
  useEffect(() => {
    if (!visible) return;
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey) return;
      const key = e.key.toLowerCase();
      if (key !== 'a' && key !== 'd') return;
      e.preventDefault();
      void take(key === 'a' ? 'add' : 'discard');
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  if (!visible) return null;
  const time = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return (
    <div className="held-scans" role="alert" data-testid="held-scans">
      <div className="held-scans-text">
        <strong>{t('cashier.held.title', { count: held.length })}</strong>
        <ul>
          {held.slice(0, SHOWN).map((h) => (
            <li key={h.id}>
              <code>{h.code}</code> <span className="muted">{time(h.heldAt)}</span>
            </li>
          ))}
          {held.length > SHOWN && <li className="muted">{t('cashier.held.more', { count: held.length - SHOWN })}</li>}
        </ul>
      </div>
      <button type="button" disabled={busy} onClick={() => void take('add')} data-testid="held-scans-add">
        <kbd>Alt+A</kbd> {t('cashier.held.add')}
      </button>
      <button type="button" disabled={busy} onClick={() => void take('discard')} data-testid="held-scans-discard">
        <kbd>Alt+D</kbd> {t('cashier.held.discard')}
      </button>
    </div>
  );
}

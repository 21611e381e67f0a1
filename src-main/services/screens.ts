/**
 * Which screens are open and what each is doing, as the core needs it to route a scan: every connection (a
 * WebSocket, an Electron window) is registered with its session, and a screen reports its step.
 */
import type { Session } from '../../src-common/roles';
import type { KioskStep, Surface, TillStep } from '../../src-common/surface';
import type { ScreenReport } from '../../src-common/calls/scan';

export type OpenScreen =
  /** partAmount: the part of the sale a payment code scanned at this till's pay step is for (all still due when absent). */
  | { session: Session; surface: 'till'; step: Exclude<TillStep, 'elsewhere' | 'monitor'>; partAmount?: number }
  | { session: Session; surface: 'kiosk'; step: KioskStep };

export interface ScreenRegistry {
  /** A connection opened; the returned function is called when it closes. */
  connect(session: Session): () => void;
  report(session: Session, report: ScreenReport): void;
  /** The screen a device scan for this surface goes to: the one that reported last; null when none is open. */
  active(surface: Surface): OpenScreen | null;
  /** The screen this session is, when it is an open one of its surface. */
  screenOf(session: Session): OpenScreen | null;
  /** Whether a technician's scanner monitor is open (scans are being tested, not sold). */
  monitoring(): boolean;
  /** Whether a session is one of the surface's screens (connected, that surface's role); open or not. */
  serves(session: Session, surface: Surface): boolean;
  /** Called each time an open screen reports what it is doing (a screen opening, or one back at its till). */
  onReport(listener: (screen: OpenScreen) => void): () => void;
}

const STAFF = new Set(['cashier', 'owner', 'technician']);

export function createScreenRegistry(): ScreenRegistry {
  /** Connected sessions in the order they last reported (most recent last), with what they reported. */
  const connected = new Map<Session, { till: TillStep | null; kiosk: KioskStep | null; seq: number; partAmount?: number | undefined }>();
  const listeners = new Set<(screen: OpenScreen) => void>();
  let seq = 0;

  function screenOf(session: Session): OpenScreen | null {
    const entry = connected.get(session);
    if (!entry) return null;
    const role = session.caller.role;
    // A screen is open once it has said what it is doing: a kiosk session (from kiosk.begin on) its kiosk step, a
    // staff session its till step (and not a workspace other than the till).
    if (role === 'kiosk') return entry.kiosk ? { session, surface: 'kiosk', step: entry.kiosk } : null;
    if (role && STAFF.has(role) && entry.till && entry.till !== 'elsewhere' && entry.till !== 'monitor') {
      return { session, surface: 'till', step: entry.till, ...(entry.till === 'paying' && entry.partAmount !== undefined ? { partAmount: entry.partAmount } : {}) };
    }
    return null;
  }

  function active(surface: Surface): OpenScreen | null {
    let best: { screen: OpenScreen; seq: number } | null = null;
    for (const [session, entry] of connected) {
      const screen = screenOf(session);
      if (screen?.surface === surface && (!best || entry.seq > best.seq)) best = { screen, seq: entry.seq };
    }
    return best?.screen ?? null;
  }

  return {
    connect(session) {
      connected.set(session, { till: null, kiosk: null, seq: ++seq });
      return () => connected.delete(session);
    },
    report(session, report) {
      const entry = connected.get(session);
      if (!entry) {
        // Reported by a transport that does not register connections (an in-process caller): not a screen.
        return;
      }
      if (report.surface === 'till') {
        entry.till = report.step;
        entry.partAmount = report.partAmount;
      }
      else entry.kiosk = report.step;
      entry.seq = ++seq;
      const screen = screenOf(session);
      if (screen && screen.surface === report.surface) for (const listener of [...listeners]) listener(screen);
    },
    active,
    screenOf,
    monitoring: () => [...connected].some(([session, entry]) => entry.till === 'monitor' && session.caller.role === 'technician'),
    serves(session, surface) {
      const role = session.caller.role;
      if (!connected.has(session) || role === null) return false;
      return surface === 'kiosk' ? role === 'kiosk' : STAFF.has(role);
    },
    onReport(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

import { useEffect, useRef, useState } from 'react';

export interface IdleConfig {
  /** Without a touch or key for this long, ask whether anyone is still there. */
  readonly idleMs: number;
  /** How long the "still there?" question waits before giving up. */
  readonly promptMs: number;
}

export const DEFAULT_IDLE: IdleConfig = { idleMs: 60_000, promptMs: 15_000 };

/**
 * The kiosk's idle timer: after `idleMs` without a touch it asks; after `promptMs` more it calls `onTimeout`.
 * It runs only while `enabled` (never while a payment is in flight: the caller turns it off then).
 * Timers and Date only, so a test can drive it with a fake clock.
 */
export function useIdle(enabled: boolean, onTimeout: () => void, config: IdleConfig = DEFAULT_IDLE) {
  const [deadline, setDeadline] = useState<number | null>(null);
  const [now, setNow] = useState(() => Date.now());
  /** Bumped by `stay`: the timer starts over. */
  const [round, setRound] = useState(0);
  const timeout = useRef(onTimeout);
  useEffect(() => {
    timeout.current = onTimeout;
  });

  useEffect(() => {
    if (!enabled) return;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let prompting = false;
    const arm = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        prompting = true;
        setNow(Date.now());
        setDeadline(Date.now() + config.promptMs);
      }, config.idleMs);
    };
    // While the question is up, only its own buttons answer it.
    const activity = () => {
      if (!prompting) arm();
    };
    arm();
    const events = ['pointerdown', 'keydown', 'touchstart'] as const;
    for (const name of events) window.addEventListener(name, activity, true);
    return () => {
      if (timer) clearTimeout(timer);
      for (const name of events) window.removeEventListener(name, activity, true);
      setDeadline(null);
    };
  }, [enabled, round, config.idleMs, config.promptMs]);

  useEffect(() => {
    if (deadline === null) return;
    const tick = setInterval(() => {
      const at = Date.now();
      setNow(at);
      if (at >= deadline) {
        clearInterval(tick);
        setDeadline(null);
        timeout.current();
      }
    }, 250);
    return () => clearInterval(tick);
  }, [deadline]);

  return {
    prompting: deadline !== null,
    secondsLeft: deadline === null ? 0 : Math.max(0, Math.ceil((deadline - now) / 1000)),
    stay: () => setRound((r) => r + 1),
  };
}

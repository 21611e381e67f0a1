import { useEffect, useRef } from 'react';

/**
 * A kiosk page offers no browser features that lead away from it: no context menu, no text selection or
 * dragging, no print, save, open or find (the CSS sets user-select and touch-action; this catches the rest).
 * Zoom stays: a customer may pinch, Ctrl+wheel or Ctrl +/− to enlarge prices (WCAG 1.4.4).
 */
export function useLockdown() {
  useEffect(() => {
    const prevent = (e: Event) => e.preventDefault();
    const keys = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && ['p', 's', 'o', 'f'].includes(e.key.toLowerCase())) e.preventDefault();
    };
    document.addEventListener('contextmenu', prevent);
    document.addEventListener('selectstart', prevent);
    document.addEventListener('dragstart', prevent);
    window.addEventListener('keydown', keys, true);
    document.documentElement.classList.add('kiosk-locked');
    return () => {
      document.removeEventListener('contextmenu', prevent);
      document.removeEventListener('selectstart', prevent);
      document.removeEventListener('dragstart', prevent);
      window.removeEventListener('keydown', keys, true);
      document.documentElement.classList.remove('kiosk-locked');
    };
  }, []);
}

/** Five taps within three seconds (on the hidden corner), or Ctrl+Alt+K: the way out for a technician. */
export function useSecretGesture(onOpen: () => void) {
  const taps = useRef<number[]>([]);
  const open = useRef(onOpen);
  useEffect(() => {
    open.current = onOpen;
  });
  useEffect(() => {
    const keys = (e: KeyboardEvent) => {
      if (e.ctrlKey && e.altKey && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        open.current();
      }
    };
    window.addEventListener('keydown', keys, true);
    return () => window.removeEventListener('keydown', keys, true);
  }, []);
  return () => {
    const at = Date.now();
    taps.current = [...taps.current.filter((t) => at - t < 3000), at];
    if (taps.current.length >= 5) {
      taps.current = [];
      open.current();
    }
  };
}

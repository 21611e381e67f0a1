import { useEffect, useRef, type ReactNode } from 'react';
import { useDialogNotice } from './Notice';

/**
 * A modal dialog: Escape cancels, focus starts on the first field, the cashier screen waits behind it; the screen's
 * notice (an error) shows under its title while it is the innermost one open.
 */
export function Dialog({ title, onClose, children, testId, wide }: { title: string; onClose: () => void; children: ReactNode; testId?: string; wide?: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  const notice = useDialogNotice();
  useEffect(() => {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const node = ref.current;
    const first = node?.querySelector<HTMLElement>('input, select, button[data-autofocus], button');
    first?.focus();
    // Closed, it gives the focus back to where it was (the scan field, the button that opened it), unless something
    // else took it meanwhile.
    return () => {
      const lost = !document.activeElement || document.activeElement === document.body || node?.contains(document.activeElement);
      if (lost && previous?.isConnected) previous.focus();
    };
  }, []);
  return (
    <div className="dialog-backdrop" role="presentation">
      <div
        className={`dialog${wide ? ' wide' : ''}`}
        role="dialog"
        aria-modal="true"
        aria-label={title}
        data-testid={testId}
        ref={ref}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            onClose();
          }
        }}
      >
        <h2>{title}</h2>
        {notice}
        {children}
      </div>
    </div>
  );
}

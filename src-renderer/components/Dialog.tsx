import { useEffect, useRef, type ReactNode, type RefObject } from 'react';
import { useDialogNotice } from './Notice';

/**
 * A modal dialog: Escape cancels, focus starts on the first field, the cashier screen waits behind it; the screen's
 * notice (an error) shows under its title while it is the innermost one open.
 *
 * `returnFocusTo`: the control that opened it, where the focus goes back when it closes. Without it, the focus goes
 * back to what had it when the dialog opened; a dialog opened by a click needs it on the cashier screen, whose scan
 * field takes the focus back from a button pressed with the mouse (at mousedown, before the click opens the dialog).
 */
export function Dialog({
  title,
  onClose,
  children,
  testId,
  wide,
  returnFocusTo,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  testId?: string;
  wide?: boolean;
  returnFocusTo?: RefObject<HTMLElement | null>;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const notice = useDialogNotice();
  useEffect(() => {
    const active = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const previous = returnFocusTo?.current ?? active;
    const node = ref.current;
    const first = node?.querySelector<HTMLElement>('input, select, button[data-autofocus], button');
    first?.focus();
    // Closed, it gives the focus back to where it was (the scan field, the button that opened it), unless something
    // else took it meanwhile.
    return () => {
      const lost = !document.activeElement || document.activeElement === document.body || node?.contains(document.activeElement);
      if (lost && previous?.isConnected) previous.focus();
    };
    // Once, when it opens: the opener given then.
    // eslint-disable-next-line react-hooks/exhaustive-deps
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

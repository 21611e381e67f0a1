import { createContext, useContext, useEffect, useId, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../../src-common/errors';
import { errorKey } from '../i18n';

/** A message for the cashier: an API error (translated by code) or a ready-made text. */
export type Notice = { code: ApiError['code']; text?: string };

interface NoticeState {
  notice: Notice | null;
  clear: () => void;
  /** The open dialogs, innermost last: a notice shows in the innermost, where the cashier is looking. */
  dialogs: readonly string[];
  setDialogs: (update: (dialogs: readonly string[]) => readonly string[]) => void;
}

const NoticeContext = createContext<NoticeState>({ notice: null, clear: () => undefined, dialogs: [], setDialogs: () => undefined });

/** Holds the screen's one notice and knows which dialogs are open. */
export function NoticeProvider({ notice, clear, children }: { notice: Notice | null; clear: () => void; children: ReactNode }) {
  const [dialogs, setDialogs] = useState<readonly string[]>([]);
  return <NoticeContext.Provider value={{ notice, clear, dialogs, setDialogs }}>{children}</NoticeContext.Provider>;
}

function NoticeText({ notice, clear }: { notice: Notice; clear: () => void }) {
  const { t } = useTranslation();
  return (
    <>
      <span>{notice.text ?? t(errorKey(notice.code))}</span>
      <button type="button" onClick={clear} aria-label={t('dialog.close')}>
        ×
      </button>
    </>
  );
}

/** The screen-level notice, over the content (it never pushes the layout down); inside a dialog while one is open. */
export function NoticeBanner() {
  const { notice, clear, dialogs } = useContext(NoticeContext);
  if (!notice || dialogs.length > 0) return null;
  return (
    <div className="error-banner" role="alert" data-testid="error" data-code={notice.code}>
      <NoticeText notice={notice} clear={clear} />
    </div>
  );
}

/** For Dialog: registers it as open, and renders the notice when it is the innermost one. */
export function useDialogNotice(): ReactNode {
  const id = useId();
  const { notice, clear, dialogs, setDialogs } = useContext(NoticeContext);
  useEffect(() => {
    setDialogs((open) => [...open, id]);
    return () => setDialogs((open) => open.filter((d) => d !== id));
  }, [id, setDialogs]);
  if (!notice || dialogs.at(-1) !== id) return null;
  return (
    <div className="dialog-error" role="alert" data-testid="error" data-code={notice.code}>
      <NoticeText notice={notice} clear={clear} />
    </div>
  );
}

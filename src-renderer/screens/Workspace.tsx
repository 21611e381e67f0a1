import { useState, type ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import { ScreenTitle } from '../components/ScreenTitle';
import type { PanelProps } from './panel';

export interface WorkspaceTab {
  readonly id: string;
  /** i18n key of the tab's label. */
  readonly label: string;
  readonly Panel: ComponentType<PanelProps>;
}

/** A back office: a row of tabs and the chosen panel (owner, technician); `title` is the i18n key of its name. */
export function Workspace({ tabs, testId, title, ...props }: PanelProps & { tabs: readonly WorkspaceTab[]; testId: string; title: string }) {
  const { t } = useTranslation();
  const [active, setActive] = useState(tabs[0]!.id);
  const tab = tabs.find((x) => x.id === active) ?? tabs[0]!;
  return (
    <main className="workspace" data-testid={testId}>
      <ScreenTitle>{`${t(title)} · ${t(tab.label)}`}</ScreenTitle>
      <nav className="workspace-tabs" role="tablist">
        {tabs.map((x) => (
          <button key={x.id} type="button" role="tab" aria-selected={x.id === tab.id} data-testid={`tab-${x.id}`} onClick={() => setActive(x.id)}>
            {t(x.label)}
          </button>
        ))}
      </nav>
      <div className="workspace-body" role="tabpanel">
        <tab.Panel {...props} />
      </div>
    </main>
  );
}

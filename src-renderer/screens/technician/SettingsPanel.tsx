import type { PanelProps } from '../panel';

export function SettingsPanel(_props: PanelProps) {
  return <section className="panel" data-testid="settings-panel" />;
}

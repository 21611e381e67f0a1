import type { PanelProps } from '../panel';

export function DiagnosticsPanel(_props: PanelProps) {
  return <section className="panel" data-testid="diagnostics-panel" />;
}

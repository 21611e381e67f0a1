import type { PanelProps } from '../panel';

export function ReconciliationPanel(_props: PanelProps) {
  return <section className="panel" data-testid="reconciliation-panel" />;
}

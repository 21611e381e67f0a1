import type { PanelProps } from '../panel';

export function ReportsPanel(_props: PanelProps) {
  return <section className="panel" data-testid="reports-panel" />;
}

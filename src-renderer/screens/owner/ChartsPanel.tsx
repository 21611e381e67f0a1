import type { PanelProps } from '../panel';

export function ChartsPanel(_props: PanelProps) {
  return <section className="panel" data-testid="charts-panel" />;
}

import type { PanelProps } from '../panel';

export function HistoryPanel(_props: PanelProps) {
  return <section className="panel" data-testid="history-panel" />;
}

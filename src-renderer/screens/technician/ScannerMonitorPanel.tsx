import type { PanelProps } from '../panel';

export function ScannerMonitorPanel(_props: PanelProps) {
  return <section className="panel" data-testid="scanner-monitor-panel" />;
}

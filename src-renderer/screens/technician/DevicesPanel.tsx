import type { PanelProps } from '../panel';

export function DevicesPanel(_props: PanelProps) {
  return <section className="panel" data-testid="devices-panel" />;
}

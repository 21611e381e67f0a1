import type { PanelProps } from '../panel';

export function ExportPanel(_props: PanelProps) {
  return <section className="panel" data-testid="export-panel" />;
}

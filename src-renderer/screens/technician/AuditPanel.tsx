import type { PanelProps } from '../panel';

export function AuditPanel(_props: PanelProps) {
  return <section className="panel" data-testid="audit-panel" />;
}

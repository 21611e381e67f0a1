import type { PanelProps } from '../panel';

export function UsersPanel(_props: PanelProps) {
  return <section className="panel" data-testid="users-panel" />;
}

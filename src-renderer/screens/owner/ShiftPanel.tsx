import type { PanelProps } from '../panel';

export function ShiftPanel(_props: PanelProps) {
  return <section className="panel" data-testid="shift-panel" />;
}

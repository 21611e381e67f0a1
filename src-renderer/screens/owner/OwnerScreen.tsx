import type { PanelProps } from '../panel';
import { Workspace, type WorkspaceTab } from '../Workspace';
import { ChartsPanel } from './ChartsPanel';
import { ExportPanel } from './ExportPanel';
import { HistoryPanel } from './HistoryPanel';
import { ReconciliationPanel } from './ReconciliationPanel';
import { ReportsPanel } from './ReportsPanel';
import { ShiftPanel } from './ShiftPanel';
import '../../styles/owner.css';

const tabs: readonly WorkspaceTab[] = [
  { id: 'shift', label: 'workspace.owner.shift', Panel: ShiftPanel },
  { id: 'reports', label: 'workspace.owner.reports', Panel: ReportsPanel },
  { id: 'history', label: 'workspace.owner.history', Panel: HistoryPanel },
  { id: 'reconciliation', label: 'workspace.owner.reconciliation', Panel: ReconciliationPanel },
  { id: 'charts', label: 'workspace.owner.charts', Panel: ChartsPanel },
  { id: 'export', label: 'workspace.owner.export', Panel: ExportPanel },
];

/** The owner's back office. */
export function OwnerScreen(props: PanelProps) {
  return <Workspace tabs={tabs} testId="owner-screen" {...props} />;
}

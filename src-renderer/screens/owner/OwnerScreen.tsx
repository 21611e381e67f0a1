import type { PanelProps } from '../panel';
import { Workspace, type WorkspaceTab } from '../Workspace';
import { ChartsPanel } from './ChartsPanel';
import { ExportPanel } from './ExportPanel';
import { HistoryPanel } from './HistoryPanel';
import { ReconciliationPanel } from './ReconciliationPanel';
import { PromotionsPanel } from './PromotionsPanel';
import { ReportsPanel } from './ReportsPanel';
import { ProductsPanel } from './ProductsPanel';
import { ShiftPanel } from './ShiftPanel';
import { StockPanel } from './StockPanel';
import { TodayPanel } from './TodayPanel';
import { MembersPanel } from './MembersPanel';
import { SettingsPanel } from '../technician/SettingsPanel';
import { UsersPanel } from '../technician/UsersPanel';
import '../../styles/owner.css';

const tabs: readonly WorkspaceTab[] = [
  // The back office opens on the day at a glance; the shift form is one tab further.
  { id: 'today', label: 'today.tab', Panel: TodayPanel },
  { id: 'shift', label: 'workspace.owner.shift', Panel: ShiftPanel },
  { id: 'reports', label: 'workspace.owner.reports', Panel: ReportsPanel },
  { id: 'history', label: 'workspace.owner.history', Panel: HistoryPanel },
  { id: 'reconciliation', label: 'workspace.owner.reconciliation', Panel: ReconciliationPanel },
  { id: 'charts', label: 'workspace.owner.charts', Panel: ChartsPanel },
  { id: 'export', label: 'workspace.owner.export', Panel: ExportPanel },
  { id: 'products', label: 'products.tab', Panel: ProductsPanel },
  { id: 'members', label: 'members.panel.tab', Panel: MembersPanel },
  { id: 'stock', label: 'stock.tab', Panel: StockPanel },
  { id: 'promotions', label: 'promotions.tab', Panel: PromotionsPanel },
  // Owners manage cashiers and owners (main enforces it; technicians stay the technician console's).
  { id: 'staff', label: 'workspace.owner.staff', Panel: UsersPanel },
  // The store's identity and receipt text are the owner's to change (main enforces which fields).
  { id: 'settings', label: 'workspace.owner.settings', Panel: SettingsPanel },
];

const shiftTabs: readonly WorkspaceTab[] = [{ id: 'shift', label: 'workspace.owner.shift', Panel: ShiftPanel }];

/** The owner's back office. */
export function OwnerScreen(props: PanelProps) {
  return <Workspace tabs={tabs} testId="owner-screen" title="workspace.owner.title" {...props} />;
}

/** A cashier's own till: open the shift with a float, cash in and out, close with the counted cash. */
export function ShiftScreen(props: PanelProps) {
  return <Workspace tabs={shiftTabs} testId="shift-screen" title="workspace.shift" {...props} />;
}

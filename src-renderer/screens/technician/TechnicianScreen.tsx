import type { PanelProps } from '../panel';
import { Workspace, type WorkspaceTab } from '../Workspace';
import { AuditPanel } from './AuditPanel';
import { DevicesPanel } from './DevicesPanel';
import { DiagnosticsPanel } from './DiagnosticsPanel';
import { ScannerMonitorPanel } from './ScannerMonitorPanel';
import { ScalePanel } from './ScalePanel';
import { SettingsPanel } from './SettingsPanel';
import { SyncPanel } from './SyncPanel';
import { UsersPanel } from './UsersPanel';
import { PaymentRoutesPanel } from './PaymentRoutesPanel';

const tabs: readonly WorkspaceTab[] = [
  { id: 'devices', label: 'workspace.technician.devices', Panel: DevicesPanel },
  { id: 'scanner-monitor', label: 'workspace.technician.scannerMonitor', Panel: ScannerMonitorPanel },
  { id: 'settings', label: 'workspace.technician.settings', Panel: SettingsPanel },
  { id: 'users', label: 'workspace.technician.users', Panel: UsersPanel },
  { id: 'diagnostics', label: 'workspace.technician.diagnostics', Panel: DiagnosticsPanel },
  { id: 'audit', label: 'workspace.technician.audit', Panel: AuditPanel },
  { id: 'sync', label: 'sync.tab', Panel: SyncPanel },
  { id: 'scale', label: 'scale.tech.title', Panel: ScalePanel },
  { id: 'payment-routes', label: 'gateway.tab', Panel: PaymentRoutesPanel },
];

/** The technician's console: hardware, settings, users, diagnostics, audit. */
export function TechnicianScreen(props: PanelProps) {
  return <Workspace tabs={tabs} testId="technician-screen" title="workspace.technician.title" {...props} />;
}

/**
 * The back office's pages, in navigation order; the first the account may see is the landing page. Each area
 * adds its page here (one line) and keeps its code in pages/<Area>.tsx.
 */
import type { OfficePage } from './page';
import { DashboardPage } from './pages/DashboardPage';
import { ReportsPage } from './pages/ReportsPage';
import { StoresPage } from './pages/StoresPage';

export const officePages: readonly OfficePage[] = [
  { id: 'dashboard', labelKey: 'officeReports.nav.dashboard', Component: DashboardPage },
  { id: 'stores', labelKey: 'office.nav.stores', Component: StoresPage },
  { id: 'reports', labelKey: 'officeReports.nav.reports', Component: ReportsPage },
];

/**
 * The back office's pages, in navigation order; the first the account may see is the landing page. Each area
 * adds its page here (one line) and keeps its code in pages/<Area>.tsx.
 */
import type { OfficePage } from './page';
import { AccountsPage } from './pages/AccountsPage';
import { CatalogPage } from './pages/CatalogPage';
import { DashboardPage } from './pages/DashboardPage';
import { ReportsPage } from './pages/ReportsPage';
import { StaffPage } from './pages/StaffPage';
import { StockPage } from './pages/StockPage';
import { StoresPage } from './pages/StoresPage';
import { TerminalsPage } from './pages/TerminalsPage';

export const officePages: readonly OfficePage[] = [
  { id: 'dashboard', labelKey: 'officeReports.nav.dashboard', Component: DashboardPage },
  { id: 'reports', labelKey: 'officeReports.nav.reports', Component: ReportsPage },
  { id: 'catalog', labelKey: 'officeCatalog.nav', Component: CatalogPage },
  { id: 'stock', labelKey: 'officeStock.nav', Component: StockPage },
  { id: 'staff', labelKey: 'officeStaff.nav.staff', Component: StaffPage },
  { id: 'terminals', labelKey: 'officeStaff.nav.terminals', Component: TerminalsPage },
  { id: 'stores', labelKey: 'office.nav.stores', Component: StoresPage },
  { id: 'accounts', labelKey: 'officeStaff.nav.accounts', Component: AccountsPage },
];

/**
 * The back office's pages, in navigation order; the first the account may see is the landing page. Each area
 * adds its page here (one line) and keeps its code in pages/<Area>.tsx.
 */
import type { OfficePage } from './page';
import { StockPage } from './pages/StockPage';
import { StoresPage } from './pages/StoresPage';

export const officePages: readonly OfficePage[] = [
  { id: 'stores', labelKey: 'office.nav.stores', Component: StoresPage },
  { id: 'stock', labelKey: 'officeStock.nav', Component: StockPage },
];

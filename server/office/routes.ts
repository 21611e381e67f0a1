/**
 * Every back-office call, under /v1/office: one list per area. A call needs a signed-in session (cookie) unless
 * marked public; a call that changes anything also needs the `x-jiezhang-office: 1` header, which a page of
 * another site cannot send without CORS (which this server never allows): with SameSite=Strict, no CSRF.
 */
import { accountRoutes } from './areas/accounts';
import { catalogRoutes } from './areas/catalog';
import { dashboardRoutes } from './areas/dashboard';
import { reportRoutes } from './areas/reports';
import { sessionRoutes } from './areas/session';
import { staffRoutes } from './areas/staff';
import { stockRoutes } from './areas/stock';
import { storeRoutes } from './areas/stores';
import { terminalRoutes } from './areas/terminals';
import type { OfficeRoute } from './route';

export const officeRoutes: readonly OfficeRoute[] = [
  ...sessionRoutes,
  ...storeRoutes,
  ...dashboardRoutes,
  ...reportRoutes,
  ...catalogRoutes,
  ...stockRoutes,
  ...staffRoutes,
  ...terminalRoutes,
  ...accountRoutes,
];

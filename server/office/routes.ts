/**
 * Every back-office call, under /v1/office: one list per area. A call needs a signed-in session (cookie) unless
 * marked public; a call that changes anything also needs the `x-jiezhang-office: 1` header, which a page of
 * another site cannot send without CORS (which this server never allows): with SameSite=Strict, no CSRF.
 */
import { dashboardRoutes } from './areas/dashboard';
import { reportRoutes } from './areas/reports';
import { sessionRoutes } from './areas/session';
import { storeRoutes } from './areas/stores';
import type { OfficeRoute } from './route';

export const officeRoutes: readonly OfficeRoute[] = [...sessionRoutes, ...storeRoutes, ...dashboardRoutes, ...reportRoutes];

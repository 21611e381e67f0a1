/**
 * 收银机: a store's tills (name, app version, last contact, upload lag), one-time enrolment codes (the code is
 * answered once; the server keeps its hash), and revocation (the till's next call is refused). Reading needs any
 * role in the store; codes and revocation need the owner or the store's manager.
 */
import type { TerminalSummary } from '../../../src-common/office/terminals';
import { listTerminals, newEnrolmentCode, revokeTerminal } from '../../api/admin';
import { requireStore } from '../access';
import { OFFICE_ID, type OfficeRoute } from '../route';

interface TerminalRow {
  terminalId: string;
  name: string;
  appVersion: string;
  enrolledAt: Date;
  revokedAt: Date | null;
  lastContactAt: Date | null;
  lastUploadAt: Date | null;
  factsWaiting: number | null;
  lagSeconds: number | null;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

export const terminalRoutes: OfficeRoute[] = [
  {
    method: 'GET',
    path: new RegExp(`^/stores/${OFFICE_ID}/terminals$`),
    handler: async (ctx, r) => {
      const storeId = r.params[0]!;
      requireStore(r.user, storeId, 'read');
      const { terminals } = (await listTerminals(ctx.db, storeId)) as { terminals: TerminalRow[] };
      const list: TerminalSummary[] = terminals.map((t) => ({
        terminalId: t.terminalId,
        name: t.name,
        appVersion: t.appVersion,
        enrolledAt: t.enrolledAt.toISOString(),
        revokedAt: iso(t.revokedAt),
        lastContactAt: iso(t.lastContactAt),
        lastUploadAt: iso(t.lastUploadAt),
        factsWaiting: t.factsWaiting,
        lagSeconds: t.lagSeconds === null ? null : Math.round(t.lagSeconds),
      }));
      return { storeId, terminals: list };
    },
  },
  {
    method: 'POST',
    path: new RegExp(`^/stores/${OFFICE_ID}/enrolment-codes$`),
    status: 201,
    handler: async (ctx, r) => {
      const storeId = r.params[0]!;
      requireStore(r.user, storeId, 'write');
      return newEnrolmentCode(ctx.db, storeId);
    },
  },
  {
    method: 'POST',
    path: new RegExp(`^/stores/${OFFICE_ID}/terminals/${OFFICE_ID}/revoke$`),
    handler: async (ctx, r) => {
      const [storeId, terminalId] = [r.params[0]!, r.params[1]!];
      requireStore(r.user, storeId, 'write');
      const { revoked } = await revokeTerminal(ctx.db, storeId, terminalId);
      return { terminalId, revoked };
    },
  },
];

import type { CallName } from '../../src-common/contract';
import type { syncCalls } from '../../src-common/calls/sync';
import { PosError } from '../../src-common/errors';
import { SERVER_OWNED_SETTINGS } from '../sync/pull';
import type { SyncService } from '../sync/service';
import type { Area } from './context';

/** Store sync: enrolment with the store server and its state (issue 14). */
export function createSyncArea(sync: SyncService): Area<typeof syncCalls> {
  sync.start();
  return {
    handlers: {
      'sync.status': () => sync.status(),
      'sync.inspect': ({ serverUrl }) => sync.inspect(serverUrl),
      'sync.enrol': (input, session) => sync.enrol(input, session.caller),
      'sync.unenrol': (_input, session) => sync.unenrol(session.caller),
      'sync.now': () => sync.syncNow(),
      'sync.history': () => sync.history(),
    },
    close: () => sync.stop(),
  };
}

/** The till's own editors of what the store server owns: refused while the till is enrolled. */
const MANAGED_CALLS = [
  'catalog.importCsv',
  'catalog.save',
  'catalog.setActive',
  'catalog.addCategory',
  'catalog.renameCategory',
  'catalog.reorderCategories',
  'catalog.previewCsv',
  'users.create', 'users.rename', 'users.setRole', 'users.deactivate', 'users.resetPin', 'users.changeOwnPin',
  // Promotions and member prices come from the store server (issue 16).
  'promotions.save', 'promotions.end', 'promotions.setMemberPrice'] as const satisfies readonly CallName[];

export function managedByStoreServer(): PosError {
  return new PosError('forbidden', 'Managed by the store server: change it there', { reason: 'managed_by_store_server' });
}

/**
 * Wraps the handlers whose data comes down from the store server so they refuse while the till is enrolled; the
 * settings editor refuses only the fields the server owns.
 */
export function guardServerOwned<H extends object>(handlers: H, sync: Pick<SyncService, 'isEnrolled'>): H {
  const guarded = { ...handlers } as Record<string, unknown>;
  const owned = new Set<string>(SERVER_OWNED_SETTINGS);
  for (const name of MANAGED_CALLS) {
    const handler = guarded[name] as ((input: unknown, session: unknown) => unknown) | undefined;
    if (!handler) continue;
    guarded[name] = (input: unknown, session: unknown) => {
      if (sync.isEnrolled()) throw managedByStoreServer();
      return handler(input, session);
    };
  }
  const updateSettings = guarded['admin.updateSettings'] as ((input: unknown, session: unknown) => unknown) | undefined;
  if (updateSettings) {
    guarded['admin.updateSettings'] = (input: unknown, session: unknown) => {
      const keys = input && typeof input === 'object' ? Object.entries(input).filter(([, v]) => v !== undefined).map(([k]) => k) : [];
      if (sync.isEnrolled() && keys.some((k) => owned.has(k))) throw managedByStoreServer();
      return updateSettings(input, session);
    };
  }
  return guarded as H;
}

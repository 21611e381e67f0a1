import type { Database } from 'better-sqlite3';
import { newId } from '../../db/ids';
import type { TerminalStatus } from '../../src-common/contract';
import { ensureTerminal, readTerminal, recordStart, startSummary } from '../../db/queries/terminal';
import { schemaVersion } from '../../db/migrate';
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { CatalogService } from './catalog';
import type { SettingsService } from './settings';

export interface TerminalService {
  status(): TerminalStatus;
}

/** Gives the terminal its identity on first start and records every start. */
export function startTerminal(deps: {
  db: Database;
  clock: Clock;
  config: Config;
  appVersion: string;
  settings: SettingsService;
  catalog: Pick<CatalogService, 'count'>;
}): TerminalService {
  const { db, clock, config, appVersion, settings, catalog } = deps;
  const now = clock.now();
  db.transaction(() => {
    ensureTerminal(db, newId(now.getTime()), now.toISOString());
    recordStart(db, now.toISOString(), appVersion);
  })();

  return {
    status() {
      const terminal = readTerminal(db);
      const starts = startSummary(db);
      const current = settings.get();
      return {
        terminalId: terminal.terminal_id,
        createdAt: terminal.created_at,
        startCount: starts.count,
        lastStartedAt: starts.last ?? terminal.created_at,
        schemaVersion: schemaVersion(db),
        sqliteVersion: (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v,
        journalMode: db.pragma('journal_mode', { simple: true }) as string,
        appVersion,
        acquirerMode: config.acquirer.mode,
        storeName: current.storeName,
        currency: current.currency,
        products: catalog.count(),
      };
    },
  };
}

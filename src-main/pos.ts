import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { version as packageVersion } from '../package.json';
import { calls } from '../src-common/contract';
import { openDatabase } from '../db/open';
import { systemClock, type Clock } from './clock';
import type { Config } from './config';
import { createDispatcher, type Dispatcher, type HandlerMap } from './dispatch';
import { createEventBus, type EventBus } from './events';
import { openFileLogger, type FileLogger, type Logger } from './log';
import { createSettingsService } from './services/settings';
import { startTerminal } from './services/terminal';

export interface PosOptions {
  readonly dataDir: string;
  readonly config: Config;
  readonly clock?: Clock;
  readonly appVersion?: string;
  /** better-sqlite3 addon for a non-Node ABI (Electron). */
  readonly nativeBinding?: string;
}

export interface Pos extends Dispatcher {
  readonly events: EventBus;
  readonly log: Logger;
  readonly dataDir: string;
  readonly databasePath: string;
  readonly logFile: string;
  close(): Promise<void>;
}

export const DATABASE_FILE = 'pos.sqlite';

/**
 * The composition root: opens the database and the log, builds the services and the handler map.
 * Both transports (Electron IPC, the headless host) serve the object this returns.
 */
export async function createPos(options: PosOptions): Promise<Pos> {
  const { dataDir, config } = options;
  const clock = options.clock ?? systemClock;
  const appVersion = options.appVersion ?? packageVersion;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });

  const fileLogger: FileLogger = await openFileLogger({ dataDir, ...config.log });
  const log = fileLogger.logger;
  const databasePath = join(dataDir, DATABASE_FILE);
  let db: Database;
  try {
    db = openDatabase(databasePath, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  } catch (error) {
    log.fatal({ err: error, databasePath }, 'database could not be opened');
    await fileLogger.close();
    throw error;
  }

  const events = createEventBus((error) => log.error({ err: error }, 'event listener failed'));
  const settings = createSettingsService({ db, config, clock, events, log });
  const terminal = startTerminal({ db, clock, config, appVersion, settings });

  const handlers = {
    'terminal.status': () => terminal.status(),
    'settings.get': () => settings.get(),
    'settings.setLanguage': ({ language }) => settings.setLanguage(language),
  } satisfies HandlerMap<typeof calls>;

  const dispatcher = createDispatcher(calls, handlers, log);
  log.info({ dataDir, appVersion, terminalId: terminal.status().terminalId }, 'terminal started');

  let closed = false;
  return {
    ...dispatcher,
    events,
    log,
    dataDir,
    databasePath,
    logFile: fileLogger.file,
    async close() {
      if (closed) return;
      closed = true;
      log.info('terminal stopping');
      db.close();
      await fileLogger.close();
    },
  };
}

/**
 * The terminal's shared services and facts, as the composition root (pos.ts) builds them. No area gets all of
 * them: each names the few it uses (`Pick<CoreServices, …>`, e.g. OwnerAreaDeps), builds its own services from
 * those and returns its handlers, so what an area depends on is written at its top.
 */
import type { Database } from 'better-sqlite3';
import type { CallSpec } from '../../src-common/contract';
import type { DeviceManager } from '../../drivers/devices/manager';
import type { AcquirerPort } from '../acquirer/port';
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { HandlerMap } from '../dispatch';
import type { EventBus } from '../events';
import type { Logger } from '../log';
import type { AuditService } from '../services/audit';
import type { AuthService } from '../services/auth';
import type { CatalogService } from '../services/catalog';
import type { EnrolmentService } from '../services/enrolment';
import type { PaymentsService } from '../services/payments';
import type { RefundsService } from '../services/refunds';
import type { SalesService } from '../services/sales';
import type { SettingsService } from '../services/settings';
import type { StatementsService } from '../services/statements';
import type { TerminalService } from '../services/terminal';
import type { SqlWorkerClient } from '../worker/client';

export interface CoreServices {
  readonly dataDir: string;
  readonly databasePath: string;
  readonly logFile: string;
  readonly appVersion: string;
  readonly terminalId: string;
  readonly config: Config;
  readonly db: Database;
  readonly clock: Clock;
  readonly log: Logger;
  readonly events: EventBus;
  readonly audit: AuditService;
  readonly settings: SettingsService;
  readonly terminal: TerminalService;
  readonly catalog: CatalogService;
  readonly auth: AuthService;
  readonly sales: SalesService;
  readonly acquirer: AcquirerPort;
  /** True when the acquirer is the sandbox running inside this terminal. */
  readonly embeddedSandbox: boolean;
  readonly acquirerBaseUrl: string;
  readonly credentials: EnrolmentService['credentials'];
  readonly enrolment: EnrolmentService;
  readonly payments: PaymentsService;
  readonly refunds: RefundsService;
  readonly statements: StatementsService;
  readonly devices: DeviceManager;
  /** Heavy SQL and file work, off the core's event loop. */
  readonly sqlWorker: SqlWorkerClient;
}

/** One area of the API: its handlers, and what to stop when the terminal closes. */
export interface Area<C extends Record<string, CallSpec>> {
  readonly handlers: HandlerMap<C>;
  close?(): void | Promise<void>;
}

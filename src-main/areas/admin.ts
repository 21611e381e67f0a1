/**
 * The technician console's calls: settings, the acquirer address and enrolment, users and PINs,
 * diagnostics (logs, background jobs, database health, backup/restore, support bundle) and the audit log.
 */
import { access, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import type { adminCalls } from '../../src-common/calls/admin';
import { PosError } from '../../src-common/errors';
import type { Caller } from '../../src-common/roles';
import { acquirerBaseUrlProblem } from '../../src-common/acquirer-endpoint';
import { CONFIG_FILE, ConfigError, parseConfig, readConfig } from '../config';
import { hasPendingRestore, listBackups } from '../services/backup';
import { openJobCounts } from '../../db/queries/jobs';
import { jobsView } from '../jobs/view';
import { createUsersService } from '../services/users';
import type { Area, CoreServices } from './context';

const NETWORK_TEST_TIMEOUT_MS = 5000;

/** What the admin area uses of the terminal's services. */
export type AdminAreaDeps = Pick<CoreServices, 'dataDir' | 'logFile' | 'appVersion' | 'terminalId' | 'config' | 'db' | 'clock' | 'log' | 'audit' | 'settings' | 'terminal' | 'auth' | 'acquirer' | 'embeddedSandbox' | 'acquirerBaseUrl' | 'credentials' | 'enrolment' | 'devices' | 'sqlWorker'>;

export function createAdminArea(deps: AdminAreaDeps): Area<typeof adminCalls> {
  const { db, audit, settings, log } = deps;
  const users = createUsersService({ db, clock: deps.clock, log: log.child({ module: 'users' }), audit, auth: deps.auth });
  const actorOf = (caller: Caller): Caller => ({ role: caller.role, userId: caller.userId });
  const enrolment = () => deps.enrolment.status();

  const configPath = join(deps.dataDir, CONFIG_FILE);
  async function readRawConfig(): Promise<Record<string, unknown>> {
    let text: string;
    try {
      text = await readFile(configPath, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw error;
    }
    return JSON.parse(text) as Record<string, unknown>;
  }

  /**
   * Machine configuration changes (config.json) take effect at the next start: checked whole with the same
   * schema the start uses, written to a side file and renamed, so config.json is never half-written or invalid.
   */
  async function writeConfig(change: (raw: Record<string, unknown>) => Record<string, unknown>, field: string): Promise<void> {
    const next = change(await readRawConfig());
    try {
      parseConfig(next, CONFIG_FILE);
    } catch (error) {
      if (error instanceof ConfigError) throw new PosError('validation_failed', 'This does not fit the configuration', error.problems.map((p) => ({ path: field, message: p.message })));
      throw error;
    }
    const partial = `${configPath}.partial`;
    await writeFile(partial, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
    await rename(partial, configPath);
  }

  /** What the next start will use: config.json, or without one the configuration this start was given. */
  async function loadedConfig() {
    try {
      await access(configPath);
      return await readConfig(deps.dataDir);
    } catch {
      return deps.config; // None, or a broken config.json (reported at the next start).
    }
  }

  async function scaleLabel() {
    const configured = (await loadedConfig()).scaleLabel;
    return { active: deps.config.scaleLabel, configured, restartNeeded: JSON.stringify(configured) !== JSON.stringify(deps.config.scaleLabel) };
  }

  async function acquirerEndpoint() {
    const next = (await loadedConfig()).acquirer;
    const configured = next.baseUrl ?? null;
    const active = deps.embeddedSandbox ? null : deps.acquirerBaseUrl;
    return {
      mode: deps.config.acquirer.mode,
      embeddedSandbox: deps.embeddedSandbox,
      activeBaseUrl: deps.acquirerBaseUrl,
      configuredBaseUrl: configured,
      configuredMode: next.mode,
      restartNeeded: configured !== active || next.mode !== deps.config.acquirer.mode,
      vendorSn: next.vendorSn ?? null,
      appId: next.appId ?? null,
    };
  }

  return {
    handlers: {
      'admin.settings': async (_input, session) => ({
        settings: settings.get(),
        scaleLabel: await scaleLabel(),
        editable: settings.editableFields(session.caller.role),
        acquirer: await acquirerEndpoint(),
        enrolment: enrolment(),
      }),
      'admin.updateSettings': (patch, session) => settings.update(patch, actorOf(session.caller)),

      'admin.setAcquirerEndpoint': async ({ mode, baseUrl }, session) => {
        const before = await acquirerEndpoint();
        const nextMode = mode ?? before.configuredMode;
        // Live money goes over https only; plain http is for a sandbox (the same rule config.json is held to).
        const problem = acquirerBaseUrlProblem(nextMode, baseUrl);
        if (problem) throw new PosError('validation_failed', 'This address cannot be used for this mode', [{ path: 'baseUrl', message: problem }]);
        await writeConfig((raw) => {
          const acquirer: Record<string, unknown> = { ...((raw.acquirer as Record<string, unknown> | undefined) ?? {}), mode: nextMode };
          if (baseUrl) acquirer.baseUrl = baseUrl;
          else delete acquirer.baseUrl;
          return { ...raw, acquirer };
        }, 'baseUrl');
        audit.record({
          actor: actorOf(session.caller),
          action: 'admin.setAcquirerEndpoint',
          subject: 'acquirer.baseUrl',
          details: { from: before.configuredBaseUrl, to: baseUrl, ...(nextMode !== before.configuredMode ? { mode: { from: before.configuredMode, to: nextMode } } : {}) },
        });
        log.info({ from: before.configuredBaseUrl, to: baseUrl, mode: nextMode }, 'acquirer address changed for the next start');
        return acquirerEndpoint();
      },

      'admin.setScaleLabel': async ({ layout }, session) => {
        const before = (await scaleLabel()).configured;
        await writeConfig((raw) => ({ ...raw, scaleLabel: layout }), 'layout');
        audit.record({ actor: actorOf(session.caller), action: 'admin.setScaleLabel', subject: 'scaleLabel', details: { from: before, to: layout } });
        return scaleLabel();
      },

      'admin.enrol': (input, session) => deps.enrolment.enrol(input, actorOf(session.caller)),

      'admin.networkTest': async () => {
        const baseUrl = deps.acquirerBaseUrl;
        const started = performance.now();
        let reachable = false;
        let httpStatus: number | null = null;
        let error: string | null = null;
        try {
          const response = await fetch(baseUrl, { method: 'GET', signal: AbortSignal.timeout(NETWORK_TEST_TIMEOUT_MS) });
          await response.body?.cancel();
          reachable = true;
          httpStatus = response.status;
        } catch (e) {
          error = (e as Error).name === 'TimeoutError' ? `no answer in ${NETWORK_TEST_TIMEOUT_MS} ms` : String((e as Error & { cause?: Error }).cause?.message ?? (e as Error).message);
        }
        const latencyMs = reachable ? Math.round(performance.now() - started) : null;
        let signed = null;
        if (reachable && enrolment().enrolled) {
          const t0 = performance.now();
          try {
            const creds = await deps.credentials();
            // An order number that cannot exist: the acquirer answers "not found", signed with our key.
            const outcome = await deps.acquirer.query(creds, `NETTEST${randomBytes(6).toString('hex')}`);
            signed = { ok: outcome.kind !== 'unknown', outcome: outcome.kind === 'unknown' ? `unknown: ${outcome.reason}` : outcome.kind, latencyMs: Math.round(performance.now() - t0) };
          } catch (e) {
            signed = { ok: false, outcome: (e as Error).message.slice(0, 200), latencyMs: Math.round(performance.now() - t0) };
          }
        }
        return { baseUrl, reachable, latencyMs, httpStatus, error, signed };
      },

      'users.list': () => users.list(),
      'users.create': (input, session) => users.create(input, actorOf(session.caller)),
      'users.rename': ({ userId, name }, session) => users.rename(userId, name, actorOf(session.caller)),
      'users.setRole': ({ userId, role }, session) => users.setRole(userId, role, actorOf(session.caller)),
      'users.deactivate': ({ userId }, session) => users.deactivate(userId, actorOf(session.caller)),
      'users.resetPin': ({ userId, pin }, session) => users.resetPin(userId, pin, actorOf(session.caller)),
      'users.unlock': ({ userId }, session) => users.unlock(userId, actorOf(session.caller)),
      'users.changeOwnPin': async ({ currentPin, newPin }, session) => {
        await users.changeOwnPin(currentPin, newPin, actorOf(session.caller));
        return null;
      },
      'users.self': (_input, session) => ({ mustChangePin: users.mustChangePin(session.caller) }),

      // The heavy ones run in the SQL worker (src-main/worker/): the core keeps serving scans and calls.
      'diagnostics.logs': (query) => deps.sqlWorker.run('logs.read', { logFile: deps.logFile, query }, { label: 'logs' }),
      'diagnostics.jobs': ({ limit }) => jobsView(db, limit),
      'diagnostics.database': ({ full }) =>
        deps.sqlWorker.run('database.health', { full: full ?? false }, { label: full ? 'database.full_check' : 'database.fast_check' }),
      'diagnostics.backup': async (_input, session) => {
        const file = await deps.sqlWorker.run('backup.create', { dataDir: deps.dataDir, now: deps.clock.now().toISOString() }, { label: 'backup' });
        audit.record({ actor: actorOf(session.caller), action: 'diagnostics.backup', subject: file.name, details: { bytes: file.bytes } });
        return file;
      },
      'diagnostics.backups': async () => ({ backups: await listBackups(deps.dataDir), pendingRestore: await hasPendingRestore(deps.dataDir) }),
      'diagnostics.restore': async ({ name }, session) => {
        // Who staged it goes with the staged file: the restored database records the restore at the next start.
        await deps.sqlWorker.run('restore.stage', { dataDir: deps.dataDir, name, actor: actorOf(session.caller), stagedAt: deps.clock.now().toISOString() }, { label: 'restore' });
        audit.record({ actor: actorOf(session.caller), action: 'diagnostics.restore', subject: name, details: { appliedAt: 'next start' } });
        log.warn({ backup: name }, 'restore staged: applied at the next start');
        return { staged: true as const, name, restartNeeded: true as const };
      },
      'diagnostics.supportBundle': async (_input, session) => {
        const { database: _database, ...bundle } = await deps.sqlWorker.run(
          'support.bundle',
          {
            dataDir: deps.dataDir,
            logFile: deps.logFile,
            config: deps.config,
            now: deps.clock.now().toISOString(),
            appVersion: deps.appVersion,
            // The database's health and the audit chain are checked in the worker and added there.
            reports: {
              terminal: deps.terminal.status(),
              devices: deps.devices.statuses(),
              openJobs: openJobCounts(db),
              enrolment: enrolment(),
            },
          },
          { label: 'support_bundle' },
        );
        audit.record({ actor: actorOf(session.caller), action: 'diagnostics.supportBundle', subject: bundle.path, details: { bytes: bundle.bytes } });
        return bundle;
      },

      'maintenance.status': () => deps.sqlWorker.status(),
      'maintenance.cancel': ({ operationId }) => ({ cancelling: deps.sqlWorker.cancel(operationId) }),

      'audit.list': (filter) => audit.list(filter),
      'audit.verify': () => deps.sqlWorker.run('audit.verify', {}, { label: 'audit.verify' }),
    },
  };
}

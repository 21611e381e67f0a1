/**
 * Device configuration in SQLite (the source of truth): each device's zod-validated configuration as JSON.
 * config.json's `devices` seeds the table once, on a terminal that never had a device configuration; after
 * that, the technician console owns it. Saving or removing a device is audited in the same transaction and
 * applied to the running device manager at once (no restart).
 */
import type { Database } from 'better-sqlite3';
import { DeviceConfig, DevicesConfig } from '../../src-common/calls/devices';
import { describeIssues, PosError } from '../../src-common/errors';
import type { Session } from '../../src-common/roles';
import { deleteDeviceRow, deviceSetupDone, listDeviceRows, markDeviceSetup, upsertDeviceRow } from '../../db/queries/devices';
import { parseSerialOptions } from '../../drivers/transport/serial';
import { TransportError } from '../../drivers/transport/transport';
import type { Clock } from '../clock';
import type { Logger } from '../log';
import type { AuditService } from './audit';

export interface DeviceConfigStore {
  /** The configured devices, in the order they were added. Rows that no longer validate are skipped (logged). */
  list(): DeviceConfig[];
  /** Seeds from config.json when this terminal never had a device configuration; returns how many were seeded. */
  seedIfNeverConfigured(devices: readonly DeviceConfig[]): number;
}

export function createDeviceConfigStore(deps: { db: Database; clock: Clock; log: Logger; audit?: AuditService }): DeviceConfigStore {
  const { db, clock, log, audit } = deps;
  return {
    list() {
      const out: DeviceConfig[] = [];
      for (const row of listDeviceRows(db)) {
        const parsed = DeviceConfig.safeParse(JSON.parse(row.config));
        if (parsed.success) out.push(parsed.data);
        else log.error({ device: row.id, issues: describeIssues(parsed.error.issues) }, 'stored device configuration is invalid; device skipped');
      }
      return out;
    },
    seedIfNeverConfigured: db.transaction((devices: readonly DeviceConfig[]) => {
      // An empty config.json list marks nothing: a later config.json with devices still seeds.
      if (deviceSetupDone(db) || devices.length === 0) return 0;
      const at = clock.now().toISOString();
      for (const device of devices) upsertDeviceRow(db, { id: device.id, role: device.role, config: JSON.stringify(device), updated_at: at });
      markDeviceSetup(db, 'config.json', at);
      audit?.record({ actor: null, action: 'devices.seed', subject: 'config.json', details: { devices: devices.map((d) => d.id) } });
      return devices.length;
    }),
  };
}

export interface DeviceConfigService {
  list(): DeviceConfig[];
  get(id: string): DeviceConfig;
  save(device: DeviceConfig, session: Session): Promise<DeviceConfig[]>;
  remove(id: string, session: Session): Promise<DeviceConfig[]>;
}

/** Checks what zod cannot see: options this platform refuses (mark/space parity off Windows). */
function checkPlatform(device: DeviceConfig): void {
  if (device.transport.kind !== 'serial') return;
  try {
    const { kind: _kind, ...serial } = device.transport;
    parseSerialOptions(serial);
  } catch (error) {
    if (error instanceof TransportError) {
      const issues = (error.details as { path: string; message: string }[] | undefined) ?? [];
      throw new PosError('validation_failed', error.message, issues.map((i) => ({ path: `device.transport.${i.path}`, message: i.message })));
    }
    throw error;
  }
}

export function createDeviceConfigService(deps: {
  db: Database;
  clock: Clock;
  audit: AuditService;
  store: DeviceConfigStore;
  apply: (devices: DeviceConfig[]) => Promise<void>;
}): DeviceConfigService {
  const { db, clock, audit, store, apply } = deps;

  /** Validates the whole list as it would be after the change, so nothing invalid is ever stored. */
  function validateList(devices: DeviceConfig[]): void {
    const parsed = DevicesConfig.safeParse(devices);
    if (!parsed.success) {
      const issues = describeIssues(parsed.error.issues).map((i) => ({ ...i, path: `device.${i.path.split('.').slice(1).join('.')}` }));
      throw new PosError('validation_failed', issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues);
    }
  }

  return {
    list: () => store.list(),
    get(id) {
      const found = store.list().find((d) => d.id === id);
      if (!found) throw new PosError('not_found', `No device ${id} is configured`, { reason: 'no_device' });
      return found;
    },
    async save(device, session) {
      checkPlatform(device);
      const current = store.list();
      const before = current.find((d) => d.id === device.id) ?? null;
      validateList(before ? current.map((d) => (d.id === device.id ? device : d)) : [...current, device]);
      db.transaction(() => {
        const at = clock.now().toISOString();
        upsertDeviceRow(db, { id: device.id, role: device.role, config: JSON.stringify(device), updated_at: at });
        markDeviceSetup(db, 'technician', at);
        audit.record({ actor: session.caller, action: 'devices.save', subject: device.id, details: { before, after: device } });
      })();
      const list = store.list();
      await apply(list);
      return list;
    },
    async remove(id, session) {
      const before = store.list().find((d) => d.id === id);
      if (!before) throw new PosError('not_found', `No device ${id} is configured`, { reason: 'no_device' });
      db.transaction(() => {
        deleteDeviceRow(db, id);
        markDeviceSetup(db, 'technician', clock.now().toISOString());
        audit.record({ actor: session.caller, action: 'devices.remove', subject: id, details: { before } });
      })();
      const list = store.list();
      await apply(list);
      return list;
    },
  };
}

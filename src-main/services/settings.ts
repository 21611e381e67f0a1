import type { Database } from 'better-sqlite3';
import { OWNER_SETTING_FIELDS, SettingsPatch, type SettingField } from '../../src-common/calls/admin';
import { Settings, type Language } from '../../src-common/contract';
import { DEFAULT_LOW_STOCK_THRESHOLD, DEFAULT_MEMBER_POINTS } from '../../src-common/schemas';
import { describeIssues, PosError } from '../../src-common/errors';
import type { Caller } from '../../src-common/roles';
import { readSettingValues, writeSettingValue } from '../../db/queries/settings';
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { EventBus } from '../events';
import type { Logger } from '../log';
import { createAuditService, type AuditService } from './audit';

export interface SettingsService {
  get(): Settings;
  setLanguage(language: Language): Settings;
  /** The fields a role may change (the owner: the shop's own fields; the technician: all). */
  editableFields(role: Caller['role']): SettingField[];
  /**
   * Validates the whole patch first (one bad field saves nothing), then writes the changed fields and one
   * audit row per field with its old and new value, in one transaction.
   */
  update(patch: unknown, actor: Caller): { settings: Settings; changed: SettingField[] };
  /** Reads the stored settings again after they were written by other means (a store-server pull), and says so. */
  reload(): Settings;
}

const ALL_FIELDS = Object.keys(SettingsPatch.shape) as SettingField[];

export function createSettingsService(deps: {
  db: Database;
  config: Config;
  clock: Clock;
  events: EventBus;
  log: Logger;
  /** Defaults to an audit service on the same database (it keeps no state of its own). */
  audit?: AuditService;
}): SettingsService {
  const { db, config, clock, events, log } = deps;
  const audit = deps.audit ?? createAuditService({ db, clock });
  const defaults: Settings = {
    language: config.defaultLanguage,
    receiptLanguage: config.defaultLanguage,
    storeName: config.storeName,
    storeAddress: config.storeAddress,
    taxId: config.taxId,
    currency: config.currency,
    cashRounding: config.cashRounding,
    receiptHeader: config.receiptHeader,
    receiptFooter: config.receiptFooter,
    taxRates: config.taxRates,
    kioskMode: config.kioskMode,
    timeZone: config.timeZone,
    businessDayTurnsAtHour: config.businessDayTurnsAtHour,
    tillName: '',
    lowStockThreshold: DEFAULT_LOW_STOCK_THRESHOLD,
    memberPoints: DEFAULT_MEMBER_POINTS,
    oversell: 'warn',
  };

  // Read on every scan (currency, rounding): kept in memory, refreshed when written.
  let cached: Settings | null = null;

  function get(): Settings {
    cached ??= read();
    return cached;
  }

  function read(): Settings {
    const stored = Object.fromEntries(readSettingValues(db));
    const parsed = Settings.safeParse({ ...defaults, ...stored });
    if (parsed.success) return parsed.data;
    // A bad stored value must not stop the till: fall back per field and say so.
    log.warn({ issues: parsed.error.issues.map((i) => i.path.join('.')) }, 'stored settings invalid; using defaults for those fields');
    const merged: Record<string, unknown> = { ...defaults };
    for (const [key, value] of Object.entries(stored)) {
      const field = Settings.shape[key as keyof Settings];
      if (field && field.safeParse(value).success) merged[key] = value;
    }
    return Settings.parse(merged);
  }

  const editableFields = (role: Caller['role']): SettingField[] =>
    role === 'technician' ? [...ALL_FIELDS] : role === 'owner' ? [...OWNER_SETTING_FIELDS] : [];

  const changedSettings = () => {
    cached = null;
    const settings = get();
    events.emit('settings.changed', settings);
    return settings;
  };

  return {
    get,
    setLanguage(language) {
      writeSettingValue(db, 'language', language, clock.now().toISOString());
      return changedSettings();
    },
    editableFields,
    reload: changedSettings,
    update(patch, actor) {
      const parsed = SettingsPatch.safeParse(patch);
      if (!parsed.success) {
        throw new PosError('validation_failed', 'Invalid settings; nothing was saved', describeIssues(parsed.error.issues));
      }
      const allowed = new Set(editableFields(actor.role));
      const entries = Object.entries(parsed.data).filter(([, v]) => v !== undefined) as [SettingField, unknown][];
      const refused = entries.filter(([key]) => !allowed.has(key)).map(([key]) => key);
      if (refused.length) {
        throw new PosError('forbidden', `The ${String(actor.role)} role may not change: ${refused.join(', ')}`, { reason: 'setting_not_editable', fields: refused });
      }
      const current = get();
      const changed = entries.filter(([key, value]) => JSON.stringify(current[key]) !== JSON.stringify(value));
      if (changed.length === 0) return { settings: current, changed: [] };
      const now = clock.now().toISOString();
      db.transaction(() => {
        for (const [key, value] of changed) {
          writeSettingValue(db, key, value, now);
          // Settings hold no secrets (keys and activation codes live elsewhere), so old and new values are kept whole.
          audit.record({ actor, action: 'settings.update', subject: key, details: { from: current[key], to: value } });
        }
      })();
      log.info({ fields: changed.map(([key]) => key), by: actor.userId }, 'settings changed');
      return { settings: changedSettings(), changed: changed.map(([key]) => key) };
    },
  };
}

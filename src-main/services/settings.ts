import type { Database } from 'better-sqlite3';
import { Settings, type Language } from '../../src-common/contract';
import { readSettingValues, writeSettingValue } from '../../db/queries/settings';
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { EventBus } from '../events';
import type { Logger } from '../log';

export interface SettingsService {
  get(): Settings;
  setLanguage(language: Language): Settings;
}

export function createSettingsService(deps: { db: Database; config: Config; clock: Clock; events: EventBus; log: Logger }): SettingsService {
  const { db, config, clock, events, log } = deps;
  const defaults: Settings = {
    language: config.defaultLanguage,
    storeName: config.storeName,
    storeAddress: config.storeAddress,
    taxId: config.taxId,
    currency: config.currency,
    cashRounding: config.cashRounding,
    receiptHeader: config.receiptHeader,
    receiptFooter: config.receiptFooter,
    kioskMode: config.kioskMode,
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

  return {
    get,
    setLanguage(language) {
      writeSettingValue(db, 'language', language, clock.now().toISOString());
      cached = null;
      const settings = get();
      events.emit('settings.changed', settings);
      return settings;
    },
  };
}

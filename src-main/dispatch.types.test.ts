// Compile-time checks: the handler map must match the contract exactly (run by `tsc` in npm test).
import { describe, expect, it } from 'vitest';
import type { calls } from '../src-common/contract';
import type { Settings, TerminalStatus } from '../src-common/schemas';
import { DEFAULT_MEMBER_POINTS } from '../src-common/schemas';
import type { HandlerMap } from './dispatch';

const status: TerminalStatus = {
  products: 0,
  terminalId: 'T',
  createdAt: '',
  startCount: 1,
  lastStartedAt: '',
  schemaVersion: 1,
  sqliteVersion: '',
  journalMode: 'wal',
  appVersion: '0',
  acquirerMode: 'sandbox',
  storeName: '',
  currency: 'CNY',
};
const settings: Settings = {
  language: 'zh-CN',
  receiptLanguage: 'zh-CN',
  storeName: '',
  storeAddress: '',
  taxId: '',
  currency: 'CNY',
  cashRounding: 'none',
  receiptHeader: [],
  receiptFooter: [],
  taxRates: [],
  kioskMode: false,
  timeZone: 'Asia/Shanghai',
  businessDayTurnsAtHour: 4,
  tillName: '',
  lowStockThreshold: 10,
  memberPoints: DEFAULT_MEMBER_POINTS,
  oversell: 'warn',
};
// The other calls, correctly typed, so each case below differs from a valid map in one way only.
const rest = {} as Omit<HandlerMap<typeof calls>, 'terminal.status' | 'settings.get' | 'settings.setLanguage'>;

// @ts-expect-error a handler the contract lacks is missing
export const missing = { ...rest, 'terminal.status': () => status, 'settings.get': () => settings } satisfies HandlerMap<typeof calls>;

export const extra = {
  ...rest,
  'terminal.status': () => status,
  'settings.get': () => settings,
  'settings.setLanguage': () => settings,
  // @ts-expect-error a call the contract does not declare
  'terminal.reboot': () => true,
} satisfies HandlerMap<typeof calls>;

export const wrongOutput = {
  ...rest,
  // @ts-expect-error the output must match the contract's schema
  'terminal.status': () => ({ terminalId: 42 }),
  'settings.get': () => settings,
  'settings.setLanguage': () => settings,
} satisfies HandlerMap<typeof calls>;

describe('handler map typing', () => {
  it('is enforced by the compiler (see the @ts-expect-error lines)', () => {
    expect(Object.keys(extra)).toContain('terminal.reboot');
  });
});

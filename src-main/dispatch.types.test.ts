// Compile-time checks: the handler map must match the contract exactly (run by `tsc` in npm test).
import { describe, expect, it } from 'vitest';
import type { calls } from '../src-common/contract';
import type { HandlerMap } from './dispatch';

const status = {
  terminalId: 'T',
  createdAt: '',
  startCount: 1,
  lastStartedAt: '',
  schemaVersion: 1,
  sqliteVersion: '',
  journalMode: 'wal',
  appVersion: '0',
  acquirerMode: 'sandbox' as const,
  storeName: '',
  currency: 'CNY',
};
const settings = { language: 'zh-CN' as const, storeName: '', currency: 'CNY' };

// @ts-expect-error a handler the contract lacks is missing
export const missing = { 'terminal.status': () => status, 'settings.get': () => settings } satisfies HandlerMap<typeof calls>;

export const extra = {
  'terminal.status': () => status,
  'settings.get': () => settings,
  'settings.setLanguage': () => settings,
  // @ts-expect-error a call the contract does not declare
  'terminal.reboot': () => true,
} satisfies HandlerMap<typeof calls>;

export const wrongOutput = {
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

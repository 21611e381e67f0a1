import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemTimeZone } from '../src-common/business-day';
import { ConfigError, loadConfig, parseConfig } from './config';

describe('config', () => {
  it('needs no file: every field has a default', () => {
    const config = loadConfig(mkdtempSync(join(tmpdir(), 'pos-cfg-')));
    expect(config).toMatchObject({ defaultLanguage: 'zh-CN', currency: 'CNY', acquirer: { mode: 'sandbox' }, log: { level: 'info' } });
  });

  it('the business day: the system’s time zone and 04:00 unless configured; an unknown zone or hour is refused', () => {
    expect(parseConfig({})).toMatchObject({ timeZone: systemTimeZone(), businessDayTurnsAtHour: 4 });
    expect(parseConfig({ timeZone: 'Asia/Shanghai', businessDayTurnsAtHour: 6 })).toMatchObject({ timeZone: 'Asia/Shanghai', businessDayTurnsAtHour: 6 });
    expect(() => parseConfig({ timeZone: 'Asia/Atlantis' })).toThrow(ConfigError);
    expect(() => parseConfig({ businessDayTurnsAtHour: 24 })).toThrow(ConfigError);
  });

  it('reads the file and fills what it leaves out', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pos-cfg-'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ defaultLanguage: 'en', log: { level: 'debug' } }));
    expect(loadConfig(dir)).toMatchObject({ defaultLanguage: 'en', currency: 'CNY', log: { level: 'debug', keepFiles: 10 } });
  });

  it('names every bad field', () => {
    let error: unknown;
    try {
      parseConfig({ currency: 'yuan', log: { level: 'loud' }, typo: 1 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.map((p) => p.path);
    expect(problems).toEqual(expect.arrayContaining(['currency', 'log.level', '(root)']));
    expect((error as Error).message).toMatch(/nothing was started/);
  });

  it('refuses a file that is not JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pos-cfg-'));
    writeFileSync(join(dir, 'config.json'), '{ currency: CNY');
    expect(() => loadConfig(dir)).toThrow(/is not valid JSON/);
  });
});

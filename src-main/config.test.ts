import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

  it('acquirer.directSandboxes: none by default; sandbox mode only, each provider once, one WeChat provider', () => {
    expect(parseConfig({}).acquirer.directSandboxes).toEqual([]);
    expect(parseConfig({ acquirer: { directSandboxes: ['wechat_v3', 'alipay'] } }).acquirer.directSandboxes).toEqual(['wechat_v3', 'alipay']);
    const problemsOf = (acquirer: Record<string, unknown>) => {
      try {
        parseConfig({ acquirer });
      } catch (error) {
        return (error as ConfigError).problems.map(({ path, message }) => ({ path, message }));
      }
      return [];
    };
    expect(problemsOf({ mode: 'live', baseUrl: 'https://api.shouqianba.com', directSandboxes: ['alipay'] })).toEqual([
      { path: 'acquirer.directSandboxes', message: expect.stringMatching(/sandbox mode only/) },
    ]);
    expect(problemsOf({ directSandboxes: ['alipay', 'alipay'] })).toEqual([{ path: 'acquirer.directSandboxes', message: 'a provider is listed twice' }]);
    expect(problemsOf({ directSandboxes: ['wechat_v2', 'wechat_v3'] })).toEqual([{ path: 'acquirer.directSandboxes', message: expect.stringMatching(/not both/) }]);
    expect(problemsOf({ directSandboxes: ['unionpay'] })).toEqual([{ path: 'acquirer.directSandboxes.0', message: expect.any(String) }]);
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

  describe('the acquirer', () => {
    const problems = (raw: unknown) => {
      try {
        parseConfig(raw);
        return [];
      } catch (error) {
        return (error as ConfigError).problems.map((p) => `${p.path}: ${p.message}`);
      }
    };

    it('live mode needs an https address: plain http is refused with a reason, and so is no address', () => {
      expect(problems({ acquirer: { mode: 'live', baseUrl: 'http://api.shouqianba.com' } })).toEqual(['acquirer.baseUrl: a live acquirer is reached over https:// only (plain http is for the sandbox)']);
      expect(problems({ acquirer: { mode: 'live' } })).toEqual(['acquirer.baseUrl: a live acquirer needs its API address']);
      // The vendor's identity is typed on the enrolment screen: live mode needs none in the file.
      expect(parseConfig({ acquirer: { mode: 'live', baseUrl: 'https://api.shouqianba.com' } }).acquirer).toMatchObject({ mode: 'live', baseUrl: 'https://api.shouqianba.com' });
    });

    it('sandbox mode takes plain http (a sandbox on the shop’s machine) or no address (the embedded sandbox)', () => {
      expect(parseConfig({ acquirer: { baseUrl: 'http://127.0.0.1:8089' } }).acquirer).toMatchObject({ mode: 'sandbox', baseUrl: 'http://127.0.0.1:8089' });
      expect(parseConfig({}).acquirer.baseUrl).toBeUndefined();
    });

    it('drops an activation code or vendor key an older version kept in config.json, from the file too', () => {
      const dir = mkdtempSync(join(tmpdir(), 'pos-cfg-'));
      const file = join(dir, 'config.json');
      writeFileSync(file, JSON.stringify({ storeName: '老店', acquirer: { mode: 'live', baseUrl: 'https://api.shouqianba.com', vendorSn: '91800001', vendorKey: 'vk-secret-1', appId: 'APP1', activationCode: 'ACT-98765' } }));
      const config = loadConfig(dir);
      expect(config).toMatchObject({ storeName: '老店', acquirer: { mode: 'live', baseUrl: 'https://api.shouqianba.com', vendorSn: '91800001', appId: 'APP1' } });
      expect(config.acquirer).not.toHaveProperty('activationCode');
      expect(config.acquirer).not.toHaveProperty('vendorKey');
      const written = readFileSync(file, 'utf8');
      expect(written).not.toContain('ACT-98765');
      expect(written).not.toContain('vk-secret-1');
      expect(JSON.parse(written)).toEqual({ storeName: '老店', acquirer: { mode: 'live', baseUrl: 'https://api.shouqianba.com', vendorSn: '91800001', appId: 'APP1' } });
      // A file without them is left as it is.
      writeFileSync(file, '{ "storeName": "老店" }');
      loadConfig(dir);
      expect(readFileSync(file, 'utf8')).toBe('{ "storeName": "老店" }');
    });
  });
});

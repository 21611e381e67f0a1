import i18next, { type TFunction } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { SettingsPatch } from '../../src-common/calls/admin';
import { DeviceConfig, DevicesConfig } from '../../src-common/calls/devices';
import { describeIssues, type ApiError } from '../../src-common/errors';
import { resources } from './index';
import { fieldLabel, issueLines } from './issues';

let zh: TFunction;
let en: TFunction;
beforeAll(async () => {
  const make = async (lng: string) => {
    const instance = i18next.createInstance();
    await instance.init({ resources, lng, fallbackLng: 'zh-CN', interpolation: { escapeValue: false } });
    return instance.t;
  };
  zh = await make('zh-CN');
  en = await make('en');
});

/** What main answers for a refused input: the issues of a real schema, as the dispatcher sends them. */
function refusal(schema: { safeParse(v: unknown): { success: boolean; error?: { issues: never[] } } }, input: unknown): ApiError {
  const parsed = schema.safeParse(input);
  if (parsed.success) throw new Error('the input was accepted');
  return { code: 'validation_failed', message: 'Invalid input', details: describeIssues(parsed.error!.issues) };
}

/** Latin words of three letters or more that are not units or names a Chinese screen uses as they are. */
const englishWords = (text: string) => (text.match(/[A-Za-z]{3,}/g) ?? []).filter((w) => !['PIN', 'TCP', 'USB', 'HID', 'AIM', 'API', 'dev', 'ttyUSB', 'printer'].includes(w));

describe('refusals in words', () => {
  it('says what is wrong with a device in Chinese, naming the field, with none of zod’s English', () => {
    const error = refusal(DeviceConfig, {
      id: 'Bad Id',
      role: 'printer',
      transport: { kind: 'serial', path: '', baudRate: 9601, parity: 'evn' },
      columns: 50,
    });
    const lines = issueLines(zh, error).map((l) => l.text);
    expect(lines).toContain('设备编号：只能用小写字母、数字和短横线，以字母或数字开头，最多 32 个字符（例如 printer-1）');
    expect(lines).toContain('设备路径：必填');
    expect(lines.find((l) => l.startsWith('波特率：'))).toMatch(/^波特率：应为以下之一：1200 \/ 2400/);
    expect(lines.find((l) => l.startsWith('校验：'))).toBe('校验：应为以下之一：none / even / odd / mark / space');
    for (const line of lines) expect(englishWords(line.replace(/none \/ even \/ odd \/ mark \/ space/, '')), line).toEqual([]);
  });

  it('words a custom issue by its reason (a second printer), in both languages', () => {
    const serial = { kind: 'serial', path: '/dev/ttyS0', baudRate: 9600 };
    const error = refusal(DevicesConfig, [
      { id: 'p1', role: 'printer', transport: serial },
      { id: 'p2', role: 'printer', transport: serial },
    ]);
    expect(issueLines(zh, error).map((l) => l.text)).toEqual(['第 2 项 · 角色：只能配置一台小票打印机']);
    expect(issueLines(en, error).map((l) => l.text)).toEqual(['item 2 · Role: Only one Receipt printer can be configured'.replace('Receipt printer', en('devices.roles.printer'))]);
  });

  it('keeps the settings’ own reason keys, and words zod’s limits and unknown keys', () => {
    const error = refusal(SettingsPatch, { storeName: '', receiptFooter: ['a', 'b', 'c', 'd', 'e', 'f'], taxRates: [{ name: '标准', rateBp: 20000 }], colour: 'red' });
    const lines = issueLines(zh, error).map((l) => l.text);
    expect(lines).toEqual(
      expect.arrayContaining(['门店名称：必填', '小票页脚：最多 5 行', '税率 · 第 1 项 · 税率：税率应在 0–100% 之间', '此项：无法识别的设置项：colour']),
    );
    expect(issueLines(en, error).map((l) => l.text)).toContain('Store name: Required');
  });

  it('never shows a raw path or English for a field it does not know', () => {
    expect(fieldLabel(zh, 'somethingNew.0')).toBe('此项 · 第 1 项');
    expect(fieldLabel(zh, 'device.transport.baudRate')).toBe('波特率');
  });
});

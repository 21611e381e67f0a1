import i18next, { type TFunction } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS } from '../../../src-common/audit-actions';
import { resources } from '../../i18n';
import { auditRowText } from './audit-text';

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

const USER_ID = '01JD3Q6Z8X4M7N2P5R9S0T1V2W';
const line = (text: ReturnType<typeof auditRowText>) => text.details.map((d) => `${d.label}=${d.value}`);

describe('an audit row in words', () => {
  it('names every recorded action in both languages, never by its code', () => {
    for (const action of AUDIT_ACTIONS) {
      for (const t of [zh, en]) {
        const { action: text } = auditRowText(t, { action, subject: null, details: {} }, 'CNY', 'zh-CN');
        expect(text, action).not.toBe(action);
        expect(text, action).not.toMatch(/^audit\./);
      }
    }
    expect(auditRowText(zh, { action: 'devices.save', subject: 'printer', details: {} }, 'CNY', 'zh-CN').action).toBe('保存设备');
  });

  it('shows a shift’s money in yuan, not fen', () => {
    const text = auditRowText(zh, { action: 'shift.close', subject: USER_ID, details: { expected: 50000, counted: 49950, overShort: -50, float: 50000 } }, 'CNY', 'zh-CN');
    expect(line(text)).toEqual(['应有现金=¥500.00', '实点现金=¥499.50', '长短款=-¥0.50', '备用金=¥500.00']);
    expect(text.subject).toBe('');
  });

  it('names the setting changed, the user by name, and a device by role, id and port', () => {
    expect(auditRowText(zh, { action: 'settings.update', subject: 'receiptLanguage', details: { from: 'zh-CN', to: 'en' } }, 'CNY', 'zh-CN')).toEqual({
      action: '修改设置',
      subject: '小票语言',
      details: [{ label: '原值 → 新值', value: '中文 → 英文' }],
    });
    expect(auditRowText(zh, { action: 'users.setRole', subject: USER_ID, details: { name: '小王', from: 'cashier', to: 'owner' } }, 'CNY', 'zh-CN')).toMatchObject({
      subject: '小王',
      details: [{ label: '原值 → 新值', value: '收银员 → 店长' }, { label: '姓名', value: '小王' }],
    });
    const device = { id: 'printer-1', role: 'printer', transport: { kind: 'serial', path: '/dev/ttyUSB0', baudRate: 9600 }, columns: 48 };
    const saved = auditRowText(en, { action: 'devices.save', subject: 'printer-1', details: { before: null, after: device } }, 'CNY', 'en');
    expect(line(saved)).toEqual(['Before=none', `After=${en('devices.roles.printer')} printer-1 /dev/ttyUSB0 9600`]);
  });
});

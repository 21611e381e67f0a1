import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Language } from '../../src-common/contract';
import type { ErrorCode } from '../../src-common/errors';
import { en } from './en';
import { zhCN } from './zh-CN';
import { areaMessagesEn, areaMessagesZhCN } from './areas';

export const resources = {
  'zh-CN': { translation: { ...zhCN, ...areaMessagesZhCN } },
  en: { translation: { ...en, ...areaMessagesEn } },
} as const;

export async function initI18n(language: Language = 'zh-CN'): Promise<typeof i18next> {
  await i18next.use(initReactI18next).init({
    resources,
    lng: language,
    fallbackLng: 'zh-CN',
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  document.documentElement.lang = language;
  i18next.on('languageChanged', (lng) => {
    document.documentElement.lang = lng;
  });
  return i18next;
}

export function errorKey(code: ErrorCode): `errors.${ErrorCode}` {
  return `errors.${code}`;
}

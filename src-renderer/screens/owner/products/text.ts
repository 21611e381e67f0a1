import type { TFunction } from 'i18next';
import type { ApiError } from '../../../../src-common/errors';

/** A refusal of the catalog editor in words, when its reason is one this screen knows. */
export function productReasonText(t: TFunction, error: ApiError): string | undefined {
  const details = (error.details ?? {}) as Record<string, unknown>;
  const reason = typeof details.reason === 'string' ? details.reason : undefined;
  const key = `products.reasons.${reason}`;
  return reason && t(key, { ...details, defaultValue: '' }) ? t(key, details) : undefined;
}

/** 1300 → "13%", 550 → "5.5%". */
export function percentText(bp: number): string {
  return `${bp / 100}%`;
}

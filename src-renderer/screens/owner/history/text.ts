import type { ApiError } from '../../../../src-common/errors';

/** The precise reason of an error from the history calls, translated, or undefined (the shell then shows the code's text). */
/** i18next's t, as these helpers use it. */
export type Translate = (key: string, options?: Record<string, unknown>) => string;

export function reasonText(t: Translate, error: ApiError): string | undefined {
  const details = error.details as { reason?: unknown } | undefined;
  const reason = typeof details?.reason === 'string' ? details.reason : null;
  if (!reason) return undefined;
  const key = `history.reasons.${reason}`;
  const example = /\(([0-9A-Z]{4}-0+123)\)/.exec(error.message)?.[1] ?? '';
  const text = t(key, { example, defaultValue: '' });
  return text || undefined;
}

/** A stored ISO instant as the shop reads it: local date and time to the second. */
export function localTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/**
 * What the owner typed in the amount box, in fen: "19.90" (exact), "10-50", "10-" or "-50" (a range, ends
 * included); null when it is not one of those. Each amount is read by `parse` (parseMoney for the currency).
 */
export function parseAmountFilter(text: string, parse: (s: string) => number): { amount?: number; amountMin?: number; amountMax?: number } | null {
  const trimmed = text.trim();
  if (trimmed === '') return {};
  try {
    const range = /^([^-~]*)\s*[-~]\s*([^-~]*)$/.exec(trimmed);
    if (!range) return { amount: parse(trimmed) };
    const [min, max] = [range[1]!.trim(), range[2]!.trim()];
    if (min === '' && max === '') return null;
    return { ...(min !== '' ? { amountMin: parse(min) } : {}), ...(max !== '' ? { amountMax: parse(max) } : {}) };
  } catch {
    return null;
  }
}

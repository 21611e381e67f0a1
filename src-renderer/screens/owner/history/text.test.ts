import { describe, expect, it } from 'vitest';
import { parseMoney } from '../../../../src-common/money';
import { historyEn, historyZhCN } from '../../../i18n/areas/history';
import { parseAmountFilter, reasonText } from './text';

const cny = (s: string) => parseMoney(s, 'CNY');

describe('the amount box of the history search', () => {
  it('reads an exact amount or a range, in fen', () => {
    expect(parseAmountFilter('', cny)).toEqual({});
    expect(parseAmountFilter(' 19.9 ', cny)).toEqual({ amount: 1990 });
    expect(parseAmountFilter('¥0.01', cny)).toEqual({ amount: 1 });
    expect(parseAmountFilter('10-50', cny)).toEqual({ amountMin: 1000, amountMax: 5000 });
    expect(parseAmountFilter('10.5 ~ 20', cny)).toEqual({ amountMin: 1050, amountMax: 2000 });
    expect(parseAmountFilter('10-', cny)).toEqual({ amountMin: 1000 });
    expect(parseAmountFilter('-50', cny)).toEqual({ amountMax: 5000 });
  });

  it('refuses what is not an amount', () => {
    for (const text of ['abc', '1.234', '-', '1-2-3', '10--20', '1e3']) expect(parseAmountFilter(text, cny)).toBeNull();
  });
});

describe('error reasons', () => {
  it('translates a known reason and leaves the rest to the error code', () => {
    const t = (key: string, options?: Record<string, unknown>) => (key === 'history.reasons.bad_receipt_number' ? `bad, e.g. ${String(options?.example)}` : '');
    expect(reasonText(t, { code: 'validation_failed', message: 'Not a receipt number of this terminal (YH31-000123)', details: { reason: 'bad_receipt_number' } })).toBe(
      'bad, e.g. YH31-000123',
    );
    expect(reasonText(t, { code: 'validation_failed', message: 'x', details: { reason: 'something_else' } })).toBeUndefined();
    expect(reasonText(t, { code: 'conflict', message: 'x' })).toBeUndefined();
  });
});

describe('the history messages', () => {
  it('have the same keys in English as in Chinese', () => {
    const keys = (o: unknown, prefix = ''): string[] =>
      typeof o === 'object' && o !== null ? Object.entries(o).flatMap(([k, v]) => keys(v, `${prefix}${k}.`)) : [prefix.slice(0, -1)];
    expect(keys(historyEn).sort()).toEqual(keys(historyZhCN).sort());
  });
});

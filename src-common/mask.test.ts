import { describe, expect, it } from 'vitest';
import { maskCode, maskPhone, maskSecretsInText } from './mask';

describe('maskCode', () => {
  it('keeps the first and last four characters of a payment code', () => {
    expect(maskCode('134567890123456789')).toBe('1345**********6789');
  });
  it('hides short values entirely', () => {
    expect(maskCode('12345678')).toBe('********');
  });
});

describe('maskSecretsInText', () => {
  it('masks a payment code quoted in free text', () => {
    expect(maskSecretsInText('acquirer said: code 284567890123456789 expired')).toBe('acquirer said: code 2845**********6789 expired');
  });
  it('masks long mixed tokens such as keys', () => {
    const masked = maskSecretsInText('terminal_key=8f3a9c0d1e2b4a5f6c7d8e9f0a1b2c3d');
    expect(masked).not.toContain('8f3a9c0d1e2b4a5f6c7d8e9f0a1b2c3d');
    expect(masked).toMatch(/^terminal_key=8f3a\*+2c3d$/);
  });
  it('leaves ordinary text and short numbers alone', () => {
    expect(maskSecretsInText('sale 42 total 1999 fen, receipt 00012')).toBe('sale 42 total 1999 fen, receipt 00012');
  });
});

describe('maskPhone', () => {
  it('shows a mainland mobile as 138****5678 and keeps only the last two of anything else', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('0755123')).toBe('*****23');
    expect(maskPhone('7')).toBe('*');
  });
});

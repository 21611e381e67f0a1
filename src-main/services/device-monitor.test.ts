import { describe, expect, it } from 'vitest';
import { maskedHex, maskScanText } from './device-monitor';

const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

describe('scanner monitor masking', () => {
  it('shows product barcodes whole, in text and hex', () => {
    expect(maskScanText('6901939621608')).toBe('6901939621608');
    expect(maskedHex(bytes('6901939621608\r'), '6901939621608')).toBe('36 39 30 31 39 33 39 36 32 31 36 30 38 0D');
  });

  it('masks a payment code in the text and the same characters in the hex, AIM prefix and suffix kept', () => {
    const code = '134567890123450000';
    expect(maskScanText(code)).toBe('1345**********0000');
    const hex = maskedHex(bytes(`]C0${code}\r`), code);
    expect(hex.split(' ').slice(0, 3)).toEqual(['5D', '43', '30']);
    expect(hex.split(' ').at(-1)).toBe('0D');
    expect(hex.split(' ').filter((h) => h === '**')).toHaveLength(code.length - 8);
    // None of the masked digits' bytes appear in a row.
    expect(hex).not.toContain('37 38 39 30 31 32');
  });

  it('masks a long digit run inside other text (a payment code behind a prefix the classifier does not know)', () => {
    expect(maskScanText('PAY:281234567890123456')).toBe('PAY:2812**********3456');
    expect(maskedHex(bytes('PAY:281234567890123456'), 'PAY:281234567890123456')).toMatch(/^50 41 59 3A 32 38 31 32 (\*\* ){10}33 34 35 36$/);
  });

  it('marks nothing for dropped input without digits', () => {
    expect(maskedHex(Uint8Array.of(0x01, 0x02, 0xff), null)).toBe('01 02 FF');
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gtinCheckDigit } from '../../src-common/barcode';
import { AIM_TABLE, aimEntry, identifyScan, inferSymbology, isAim, parseAim, symbologyOfAim, type ScanSymbology } from './aim';

const GS = '\u001d';

describe('parseAim', () => {
  it.each<[string, ScanSymbology, string, string]>([
    [']E06901939621608', 'ean13', ']E0', '6901939621608'],
    [']E0036000291452', 'upca', ']E0', '036000291452'],
    [']E004252614', 'upce', ']E0', '04252614'],
    [']E469012345', 'ean8', ']E4', '69012345'],
    [']C0134567890123450000', 'code128', ']C0', '134567890123450000'],
    [`]C10106901939621608${GS}10LOT42`, 'gs1-128', ']C1', `0106901939621608${GS}10LOT42`],
    [']C2ABC', 'code128', ']C2', 'ABC'],
    [']Q1https://example.cn/x', 'qr', ']Q1', 'https://example.cn/x'],
    [']Q3010690193962160810LOT', 'qr', ']Q3', '010690193962160810LOT'],
    [']d20106901939621608', 'datamatrix', ']d2', '0106901939621608'],
    [']d1hello', 'datamatrix', ']d1', 'hello'],
    [']A0CODE39', 'code39', ']A0', 'CODE39'],
    [']A4CODE39', 'code39', ']A4', 'CODE39'],
    [']I01234567890', 'itf', ']I0', '1234567890'],
    [']L2PDF', 'pdf417', ']L2', 'PDF'],
    [']G0CODE93', 'unknown', ']G0', 'CODE93'],
    [']X9whatever', 'unknown', ']X9', 'whatever'],
    [']z0aztec', 'unknown', ']z0', 'aztec'],
  ])('%s → %s', (text, symbology, aim, data) => {
    expect(parseAim(text)).toEqual({ symbology, aim, data });
  });

  it('keeps an EAN/UPC with add-on, or of an odd length, as unknown with its identifier', () => {
    expect(parseAim(']E3690193962160812')).toEqual({ symbology: 'unknown', aim: ']E3', data: '690193962160812' });
    expect(parseAim(']E01234567890')).toEqual({ symbology: 'unknown', aim: ']E0', data: '1234567890' });
  });

  it('names codes it has no table entry for as unknown', () => {
    expect(parseAim(']Y0abc')).toEqual({ symbology: 'unknown', aim: ']Y0', data: 'abc' });
  });

  it('returns null without a leading identifier', () => {
    for (const text of ['6901939621608', '', ']', ']E', '}E0123', '] 0123', ']1E123', 'x]E0123', ']E\u00000']) {
      expect(parseAim(text)).toBeNull();
    }
  });

  it('splits off exactly three characters for any data', () => {
    fc.assert(
      fc.property(fc.constantFrom(...AIM_TABLE.map((e) => `]${e.code}${e.modifier ?? '0'}`)), fc.string(), (aim, data) => {
        const parsed = parseAim(aim + data);
        expect(parsed?.aim).toBe(aim);
        expect(parsed?.data).toBe(data);
      }),
    );
  });

  it('never throws', () => {
    fc.assert(fc.property(fc.string(), (text) => void parseAim(text)));
  });
});

describe('AIM_TABLE', () => {
  it('has one entry per code and modifier, well formed', () => {
    const keys = AIM_TABLE.map((e) => `${e.code}${e.modifier ?? '*'}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const e of AIM_TABLE) {
      expect(e.code).toMatch(/^[A-Za-z]$/);
      if (e.modifier !== null) expect(e.modifier).toMatch(/^[0-9A-Za-z]$/);
      expect(e.name).not.toBe('');
    }
  });

  it('reaches every named symbology', () => {
    const named: ScanSymbology[] = ['ean13', 'ean8', 'upca', 'upce', 'code128', 'gs1-128', 'code39', 'itf', 'qr', 'datamatrix', 'pdf417'];
    const reached = new Set(AIM_TABLE.flatMap((e) => [e.symbology, ...Object.values(e.byLength ?? {})]));
    for (const s of named) expect(reached.has(s)).toBe(true);
  });

  it('prefers the exact modifier over the family entry', () => {
    expect(aimEntry(']C1')?.symbology).toBe('gs1-128');
    expect(aimEntry(']C7')?.symbology).toBe('code128');
    expect(aimEntry(']Q5')?.symbology).toBe('qr');
    expect(aimEntry(']E9')?.symbology).toBe('unknown');
    expect(aimEntry('E01')).toBeUndefined();
  });

  it('isAim accepts exactly `]` + letter + letter or digit', () => {
    expect(isAim(']E0')).toBe(true);
    expect(isAim(']dA')).toBe(true);
    expect(isAim(']E0x')).toBe(false);
    expect(isAim('\u0000\u0000\u0000')).toBe(false);
    expect(isAim(']0E')).toBe(false);
  });

  it('symbologyOfAim decides ]E0 by length', () => {
    expect(symbologyOfAim(']E0', '6901939621608')).toBe('ean13');
    expect(symbologyOfAim(']E0', '036000291452')).toBe('upca');
    expect(symbologyOfAim(']E0', '04252614')).toBe('upce');
    expect(symbologyOfAim('nope', '6901939621608')).toBe('unknown');
  });
});

describe('inferSymbology (no identifier)', () => {
  it('names retail codes whose check digit holds', () => {
    expect(inferSymbology('6901939621608')).toBe('ean13');
    expect(inferSymbology('036000291452')).toBe('upca');
    expect(inferSymbology('04252614')).toBe('upce');
    expect(inferSymbology('96385074')).toBe('ean8');
  });

  it('says unknown for anything else', () => {
    expect(inferSymbology('6901939621607')).toBe('unknown'); // wrong check digit
    expect(inferSymbology('134567890123450000')).toBe('unknown'); // a payment code: Code 128 or QR
    expect(inferSymbology('https://example.cn/')).toBe('unknown');
    expect(inferSymbology('ABC-123')).toBe('unknown');
    expect(inferSymbology('')).toBe('unknown');
  });

  it('calls no 13-digit code EAN-13 unless its check digit holds', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 13, maxLength: 13 }), (code) => {
        const ok = gtinCheckDigit(code.slice(0, 12)) === Number(code.slice(12));
        expect(inferSymbology(code)).toBe(ok ? 'ean13' : 'unknown');
      }),
    );
  });
});

describe('identifyScan', () => {
  it('splits the identifier off when the scanner sends them', () => {
    expect(identifyScan(']E06901939621608', true)).toEqual({ symbology: 'ean13', aim: ']E0', data: '6901939621608' });
  });
  it('infers when a scanner set to send identifiers sent none', () => {
    expect(identifyScan('6901939621608', true)).toEqual({ symbology: 'ean13', aim: null, data: '6901939621608' });
  });
  it('leaves data starting with `]` whole when the scanner sends no identifiers', () => {
    expect(identifyScan(']E06901939621608', false)).toEqual({ symbology: 'unknown', aim: null, data: ']E06901939621608' });
  });
});

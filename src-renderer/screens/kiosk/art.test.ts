import { describe, expect, it } from 'vitest';
import { KioskPictureKey } from '../../../src-common/calls/kiosk';
import { ART, glyphOf, variantOf } from './art';

/** WCAG 2 relative luminance and contrast ratio. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}
const contrast = (a: string, b: string) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
};

describe('placeholder product art', () => {
  it('has a colour and an icon for every picture key, each carrying white text at WCAG AA', () => {
    for (const key of KioskPictureKey.options) {
      const art = ART[key];
      expect(art.fill.length + (art.stroke?.length ?? 0)).toBeGreaterThan(0);
      expect(contrast(art.color, '#ffffff')).toBeGreaterThanOrEqual(4.5);
      expect(contrast(art.dark, '#ffffff')).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('draws the first character of the name, a letter upper-cased', () => {
    expect(glyphOf('农夫山泉 550ml')).toBe('农');
    expect(glyphOf(' coca-cola')).toBe('C');
    expect(glyphOf('')).toBe('?');
  });

  it('varies the shade by name, the same on every run', () => {
    expect(variantOf('东方树叶乌龙茶', 3)).toBe(variantOf('东方树叶乌龙茶', 3));
    const seen = new Set(['东方树叶乌龙茶', '东方树叶红茶', '东方树叶绿茶', '东方树叶茉莉花茶', '东鹏特饮'].map((n) => variantOf(n, 3)));
    expect(seen.size).toBeGreaterThan(1);
  });
});

import { describe, expect, it } from 'vitest';
import { KioskPictureKey } from '../../../src-common/calls/kiosk';
import { ART } from './art';

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
});

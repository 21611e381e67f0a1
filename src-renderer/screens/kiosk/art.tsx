/**
 * Placeholder product pictures for catalogs without photos (the demo catalog): drawn here as SVG, no
 * external assets. The colour and icon come from the product's category, the big character from its name.
 * Every colour carries white text at WCAG AA contrast (≥ 4.5:1).
 */
import type { KioskPictureKey } from '../../../src-common/calls/kiosk';

interface Art {
  readonly color: string;
  readonly dark: string;
  /** An icon in a 100×100 box: filled paths, and optional stroked ones. */
  readonly fill: readonly string[];
  readonly stroke?: readonly string[];
}

export const ART: Record<KioskPictureKey, Art> = {
  drinks: { color: '#0e7490', dark: '#155e75', fill: ['M42 8h16v14l9 12v54a6 6 0 0 1-6 6H39a6 6 0 0 1-6-6V34l9-12z'] },
  alcohol: { color: '#9f1239', dark: '#881337', fill: ['M28 10h44l-4 32a18 18 0 0 1-36 0z', 'M47 58h6v26h14v6H33v-6h14z'] },
  snacks: { color: '#c2410c', dark: '#9a3412', fill: ['M26 12h48l-5 12 5 12v40l5 14H26l5-14V36l-5-12z'] },
  instant: {
    color: '#b45309',
    dark: '#92400e',
    fill: ['M12 50h76c0 20-16 36-38 36S12 70 12 50z'],
    stroke: ['M34 40c-6-8 6-12 0-22', 'M50 40c-6-8 6-12 0-22', 'M66 40c-6-8 6-12 0-22'],
  },
  dairy: { color: '#1d4ed8', dark: '#1e40af', fill: ['M32 28l8-16h20l8 16v62H32z'] },
  grocery: { color: '#4d7c0f', dark: '#3f6212', fill: ['M38 10h24l-5 12c14 8 23 22 23 40 0 18-13 28-30 28S20 80 20 62c0-18 9-32 23-40z'] },
  frozen: {
    color: '#0369a1',
    dark: '#075985',
    fill: [],
    stroke: ['M50 10v80', 'M15 30l70 40', 'M15 70l70-40', 'M42 16l8 8 8-8', 'M42 84l8-8 8 8'],
  },
  fresh: { color: '#15803d', dark: '#166534', fill: ['M50 12c8 0 40 54 40 66 0 8-8 10-40 10S10 86 10 78c0-12 32-66 40-66z'] },
  household: { color: '#6d28d9', dark: '#5b21b6', fill: ['M50 12l40 34H78v42H22V46H10z'] },
  care: { color: '#be185d', dark: '#9d174d', fill: ['M50 8c16 24 30 40 30 56a30 30 0 0 1-60 0c0-16 14-32 30-56z'] },
  other: { color: '#475569', dark: '#334155', fill: ['M22 34h56l-4 56H26z', 'M38 34v-8a12 12 0 0 1 24 0v8h-6v-8a6 6 0 0 0-12 0v8z'] },
};

/** The character drawn big on a product's picture: the first of its name (a letter upper-cased). */
export function glyphOf(name: string): string {
  const first = Array.from(name.trim())[0] ?? '?';
  return first.toUpperCase();
}

/** A small stable number from a text (FNV-1a), so pictures of one category differ a little from each other. */
export function variantOf(text: string, variants: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % variants;
}

/** Darker shades only: white text keeps its contrast on every variant. */
const SHADES = [0, 0.12, 0.24] as const;

/** `decorative` where the product's name is written beside the picture (no second reading of it). */
export function ProductArt({ picture, name, className, decorative }: { picture: KioskPictureKey; name: string; className?: string; decorative?: boolean }) {
  const art = ART[picture];
  const id = `g-${picture}`;
  const shade = SHADES[variantOf(name, SHADES.length)]!;
  return (
    <svg className={className} viewBox="0 0 200 150" {...(decorative ? { 'aria-hidden': true } : { role: 'img', 'aria-label': name })} data-picture={picture}>
      <defs>
        <linearGradient id={id} x1="0" y1="0" x2="1" y2="1">
          <stop offset="0" stopColor={art.color} />
          <stop offset="1" stopColor={art.dark} />
        </linearGradient>
      </defs>
      <rect width="200" height="150" fill={`url(#${id})`} />
      {shade > 0 && <rect width="200" height="150" fill="#000" opacity={shade} />}
      <g transform="translate(112 38) scale(1.05)" opacity="0.28" fill="#fff" stroke="#fff" strokeWidth="7" strokeLinecap="round" strokeLinejoin="round">
        {art.fill.map((d) => (
          <path key={d} d={d} stroke="none" />
        ))}
        {art.stroke?.map((d) => (
          <path key={d} d={d} fill="none" />
        ))}
      </g>
      <text x="58" y="98" textAnchor="middle" fontSize="76" fontWeight="700" fill="#fff">
        {glyphOf(name)}
      </text>
    </svg>
  );
}

/** The category's icon alone, for the category tabs. */
export function CategoryIcon({ picture }: { picture: KioskPictureKey }) {
  const art = ART[picture];
  return (
    <svg className="kiosk-category-icon" viewBox="0 0 100 100" aria-hidden="true" fill="currentColor" stroke="currentColor" strokeWidth="8" strokeLinecap="round">
      {art.fill.map((d) => (
        <path key={d} d={d} stroke="none" />
      ))}
      {art.stroke?.map((d) => (
        <path key={d} d={d} fill="none" />
      ))}
    </svg>
  );
}

import { describe, expect, it } from 'vitest';
import type { ReceiptDocument } from '../../src-common/receipt';
import { blocksToTextLines, layoutReceipt } from '../../src-common/receipt-text';
import { escapeReceiptline, receiptToReceiptline, renderReceiptSvg } from './preview';
import { sampleReceipt30 } from './sample';

/** The text of each line of a receiptline SVG (one <text> per line, one <tspan> per character). */
function svgLines(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>(.*?)<\/text>/g)].map((m) =>
    (m[1] ?? '')
      .replace(/<[^>]+>/g, '')
      .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&')
      .replace(/\u00a0/g, ' '),
  );
}

const MARKUP_NAME = 'Cola|Pepsi {x} ^_"`~\\ 可乐';

function withFirstName(doc: ReceiptDocument, name: string): ReceiptDocument {
  return { ...doc, lines: doc.lines.map((l, i) => (i === 0 ? { ...l, name } : l)) };
}

describe('escapeReceiptline', () => {
  it('escapes every markup character', () => {
    expect(escapeReceiptline('a|b{c}d^e_f"g`h~i\\j-k=l')).toBe('a\\|b\\{c\\}d\\^e\\_f\\"g\\`h\\~i\\\\j\\-k\\=l');
  });
});

describe('receiptToReceiptline', () => {
  it('draws the receipt number as a CODE128 barcode with its number under it when there is no QR', () => {
    const doc: ReceiptDocument = { ...sampleReceipt30(), qr: undefined, barcode: 'T01-000123' };
    const markdown = receiptToReceiptline(doc, 32).split('\n');
    expect(markdown).toContain('{code:T01-000123; option:code128,2,72,hri}');
    expect(markdown.some((l) => l.includes('qrcode'))).toBe(false);
    const svg = renderReceiptSvg(doc, { columns: 32 });
    expect(svgLines(svg).some((l) => l.replace(/\s/g, '') === 'T01-000123')).toBe(true);
    expect(svg.match(/<rect /g)?.length ?? svg.match(/<path /g)?.length ?? 0).toBeGreaterThan(0);
  });

  it('writes one markdown line per printed line, with the styles and the QR code', () => {
    const doc = sampleReceipt30();
    const markdown = receiptToReceiptline(doc, 32).split('\n');
    expect(markdown[0]).toBe('^^^"演示便利店"');
    expect(markdown).toContain('|~~0.532kg~×~¥29.80/kg~~¥15.85');
    expect(markdown).toContain('{code:https://r.example.cn/e/T01-20261122-000123?c=8F3K2Q; option:qrcode,6,m}');
    expect(markdown.length).toBe(layoutReceipt(doc, { columns: 32 }).length + 1);
  });
  it('keeps a name full of markup as one literal line', () => {
    const markdown = receiptToReceiptline(withFirstName(sampleReceipt30(), MARKUP_NAME), 48);
    expect(markdown).toContain('|Cola\\|Pepsi~\\{x\\}~\\^\\_\\"\\`\\~\\\\~可乐\n');
  });
});

describe('renderReceiptSvg', () => {
  const doc = sampleReceipt30();

  it('shows the store name, the lines and the total exactly as printed', () => {
    const lines = svgLines(renderReceiptSvg(doc, { columns: 32 }));
    expect(lines[0]).toBe('演示便利店');
    expect(lines).toContain('  0.532kg × ¥29.80/kg  ¥15.85');
    expect(lines.some((l) => /^合计 +¥590\.73$/.test(l))).toBe(true);
    // Every text line of the layout is in the SVG, in order (rules are drawn, not written).
    const textBlocks = layoutReceipt(doc, { columns: 32 }).filter((b) => b.kind === 'text');
    const expected = blocksToTextLines(textBlocks, 32).map((l) => l.trim());
    expect(lines.map((l) => l.trim()).filter(Boolean)).toEqual(expected);
  });

  it('is not changed in layout by a product name containing receiptline markup', () => {
    const plain = svgLines(renderReceiptSvg(withFirstName(doc, 'Cola Pepsi x 可乐'), { columns: 48 }));
    const marked = svgLines(renderReceiptSvg(withFirstName(doc, MARKUP_NAME), { columns: 48 }));
    expect(marked).toHaveLength(plain.length);
    expect(marked).toContain(MARKUP_NAME);
    expect(marked.filter((l) => l !== MARKUP_NAME)).toEqual(plain.filter((l) => l !== 'Cola Pepsi x 可乐'));
  });
});

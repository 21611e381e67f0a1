/**
 * On-screen preview of a receipt through receiptline: the blocks of `layoutReceipt` (the lines the printer
 * gets) written as receiptline markdown, one already laid-out line per markdown line, so the SVG shows
 * exactly what the paper will show. Every text is escaped, so a product name cannot carry markup.
 */
import { transform } from 'receiptline';
import type { ReceiptDocument } from '../../src-common/receipt';
import { layoutReceipt, type ReceiptBlock } from '../../src-common/receipt-text';

/** Characters receiptline reads as markup in text: column `|`, property `{}`, styles `_"`^`, space `~`, rules `-=`, escape `\`. */
const MARKUP = /[\\|{}\-=_"`^~]/g;
/** Characters with a meaning inside a `{property: value}`. */
const PROPERTY_MARKUP = /[\\|{};]/g;

/** `text` as literal receiptline text (each markup character escaped with a backslash). */
export function escapeReceiptline(text: string): string {
  return text.replace(MARKUP, '\\$&');
}

function line(block: Extract<ReceiptBlock, { kind: 'text' }>): string {
  if (block.text === '') return '';
  // Spaces become '~' (receiptline's literal space) so leading and inner spaces of our layout survive its
  // trimming and alignment rules.
  let body = escapeReceiptline(block.text).replaceAll(' ', '~');
  if (block.bold) body = `"${body}"`;
  if (block.size === 'tall') body = `^^${body}`;
  if (block.size === 'large') body = `^^^${body}`;
  // A column is left-aligned after a leading '|', right-aligned before a trailing '|', else centred.
  return block.align === 'left' ? `|${body}` : block.align === 'right' ? `${body}|` : body;
}

/** The receiptline markdown of `doc` laid out for `columns` characters per line. */
export function receiptToReceiptline(doc: ReceiptDocument, columns: number): string {
  const out: string[] = [];
  for (const block of layoutReceipt(doc, { columns })) {
    if (block.kind === 'text') out.push(line(block));
    else if (block.kind === 'rule') out.push('-');
    else if (block.kind === 'qr') out.push(`{code:${block.data.replace(PROPERTY_MARKUP, '\\$&')}; option:qrcode,6,m}`);
    else out.push(`{code:${block.data.replace(PROPERTY_MARKUP, '\\$&')}; option:code128,2,72,hri}`);
  }
  return `${out.join('\n')}\n`;
}

/** The receipt as an SVG image for the screen (and an e-receipt), `columns` characters wide. */
export function renderReceiptSvg(doc: ReceiptDocument, options: { readonly columns: number }): string {
  return transform(receiptToReceiptline(doc, options.columns), { cpl: options.columns, encoding: 'gb18030', command: 'svg' });
}

/**
 * receiptline's own ESC/POS bytes for the same markdown: the baseline our encoder is measured against
 * (`npm run bench`), not something to send to a printer.
 */
export function receiptlineEscPos(doc: ReceiptDocument, options: { readonly columns: number }): Uint8Array {
  const commands = transform(receiptToReceiptline(doc, options.columns), { cpl: options.columns, encoding: 'gb18030', command: 'escpos' });
  return Uint8Array.from(Buffer.from(commands, 'binary'));
}

/**
 * The catalog import's rows, as a person types them in Excel or WPS: the columns, the value parsers (string
 * arithmetic only: no float ever touches money or quantities), one row checked on its own with zod, and CSV read
 * with each record's physical line. Pure: the till's importer (src-main/services/catalog-csv.ts) and the store
 * server's (server/office/catalog-import.ts) both read files through it.
 *
 * Columns (header row required, any order): sku,barcodes,name,name_en,price,tax_rate,unit,stock,category,active,plu
 */
import { CsvError, parse } from 'csv-parse/sync';
import { z } from 'zod';
import { DEFAULT_WEIGHED_LAYOUT, validateRetailBarcode } from './barcode';
import { PosError } from './errors';

export const CATALOG_CSV_COLUMNS = ['sku', 'barcodes', 'name', 'name_en', 'price', 'tax_rate', 'unit', 'stock', 'category', 'active', 'plu'] as const;
export type CatalogCsvColumn = (typeof CATALOG_CSV_COLUMNS)[number];

/** Why a row was skipped; stable (the UI translates them), only ever added to. */
export type CsvRowErrorCode =
  | 'bad_columns'
  | 'missing_sku'
  | 'bad_sku'
  | 'duplicate_sku'
  | 'sku_exists'
  | 'missing_name'
  | 'bad_name'
  | 'bad_name_en'
  | 'missing_price'
  | 'bad_price'
  | 'missing_tax_rate'
  | 'bad_tax_rate'
  | 'tax_rate_not_allowed'
  | 'bad_unit'
  | 'bad_stock'
  | 'bad_category'
  | 'bad_active'
  | 'bad_plu'
  | 'duplicate_plu'
  | 'bad_barcode'
  | 'duplicate_barcode';

export interface SkippedRow {
  /** Physical line of the row's first line; the header is line 1. */
  line: number;
  code: CsvRowErrorCode;
  message: string;
}

export type CatalogCsvErrorReason = 'not_utf8' | 'unparseable' | 'no_header' | 'unknown_columns' | 'duplicate_columns' | 'missing_columns' | 'too_many_rows';

/** The whole file was refused; nothing was changed. */
export class CatalogCsvError extends PosError {
  constructor(
    readonly reason: CatalogCsvErrorReason,
    message: string,
    readonly line?: number,
  ) {
    super('validation_failed', message, line === undefined ? { reason } : { reason, line });
    this.name = 'CatalogCsvError';
  }
}

export const MAX_IMPORT_ROWS = 200_000;

// ---------------------------------------------------------------------------------------------------------
// Values as a person types them. String arithmetic only: no float ever touches money or quantities.

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };
const fail = (message: string): { ok: false; message: string } => ({ ok: false, message });

/** Full-width digits, ％ and ｜ as typed with a Chinese IME → ASCII; then trimmed. */
export function ascii(text: string): string {
  return text.normalize('NFKC').trim();
}

/** A decimal with at most `decimals` places → integer × 10^decimals, exactly. */
function parseScaled(text: string, decimals: number, allowNegative: boolean): number | null {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) return null;
  const [, sign, whole, fraction = ''] = match;
  if (fraction.length > decimals || (sign === '-' && !allowNegative)) return null;
  if (whole!.replace(/^0+/, '').length > 12) return null;
  const value = Number(whole || '0') * 10 ** decimals + Number(fraction.padEnd(decimals, '0') || '0');
  return sign === '-' ? -value : value;
}

/** '3.50', '3.5', '3', '¥3.50' → 350 fen. More than 2 decimals, a sign or anything else is refused. */
export function parseYuan(text: string): Parsed<number> {
  const t = ascii(text).replace(/^[¥￥]\s*/, '');
  if (t === '') return fail('price is empty');
  if (!/^\d*(\.\d*)?$/.test(t)) return fail(`price ${JSON.stringify(text)} is not an amount in yuan like 3.50`);
  const fen = parseScaled(t, 2, false);
  if (fen === null) return fail(`price ${JSON.stringify(text)} has more than 2 decimal places`);
  if (fen > 99_999_999) return fail(`price ${JSON.stringify(text)} is above ¥999,999.99`);
  return { ok: true, value: fen };
}

/** 350 → '3.50'. */
export function formatYuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** '13%' or '13' (a percentage, up to 2 decimals) → 1300 basis points. '0.13' is refused as ambiguous. */
export function parseTaxRate(text: string): Parsed<number> {
  const t = ascii(text);
  if (t === '') return fail('tax_rate is empty');
  const match = /^(\d+(?:\.\d+)?)\s*(%?)$/.exec(t);
  if (!match) return fail(`tax_rate ${JSON.stringify(text)} is not a percentage like 13% or 13`);
  const bp = parseScaled(match[1]!, 2, false);
  if (bp === null) return fail(`tax_rate ${JSON.stringify(text)} has more than 2 decimal places`);
  if (match[2] === '' && bp > 0 && bp < 100) {
    return fail(`tax_rate ${JSON.stringify(text)} is ambiguous: write a percentage, like 13% or 13`);
  }
  if (bp > 10_000) return fail(`tax_rate ${JSON.stringify(text)} is above 100%`);
  return { ok: true, value: bp };
}

/** 1300 → '13%', 550 → '5.5%'. */
export function formatTaxRate(bp: number): string {
  const whole = Math.floor(bp / 100);
  const fraction = String(bp % 100).padStart(2, '0').replace(/0+$/, '');
  return `${whole}${fraction ? `.${fraction}` : ''}%`;
}

export type ProductUnit = 'each' | 'kg';

const UNITS: Readonly<Record<string, ProductUnit>> = {
  each: 'each',
  ea: 'each',
  pc: 'each',
  pcs: 'each',
  个: 'each',
  件: 'each',
  kg: 'kg',
  千克: 'kg',
  公斤: 'kg',
};

/** each, 个, 件 → each; kg, 千克, 公斤 → kg. */
export function parseUnit(text: string): Parsed<ProductUnit> {
  const t = ascii(text).toLowerCase();
  const unit = Object.hasOwn(UNITS, t) ? UNITS[t] : undefined;
  return unit ? { ok: true, value: unit } : fail(`unit ${JSON.stringify(text)} is not each/个/件 or kg/千克/公斤`);
}

/** A quantity with up to 3 decimals (may be negative: stock sold past zero) → thousandths. */
export function parseMilli(text: string): Parsed<number> {
  const t = ascii(text);
  const milli = /^[+-]?\d*(\.\d*)?$/.test(t) ? parseScaled(t, 3, true) : null;
  if (milli === null) return fail(`stock ${JSON.stringify(text)} is not a number with at most 3 decimals`);
  return { ok: true, value: milli };
}

/** 24000 → '24', 12345 → '12.345', -500 → '-0.5'. */
export function formatMilli(milli: number): string {
  const sign = milli < 0 ? '-' : '';
  const abs = Math.abs(milli);
  const fraction = String(abs % 1000).padStart(3, '0').replace(/0+$/, '');
  return `${sign}${Math.floor(abs / 1000)}${fraction ? `.${fraction}` : ''}`;
}

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'y', '是', '启用']);
const FALSE_WORDS = new Set(['0', 'false', 'no', 'n', '否', '停用']);

/** 1/0, true/false, yes/no, 是/否; empty = active. */
export function parseActive(text: string): Parsed<boolean> {
  const t = ascii(text).toLowerCase();
  if (t === '' || TRUE_WORDS.has(t)) return { ok: true, value: true };
  if (FALSE_WORDS.has(t)) return { ok: true, value: false };
  return fail(`active ${JSON.stringify(text)} is not 1/0, true/false or 是/否`);
}

/** 1–5 digits, zero-padded to the 5 a scale label carries (Excel drops leading zeros: 1 → 00001). */
export function parsePlu(text: string): Parsed<string | null> {
  const t = ascii(text);
  if (t === '') return { ok: true, value: null };
  if (!/^\d{1,5}$/.test(t)) return fail(`plu ${JSON.stringify(text)} is not 1–5 digits`);
  return { ok: true, value: t.padStart(5, '0') };
}

/** How a stored barcode key is shown and exported: a UPC-A without the leading 0 it is keyed by. */
export function displayBarcode(key: string): string {
  return key.length === 13 && key.startsWith('0') ? key.slice(1) : key;
}

/** Barcodes separated by | or spaces, each checked (EAN-13, EAN-8, UPC-A, UPC-E) → canonical keys, deduplicated. */
export function parseBarcodes(text: string, weighedPrefixes: readonly string[] = DEFAULT_WEIGHED_LAYOUT.prefixes): Parsed<string[]> {
  const keys: string[] = [];
  for (const code of ascii(text).split(/[|\s]+/).filter(Boolean)) {
    const check = validateRetailBarcode(code);
    if (!check.ok) {
      const why = { not_digits: 'is not all digits', bad_length: 'is not 8, 12 or 13 digits', bad_check_digit: 'has a wrong check digit' }[check.reason];
      return fail(`barcode ${code} ${why}`);
    }
    if (check.symbology === 'ean13' && weighedPrefixes.some((p) => check.key.startsWith(p))) {
      return fail(`barcode ${code} is in the in-store range the scales print (${weighedPrefixes[0]}…): a scan would read it as a scale label`);
    }
    if (!keys.includes(check.key)) keys.push(check.key);
  }
  return { ok: true, value: keys };
}

/** Collapses runs of white space (a line break typed in a cell) into one space. */
function text(cell: string): string {
  return cell.replace(/\s+/g, ' ').trim();
}

// ---------------------------------------------------------------------------------------------------------
// Formula injection: a cell Excel or WPS would run as a formula gets a leading apostrophe on export, and
// loses it again on import, so the round trip is exact. Plain numbers (-3, +5) are left alone.

const FORMULA_START = /^'*[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?%?$/;

export function guardCell(value: string): string {
  return FORMULA_START.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value;
}

export function unguardCell(value: string): string {
  return /^'+[=+\-@\t\r]/.test(value) ? value.slice(1) : value;
}

// ---------------------------------------------------------------------------------------------------------
// A row, checked on its own with zod. Absent column = undefined.

function cell<T>(code: CsvRowErrorCode, parser: (value: string) => Parsed<T>) {
  return z
    .string()
    .optional()
    .transform((value, ctx): T | undefined => {
      if (value === undefined) return undefined;
      const parsed = parser(value);
      if (parsed.ok) return parsed.value;
      ctx.addIssue({ code: 'custom', message: parsed.message, params: { rowCode: code } });
      return z.NEVER;
    });
}

const required = (field: string, code: CsvRowErrorCode, parser: (value: string) => Parsed<string>) =>
  cell(code, (v) => (v.trim() === '' ? fail(`${field} is empty`) : parser(v)));

export const RowSchema = z.object({
  sku: z
    .string()
    .transform((v) => v.trim())
    .pipe(
      z
        .string()
        .min(1, 'sku is empty')
        .max(64, 'sku is longer than 64 characters')
        // eslint-disable-next-line no-control-regex
        .regex(/^[^\u0000-\u001f\u007f]*$/, 'sku contains a control character'),
    ),
  name: required('name', 'missing_name', (v) => (text(v).length > 100 ? fail('name is longer than 100 characters') : { ok: true, value: text(v) })),
  name_en: cell('bad_name_en', (v): Parsed<string | null> =>
    text(v).length > 100 ? fail('name_en is longer than 100 characters') : { ok: true, value: text(v) || null },
  ),
  price: cell('bad_price', (v) => (v.trim() === '' ? fail('price is empty') : parseYuan(v))),
  tax_rate: cell('bad_tax_rate', (v) => (v.trim() === '' ? fail('tax_rate is empty') : parseTaxRate(v))),
  unit: cell('bad_unit', (v) => (v.trim() === '' ? { ok: true as const, value: 'each' as const } : parseUnit(v))),
  stock: cell('bad_stock', (v): Parsed<number | null> => (v.trim() === '' ? { ok: true, value: null } : parseMilli(v))),
  category: cell('bad_category', (v): Parsed<string | null> =>
    text(v).length > 40 ? fail('category is longer than 40 characters') : { ok: true, value: text(v) || null },
  ),
  active: cell('bad_active', parseActive),
  plu: cell('bad_plu', parsePlu),
  barcodes: z.string().optional(),
});
export type Row = z.output<typeof RowSchema>;

/** Codes of issues zod raises itself (not from a `cell` parser), by column. */
const FIELD_CODES: Partial<Record<string, CsvRowErrorCode>> = { sku: 'bad_sku', name: 'missing_name' };

function rowError(issues: readonly z.core.$ZodIssue[]): { code: CsvRowErrorCode; message: string } {
  const first = issues[0]!;
  const params = (first as { params?: { rowCode?: CsvRowErrorCode } }).params;
  const column = String(first.path[0] ?? '');
  let code = params?.rowCode ?? FIELD_CODES[column] ?? 'bad_columns';
  if (code === 'bad_sku' && first.message === 'sku is empty') code = 'missing_sku';
  if (first.message.endsWith(' is empty')) {
    code = ({ name: 'missing_name', price: 'missing_price', tax_rate: 'missing_tax_rate' } as Partial<Record<string, CsvRowErrorCode>>)[column] ?? code;
  }
  return { code, message: issues.map((i) => i.message).join('; ') };
}

// ---------------------------------------------------------------------------------------------------------
// Reading the file.

export interface CsvRecord {
  line: number;
  cells: string[];
}

function countBreaks(bytes: Uint8Array, from: number, to: number): number {
  let breaks = 0;
  for (let i = from; i < to; i++) {
    const b = bytes[i];
    if (b === 0x0a) breaks++;
    else if (b === 0x0d && bytes[i + 1] !== 0x0a) breaks++;
  }
  return breaks;
}

/** Every record with the physical line it starts on. Throws CatalogCsvError when the text is not CSV. */
export function readCsvRecords(csvText: string): CsvRecord[] {
  if (csvText.includes('\uFFFD')) {
    throw new CatalogCsvError('not_utf8', 'The file is not valid UTF-8 (saved as GBK/ANSI?). Save it as “CSV UTF-8” and import it again.');
  }
  let parsed: { record: string[]; info: { bytes: number } }[];
  try {
    parsed = parse(csvText, { bom: true, info: true, relax_column_count: true, skip_empty_lines: false }) as unknown as typeof parsed;
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines;
      throw new CatalogCsvError('unparseable', `The file cannot be read as CSV: ${error.message}. Nothing was imported.`, line);
    }
    throw error;
  }
  // csv-parse miscounts lines when a quoted field holds CRLF, so count them here, from the byte offset at
  // which each record ends (info.bytes counts UTF-8 bytes, BOM included).
  const bytes = new TextEncoder().encode(csvText);
  const records: CsvRecord[] = [];
  let line = 1;
  let offset = 0;
  for (const { record, info } of parsed) {
    records.push({ line, cells: record });
    line += countBreaks(bytes, offset, info.bytes);
    offset = info.bytes;
  }
  return records;
}

export interface GoodRow {
  line: number;
  row: Row;
  barcodes: string[] | undefined;
}

/** A CSV file's rows, checked one by one (a bad row is skipped with its line and code). Throws CatalogCsvError for the whole file. */
export function readRows(csvText: string, weighedPrefixes: readonly string[]): { rows: GoodRow[]; skipped: SkippedRow[] } {
  return readCatalogRecords(readCsvRecords(csvText), weighedPrefixes);
}

/** Records (from CSV, or an XLSX sheet's rows as text) → checked rows; the first non-empty record is the header. */
export function readCatalogRecords(allRecords: readonly CsvRecord[], weighedPrefixes: readonly string[]): { rows: GoodRow[]; skipped: SkippedRow[] } {
  const records = allRecords.filter((r) => r.cells.some((c) => c.trim() !== ''));
  const header = records.shift();
  if (!header) throw new CatalogCsvError('no_header', `The file is empty: it needs a header row (${CATALOG_CSV_COLUMNS.join(',')}).`);
  const columns = header.cells.map((c) => c.replace(/^\uFEFF/, '').trim().toLowerCase());
  const unknown = columns.filter((c) => !(CATALOG_CSV_COLUMNS as readonly string[]).includes(c));
  if (unknown.length > 0) {
    throw new CatalogCsvError(
      'unknown_columns',
      `Unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((c) => JSON.stringify(c)).join(', ')} in the header (line ${header.line}); the columns are ${CATALOG_CSV_COLUMNS.join(',')}.`,
      header.line,
    );
  }
  const duplicate = columns.find((c, i) => columns.indexOf(c) !== i);
  if (duplicate) throw new CatalogCsvError('duplicate_columns', `Column "${duplicate}" appears twice in the header.`, header.line);
  if (!columns.includes('sku')) throw new CatalogCsvError('missing_columns', 'The header has no "sku" column: it names each product.', header.line);
  if (records.length > MAX_IMPORT_ROWS) {
    throw new CatalogCsvError('too_many_rows', `The file has ${records.length} rows; at most ${MAX_IMPORT_ROWS} can be imported at once.`);
  }

  const rows: GoodRow[] = [];
  const skipped: SkippedRow[] = [];
  for (const { line, cells } of records) {
    if (cells.length !== columns.length) {
      skipped.push({ line, code: 'bad_columns', message: `expected ${columns.length} fields, found ${cells.length}` });
      continue;
    }
    const raw: Record<string, string> = {};
    columns.forEach((c, i) => (raw[c] = unguardCell(cells[i]!.trim())));
    const result = RowSchema.safeParse(raw);
    if (!result.success) {
      skipped.push({ line, ...rowError(result.error.issues) });
      continue;
    }
    let barcodes: string[] | undefined;
    if (result.data.barcodes !== undefined) {
      const parsed = parseBarcodes(result.data.barcodes, weighedPrefixes);
      if (!parsed.ok) {
        skipped.push({ line, code: 'bad_barcode', message: parsed.message });
        continue;
      }
      barcodes = parsed.value;
    }
    rows.push({ line, row: result.data, barcodes });
  }
  return { rows, skipped };
}

/**
 * WeChat Pay API v2's wire format (payments.md §2): a flat `<xml>` element of named string fields, UTF-8, values
 * in CDATA as the documentation's examples write them. A reply is read only when it is exactly that shape:
 * nested elements, attributes or a different root make it unreadable (the caller treats it as unknown).
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';

export type WechatFields = Record<string, string>;

const FIELD_NAME = /^[a-z][a-z0-9_]*$/;
const builder = new XMLBuilder({ cdataPropName: '#cdata', suppressEmptyNode: false });
const parser = new XMLParser({ parseTagValue: false, trimValues: true, ignoreAttributes: false, processEntities: true });

/** `<xml><k><![CDATA[v]]></k>…</xml>`; numbers (total_fee) as bare digits, as the documentation shows them. */
export function toWechatXml(fields: Readonly<Record<string, string | number>>): string {
  const body: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (!FIELD_NAME.test(k)) throw new Error(`not a WeChat Pay field name: ${k}`);
    body[k] = typeof v === 'number' ? String(v) : { '#cdata': v };
  }
  return builder.build({ xml: body }) as string;
}

/** The fields of a v2 XML message, or null when it is not well-formed flat `<xml>`. */
export function parseWechatXml(text: string): WechatFields | null {
  if (XMLValidator.validate(text) !== true) return null;
  let parsed: unknown;
  try {
    parsed = parser.parse(text);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const entries = Object.entries(parsed).filter(([k]) => k !== '?xml');
  if (entries.length !== 1 || entries[0]![0] !== 'xml') return null;
  const root = entries[0]![1];
  if (root === '') return {};
  if (typeof root !== 'object' || root === null || Array.isArray(root)) return null;
  const fields: WechatFields = {};
  for (const [k, v] of Object.entries(root)) {
    if (!FIELD_NAME.test(k) || typeof v !== 'string') return null;
    fields[k] = v;
  }
  return fields;
}

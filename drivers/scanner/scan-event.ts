/**
 * What every scanner transport turns its bytes into (framer.ts for serial, hid-pos.ts for USB HID POS), and
 * the checks both apply to the bytes of one scan before they become text.
 */
import type { ScanSymbology } from './aim';

export type ScanEvent =
  | {
      kind: 'scan';
      /** The scanned data: no AIM identifier, no suffix, nothing else trimmed. May hold GS (0x1D) for GS1 data. */
      data: string;
      symbology: ScanSymbology;
      /** The AIM identifier the scanner sent (`]E0`), or null when it sent none. */
      aim: string | null;
      /** The bytes this scan came in (serial: the line with its suffix; HID POS: its whole reports). */
      raw: Uint8Array;
    }
  | {
      kind: 'dropped';
      /**
       * overlong: longer than the limit; garbage: control bytes, bytes the encoding cannot decode, a fragment
       * that never ended, or a malformed report; empty: an AIM identifier (or a report) with no data.
       */
      reason: 'overlong' | 'garbage' | 'empty';
      raw: Uint8Array;
    };

/** How a scanner's bytes are read as text. 'ascii' refuses any byte ≥ 0x80 (line noise at a wrong baud rate). */
export type ScanEncoding = 'ascii' | 'utf8' | 'gb18030';

export const SCAN_ENCODINGS: readonly ScanEncoding[] = Object.freeze(['ascii', 'utf8', 'gb18030']);

/** GS, the GS1 separator: the one control character legal inside scanned data. */
export const GS = 0x1d;

/** C0 controls, DEL and C1 controls (Unicode category Cc), except GS. */
export function isForbiddenControl(codePoint: number): boolean {
  return codePoint !== GS && (codePoint < 0x20 || (codePoint >= 0x7f && codePoint <= 0x9f));
}

/** True when `text` holds a control character other than GS. */
export function hasForbiddenControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (isForbiddenControl(text.charCodeAt(i))) return true;
  }
  return false;
}

/** Decodes the bytes of one scan, or returns null when they are garbage. */
export type ScanDecoder = (bytes: Uint8Array) => string | null;

/**
 * A decoder for `encoding`. Null (garbage) when a byte is a control other than GS, when the bytes are not
 * valid in the encoding, or when the decoded text holds a control character (GB18030 and UTF-8 can encode
 * the C1 controls U+0080–U+009F with bytes that are not controls). Throws RangeError on an unknown encoding.
 */
export function createScanDecoder(encoding: ScanEncoding): ScanDecoder {
  const byteCheck = (bytes: Uint8Array, asciiOnly: boolean): boolean => {
    for (const b of bytes) {
      if (isForbiddenControl(b) && b < 0x80) return false;
      if (asciiOnly && b >= 0x80) return false;
    }
    return true;
  };
  switch (encoding) {
    case 'ascii':
      return (bytes) => {
        if (!byteCheck(bytes, true)) return null;
        let text = '';
        for (const b of bytes) text += String.fromCharCode(b);
        return text;
      };
    case 'utf8':
    case 'gb18030': {
      const decoder = new TextDecoder(encoding === 'utf8' ? 'utf-8' : 'gb18030', { fatal: true });
      return (bytes) => {
        if (!byteCheck(bytes, false)) return null;
        let text: string;
        try {
          text = decoder.decode(bytes);
        } catch {
          return null;
        }
        return hasForbiddenControl(text) ? null : text;
      };
    }
    default:
      throw new RangeError(`unknown scanner encoding ${JSON.stringify(encoding as unknown)}; expected one of ${SCAN_ENCODINGS.join(', ')}`);
  }
}

/** The bytes of several arrays in one. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Reads ESC/POS bytes back into printed lines and the commands seen: for tests of the encoder, and for the
 * printer simulator. Text is decoded as the printer would: GB18030 in Hanzi mode (`FS &`), else the
 * selected single-byte code table. Never throws: an unknown or truncated command is reported as such.
 */
import iconv from 'iconv-lite';
import { displayWidth } from '../../src-common/text-width';

export type Align = 'left' | 'center' | 'right';

interface At {
  /** Offset of the command's first byte. */
  readonly at: number;
  /** Bytes the command takes, parameters and data included. */
  readonly length: number;
}

export type EscPosCommand = At &
  (
    | { readonly type: 'init' }
    | { readonly type: 'codeTable'; readonly table: number }
    | { readonly type: 'hanzi'; readonly on: boolean }
    | { readonly type: 'tabStops'; readonly stops: readonly number[] }
    | { readonly type: 'align'; readonly align: Align }
    | { readonly type: 'bold'; readonly on: boolean }
    | { readonly type: 'size'; readonly width: number; readonly height: number }
    | { readonly type: 'printMode'; readonly mode: number }
    | { readonly type: 'qrModel'; readonly model: number }
    | { readonly type: 'qrModuleSize'; readonly size: number }
    | { readonly type: 'qrErrorCorrection'; readonly level: 'L' | 'M' | 'Q' | 'H' }
    | { readonly type: 'qrStore'; readonly data: string }
    | { readonly type: 'qrPrint' }
    /** GS k: a barcode printed, by its ESC/POS symbology number (73 = CODE128, its code-set prefix removed). */
    | { readonly type: 'barcode'; readonly symbology: number; readonly data: string }
    | { readonly type: 'feed'; readonly lines: number }
    | { readonly type: 'cut'; readonly partial: boolean; readonly feed: number }
    | { readonly type: 'drawerKick'; readonly pin: 2 | 5; readonly onMs: number; readonly offMs: number }
    | { readonly type: 'statusRequest'; readonly n: number }
    /** Any other well-formed command, by its introducer and function bytes, e.g. 'ESC 3', 'GS ( L'. */
    | { readonly type: 'other'; readonly name: string }
    | { readonly type: 'unknown'; readonly bytes: readonly number[] }
    | { readonly type: 'truncated'; readonly bytes: readonly number[] }
  );

export interface DecodedLine {
  readonly text: string;
  readonly align: Align;
  readonly bold: boolean;
  /** Character magnification, 1–8. */
  readonly width: number;
  readonly height: number;
}

export interface DecodedEscPos {
  readonly lines: readonly DecodedLine[];
  readonly commands: readonly EscPosCommand[];
  /** The QR payloads printed (stored, then printed), in order. */
  readonly qr: readonly string[];
  /** The barcodes printed (GS k), their data as a scanner reads it, in order. */
  readonly barcodes: readonly string[];
}

const CODE_TABLES: Readonly<Record<number, string>> = { 0: 'cp437', 2: 'cp850', 3: 'cp860', 4: 'cp863', 5: 'cp865', 16: 'cp1252', 17: 'cp866', 18: 'cp852', 19: 'cp858' };
const ALIGNS: readonly Align[] = ['left', 'center', 'right'];
const NAMES: Readonly<Record<number, string>> = { 0x10: 'DLE', 0x1b: 'ESC', 0x1c: 'FS', 0x1d: 'GS' };

// Commands with a fixed number of parameter bytes after the introducer and function byte.
const FIXED: Readonly<Record<number, Readonly<Record<string, number>>>> = {
  0x1b: { ' ': 1, '!': 1, $: 2, '%': 1, '-': 1, '2': 0, '3': 1, '<': 0, '=': 1, '?': 1, '@': 0, E: 1, G: 1, J: 1, K: 1, L: 0, M: 1, R: 1, S: 0, T: 1, U: 1, V: 1, W: 8, '\\': 2, a: 1, d: 1, e: 1, i: 0, m: 0, p: 3, r: 1, t: 1, u: 1, v: 0, '{': 1 },
  0x1d: { '!': 1, $: 2, '/': 1, B: 1, H: 1, I: 1, L: 2, P: 2, T: 1, W: 2, '\\': 2, '^': 3, a: 1, b: 1, c: 0, f: 1, g: 0, h: 1, j: 1, r: 1, w: 1, z: 1 },
  0x1c: { '!': 1, '&': 0, '-': 1, '.': 0, C: 1, S: 2, W: 1, '?': 1, p: 2 },
  0x10: { '\x04': 1, '\x05': 1 },
};

/** Decodes ESC/POS bytes; see the module comment. */
export function decodeEscPos(bytes: Uint8Array): DecodedEscPos {
  const commands: EscPosCommand[] = [];
  const lines: DecodedLine[] = [];
  const qr: string[] = [];
  const barcodes: string[] = [];
  let pendingQr: string | null = null;

  let hanzi = false;
  let table = 0;
  let align: Align = 'left';
  let bold = false;
  let width = 1;
  let height = 1;
  let stops: number[] = defaultStops();

  // The line being printed: decoded text, plus raw bytes not yet decoded (all in the current mode).
  let text = '';
  let raw: number[] = [];
  let rawHanzi = false;
  let lineStyle: Omit<DecodedLine, 'text'> | null = null;

  const flushRaw = (): void => {
    if (raw.length === 0) return;
    text += iconv.decode(Buffer.from(raw), rawHanzi ? 'gb18030' : (CODE_TABLES[table] ?? 'cp437'));
    raw = [];
  };
  const textBytes = (...b: number[]): void => {
    if (raw.length > 0 && rawHanzi !== hanzi) flushRaw();
    rawHanzi = hanzi;
    lineStyle ??= { align, bold, width, height };
    raw.push(...b);
  };
  const endLine = (): void => {
    flushRaw();
    lines.push({ ...(lineStyle ?? { align, bold, width, height }), text });
    text = '';
    lineStyle = null;
  };
  const tab = (): void => {
    flushRaw();
    lineStyle ??= { align, bold, width, height };
    const column = displayWidth(text);
    const next = stops.find((s) => s > column);
    if (next !== undefined) text += ' '.repeat(next - column);
  };

  let i = 0;
  const n = bytes.length;
  const byte = (k: number): number => bytes[k] ?? 0;
  const add = (c: EscPosCommand): void => void commands.push(c);

  while (i < n) {
    const b = byte(i);
    if (b === 0x0a) {
      endLine();
      i++;
      continue;
    }
    if (b === 0x09) {
      tab();
      i++;
      continue;
    }
    if (b === 0x0d) {
      i++; // CR: ignored, as by printers in their default (auto line feed off) setting
      continue;
    }
    if (b >= 0x20 && b !== 0x7f) {
      if (hanzi && b >= 0x81) {
        const size = byte(i + 1) >= 0x30 && byte(i + 1) <= 0x39 ? 4 : 2;
        textBytes(...bytes.subarray(i, Math.min(n, i + size)));
        i += size;
      } else {
        textBytes(b);
        i++;
      }
      continue;
    }
    const start = i;
    const intro = NAMES[b];
    if (intro === undefined || i + 1 >= n) {
      add({ type: i + 1 >= n && intro !== undefined ? 'truncated' : 'unknown', bytes: [b], at: start, length: 1 });
      i++;
      continue;
    }
    const fn = byte(i + 1);
    const fnChar = String.fromCharCode(fn);
    const name = `${intro} ${fn >= 0x21 && fn < 0x7f ? fnChar : `0x${fn.toString(16).padStart(2, '0')}`}`;
    const need = (len: number): boolean => {
      if (start + len <= n) return true;
      add({ type: 'truncated', bytes: [...bytes.subarray(start)], at: start, length: n - start });
      i = n;
      return false;
    };
    const fixed = FIXED[b]?.[fnChar];
    if (fixed !== undefined) {
      const len = 2 + fixed;
      if (!need(len)) break;
      const p = (k: number): number => byte(start + 2 + k);
      const at = { at: start, length: len };
      i += len;
      if (b === 0x1b) {
        switch (fnChar) {
          case '@':
            // Initialising clears the print buffer: a half-received line is lost, as on the printer.
            text = '';
            raw = [];
            lineStyle = null;
            hanzi = false;
            table = 0;
            align = 'left';
            bold = false;
            width = height = 1;
            stops = defaultStops();
            add({ type: 'init', ...at });
            continue;
          case 't':
            flushRaw();
            table = p(0);
            add({ type: 'codeTable', table, ...at });
            continue;
          case 'a':
            align = ALIGNS[p(0) % 48] ?? 'left';
            add({ type: 'align', align, ...at });
            continue;
          case 'E':
            bold = (p(0) & 1) === 1;
            add({ type: 'bold', on: bold, ...at });
            continue;
          case '!':
            bold = (p(0) & 0x08) !== 0;
            height = p(0) & 0x10 ? 2 : 1;
            width = p(0) & 0x20 ? 2 : 1;
            add({ type: 'printMode', mode: p(0), ...at });
            continue;
          case 'd':
            if (text || raw.length) endLine();
            add({ type: 'feed', lines: p(0), ...at });
            continue;
          case 'p':
            add({ type: 'drawerKick', pin: (p(0) & 1) === 0 ? 2 : 5, onMs: p(1) * 2, offMs: p(2) * 2, ...at });
            continue;
        }
      } else if (b === 0x1d && fnChar === '!') {
        width = (p(0) >> 4) + 1;
        height = (p(0) & 0x0f) + 1;
        add({ type: 'size', width, height, ...at });
        continue;
      } else if (b === 0x1c && (fnChar === '&' || fnChar === '.')) {
        flushRaw();
        hanzi = fnChar === '&';
        add({ type: 'hanzi', on: hanzi, ...at });
        continue;
      } else if (b === 0x10 && fn === 0x04) {
        add({ type: 'statusRequest', n: p(0), ...at });
        continue;
      }
      add({ type: 'other', name, ...at });
      continue;
    }

    // Variable-length commands.
    if (b === 0x1b && fnChar === 'D') {
      let end = start + 2;
      while (end < n && byte(end) !== 0 && end - start < 34) end++;
      if (!need(end - start + 1)) break;
      stops = [...bytes.subarray(start + 2, end)];
      i = end + 1;
      add({ type: 'tabStops', stops, at: start, length: i - start });
      continue;
    }
    if (b === 0x1d && fnChar === 'V') {
      if (!need(3)) break;
      const m = byte(start + 2);
      const withFeed = m === 65 || m === 66 || m === 97 || m === 98 || m === 103 || m === 104;
      const len = withFeed ? 4 : 3;
      if (!need(len)) break;
      i = start + len;
      add({ type: 'cut', partial: [1, 49, 66, 98, 104].includes(m), feed: withFeed ? byte(start + 3) : 0, at: start, length: len });
      continue;
    }
    if ((b === 0x1d || b === 0x1c) && fnChar === '(') {
      // GS ( fn pL pH m … and FS ( fn pL pH …
      if (!need(5)) break;
      const fnLetter = String.fromCharCode(byte(start + 2));
      const size = byte(start + 3) | (byte(start + 4) << 8);
      const len = 5 + size;
      if (!need(len)) break;
      i = start + len;
      const at = { at: start, length: len };
      if (b === 0x1d && fnLetter === 'k' && size >= 3 && byte(start + 5) === 0x31) {
        const f = byte(start + 6);
        const arg = byte(start + 7);
        if (f === 0x41) add({ type: 'qrModel', model: arg - 0x30, ...at });
        else if (f === 0x43) add({ type: 'qrModuleSize', size: arg, ...at });
        else if (f === 0x45) add({ type: 'qrErrorCorrection', level: (['L', 'M', 'Q', 'H'] as const)[arg - 0x30] ?? 'L', ...at });
        else if (f === 0x50) {
          pendingQr = new TextDecoder().decode(bytes.subarray(start + 8, start + len));
          add({ type: 'qrStore', data: pendingQr, ...at });
        } else if (f === 0x51) {
          if (pendingQr !== null) qr.push(pendingQr);
          add({ type: 'qrPrint', ...at });
        } else add({ type: 'other', name: `GS ( k 0x${f.toString(16)}`, ...at });
        continue;
      }
      add({ type: 'other', name: `${intro} ( ${fnLetter}`, ...at });
      continue;
    }
    if (b === 0x1d && fnChar === '8' && byte(start + 2) === 0x4c) {
      // GS 8 L p1 p2 p3 p4 … (graphics with a 32-bit length)
      if (!need(7)) break;
      const size = byte(start + 3) + byte(start + 4) * 0x100 + byte(start + 5) * 0x10000 + byte(start + 6) * 0x1000000;
      if (!need(7 + size)) break;
      i = start + 7 + size;
      add({ type: 'other', name: 'GS 8 L', at: start, length: i - start });
      continue;
    }
    if (b === 0x1d && fnChar === 'v' && byte(start + 2) === 0x30) {
      // GS v 0 m xL xH yL yH d… (raster bit image)
      if (!need(8)) break;
      const size = (byte(start + 4) | (byte(start + 5) << 8)) * (byte(start + 6) | (byte(start + 7) << 8));
      if (!need(8 + size)) break;
      i = start + 8 + size;
      add({ type: 'other', name: 'GS v 0', at: start, length: i - start });
      continue;
    }
    if (b === 0x1d && fnChar === 'k') {
      // GS k m d… NUL (m 0–6) or GS k m n d1…dn (m 65–79)
      if (!need(3)) break;
      const m = byte(start + 2);
      let len: number;
      let data: Uint8Array;
      if (m <= 6) {
        let end = start + 3;
        while (end < n && byte(end) !== 0) end++;
        len = end - start + 1;
        data = bytes.subarray(start + 3, end);
      } else {
        len = 4 + byte(start + 3);
        data = bytes.subarray(start + 4, start + len);
      }
      if (!need(len)) break;
      i = start + len;
      let text = String.fromCharCode(...data);
      // CODE128 data starts with a code set ({A, {B, {C); a literal '{' is sent as '{{'.
      if (m === 73) text = text.replace(/^\{[ABC]/, '').replaceAll('{{', '{');
      barcodes.push(text);
      add({ type: 'barcode', symbology: m, data: text, at: start, length: len });
      continue;
    }
    if (b === 0x10 && fn === 0x14) {
      // DLE DC4 fn a b (real-time pulse and friends)
      if (!need(5)) break;
      i = start + 5;
      if (byte(start + 2) === 1) add({ type: 'drawerKick', pin: byte(start + 3) === 0 ? 2 : 5, onMs: byte(start + 4) * 100, offMs: byte(start + 4) * 100, at: start, length: 5 });
      else add({ type: 'other', name: 'DLE DC4', at: start, length: 5 });
      continue;
    }
    add({ type: 'unknown', bytes: [b, fn], at: start, length: 2 });
    i = start + 2;
  }
  if (text || raw.length) endLine();
  return { lines, commands, qr, barcodes };
}

function defaultStops(): number[] {
  return Array.from({ length: 32 }, (_, k) => (k + 1) * 8);
}

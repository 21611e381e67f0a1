/**
 * Column arithmetic for monospaced receipts and customer displays, and the sanitiser every text from the
 * catalog or a sale passes before it reaches a printer or display.
 *
 * Width model (one rule, shared by the plain-text receipt, the ESC/POS encoder and the receiptline preview):
 * - printable ASCII (U+0020–U+007E) is 1 column;
 * - combining marks (Mn, Me) and format characters (Cf) are 0 columns (they belong to the character before);
 * - every other character is 2 columns.
 * That is how a Chinese receipt printer in Hanzi mode (`FS &`, GB18030) prints: any multi-byte character
 * takes a full-width cell, including 'é', '×' and '¥'. It is also how receiptline measures gb18030 text, and
 * how CJK monospace fonts draw Han, kana, full-width forms and the East Asian "ambiguous" symbols.
 */

const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]$/u;

/** Columns taken by one code point (see the model above); C0/C1 controls count 0. */
export function charWidth(codePoint: number): 0 | 1 | 2 {
  if (codePoint >= 0x20 && codePoint < 0x7f) return 1;
  if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint <= 0x9f)) return 0;
  // Fast path for the bulk of Chinese text (CJK Unified Ideographs, CJK punctuation, full-width forms).
  if ((codePoint >= 0x4e00 && codePoint <= 0x9fff) || (codePoint >= 0x3000 && codePoint <= 0x303f) || (codePoint >= 0xff01 && codePoint <= 0xff5e)) return 2;
  return ZERO_WIDTH.test(String.fromCodePoint(codePoint)) ? 0 : 2;
}

/** Columns `text` takes on a receipt. */
export function displayWidth(text: string): number {
  let width = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0x20 && unit < 0x7f) {
      width += 1;
      continue;
    }
    const cp = text.codePointAt(i) ?? unit;
    if (cp > 0xffff) i++;
    width += charWidth(cp);
  }
  return width;
}

/** `text` followed by spaces up to `columns`; returned unchanged when it is already that wide or wider. */
export function padEndToWidth(text: string, columns: number): string {
  return text + ' '.repeat(Math.max(0, columns - displayWidth(text)));
}

/** Spaces then `text`, right-aligned in `columns`; unchanged when it is already that wide or wider. */
export function padStartToWidth(text: string, columns: number): string {
  return ' '.repeat(Math.max(0, columns - displayWidth(text))) + text;
}

/** `text` centred in `columns` (the odd column goes to the right); left padding only, no trailing spaces. */
export function centerToWidth(text: string, columns: number): string {
  return ' '.repeat(Math.max(0, Math.floor((columns - displayWidth(text)) / 2))) + text;
}

/**
 * The longest prefix of `text` that fits in `columns`, never splitting a character (a surrogate pair, or a
 * character from the combining marks that follow it). With `ellipsis`, a truncated text ends with it and
 * the whole still fits.
 */
export function truncateToWidth(text: string, columns: number, ellipsis = ''): string {
  if (displayWidth(text) <= columns) return text;
  const room = columns - displayWidth(ellipsis);
  if (room < 0) return '';
  let out = '';
  let width = 0;
  for (const ch of text) {
    const w = charWidth(ch.codePointAt(0) ?? 0);
    if (width + w > room) break;
    out += ch;
    width += w;
  }
  return out + ellipsis;
}

/** Tokens for wrapping: a run of spaces, a run of narrow non-space characters (a word), or one wide character. */
function tokens(text: string): string[] {
  const out: string[] = [];
  let word = '';
  let kind: 'space' | 'word' | null = null;
  const flush = (): void => {
    if (word) out.push(word);
    word = '';
    kind = null;
  };
  for (const ch of text) {
    const w = charWidth(ch.codePointAt(0) ?? 0);
    if (w === 0) {
      // A combining mark stays with the word or wide character before it; after a space it is a word itself.
      const last = out.length - 1;
      if (kind === null && last >= 0 && !out[last]?.startsWith(' ')) out[last] += ch;
      else {
        if (kind === 'space') flush();
        kind = 'word';
        word += ch;
      }
      continue;
    }
    if (w === 2) {
      flush();
      word = ch;
      kind = 'word';
      flush();
      continue;
    }
    const k = ch === ' ' ? 'space' : 'word';
    if (kind !== k) flush();
    kind = k;
    word += ch;
  }
  flush();
  return out;
}

/**
 * `text` broken into lines of at most `columns` (≥ 2) columns: at spaces between words, between any two wide
 * (CJK) characters, and inside a word only when the word alone is wider than a line. Lines carry no leading
 * or trailing spaces; an empty or all-space text gives no lines.
 */
export function wrapToWidth(text: string, columns: number): string[] {
  if (!Number.isInteger(columns) || columns < 2) throw new RangeError(`columns must be an integer ≥ 2, got ${String(columns)}`);
  const lines: string[] = [];
  let line = '';
  let width = 0;
  let space = '';
  const push = (): void => {
    if (line) lines.push(line);
    line = '';
    width = 0;
  };
  for (const token of tokens(text)) {
    if (token.startsWith(' ')) {
      space = line ? token : '';
      continue;
    }
    const w = displayWidth(token);
    if (width + displayWidth(space) + w <= columns) {
      line += space + token;
      width += displayWidth(space) + w;
    } else if (w <= columns) {
      push();
      line = token;
      width = w;
    } else {
      // A word wider than a line: fill the current line, then cut it character by character.
      let rest = token;
      if (line && width + displayWidth(space) < columns) {
        const head = truncateToWidth(rest, columns - width - displayWidth(space));
        if (head) {
          line += space + head;
          rest = rest.slice(head.length);
        }
      }
      while (rest) {
        push();
        const head = truncateToWidth(rest, columns);
        line = head;
        width = displayWidth(head);
        rest = rest.slice(head.length);
      }
    }
    space = '';
  }
  push();
  return lines;
}

// Whitespace-like controls and the Unicode spaces (Zs) other than U+3000 become one ASCII space each, so
// "可乐\n500ml" still reads as two words and a no-break space is not sent as a 4-byte GB18030 character.
const AS_SPACE = /[\t\n\v\f\r\u0085\u2028\u2029\u00a0\u1680\u2000-\u200a\u202f\u205f]/g;
// Everything else a device could take as a command or that has no glyph: C0/C1 controls and DEL (Cc), format
// characters such as bidi overrides and zero-width joiners (Cf), lone surrogates (Cs), private use (Co), and
// the noncharacters.
const DROP = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Noncharacter_Code_Point}]/gu;

/**
 * Text safe to send to a printer or customer display, whatever the catalog or a sale contained:
 * - tab, LF, VT, FF, CR, NEL, the line/paragraph separators and every Unicode space except the ideographic
 *   space U+3000 are **replaced by an ASCII space**;
 * - every other C0/C1 control (U+0000–U+001F, U+007F–U+009F), format character (bidi controls, zero-width
 *   characters, BOM, soft hyphen), lone surrogate, private-use character and noncharacter is **dropped**;
 * - the result is NFC-normalised (so 'e' + combining acute prints as the single GB18030 character 'é').
 * So "Cola\x1b\x70\x00\x19\xfa" becomes "Colapú": the printable letters stay, and none of it is a command.
 * Printable characters are all encoded as text (ASCII or GB18030 multi-byte, whose bytes are ≥ 0x30).
 */
export function sanitizePrintable(text: string): string {
  return text.replace(AS_SPACE, ' ').replace(DROP, '').normalize('NFC');
}

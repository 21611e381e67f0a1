/**
 * Decoders for the three customer-display protocols: bytes in, what the display would show out (the rows of
 * text, or the LED number and its lamp), with every command seen and where it starts. Used by the display
 * simulators (fed chunk by chunk as bytes arrive on the pseudo-terminal, `push`) and by tests
 * (`decodeEpsonLine`, `decodeCd5220`, `decodeLed8`). They model the display, not our encoders: they accept
 * every command of peers.md §5, not only the ones we send, and never throw: an unknown command is reported as
 * `unknown`, a command cut off at the end of the input (after `end()`) as `truncated`.
 *
 * Text bytes are read as the display reads them: ASCII, bytes 0x80–0xFF as code page 437 (the displays'
 * default table) with `encoding: 'ascii'`, or 2- and 4-byte GB18030 codes with `encoding: 'gb18030'`
 * (a multi-byte character takes 2 cells).
 */
import iconv from 'iconv-lite';
import { isLedText, type LedLamp } from './led8';
import type { DisplayEncoding } from './text';

export type DisplayProtocol = 'epson' | 'cd5220' | 'led8';

export const DISPLAY_PROTOCOLS: readonly DisplayProtocol[] = ['epson', 'cd5220', 'led8'];

export interface DisplayCommand {
  /** What the command does: 'init', 'clear', 'moveCursor', 'upperLine', 'lamp', 'number', 'unknown', … */
  readonly type: string;
  /** Offset of its first byte in the stream. */
  readonly at: number;
  /** Bytes it takes, parameters and data included. */
  readonly length: number;
  /** Its parameter bytes (or, for unknown/truncated, all its bytes). */
  readonly params?: readonly number[];
  /** The text a string command carries. */
  readonly text?: string;
  /** True when the display received the command but did nothing (CD5220 string mode, a deselected display). */
  readonly ignored?: boolean;
}

/** Longest string command (ESC Q … CR) we wait for; a longer one is taken as unterminated. */
const MAX_STRING = 256;

/** Bytes → commands, across chunk boundaries: an incomplete command waits for the next chunk. */
abstract class StreamDecoder {
  private pending: number[] = [];
  private base = 0;
  private log: DisplayCommand[] = [];

  /** Decodes `bytes` after everything pushed before. */
  push(bytes: Uint8Array): this {
    for (const b of bytes) this.pending.push(b);
    let i = 0;
    while (i < this.pending.length) {
      const used = this.step(this.pending, i, this.base + i);
      if (used === 0) break;
      i += used;
    }
    this.pending = this.pending.slice(i);
    this.base += i;
    return this;
  }

  /** The input is over: whatever incomplete command is left is reported as truncated. */
  end(): this {
    if (this.pending.length > 0) this.log.push({ type: 'truncated', at: this.base, length: this.pending.length, params: this.pending });
    this.base += this.pending.length;
    this.pending = [];
    return this;
  }

  /** Every command decoded so far. */
  get commands(): readonly DisplayCommand[] {
    return this.log;
  }

  /** The commands decoded since the last call (a simulator's log), forgetting them. */
  takeCommands(): DisplayCommand[] {
    const out = this.log;
    this.log = [];
    return out;
  }

  protected record(command: DisplayCommand): number {
    this.log.push(command);
    return command.length;
  }

  /** Decodes one command or character at buf[i] (stream offset `at`); returns the bytes used, 0 to wait for more. */
  protected abstract step(buf: readonly number[], i: number, at: number): number;
}

/** One character of text at buf[i]: its string, byte count and cells; null when its bytes have not all arrived. */
function textChar(buf: readonly number[], i: number, encoding: DisplayEncoding): { ch: string; length: number; cells: 1 | 2 } | null {
  const b = buf[i] ?? 0;
  if (b < 0x80) return { ch: String.fromCharCode(b), length: 1, cells: 1 };
  if (encoding === 'ascii' || b === 0x80 || b === 0xff) return { ch: iconv.decode(Buffer.from([b]), encoding === 'ascii' ? 'cp437' : 'latin1'), length: 1, cells: 1 };
  if (i + 1 >= buf.length) return null;
  const second = buf[i + 1] ?? 0;
  const length = second >= 0x30 && second <= 0x39 ? 4 : 2;
  if (i + length > buf.length) return null;
  return { ch: iconv.decode(Buffer.from(buf.slice(i, i + length)), 'gb18030'), length, cells: 2 };
}

/** The cells of a character display. A wide character fills its cell and the next one, which holds ''. */
class Screen {
  private cells: string[][];
  row = 0;
  col = 0;

  constructor(
    readonly rows: number,
    readonly columns: number,
  ) {
    this.cells = Array.from({ length: rows }, () => new Array<string>(columns).fill(' '));
  }

  clear(): void {
    for (let r = 0; r < this.rows; r++) this.clearRow(r);
    this.home();
  }

  clearRow(row: number): void {
    this.cells[row]?.fill(' ');
  }

  home(): void {
    this.row = 0;
    this.col = 0;
  }

  moveTo(row: number, col: number): void {
    if (row < 0 || row >= this.rows || col < 0 || col >= this.columns) return; // out of range: ignored, as displays do
    this.row = row;
    this.col = col;
  }

  /** Next row, wrapping to the top (or scrolling the rows up when `scroll`). */
  lineFeed(scroll: boolean): void {
    if (this.row < this.rows - 1) this.row++;
    else if (scroll) this.scrollUp();
    else this.row = 0;
  }

  scrollUp(): void {
    this.cells.push(this.cells.shift() ?? []);
    this.clearRow(this.rows - 1);
  }

  /** A blank cell in place of any wide character overlapping (row, col). */
  private unsplit(row: number, col: number): void {
    const line = this.cells[row];
    if (!line) return;
    if (line[col] === '' && col > 0) line[col - 1] = ' ';
    if (line[col + 1] === '') line[col + 1] = ' ';
    line[col] = ' ';
  }

  put(ch: string, cells: 1 | 2, scroll: boolean): void {
    if (cells === 2 && this.col === this.columns - 1) {
      this.unsplit(this.row, this.col);
      this.advance(1, scroll);
    }
    const line = this.cells[this.row];
    if (!line) return;
    this.unsplit(this.row, this.col);
    if (cells === 2) this.unsplit(this.row, this.col + 1);
    line[this.col] = ch;
    if (cells === 2) line[this.col + 1] = '';
    this.advance(cells, scroll);
  }

  private advance(cells: number, scroll: boolean): void {
    this.col += cells;
    if (this.col >= this.columns) {
      this.col = 0;
      this.lineFeed(scroll);
    }
  }

  /** Writes `text` on `row` from column 0 (string mode), cut to the row. */
  writeRow(row: number, chars: readonly { ch: string; cells: 1 | 2 }[]): void {
    const line = this.cells[row];
    if (!line) return;
    line.fill(' ');
    let col = 0;
    for (const { ch, cells } of chars) {
      if (col + cells > this.columns) break;
      line[col] = ch;
      if (cells === 2) line[col + 1] = '';
      col += cells;
    }
  }

  lines(): string[] {
    return this.cells.map((line) => line.join(''));
  }
}

export interface TextDisplayView {
  /** Each row as shown, exactly `columns` cells wide (a wide character counts 2). */
  readonly lines: readonly string[];
  /** 1-based cursor position. */
  readonly cursor: { readonly row: number; readonly column: number };
  readonly cursorVisible: boolean;
  /** 1–4 (25–100 %). */
  readonly brightness: number;
  readonly mode: 'overwrite' | 'vertical' | 'horizontal';
}

export interface EpsonLineView extends TextDisplayView {
  /** False after `ESC = 1` (the printer behind which the display sits is selected): input is ignored. */
  readonly selected: boolean;
}

export interface Cd5220View extends TextDisplayView {
  /** In string mode after `ESC Q A/B`: other commands and text are ignored until `0C`/`18`. */
  readonly locked: boolean;
  /** The text of a running `ESC Q D` marquee, else null. */
  readonly marquee: string | null;
}

export interface TextDecoderOptions {
  readonly columns?: number;
  readonly rows?: number;
  readonly encoding?: DisplayEncoding;
}

const MODES = { 1: 'overwrite', 2: 'vertical', 3: 'horizontal' } as const;

/** What the two character displays share: the screen, cursor, brightness, write mode, and the controls both obey. */
abstract class TextDisplayDecoder extends StreamDecoder {
  protected readonly screen: Screen;
  protected readonly encoding: DisplayEncoding;
  protected cursorVisible = true;
  protected brightness = 4;
  protected mode: TextDisplayView['mode'] = 'overwrite';

  constructor(rows: number, columns: number, encoding: DisplayEncoding) {
    super();
    this.screen = new Screen(rows, columns);
    this.encoding = encoding;
  }

  protected textView(): TextDisplayView {
    const { screen } = this;
    return {
      lines: screen.lines(),
      cursor: { row: screen.row + 1, column: screen.col + 1 },
      cursorVisible: this.cursorVisible,
      brightness: this.brightness,
      mode: this.mode,
    };
  }

  protected resetDisplay(): void {
    this.screen.clear();
    this.cursorVisible = true;
    this.brightness = 4;
    this.mode = 'overwrite';
  }

  /** The single-byte cursor controls both command sets give the same meaning. */
  protected cursorControl(b: number): { type: string; effect: () => void } | null {
    const s = this.screen;
    switch (b) {
      case 0x08:
        return { type: 'backspace', effect: () => s.moveTo(s.row, Math.max(0, s.col - 1)) };
      case 0x09:
        return { type: 'tab', effect: () => s.moveTo(s.row, Math.min(s.columns - 1, s.col + 1)) };
      case 0x0a:
        return { type: 'lineFeed', effect: () => s.lineFeed(this.mode === 'vertical') };
      case 0x0b:
        return { type: 'home', effect: () => s.home() };
      case 0x0d:
        return { type: 'carriageReturn', effect: () => s.moveTo(s.row, 0) };
      default:
        return null;
    }
  }

  /** `x y` parameters, 1-based. */
  protected moveCursor(p: readonly number[]): void {
    this.screen.moveTo((p[1] ?? 0) - 1, (p[0] ?? 0) - 1);
  }

  protected showCursor(p: readonly number[]): void {
    this.cursorVisible = (p[0] ?? 0) % 0x30 !== 0;
  }

  protected setBrightness(p: readonly number[]): void {
    const n = p[0] ?? 0;
    if (n >= 1 && n <= 4) this.brightness = n;
  }
}

/** Epson ESC/POS display command set ("1F set"). */
export class EpsonLineDecoder extends TextDisplayDecoder {
  private selected = true;

  constructor(options: TextDecoderOptions = {}) {
    super(options.rows ?? 2, options.columns ?? 20, options.encoding ?? 'ascii');
  }

  view(): EpsonLineView {
    return { ...this.textView(), selected: this.selected };
  }

  protected step(buf: readonly number[], i: number, at: number): number {
    const b = buf[i] ?? 0;
    const s = this.screen;
    const scroll = this.mode === 'vertical';
    if (b >= 0x20 && b !== 0x7f) {
      const t = textChar(buf, i, this.encoding);
      if (!t) return 0;
      if (this.selected) s.put(t.ch, t.cells, scroll);
      return t.length;
    }
    const cmd = (type: string, length: number, effect?: (p: readonly number[]) => void): number => {
      if (i + length > buf.length) return 0;
      const params = buf.slice(i + (b === 0x1b || b === 0x1f ? 2 : 1), i + length);
      const ignored = !this.selected && type !== 'selectPeripheral';
      if (!ignored) effect?.(params);
      return this.record({ type, at, length, ...(params.length ? { params } : {}), ...(ignored ? { ignored } : {}) });
    };
    const control = this.cursorControl(b);
    if (control) return cmd(control.type, 1, control.effect);
    switch (b) {
      case 0x0c:
        return cmd('clear', 1, () => s.clear());
      case 0x18:
        return cmd('clearLine', 1, () => {
          s.clearRow(s.row);
          s.moveTo(s.row, 0);
        });
      case 0x1b: {
        if (i + 1 >= buf.length) return 0;
        switch (buf[i + 1]) {
          case 0x40:
            return cmd('init', 2, () => this.resetDisplay());
          case 0x3d:
            return cmd('selectPeripheral', 3, (p) => void (this.selected = ((p[0] ?? 0) & 0x02) !== 0));
          case 0x74:
            return cmd('codeTable', 3);
          case 0x52:
            return cmd('internationalCharset', 3);
          case 0x25:
            return cmd('userCharacters', 3);
          case 0x3f:
            return cmd('cancelUserCharacter', 3);
          case 0x26: {
            const length = userCharsLength(buf, i);
            return length === 0 ? 0 : cmd('defineUserCharacters', length);
          }
          default:
            return this.record({ type: 'unknown', at, length: 2, params: buf.slice(i, i + 2) });
        }
      }
      case 0x1f: {
        if (i + 1 >= buf.length) return 0;
        const fn = buf[i + 1] ?? 0;
        switch (fn) {
          case 0x01:
          case 0x02:
          case 0x03:
            return cmd('mode', 2, () => void (this.mode = MODES[fn]));
          case 0x24:
            return cmd('moveCursor', 4, (p) => this.moveCursor(p));
          case 0x43:
            return cmd('cursor', 3, (p) => this.showCursor(p));
          case 0x58:
            return cmd('brightness', 3, (p) => this.setBrightness(p));
          case 0x45:
            return cmd('blink', 3);
          case 0x72:
            return cmd('reverse', 3);
          case 0x0a:
            return cmd('lineUp', 2, () => s.moveTo(s.row > 0 ? s.row - 1 : s.rows - 1, s.col));
          case 0x0d:
            return cmd('endOfLine', 2, () => s.moveTo(s.row, s.columns - 1));
          case 0x42:
            return cmd('bottom', 2, () => s.moveTo(s.rows - 1, 0));
          case 0x54:
            return cmd('setClock', 4);
          case 0x55:
            return cmd('showClock', 2);
          default:
            return this.record({ type: 'unknown', at, length: 2, params: buf.slice(i, i + 2) });
        }
      }
      default:
        return this.record({ type: 'unknown', at, length: 1, params: [b] });
    }
  }
}

/** Bytes of `ESC & y c1 c2 [x d1…d(y×x)]…` at buf[i], 0 while incomplete. */
function userCharsLength(buf: readonly number[], i: number): number {
  if (i + 5 > buf.length) return 0;
  const y = buf[i + 2] ?? 0;
  const c1 = buf[i + 3] ?? 0;
  const c2 = buf[i + 4] ?? 0;
  let end = i + 5;
  for (let c = c1; c <= c2; c++) {
    if (end >= buf.length) return 0;
    end += 1 + y * (buf[end] ?? 0);
    if (end > buf.length) return 0;
  }
  return end - i;
}

/** CD5220 command set, with its string-mode lockout. */
export class Cd5220Decoder extends TextDisplayDecoder {
  private locked = false;
  private marquee: string | null = null;

  constructor(options: Omit<TextDecoderOptions, 'rows'> = {}) {
    super(2, options.columns ?? 20, options.encoding ?? 'ascii');
  }

  view(): Cd5220View {
    return { ...this.textView(), locked: this.locked, marquee: this.marquee };
  }

  protected step(buf: readonly number[], i: number, at: number): number {
    const b = buf[i] ?? 0;
    const s = this.screen;
    const scroll = this.mode === 'vertical';
    if (b >= 0x20 && b !== 0x7f) {
      const t = textChar(buf, i, this.encoding);
      if (!t) return 0;
      if (!this.locked) {
        this.stopMarquee();
        s.put(t.ch, t.cells, scroll);
      }
      return t.length;
    }
    const cmd = (type: string, length: number, effect?: (p: readonly number[]) => void, unlocks = false): number => {
      if (i + length > buf.length) return 0;
      const params = buf.slice(i + (b === 0x1b ? 2 : 1), i + length);
      const ignored = this.locked && !unlocks;
      if (!ignored) {
        this.stopMarquee();
        effect?.(params);
      }
      return this.record({ type, at, length, ...(params.length ? { params } : {}), ...(ignored ? { ignored } : {}) });
    };
    const control = this.cursorControl(b);
    if (control) return cmd(control.type, 1, control.effect);
    switch (b) {
      case 0x0c:
        return cmd('clear', 1, () => {
          this.locked = false;
          s.clear();
        }, true);
      case 0x18:
        return cmd('clearLine', 1, () => {
          this.locked = false;
          s.clearRow(s.row);
          s.moveTo(s.row, 0);
        }, true);
      case 0x1b: {
        if (i + 1 >= buf.length) return 0;
        const fn = buf[i + 1] ?? 0;
        switch (fn) {
          case 0x40:
            return cmd('init', 2, () => this.resetDisplay());
          case 0x11:
          case 0x12:
          case 0x13:
            return cmd('mode', 2, () => void (this.mode = MODES[(fn - 0x10) as 1 | 2 | 3]));
          case 0x6c:
            return cmd('moveCursor', 4, (p) => this.moveCursor(p));
          case 0x5f:
            return cmd('cursor', 3, (p) => this.showCursor(p));
          case 0x2a:
            return cmd('brightness', 3, (p) => this.setBrightness(p));
          case 0x66:
            return cmd('internationalCharset', 3);
          case 0x25:
            return cmd('userCharacters', 3);
          case 0x3f:
            return cmd('deleteUserCharacter', 3);
          case 0x73:
            return cmd('saveUserCharacters', 3);
          case 0x3d:
            return cmd('selectPeripheral', 3);
          case 0x26: {
            const length = userCharsLength(buf, i);
            return length === 0 ? 0 : cmd('defineUserCharacters', length);
          }
          case 0x5b: {
            if (i + 2 >= buf.length) return 0;
            const moves: Readonly<Record<number, [string, () => void]>> = {
              0x48: ['home', () => s.home()],
              0x4c: ['carriageReturn', () => s.moveTo(s.row, 0)],
              0x42: ['lineFeed', () => s.lineFeed(scroll)],
              0x4b: ['bottom', () => s.moveTo(1, 0)],
              0x44: ['cursorLeft', () => s.moveTo(s.row, Math.max(0, s.col - 1))],
              0x43: ['cursorRight', () => s.moveTo(s.row, Math.min(s.columns - 1, s.col + 1))],
              0x41: ['cursorUp', () => s.moveTo(0, s.col)],
            };
            const move = moves[buf[i + 2] ?? 0];
            if (!move) return this.record({ type: 'unknown', at, length: 3, params: buf.slice(i, i + 3) });
            return cmd(move[0], 3, move[1]);
          }
          case 0x51:
            return this.stringCommand(buf, i, at);
          default:
            return this.record({ type: 'unknown', at, length: 2, params: buf.slice(i, i + 2) });
        }
      }
      default:
        return this.record({ type: 'unknown', at, length: 1, params: [b] });
    }
  }

  /** Any other input stops a running marquee, clears its line and homes the cursor. */
  private stopMarquee(): void {
    if (this.marquee === null) return;
    this.marquee = null;
    this.screen.clearRow(0);
    this.screen.home();
  }

  /** `ESC Q A|B|D <text> CR`. */
  private stringCommand(buf: readonly number[], i: number, at: number): number {
    if (i + 2 >= buf.length) return 0;
    const which = buf[i + 2] ?? 0;
    if (which !== 0x41 && which !== 0x42 && which !== 0x44) return this.record({ type: 'unknown', at, length: 3, params: buf.slice(i, i + 3) });
    const found = findCr(buf, i + 3);
    if (found === null) return 0;
    const { end, terminated } = found;
    const chars: { ch: string; cells: 1 | 2 }[] = [];
    const body = buf.slice(0, end);
    for (let k = i + 3; k < end; ) {
      const t = textChar(body, k, this.encoding);
      if (!t) break;
      if ((buf[k] ?? 0) >= 0x20) chars.push(t);
      k += t.length;
    }
    const text = chars.map((c) => c.ch).join('');
    const length = end - i + (terminated ? 1 : 0);
    const type = which === 0x41 ? 'upperLine' : which === 0x42 ? 'lowerLine' : 'marquee';
    if (which === 0x44) {
      this.marquee = text;
      this.screen.writeRow(0, chars);
    } else {
      this.stopMarquee();
      this.screen.writeRow(which === 0x41 ? 0 : 1, chars);
      this.locked = true;
    }
    return this.record({ type: terminated ? type : `${type}Unterminated`, at, length, text });
  }
}

/** Index of the CR ending a string from `from`, or null to wait; a string longer than MAX_STRING ends unterminated. */
function findCr(buf: readonly number[], from: number): { end: number; terminated: boolean } | null {
  for (let k = from; k < buf.length && k - from <= MAX_STRING; k++) if (buf[k] === 0x0d) return { end: k, terminated: true };
  return buf.length - from > MAX_STRING ? { end: from + MAX_STRING, terminated: false } : null;
}

export interface Led8View {
  /** The lit lamps (normally one). */
  readonly lamps: readonly LedLamp[];
  /** The lit lamp when exactly one is lit, else null. */
  readonly lamp: LedLamp | null;
  /** The characters of the last number shown ('' when cleared), as received. */
  readonly number: string;
  /** Whether `number` is something the 8 digits can show (led8.isLedText). */
  readonly valid: boolean;
  /** The "thank you" lamp of Wintec-style displays (`1F 50 n`). */
  readonly thanks: boolean;
}

const LAMPS_BY_CODE: readonly (LedLamp | null)[] = [null, 'price', 'total', 'collect', 'change'];
const LAMP_ORDER: readonly LedLamp[] = ['price', 'total', 'collect', 'change'];

/** Chinese 8-digit LED price display. */
export class Led8Decoder extends StreamDecoder {
  private lamps = new Set<LedLamp>();
  private number = '';
  private thanks = false;

  view(): Led8View {
    const lamps = LAMP_ORDER.filter((l) => this.lamps.has(l));
    return { lamps, lamp: lamps.length === 1 ? (lamps[0] ?? null) : null, number: this.number, valid: this.number === '' || isLedText(this.number), thanks: this.thanks };
  }

  protected step(buf: readonly number[], i: number, at: number): number {
    const b = buf[i] ?? 0;
    if (b >= 0x20) {
      // Text outside a number command: the display has nowhere to show it (one record per byte, so the log
      // does not depend on how the stream was chunked).
      return this.record({ type: 'strayText', at, length: 1, params: [b], ignored: true });
    }
    const cmd = (type: string, length: number, effect?: (p: readonly number[]) => boolean | void): number => {
      if (i + length > buf.length) return 0;
      const params = buf.slice(i + (length > 1 ? 2 : 1), i + length);
      const ignored = effect?.(params) === false;
      return this.record({ type, at, length, ...(params.length ? { params } : {}), ...(ignored ? { ignored } : {}) });
    };
    const clear = (): void => void (this.number = '');
    switch (b) {
      case 0x0c:
        return cmd('clear', 1, clear);
      case 0x18:
        return cmd('clearLine', 1, clear);
      case 0x1b: {
        if (i + 1 >= buf.length) return 0;
        switch (buf[i + 1]) {
          case 0x40:
            return cmd('init', 2, () => {
              this.number = '';
              this.lamps.clear();
              this.thanks = false;
            });
          case 0x73:
            return cmd('lamp', 3, (p) => {
              const n = p[0] ?? 0;
              const code = n >= 0x30 ? n - 0x30 : n;
              if (code < 0 || code >= LAMPS_BY_CODE.length) return false;
              const lamp = LAMPS_BY_CODE[code];
              this.lamps.clear();
              if (lamp) this.lamps.add(lamp);
              return true;
            });
          case 0x51: {
            if (i + 2 >= buf.length) return 0;
            if (buf[i + 2] !== 0x41) return this.record({ type: 'unknown', at, length: 3, params: buf.slice(i, i + 3) });
            const found = findCr(buf, i + 3);
            if (found === null) return 0;
            const text = String.fromCharCode(...buf.slice(i + 3, found.end));
            this.number = text;
            return this.record({ type: found.terminated ? 'number' : 'numberUnterminated', at, length: found.end - i + (found.terminated ? 1 : 0), text });
          }
          default:
            return this.record({ type: 'unknown', at, length: 2, params: buf.slice(i, i + 2) });
        }
      }
      case 0x02: {
        if (i + 1 >= buf.length) return 0;
        switch (buf[i + 1]) {
          case 0x4c:
            return cmd('lamps', 6, (p) => {
              this.lamps.clear();
              p.forEach((d, k) => {
                const lamp = LAMP_ORDER[k];
                if (d === 0x31 && lamp) this.lamps.add(lamp);
              });
            });
          case 0x42:
            return cmd('baudRate', 3);
          default:
            return this.record({ type: 'unknown', at, length: 2, params: buf.slice(i, i + 2) });
        }
      }
      case 0x1f: {
        if (i + 1 >= buf.length) return 0;
        if (buf[i + 1] !== 0x50) return this.record({ type: 'unknown', at, length: 2, params: buf.slice(i, i + 2) });
        return cmd('thanksLamp', 3, (p) => void (this.thanks = (p[0] ?? 0) % 0x30 !== 0));
      }
      default:
        return this.record({ type: 'unknown', at, length: 1, params: [b] });
    }
  }
}

export type Decoded<V> = V & { readonly commands: readonly DisplayCommand[] };

/** What an Epson-set display shows after `bytes` (from power-on: blank, cursor home). */
export function decodeEpsonLine(bytes: Uint8Array, options: TextDecoderOptions = {}): Decoded<EpsonLineView> {
  const d = new EpsonLineDecoder(options).push(bytes).end();
  return { ...d.view(), commands: d.commands };
}

/** What a CD5220 shows after `bytes`. */
export function decodeCd5220(bytes: Uint8Array, options: Omit<TextDecoderOptions, 'rows'> = {}): Decoded<Cd5220View> {
  const d = new Cd5220Decoder(options).push(bytes).end();
  return { ...d.view(), commands: d.commands };
}

/** What an 8-digit LED price display shows after `bytes`. */
export function decodeLed8(bytes: Uint8Array): Decoded<Led8View> {
  const d = new Led8Decoder().push(bytes).end();
  return { ...d.view(), commands: d.commands };
}

/** A decoder for `protocol` (the simulators' entry point). */
export function createDisplayDecoder(protocol: DisplayProtocol, options: TextDecoderOptions = {}): EpsonLineDecoder | Cd5220Decoder | Led8Decoder {
  switch (protocol) {
    case 'epson':
      return new EpsonLineDecoder(options);
    case 'cd5220':
      return new Cd5220Decoder(options);
    case 'led8':
      return new Led8Decoder();
  }
}

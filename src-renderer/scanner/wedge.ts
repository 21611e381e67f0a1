/**
 * Tells a keyboard-wedge scanner from a person by keystroke timing (peers.md §6.2: scanners send a
 * character every 1–20 ms, people rarely faster than 50 ms), so a scan works wherever focus is.
 * Pure: the caller feeds keys with their timestamps.
 */
export interface WedgeOptions {
  /** Longest gap between two characters of one scan. */
  maxGapMs: number;
  /** Longest average time per character of one scan. */
  maxAverageMs: number;
  minLength: number;
  maxLength: number;
}

export const DEFAULT_WEDGE_OPTIONS: WedgeOptions = { maxGapMs: 50, maxAverageMs: 30, minLength: 6, maxLength: 64 };

export type WedgeResult = { kind: 'scan'; code: string } | { kind: 'none' };

export class WedgeDetector {
  private buffer = '';
  private first = 0;
  private last = 0;

  constructor(private readonly options: WedgeOptions = DEFAULT_WEDGE_OPTIONS) {}

  /** Feed one key (`KeyboardEvent.key`) pressed at `at` ms. Returns a scan when Enter or Tab ends a fast burst. */
  key(key: string, at: number): WedgeResult {
    if (key === 'Enter' || key === 'Tab') {
      const result = this.finish(at);
      this.reset();
      return result;
    }
    if (key.length !== 1 || key < ' ' || key > '~') {
      // Shift and the like come between characters of a scan: ignore them without breaking the burst.
      if (key === 'Shift' || key === 'Alt' || key === 'Control') return { kind: 'none' };
      this.reset();
      return { kind: 'none' };
    }
    if (this.buffer && at - this.last > this.options.maxGapMs) this.reset();
    if (!this.buffer) this.first = at;
    this.buffer += key;
    this.last = at;
    if (this.buffer.length > this.options.maxLength) this.reset();
    return { kind: 'none' };
  }

  /** Characters of a burst still being typed (the caller can keep them out of a focused field). */
  get pending(): string {
    return this.buffer;
  }

  private finish(at: number): WedgeResult {
    const { buffer, first, last } = this;
    if (buffer.length < this.options.minLength) return { kind: 'none' };
    if (at - last > this.options.maxGapMs) return { kind: 'none' };
    const average = buffer.length > 1 ? (last - first) / (buffer.length - 1) : 0;
    return average <= this.options.maxAverageMs ? { kind: 'scan', code: buffer } : { kind: 'none' };
  }

  private reset(): void {
    this.buffer = '';
    this.first = 0;
    this.last = 0;
  }
}

/**
 * The log viewer: reads pino's JSON lines from the log directory (the current file and the rotated ones),
 * newest first, filtered by level, text and time. Bounded: at most `limit` entries, each clipped, and at most
 * MAX_SCAN_BYTES read per request, so one answer always fits a WebSocket frame.
 */
import { lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export type LogLevelName = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
const LEVELS: Record<number, LogLevelName> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const LEVEL_NUMBER: Record<LogLevelName, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

export const MAX_SCAN_BYTES = 64 * 1024 * 1024;
const MAX_MSG = 500;
const MAX_FIELDS = 1500;

export interface LogEntry {
  time: string;
  level: LogLevelName;
  msg: string;
  fields: string;
  file: string;
}

export interface LogQuery {
  /** The lowest level shown. */
  level?: LogLevelName;
  text?: string;
  from?: string;
  to?: string;
  limit?: number;
}

/** The log files beside `logFile` (pino-roll's `pos.N.log`), newest first; symlinks (current.log) skipped. */
export function logFiles(logFile: string): string[] {
  const dir = dirname(logFile);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith('.log'))
    .map((n) => join(dir, n))
    .filter((p) => lstatSync(p).isFile())
    .map((p) => ({ p, mtime: statSync(p).mtimeMs, n: Number(/\.(\d+)\.log$/.exec(p)?.[1] ?? 0) }))
    .sort((a, b) => b.mtime - a.mtime || b.n - a.n)
    .map((x) => x.p);
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);

export function readLogs(logFile: string, query: LogQuery = {}): { entries: LogEntry[]; scannedFiles: number; truncated: boolean } {
  const limit = query.limit ?? 200;
  const minLevel = query.level ? LEVEL_NUMBER[query.level] : 0;
  const text = query.text?.trim().toLowerCase() ?? '';
  const from = query.from ? Date.parse(query.from) : -Infinity;
  const to = query.to ? Date.parse(query.to) : Infinity;
  const entries: LogEntry[] = [];
  let scanned = 0;
  let bytes = 0;
  let truncated = false;

  for (const path of logFiles(logFile)) {
    if (bytes >= MAX_SCAN_BYTES) {
      truncated = true;
      break;
    }
    scanned += 1;
    const content = readFileSync(path, 'utf8');
    bytes += content.length;
    const lines = content.split('\n');
    // Newest first within a file too.
    for (let i = lines.length - 1; i >= 0; i -= 1) {
      const line = lines[i]!;
      if (!line) continue;
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue; // A line cut by a crash: skipped, the rest of the file is still read.
      }
      const level = typeof record.level === 'number' ? record.level : 30;
      if (level < minLevel) continue;
      const time = typeof record.time === 'string' ? record.time : new Date(Number(record.time ?? 0)).toISOString();
      const at = Date.parse(time);
      if (at < from || at > to) continue;
      if (text && !line.toLowerCase().includes(text)) continue;
      const { level: _l, time: _t, msg, pid: _p, ...rest } = record;
      entries.push({
        time,
        level: LEVELS[level] ?? 'info',
        msg: clip(typeof msg === 'string' ? msg : '', MAX_MSG),
        fields: clip(JSON.stringify(rest), MAX_FIELDS),
        file: basename(path),
      });
      if (entries.length >= limit) return { entries: sortNewestFirst(entries), scannedFiles: scanned, truncated: true };
    }
  }
  return { entries: sortNewestFirst(entries), scannedFiles: scanned, truncated };
}

// Files are read newest first, but a rotated file and the current one may overlap by a second.
const sortNewestFirst = (entries: LogEntry[]) => entries.sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0));

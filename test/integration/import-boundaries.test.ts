import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The folder table of ARCHITECTURE.md, as the lint in `npm test` enforces it.
const eslint = new ESLint({ cwd: process.cwd() });

async function boundaryErrors(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: file });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('import boundaries', () => {
  it.each([
    ['src-common/x.ts', "import { readFileSync } from 'node:fs';"],
    ['src-common/x.ts', "import Database from 'better-sqlite3';"],
    ['src-common/x.ts', "import { app } from 'electron';"],
    ['src-common/x.ts', "import { openDatabase } from '../db/open';"],
    ['src-renderer/x.ts', "import { createServer } from 'node:http';"],
    ['src-renderer/x.ts', "import { createPos } from '../src-main/pos';"],
    ['src-renderer/x.ts', "import { ipcRenderer } from 'electron';"],
    ['db/x.ts', "import { createPos } from '../src-main/pos';"],
    ['drivers/x.ts', "import { openDatabase } from '../db/open';"],
    ['src-main/services/x.ts', "import { app } from 'electron';"],
    ['src-main/x.ts', "import { App } from '../src-renderer/App';"],
  ])('%s may not: %s', async (file, source) => {
    expect(await boundaryErrors(file, source)).not.toEqual([]);
  });

  it.each([
    ['src-common/x.ts', "import { z } from 'zod';"],
    ['src-renderer/x.ts', "import { calls } from '../src-common/contract';"],
    ['db/x.ts', "import { maskCode } from '../src-common/mask';"],
    ['src-main/x.ts', "import { openDatabase } from '../db/open';"],
    ['src-main/electron/x.ts', "import { app } from 'electron';"],
  ])('%s may: %s', async (file, source) => {
    expect(await boundaryErrors(file, source)).toEqual([]);
  });
});

// The core's loop serves scans, device I/O, timers and calls only: nothing that blocks it, but in the SQL worker.
async function coreLoopErrors(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: file });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.message);
}

describe('nothing blocks the core', () => {
  it.each([
    ['src-main/services/x.ts', "import { readFileSync } from 'node:fs'; export const x = readFileSync('a');"],
    ['src-main/areas/x.ts', "import * as fs from 'node:fs'; export const x = fs.existsSync('a');"],
    ['db/queries/x.ts', "export const check = (db: { pragma(s: string): unknown }) => db.pragma('integrity_check');"],
    ['src-main/x.ts', 'export const q = (schema: string) => `${schema}.quick_check(1)`;'],
    ['src-main/services/x.ts', "export const v = 'VACUUM INTO ?';"],
    ['src-main/services/x.ts', "export const b = (db: { backup(p: string): Promise<unknown> }) => db.backup('x');"],
  ])('%s may not: %s', async (file, source) => {
    expect(await coreLoopErrors(file, source)).not.toEqual([]);
  });

  it.each([
    ['src-main/worker/x.ts', "import { readFileSync } from 'node:fs'; export const x = readFileSync('a');"],
    ['src-main/worker/x.ts', "export const check = (db: { pragma(s: string): unknown }) => db.pragma('integrity_check');"],
    ['src-main/services/x.ts', "import { readFile } from 'node:fs/promises'; export const x = readFile('a');"],
  ])('%s may: %s', async (file, source) => {
    expect(await coreLoopErrors(file, source)).toEqual([]);
  });
});

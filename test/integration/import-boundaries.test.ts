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

/**
 * Where a thread's built entry (out/main/<file>) is. The built core runs from out/main (or out/main/chunks), beside
 * it. Tests run the core from its TypeScript sources (vitest), which a worker thread cannot load, so they use the
 * built file in out/main: `npm test` builds before it runs the tests (scripts/test.mjs), and a stale or missing build
 * fails createPos with the file's path in the message.
 */
import { access } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export async function findBuiltEntry(file: string, what: string): Promise<string> {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, file), join(here, '..', file)];
  for (let dir = here, i = 0; i < 4; i++, dir = dirname(dir)) candidates.push(join(dir, 'out', 'main', file));
  for (const path of candidates) {
    try {
      await access(path);
      return path;
    } catch {
      // next candidate
    }
  }
  throw new Error(`${what} (${file}) is not built: run the build (npm test and npm start do). Looked in ${candidates.join(', ')}`);
}

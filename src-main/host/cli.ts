/**
 * `npm run host -- --port N --data-dir D`: the POS behind HTTP + WebSocket on 127.0.0.1 (./run.ts).
 * Prints one JSON line `{"url","token","port","dataDir"}` on stdout when ready; logs go to the data dir.
 *
 * This entry only puts the code cache in place (../code-cache.ts), then loads the rest of the build through it.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { codeCacheDir, installCodeCache } from '../code-cache';

const buildDir = dirname(fileURLToPath(import.meta.url));
const codeCache = installCodeCache(buildDir, codeCacheDir());
void import('./run').then(({ runHost }) => runHost(codeCache, buildDir));

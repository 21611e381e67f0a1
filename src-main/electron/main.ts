/**
 * The Electron main process's entry: puts the code cache in place (../code-cache.ts), then loads the shell through
 * it. The shell registers the app's scheme before Electron is ready (a microtask later, still before).
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { codeCacheDir, installCodeCache } from '../code-cache';

const buildDir = dirname(fileURLToPath(import.meta.url));
const codeCache = installCodeCache(buildDir, codeCacheDir());
void import('./shell').then(({ startShell }) => startShell({ codeCache, buildDir }));

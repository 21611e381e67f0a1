// Builds main, preload and renderer with electron-vite when the sources are newer than out/.
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { npxCommand, runOrDie } from './run.mjs';

const SOURCES = ['src-common', 'src-main', 'src-renderer', 'db', 'drivers', 'server', 'bench', 'electron.vite.config.ts', 'package-lock.json'];
const STAMP = join('out', '.build-stamp');

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

export function buildIsStale(root = process.cwd()) {
  const stamp = join(root, STAMP);
  if (!existsSync(stamp)) return true;
  const built = statSync(stamp).mtimeMs;
  return SOURCES.some((s) => newestMtime(join(root, s)) > built);
}

/** Output goes to stderr so a caller's stdout stays clean (the host prints one JSON line there). */
export function build({ force = false } = {}) {
  if (!force && !buildIsStale()) return;
  console.error('Building the terminal (electron-vite)…');
  runOrDie(npxCommand, ['--no-install', 'electron-vite', 'build', '--logLevel', 'warn'], { stdio: ['ignore', 2, 2] });
  writeFileSync(STAMP, new Date().toISOString());
}

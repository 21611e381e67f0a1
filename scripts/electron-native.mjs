#!/usr/bin/env node
// Builds a second copy of better-sqlite3 for Electron's ABI into build/electron-native/, leaving the
// Node build in node_modules untouched (tests and the host use that one). Needs Electron's headers,
// so it only runs where the Electron binary could be installed (a machine with internet).
import { cpSync, mkdirSync, readFileSync, rmSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { npxCommand, runOrDie } from './lib/run.mjs';

const require = createRequire(import.meta.url);
const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
const out = resolve('build', 'electron-native');
const work = join(out, 'better-sqlite3');
rmSync(work, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
cpSync(resolve('node_modules', 'better-sqlite3'), work, { recursive: true, filter: (p) => !p.includes(`${join('better-sqlite3', 'build')}`) });
console.error(`Building better-sqlite3 for Electron ${electronVersion}…`);
runOrDie(
  npxCommand,
  ['--yes', 'node-gyp', 'rebuild', '--release', `--target=${electronVersion}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers'],
  { cwd: work, env: { ...process.env, npm_config_nodedir: '' } },
);
copyFileSync(join(work, 'build', 'Release', 'better_sqlite3.node'), join(out, 'better_sqlite3.node'));
rmSync(work, { recursive: true, force: true });
console.error(`Electron build of better-sqlite3 at ${join(out, 'better_sqlite3.node')}`);

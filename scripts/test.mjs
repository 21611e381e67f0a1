#!/usr/bin/env node
// `npm test`: typecheck, lint (including the import boundaries of ARCHITECTURE.md), build, then
// unit, integration and end-to-end tests. Stops at the first failing stage.
import { readFileSync, rmSync } from 'node:fs';
import { build } from './lib/build.mjs';
import { npxCommand, run, runOrDie } from './lib/run.mjs';

const started = Date.now();
const stage = (name) => console.log(`\n━━ ${name} ━━`);

stage('typecheck');
runOrDie(npxCommand, ['--no-install', 'tsc', '-p', 'tsconfig.node.json']);
runOrDie(npxCommand, ['--no-install', 'tsc', '-p', 'tsconfig.web.json']);

stage('lint');
runOrDie(npxCommand, ['--no-install', 'eslint', '--max-warnings=0', '.']);

stage('build');
build({ force: true });

stage('tests');
const report = 'test-results/vitest.json';
rmSync(report, { force: true });
const status = run(npxCommand, ['--no-install', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)]);
let summary = null;
try {
  summary = JSON.parse(readFileSync(report, 'utf8'));
} catch {
  // vitest died before writing a report; its exit status says so below
}
const seconds = ((Date.now() - started) / 1000).toFixed(0);
if (summary) {
  console.log(`\ntests: ${summary.numPassedTests} passed, ${summary.numFailedTests} failed, ${summary.numPendingTests + summary.numTodoTests} skipped`);
}
console.log(`npm test finished in ${seconds} s`);
if (status !== 0 || !summary || summary.numTotalTests === 0) process.exit(status || 1);

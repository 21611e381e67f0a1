#!/usr/bin/env node
// `npm test`: build, then typecheck and lint (including the import boundaries of ARCHITECTURE.md) side by side,
// then unit, integration and end-to-end tests, then the stress test. Stops at the first failing stage.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from './lib/build.mjs';
import { npxCommand, run } from './lib/run.mjs';

const started = Date.now();
const stage = (name) => console.log(`\n━━ ${name} ━━`);

stage('build');
build({ force: true });

// The stress stage's database of 1,000,000 sales takes minutes to make on a fresh machine: it is made beside the
// other stages by a process at the lowest CPU priority (they keep the cores they need), and awaited before the stress
// stage; a database made by an earlier run is taken as it is (bench/sales-fixture.ts). Not when tests were named.
const fixture = process.argv.length > 2 ? null : startSalesFixture(Number(process.env.JIEZHANG_STRESS_SALES ?? 1_000_000));

// Each of the three is one thread's work: side by side they take the time of the longest, not of all three.
stage('typecheck and lint');
const checks = await Promise.all([
  ['typecheck (main)', ['--no-install', 'tsc', '-p', 'tsconfig.node.json']],
  ['typecheck (renderer)', ['--no-install', 'tsc', '-p', 'tsconfig.web.json']],
  ['lint', ['--no-install', 'eslint', '--max-warnings=0', '.']],
].map(([name, args]) => runCollected(name, npxCommand, args)));
for (const check of checks) {
  console.log(`${check.status === 0 ? '✓' : '✗'} ${check.name} (${check.seconds} s)`);
  if (check.status !== 0) console.log(check.output);
}
if (checks.some((c) => c.status !== 0)) {
  fixture?.stop();
  process.exit(1);
}

stage('tests');
// Two runs: every project but `stress`, then `stress` alone (it times the core on a 1,000,000-sale database,
// and tests running beside it would take the cores it measures). Extra arguments go to both runs.
const runs = [
  { name: 'tests', projects: ['unit', 'unit-isolated', 'integration', 'server', 'office', 'e2e'], report: 'test-results/vitest.json' },
  { name: 'stress', projects: ['stress'], report: 'test-results/vitest-stress.json' },
];
const totals = { passed: 0, failed: 0, skipped: 0, total: 0 };
let status = 0;
for (const r of runs) {
  if (r.name !== 'tests') stage(r.name);
  if (r.name === 'stress' && fixture) await fixture.done();
  rmSync(r.report, { force: true });
  const runStatus = run(npxCommand, [
    '--no-install', 'vitest', 'run', ...r.projects.flatMap((p) => ['--project', p]),
    '--passWithNoTests', '--reporter=default', '--reporter=json', `--outputFile.json=${r.report}`, ...process.argv.slice(2),
  ]);
  let summary = null;
  try {
    summary = JSON.parse(readFileSync(r.report, 'utf8'));
  } catch {
    // vitest died before writing a report; its exit status says so below
  }
  if (summary) {
    totals.passed += summary.numPassedTests;
    totals.failed += summary.numFailedTests;
    totals.skipped += summary.numPendingTests + summary.numTodoTests;
    totals.total += summary.numTotalTests;
  }
  // A failed test fails the run whatever vitest's exit status (a dependency's exit hook once made it 0).
  if (runStatus !== 0 || !summary || summary.numFailedTests > 0 || summary.success === false) status = runStatus || 1;
  if (status !== 0) break;
}
const seconds = ((Date.now() - started) / 1000).toFixed(0);
// The tests failed before the stress stage: the database is not made to the end for nothing.
fixture?.stop();
console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
console.log(`npm test finished in ${seconds} s`);
if (status !== 0 || totals.total === 0) process.exit(status || 1);

function startSalesFixture(sales) {
  mkdirSync('test-results', { recursive: true });
  const logPath = 'test-results/sales-fixture.log';
  const log = openSync(logPath, 'w');
  const started = Date.now();
  const child = spawn(process.execPath, ['out/main/bench.js', 'sales-fixture', '--sales', String(sales)], { stdio: ['ignore', log, log] });
  closeSync(log);
  try {
    setPriority(child.pid, 19);
  } catch {
    // Not allowed here: it runs at the normal priority.
  }
  // On Linux, below every normal thread (SCHED_IDLE, as the till's SQL workers: src-main/thread-priority.ts): a test
  // woken while it holds a core takes that core at once, not after its slice. Without chrt it stays at nice 19.
  if (process.platform === 'linux') spawn('chrt', ['--idle', '--all-tasks', '--pid', '0', String(child.pid)], { stdio: 'ignore' }).once('error', () => {});
  const exited = new Promise((resolve) => {
    child.once('error', (error) => resolve(`could not start: ${error.message}`));
    child.once('exit', (code, signal) => resolve(code === 0 ? null : `exited with ${signal ?? code}`));
  });
  let awaited = false;
  return {
    stop() {
      if (awaited || child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      // bench/sales-fixture.ts makes it under a name with the maker's pid, renamed when complete.
      for (const name of readdirSync(tmpdir()).filter((f) => f.includes(`.making-${child.pid}`))) rmSync(join(tmpdir(), name), { force: true });
    },
    async done() {
      awaited = true;
      const waitStarted = Date.now();
      const failure = await exited;
      const waited = ((Date.now() - waitStarted) / 1000).toFixed(0);
      const took = ((Date.now() - started) / 1000).toFixed(0);
      if (failure) {
        // The stress test makes the database itself (and says why it cannot).
        console.log(`the ${sales}-sale database made beside the tests ${failure} (${logPath}):\n${readFileSync(logPath, 'utf8').slice(-2000)}`);
      } else {
        console.log(`the ${sales}-sale database: ready ${took} s after it was started, ${waited} s of it waited for here`);
      }
    },
  };
}

/** Runs a command with its output collected (printed by the caller, so side-by-side commands do not interleave). */
function runCollected(name, command, args) {
  const begun = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks = [];
    child.stdout.on('data', (c) => chunks.push(c));
    child.stderr.on('data', (c) => chunks.push(c));
    const done = (status) => resolve({ name, status, output: Buffer.concat(chunks).toString('utf8'), seconds: ((Date.now() - begun) / 1000).toFixed(0) });
    child.once('error', (error) => {
      chunks.push(Buffer.from(`could not start ${command}: ${error.message}\n`));
      done(1);
    });
    child.once('close', (code) => done(code ?? 1));
  });
}

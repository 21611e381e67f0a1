#!/usr/bin/env node
// `npm run host -- --port N --data-dir D`: builds if needed (on stderr), then runs the headless host,
// whose only stdout line is the ready JSON. `npm run sandbox -- --port N --db PATH` runs the sandbox
// acquirer the same way (--entry=sandbox).
import { spawn } from 'node:child_process';
import { build } from './lib/build.mjs';

build();
const args = process.argv.slice(2);
const entry = args.find((a) => a.startsWith('--entry='))?.slice('--entry='.length) ?? 'host';
const child = spawn(process.execPath, [`out/main/${entry}.js`, ...args.filter((a) => !a.startsWith('--entry='))], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

#!/usr/bin/env node
// `npm run host -- --port N --data-dir D`: builds if needed (on stderr), then runs the headless host,
// whose only stdout line is the ready JSON.
import { spawn } from 'node:child_process';
import { build } from './lib/build.mjs';

build();
const child = spawn(process.execPath, ['out/main/host.js', ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

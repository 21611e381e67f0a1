#!/usr/bin/env node
// `npm run bench`: runs the built benchmarks; they print one JSON object of figures on stdout.
import { spawn } from 'node:child_process';
import { build } from './lib/build.mjs';

build();
const child = spawn(process.execPath, ['--expose-gc', 'out/main/bench.js', ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 1));

// Small process helpers for the setup scripts: Node built-ins only (they run before npm ci).
import { spawnSync } from 'node:child_process';

export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

export function runOrDie(command, args, options = {}) {
  const status = run(command, args, options);
  if (status !== 0) {
    console.error(`✗ ${command} ${args.join(' ')} exited with ${status}`);
    process.exit(status);
  }
}

export function which(command) {
  const result = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : null;
}

export const npmCommand = process.platform === 'win32' ? 'npm.cmd' : 'npm';
export const npxCommand = process.platform === 'win32' ? 'npx.cmd' : 'npx';

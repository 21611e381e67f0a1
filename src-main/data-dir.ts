import { homedir } from 'node:os';
import { join } from 'node:path';

export const DATA_DIR_ENV = 'POS_DATA_DIR';

/** Where the headless host keeps its data when neither --data-dir nor POS_DATA_DIR says otherwise. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env[DATA_DIR_ENV]) return env[DATA_DIR_ENV];
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'jiezhang-pos');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'jiezhang-pos');
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'jiezhang-pos');
}

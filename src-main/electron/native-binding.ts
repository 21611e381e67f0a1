import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * better-sqlite3 is a native addon built per ABI. `npm ci` builds it for Node (tests, the host);
 * `node scripts/electron-native.mjs` builds a second copy for Electron's ABI into this folder, so
 * one install serves both and neither build overwrites the other.
 */
export function electronNativeBinding(appPath: string): string | undefined {
  const path = join(appPath, 'build', 'electron-native', 'better_sqlite3.node');
  // eslint-disable-next-line no-restricted-syntax -- start-up: asked once before createPos, before the loop serves anything
  return existsSync(path) ? path : undefined;
}

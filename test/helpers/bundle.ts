import { mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { build } from 'vite';

/**
 * Builds one TypeScript entry (and what it imports, import.meta.glob included) into a Node ES module that a
 * test can run as a process of its own. The file lands under node_modules/.cache so packages resolve.
 */
export async function bundleForNode(entry: string): Promise<string> {
  const outDir = resolve('node_modules/.cache/test-bundles', basename(entry, '.ts'));
  mkdirSync(outDir, { recursive: true });
  await build({
    configFile: false,
    logLevel: 'silent',
    build: {
      ssr: resolve(entry),
      outDir,
      emptyOutDir: true,
      minify: false,
      rollupOptions: { output: { format: 'es', entryFileNames: 'index.mjs' } },
    },
  });
  return join(outDir, 'index.mjs');
}

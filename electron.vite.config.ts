import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

const root = import.meta.dirname;

export default defineConfig({
  // Node side: the Electron main process, plus the headless host and the benchmarks, which share
  // its code (one build of the services for every way the terminal runs).
  main: {
    plugins: [
      {
        // out/main is CommonJS (below) inside a "type": "module" package: its own package.json says so.
        name: 'commonjs-package-json',
        generateBundle() {
          this.emitFile({ type: 'asset', fileName: 'package.json', source: `${JSON.stringify({ type: 'commonjs' })}\n` });
        },
      },
    ],
    resolve: {
      // pino-roll's require('date-fns') is the whole library; it uses five functions (see the file).
      alias: [{ find: /^date-fns$/, replacement: resolve(root, 'src-main/date-fns-for-pino-roll.ts') }],
    },
    build: {
      outDir: 'out/main',
      externalizeDeps: { exclude: ['pino', 'pino-roll', 'receiptline', 'zod', 'csv-parse', 'csv-stringify', 'iconv-lite', 'tar', 'ulid', 'ws', 'serialport'] },
      rollupOptions: {
        // CommonJS, so the core's code can be loaded from V8's code cache (src-main/code-cache.ts): Node 20 caches no
        // ES module's compiled code.
        output: { format: 'cjs', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
        // serialport's JavaScript is bundled (imported as CommonJS from an ES module, Node lexes each of its 15
        // packages for their exports at every start: 60 ms of CPU more than requiring them); its native binding's
        // loader finds the addon beside its own files, so it stays a package.
        external: [/^@serialport\/bindings-cpp(\/|$)/],
        input: {
          index: resolve(root, 'src-main/electron/main.ts'),
          host: resolve(root, 'src-main/host/cli.ts'),
          sandbox: resolve(root, 'src-main/acquirer/sandbox/cli.ts'),
          'devices-sim': resolve(root, 'drivers/sim/cli.ts'),
          bench: resolve(root, 'bench/index.ts'),
          // The SQL worker thread's own entry (src-main/worker/client.ts finds it beside the core's build).
          'sql-worker': resolve(root, 'src-main/worker/sql-worker.ts'),
          // The embedded sandbox acquirer's thread (src-main/acquirer/sandbox/embedded.ts).
          'sandbox-worker': resolve(root, 'src-main/acquirer/sandbox/thread.ts'),
          // The direct providers' built-in sandboxes' thread (src-main/acquirer/direct-sandbox/embedded.ts).
          'direct-sandbox-worker': resolve(root, 'src-main/acquirer/direct-sandbox/thread.ts'),
          // The store server (server/), run by `npm run server`.
          server: resolve(root, 'server/main.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload cannot require() packages: bundle everything into one CommonJS file.
      externalizeDeps: false,
      isolatedEntries: true,
      rollupOptions: {
        input: { index: resolve(root, 'src-main/electron/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src-renderer'),
    base: './',
    plugins: [react()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      emptyOutDir: true,
      minify: true,
      // The till's screens, and the store server's web back office (served by server/ at /office/).
      rollupOptions: { input: { index: resolve(root, 'src-renderer/index.html'), office: resolve(root, 'src-renderer/office.html') } },
    },
  },
});

// Lint, and the import boundaries of ../shared/ARCHITECTURE.md (folder table) enforced as errors.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const nodeBuiltins = { group: ['node:*', 'fs', 'path', 'os', 'child_process', 'crypto', 'http', 'https', 'net', 'stream', 'worker_threads'], message: 'This folder runs without Node: no Node built-ins.' };
const electron = { group: ['electron', 'electron/*'], message: 'Only src-main/electron/ may import electron (ARCHITECTURE.md).' };
const nativeAndServer = { group: ['better-sqlite3', 'serialport', '@serialport/*', 'node-hid', 'pino', 'pino-*', 'ws'], message: 'Node-only package: not in this folder.' };
const react = { group: ['react', 'react-dom', 'react-dom/*', 'react-i18next', 'i18next'], message: 'UI libraries belong in src-renderer/.' };
const ours = (...folders) => folders.map((f) => ({ group: [`**/${f}`, `**/${f}/*`, `**/${f}/**`], message: `This folder may not import ${f}/ (ARCHITECTURE.md folder table).` }));

/**
 * The core's event loop serves scans, device I/O, timers and calls only (ARCHITECTURE.md, "The core"): no
 * synchronous file system call and no statement that reads a whole database, except in the SQL worker
 * (src-main/worker/). Start-up code that runs before the loop serves anything disables the rule on its line,
 * with the reason.
 */
const SYNC_FS = '^(readFileSync|writeFileSync|appendFileSync|statSync|lstatSync|fstatSync|existsSync|readdirSync|mkdirSync|mkdtempSync|copyFileSync|cpSync|renameSync|rmSync|rmdirSync|unlinkSync|openSync|closeSync|readSync|writeSync|fsyncSync|fdatasyncSync|chmodSync|chownSync|accessSync|realpathSync|truncateSync|ftruncateSync|opendirSync|linkSync|symlinkSync|readlinkSync|utimesSync|statfsSync)$';
const HEAVY_SQL = '(integrity_check|quick_check|\\bvacuum\\b)';
const coreLoop = {
  files: ['src-main/**/*.ts', 'db/**/*.ts'],
  ignores: ['src-main/worker/**', '**/*.test.ts'],
  rules: {
    'no-restricted-syntax': [
      'error',
      { selector: `CallExpression[callee.name=/${SYNC_FS}/]`, message: 'Synchronous file system call on the core\'s loop: use node:fs/promises, or run it in the SQL worker (src-main/worker/).' },
      { selector: `CallExpression[callee.property.name=/${SYNC_FS}/]`, message: 'Synchronous file system call on the core\'s loop: use node:fs/promises, or run it in the SQL worker (src-main/worker/).' },
      { selector: `Literal[value=/${HEAVY_SQL}/i]`, message: 'A statement that reads the whole database: run it in the SQL worker (src-main/worker/).' },
      { selector: `TemplateElement[value.raw=/${HEAVY_SQL}/i]`, message: 'A statement that reads the whole database: run it in the SQL worker (src-main/worker/).' },
      { selector: "CallExpression[callee.property.name='backup']", message: 'SQLite\'s backup reads the whole database: run it in the SQL worker (src-main/worker/).' },
    ],
  },
};

/** One rule block per folder: what it may not import. */
const boundary = (files, patterns) => ({ files, rules: { 'no-restricted-imports': ['error', { patterns }] } });

export default tseslint.config(
  { ignores: ['out/**', 'build/**', 'node_modules/**', 'test-results/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  { files: ['scripts/**/*.mjs'], languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' } } },
  { files: ['src-renderer/**/*.{ts,tsx}'], plugins: { 'react-hooks': reactHooks }, rules: reactHooks.configs.recommended.rules },

  boundary(['src-common/**'], [nodeBuiltins, electron, nativeAndServer, react, ...ours('db', 'drivers', 'src-main', 'src-renderer', 'test', 'bench')]),
  boundary(['db/**'], [electron, react, ...ours('drivers', 'src-main', 'src-renderer', 'test', 'bench')]),
  boundary(['drivers/**'], [electron, react, ...ours('db', 'src-main', 'src-renderer', 'test', 'bench')]),
  boundary(['src-main/**'], [electron, react, ...ours('src-renderer', 'test', 'bench')]),
  boundary(['src-main/electron/**'], [react, ...ours('src-renderer', 'test', 'bench')]),
  boundary(['src-renderer/**'], [nodeBuiltins, electron, nativeAndServer, ...ours('db', 'drivers', 'src-main', 'test', 'bench')]),
  boundary(['server/**'], [electron, react, ...ours('db', 'drivers', 'src-main', 'src-renderer', 'test', 'bench')]),
  coreLoop,
);

/**
 * Facts about the source that no type checker states: what the production entry points load, and that
 * the types both sides of the API share are declared once.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = process.cwd();

/** Relative specifiers a module loads when it is loaded: static value imports and re-exports (not `import type`, not `import()`). */
function staticImports(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const specifiers: string[] = [];
  for (const m of code.matchAll(/^\s*(import|export)\s+(type\s+)?([\s\S]*?)\s*from\s*['"]([^'"]+)['"]/gm)) {
    if (m[2]) continue; // `import type …` / `export type …`: erased
    if (m[1] === 'export' && !/^[{*]/.test(m[3]!.trim())) continue; // `export const x = … from` is not a re-export
    specifiers.push(m[4]!);
  }
  for (const m of code.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm)) specifiers.push(m[1]!);
  return specifiers.filter((s) => s.startsWith('.'));
}

function resolveModule(from: string, specifier: string): string | null {
  const base = resolve(dirname(from), specifier.replace(/\?.*$/, ''));
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile() && /\.tsx?$/.test(candidate)) return candidate;
  }
  return null;
}

/** Every source file an entry point loads statically, as paths relative to the repository. */
function staticGraph(entry: string): Set<string> {
  const seen = new Set<string>();
  const queue = [resolve(root, entry)];
  while (queue.length) {
    const file = queue.pop()!;
    const name = relative(root, file);
    if (seen.has(name)) continue;
    seen.add(name);
    for (const specifier of staticImports(readFileSync(file, 'utf8'))) {
      const target = resolveModule(file, specifier);
      if (target) queue.push(target);
    }
  }
  return seen;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name))
    .map((e) => relative(root, join(e.parentPath, e.name)));
}

/**
 * What the production entries load: each entry (electron/main.ts, host/cli.ts) puts the code cache in place and
 * then imports these, at run time (src-main/code-cache.ts).
 */
const ENTRIES = ['src-main/electron/shell.ts', 'src-main/host/run.ts'];

describe('the production entries', () => {
  it.each([
    ['src-main/electron/main.ts', './shell'],
    ['src-main/host/cli.ts', './run'],
  ])('%s loads only the code cache before the rest of the build, which it imports at run time', (entry, rest) => {
    expect([...staticGraph(entry)].sort()).toEqual([entry, 'src-main/code-cache.ts'].sort());
    expect(readFileSync(join(root, entry), 'utf8')).toContain(`import('${rest}')`);
  });
});

describe('the production import graph', () => {
  const inSandbox = (f: string) => f.startsWith('src-main/acquirer/sandbox/');
  /** What starts the embedded sandbox's thread (a worker file and its messages): none of the sandbox's own code. */
  const LAUNCHER = ['src-main/acquirer/sandbox/embedded.ts', 'src-main/acquirer/sandbox/thread-protocol.ts'];

  it.each(ENTRIES)('%s does not load the sandbox acquirer (it runs in its own thread, from its own entry, when configured)', (entry) => {
    const graph = staticGraph(entry);
    expect(graph.has('src-main/pos.ts')).toBe(true);
    expect([...graph].filter((f) => inSandbox(f) && !LAUNCHER.includes(f))).toEqual([]);
    expect(readFileSync(join(root, 'src-main/pos.ts'), 'utf8')).toContain('await startEmbeddedSandbox(');
  });

  /** The direct providers' sandboxes and what makes their keys: loaded by their thread only (direct-sandbox/thread.ts). */
  const DIRECT_SANDBOX_CODE = [
    'src-main/acquirer/wechat/sandbox-v2.ts',
    'src-main/acquirer/wechat/sandbox-v3.ts',
    'src-main/acquirer/alipay/sandbox.ts',
    'src-main/acquirer/direct-sandbox/thread.ts',
    'src-main/acquirer/direct-sandbox/identity.ts',
  ];

  it.each(ENTRIES)('%s does not load the direct providers’ built-in sandboxes (their thread is started from its own entry when chosen)', (entry) => {
    const graph = staticGraph(entry);
    expect(graph.has('src-main/acquirer/direct-sandbox/embedded.ts')).toBe(true);
    expect(DIRECT_SANDBOX_CODE.filter((f) => graph.has(f))).toEqual([]);
  });

  it.each(ENTRIES)('%s loads Alipay direct’s provider (alipay-sdk, urllib, undici, jszip) only when it connects', (entry) => {
    const graph = staticGraph(entry);
    expect(graph.has('src-main/acquirer/direct-providers.ts')).toBe(true);
    expect(graph.has('src-main/acquirer/alipay/keys.ts')).toBe(true);
    expect(graph.has('src-main/acquirer/alipay/provider.ts')).toBe(false);
    expect(readFileSync(join(root, 'src-main/acquirer/direct-providers.ts'), 'utf8')).toContain("import('./alipay/provider')");
    // Nothing else in the graph imports the SDK or the HTTP client it brings.
    const external = [...graph].filter((f) => /from ['"](alipay-sdk|urllib|jszip)['"]/.test(readFileSync(join(root, f), 'utf8')));
    expect(external).toEqual([]);
  });

  it.each(ENTRIES)('%s loads WeChat Pay’s adapters (and fast-xml-parser) only when one connects', (entry) => {
    const graph = staticGraph(entry);
    expect(['src-main/acquirer/wechat/v2.ts', 'src-main/acquirer/wechat/v3.ts', 'src-main/acquirer/wechat/v3-global.ts', 'src-main/acquirer/wechat/xml.ts'].filter((f) => graph.has(f))).toEqual([]);
    const providers = readFileSync(join(root, 'src-main/acquirer/direct-providers.ts'), 'utf8');
    for (const module of ['./wechat/v2', './wechat/v3', './wechat/v3-global']) expect(providers).toContain(`import('${module}')`);
    expect([...graph].filter((f) => /from ['"]fast-xml-parser['"]/.test(readFileSync(join(root, f), 'utf8')))).toEqual([]);
  });

  it.each(ENTRIES)('%s draws receipts’ previews in the search worker: receiptline is not in its graph', (entry) => {
    const graph = staticGraph(entry);
    expect(graph.has('drivers/receipt/preview.ts')).toBe(false);
    expect([...graph].filter((f) => /from ['"]receiptline['"]/.test(readFileSync(join(root, f), 'utf8')))).toEqual([]);
    expect(readFileSync(join(root, 'src-main/worker/operations.ts'), 'utf8')).toContain("import('../../drivers/receipt/preview')");
  });

  it.each(ENTRIES)('%s loads pinyin-pro when first used (drivers/pinyin.ts), not at the start', (entry) => {
    const graph = staticGraph(entry);
    expect(graph.has('drivers/pinyin.ts')).toBe(true);
    expect([...graph].filter((f) => /^import (?!type )[^;]*from ['"]pinyin-pro['"]/m.test(readFileSync(join(root, f), 'utf8')))).toEqual([]);
  });

  it.each(ENTRIES)('%s loads serialport when a serial port is first opened or listed (drivers/transport/serialport.ts)', (entry) => {
    const graph = staticGraph(entry);
    expect(graph.has('drivers/transport/serial.ts')).toBe(true);
    expect([...graph].filter((f) => /^import (?!type )[^;]*from ['"]serialport['"]/m.test(readFileSync(join(root, f), 'utf8')))).toEqual([]);
  });

  it('the walker does find the direct sandboxes from their thread’s entry', () => {
    expect(DIRECT_SANDBOX_CODE.filter((f) => !staticGraph('src-main/acquirer/direct-sandbox/thread.ts').has(f))).toEqual([]);
  });

  it('the walker does find the sandbox where it is loaded (its own entries: the command line and the thread)', () => {
    expect([...staticGraph('src-main/acquirer/sandbox/cli.ts')].filter(inSandbox)).toContain('src-main/acquirer/sandbox/server.ts');
    expect([...staticGraph('src-main/acquirer/sandbox/thread.ts')].filter(inSandbox)).toContain('src-main/acquirer/sandbox/server.ts');
  });
});

describe('import cycles', () => {
  it('receipts and sales do not load each other both ways (the receipt number is their own module)', () => {
    expect(staticGraph('src-main/services/sales.ts').has('src-main/services/receipts.ts')).toBe(true);
    expect(staticGraph('src-main/services/receipts.ts').has('src-main/services/sales.ts')).toBe(false);
  });
});

describe('shared types', () => {
  it.each(['PaymentView', 'RefundView', 'DeviceStatus', 'Wallet', 'FailureCode'])('%s is declared once, in src-common', (name) => {
    const declaration = new RegExp(`^export\\s+(?:interface|type)\\s+${name}\\b`, 'm');
    const declaredIn = ['src-common', 'src-main', 'drivers', 'db', 'src-renderer']
      .flatMap(sourceFiles)
      .filter((f) => declaration.test(readFileSync(join(root, f), 'utf8')) || new RegExp(`^\\s*(?:interface|type)\\s+${name}\\b`, 'm').test(readFileSync(join(root, f), 'utf8')));
    expect(declaredIn).toHaveLength(1);
    expect(declaredIn[0]).toMatch(/^src-common\//);
  });
});

/**
 * The modules of the built host that load with it: the entry's static requires (CommonJS), the rest of the build it
 * loads at run time (`require("./chunks/run-…")` inside a promise), and their static requires, chunk by chunk. A
 * require inside a promise further in is a module loaded when used, not at the start.
 */
function builtStartGraph(entry: string): Map<string, string> {
  const chunks = new Map<string, string>();
  const entryFile = resolve(root, entry);
  const rest = /Promise\.resolve\(\)\.then\(\(\) => require\("(\.\/chunks\/run-[^"]+)"\)\)/.exec(readFileSync(entryFile, 'utf8'));
  const queue = [entryFile, ...(rest ? [resolve(dirname(entryFile), rest[1]!)] : [])];
  while (queue.length) {
    const file = queue.pop()!;
    if (chunks.has(file)) continue;
    const code = readFileSync(file, 'utf8');
    chunks.set(file, code);
    for (const m of code.matchAll(/^(?:(?:const|let|var) \w+ = )?require\("(\.[^"]+)"\)/gm)) queue.push(resolve(dirname(file), m[1]!));
  }
  return chunks;
}

describe('the built host’s start', () => {
  const HOST = 'out/main/host.js';
  const built = existsSync(join(root, HOST));

  it.skipIf(!built)('loads no receiptline and, of date-fns, only what pino-roll uses (not its 600 kB index)', () => {
    const modules = [...builtStartGraph(HOST).values()].flatMap((code) => [...code.matchAll(/^\/\/ node_modules\/(\S+)/gm)].map((m) => m[1]!));
    expect(modules.some((m) => m.startsWith('pino-roll/'))).toBe(true);
    expect(modules.filter((m) => m.startsWith('receiptline/') || m.startsWith('pngjs/') || m === 'date-fns/index.cjs' || m.startsWith('date-fns/locale/') && !m.startsWith('date-fns/locale/en-US') && !m.startsWith('date-fns/locale/_lib'))).toEqual([]);
    expect(modules.filter((m) => m.startsWith('date-fns/')).length).toBeLessThan(120);
    expect(modules.filter((m) => m.startsWith('pinyin-pro/'))).toEqual([]);
  });

  it.skipIf(!built)('is CommonJS (for the code cache); serialport (bundled, its binding required) is loaded when a serial port is first opened or listed', () => {
    const graph = [...builtStartGraph(HOST).values()];
    expect(graph.length).toBeGreaterThan(10);
    expect(graph.filter((code) => /^(import|export)\s/m.test(code))).toEqual([]);
    expect(graph.filter((code) => code.includes('// node_modules/@serialport/stream/') || code.includes('require("@serialport/bindings-cpp")'))).toEqual([]);
    const serialport = readdirSync(join(root, 'out/main/chunks')).filter((f) => readFileSync(join(root, 'out/main/chunks', f), 'utf8').includes('// node_modules/@serialport/stream/'));
    expect(serialport).toHaveLength(1);
    expect(readFileSync(join(root, 'out/main/chunks', serialport[0]!), 'utf8')).toContain('require("@serialport/bindings-cpp")');
    expect(JSON.parse(readFileSync(join(root, 'out/main/package.json'), 'utf8'))).toEqual({ type: 'commonjs' });
  });
});

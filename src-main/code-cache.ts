/**
 * V8's code cache for the terminal's own built code (out/main): the functions a start compiled, kept on disk and
 * given back to V8 at the next start, so it does not parse and compile them again. Parsing and compiling the
 * core's 2.5 MB of JavaScript was a third of its start's CPU (a quarter-core till: 2.15 s to ready without the
 * cache, 1.7 s with it). Node 20 keeps no such cache for ES modules, so the build is CommonJS, and its modules are
 * compiled here (`Module.prototype._compile`, as the v8-compile-cache package and Node 22's own compile cache do);
 * the packages in node_modules load as usual.
 *
 * A file's cache is named by a hash of its text with V8's version, the CPU architecture and Node's flags (a rebuilt
 * file, another Node or other flags find none), written once: by the first start that had none, when it is ready (`save`), from the
 * functions that start compiled. V8 refuses a cache made under other flags; that file is compiled as usual and
 * its cache written again. Written to a temporary name, then renamed: a start reading beside one writing never
 * reads half a file. Anything wrong with the directory only costs the time the cache saves.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import Module, { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import vm from 'node:vm';

export interface CodeCacheStats {
  /** Files of the build compiled so far. */
  readonly files: number;
  /** Of those, compiled from the cache. */
  readonly fromCache: number;
  /** Caches V8 refused (made under other flags): compiled as usual. */
  readonly refused: number;
}

export interface CodeCache {
  readonly dir: string | null;
  stats(): CodeCacheStats;
  /**
   * Writes the cache of each file compiled without one, then prunes what an earlier build left (`pruneCodeCache`);
   * resolves to how many files were written, their bytes, and how many were pruned. Call once the start is done.
   */
  save(): Promise<{ written: number; bytes: number; pruned: number; failed: string | null }>;
}

/** Where the cache is kept: JIEZHANG_CODE_CACHE_DIR ('off': nowhere), else the user's cache directory, which outlives a reboot. */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string | null {
  const configured = env.JIEZHANG_CODE_CACHE_DIR;
  if (configured === 'off') return null;
  if (configured) return configured;
  if (platform === 'win32') return env.LOCALAPPDATA ? join(env.LOCALAPPDATA, 'jiezhang-pos', 'code-cache') : null;
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'jiezhang-pos', 'code-cache');
}

interface CompiledFile {
  readonly name: string;
  readonly script: vm.Script;
}

type Compile = (this: Module, content: string, filename: string, ...rest: unknown[]) => unknown;

/**
 * Compiles the files under `buildDir` that are required from now on through the cache in `cacheDir` (null: no
 * cache, compiled as usual). Call first thing in an entry, then load the rest of the build with a dynamic import
 * (a require the bundler leaves to run time).
 */
export function installCodeCache(buildDir: string, cacheDir: string | null): CodeCache {
  const withoutCache: CompiledFile[] = [];
  /** The cache files this start read or will write: not pruned. */
  const used = new Set<string>();
  let files = 0;
  let fromCache = 0;
  let refused = 0;
  const prototype = Module.prototype as unknown as { _compile: Compile };
  const compile = prototype._compile;
  const ours = buildDir.endsWith(sep) ? buildDir : `${buildDir}${sep}`;
  // V8 refuses a cache made under other flags: a start with other flags (a profiler's, say) keeps its own files,
  // rather than each rewriting the other's at every start.
  const flags = createHash('sha256').update(`${process.execArgv.join(' ')}\n${process.env.NODE_OPTIONS ?? ''}`).digest('hex').slice(0, 8);
  const runtime = `${process.arch}-${process.versions.v8}-${flags}`;

  if (cacheDir) {
    prototype._compile = function (this: Module, content: string, filename: string, ...rest: unknown[]) {
      if (!filename.startsWith(ours) || !filename.endsWith('.js')) return compile.call(this, content, filename, ...rest);
      const name = `${createHash('sha256').update(content).digest('hex').slice(0, 32)}-${runtime}.bin`;
      used.add(name);
      let cachedData: Buffer | undefined;
      try {
        // Synchronous as require() is: a module is compiled inside it (at the start, before the loop runs anything).
        // eslint-disable-next-line no-restricted-syntax
        cachedData = readFileSync(join(cacheDir, name));
      } catch {
        // none yet
      }
      const script = new vm.Script(Module.wrap(content), {
        filename,
        ...(cachedData ? { cachedData } : {}),
        importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
      });
      files += 1;
      if (cachedData && !script.cachedDataRejected) fromCache += 1;
      else {
        if (cachedData) refused += 1;
        withoutCache.push({ name, script });
      }
      const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
      const require = createRequire(filename);
      return wrapper.call(this.exports, this.exports, require, this, filename, dirname(filename));
    };
  }

  return {
    dir: cacheDir,
    stats: () => ({ files, fromCache, refused }),
    async save() {
      if (!cacheDir || withoutCache.length === 0) return { written: 0, bytes: 0, pruned: 0, failed: null };
      let written = 0;
      let bytes = 0;
      try {
        await mkdir(cacheDir, { recursive: true, mode: 0o700 });
        for (const { name, script } of withoutCache.splice(0)) {
          const data = script.createCachedData();
          const temporary = join(cacheDir, `${name}.${process.pid}.tmp`);
          await writeFile(temporary, data, { mode: 0o600 });
          await rename(temporary, join(cacheDir, name));
          written += 1;
          bytes += data.length;
        }
        // Only a start that wrote prunes: that is the first start of a new build (or after a refused file).
        const pruned = await pruneCodeCache(cacheDir, { used, runtime, now: Date.now() });
        return { written, bytes, pruned, failed: null };
      } catch (error) {
        return { written, bytes, pruned: 0, failed: (error as Error).message };
      }
    },
  };
}

/** A cache file of another runtime (another Node, Electron, other flags) not written for this long is pruned. */
export const CODE_CACHE_KEEP_MS = 30 * 24 * 3600_000;

/**
 * Deletes the cache files an earlier build left: those of this runtime that this start did not use (a rebuilt file's
 * old cache; a file another configuration loads before it is ready is written again by its next start), those of
 * another runtime not written for CODE_CACHE_KEEP_MS, and temporary files of writes that did not finish. A file
 * another process deletes first, or cannot be deleted, is left. Resolves to how many were deleted.
 */
export async function pruneCodeCache(dir: string, options: { used: ReadonlySet<string>; runtime: string; now: number }): Promise<number> {
  let pruned = 0;
  for (const name of await readdir(dir)) {
    if (options.used.has(name) || !(name.endsWith('.bin') || name.endsWith('.tmp'))) continue;
    const path = join(dir, name);
    try {
      const ofThisRuntime = name.endsWith(`-${options.runtime}.bin`);
      const age = options.now - (await stat(path)).mtimeMs;
      if (ofThisRuntime || age > (name.endsWith('.tmp') ? 3600_000 : CODE_CACHE_KEEP_MS)) {
        await unlink(path);
        pruned += 1;
      }
    } catch {
      // gone already, or not ours to delete
    }
  }
  return pruned;
}

/**
 * Every message exists in both languages, and every key the screens ask for exists: an untranslated key would
 * show as `area.some.key` (or, with a defaultValue, as whatever English main sent).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resources } from '../../src-renderer/i18n';

type Tree = { readonly [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    if (typeof value === 'string') out.set(prefix + key, value);
    else for (const [k, v] of flatten(value, `${prefix}${key}.`)) out.set(k, v);
  }
  return out;
}

const zh = flatten(resources['zh-CN'].translation as unknown as Tree);
const en = flatten(resources.en.translation as unknown as Tree);
const PLURAL = /_(zero|one|two|few|many|other)$/;
const base = (key: string) => key.replace(PLURAL, '');
const interpolations = (text: string) => [...text.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]).sort();

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'i18n' ? [] : sources(path);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [path] : [];
  });
}

const root = join(import.meta.dirname, '../../src-renderer');
/** `t('a.b')`, `t("a.b")`, `t(\`a.${x}\`)` and `i18n.t(…)`: a literal key, or the literal part before the first `${`. */
const CALL = /(?<![\w$.])(?:i18n\.)?t\(\s*(['"`])((?:(?!\1)[^\\$]|\$(?!\{))*)(\$\{)?/g;
const used = sources(root).flatMap((file) => {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(CALL)].map((m) => ({ file: relative(root, file), key: m[2]!, dynamic: m[3] !== undefined }));
});

describe('i18n dictionaries', () => {
  it('have the same keys in zh-CN and en', () => {
    const zhKeys = new Set([...zh.keys()].map(base));
    const enKeys = new Set([...en.keys()].map(base));
    expect([...zhKeys].filter((k) => !enKeys.has(k)), 'in zh-CN only').toEqual([]);
    expect([...enKeys].filter((k) => !zhKeys.has(k)), 'in en only').toEqual([]);
  });

  it('use the same {{placeholders}} in both languages', () => {
    const differ = [...zh].filter(([k, v]) => en.has(k) && interpolations(v).join() !== interpolations(en.get(k)!).join()).map(([k]) => k);
    expect(differ).toEqual([]);
  });

  it('hold every key the renderer asks for (t(…) calls in src-renderer)', () => {
    expect(used.length).toBeGreaterThan(500);
    const keys = new Set([...zh.keys()].map(base));
    const missing = used
      .filter(({ key, dynamic }) => (dynamic ? ![...keys].some((k) => k.startsWith(key)) : !keys.has(key)))
      .map(({ file, key, dynamic }) => `${file}: ${key}${dynamic ? '${…}' : ''}`);
    expect(missing).toEqual([]);
  });
});

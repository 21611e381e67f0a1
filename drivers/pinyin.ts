/**
 * pinyin-pro, loaded when first needed rather than with the till. Evaluating it (its dictionaries) was ~15 ms of a
 * start's main thread at full speed, four times that on a quarter of a core, for what most starts never use: the
 * initials of a product name the catalog has not stored yet, and Han transliterated for an ASCII-only display.
 * Synchronous, as its callers are (a product written inside its transaction, a display line being encoded); the
 * first call pays the load, as it already paid pinyin-pro's word automaton.
 */
import { createRequire } from 'node:module';
import type * as PinyinProModule from 'pinyin-pro';

type PinyinPro = typeof PinyinProModule;

let engine: PinyinPro | undefined;

export function pinyinPro(): PinyinPro {
  // A require the bundler leaves to run time: pinyin-pro is loaded from node_modules on this first call.
  return (engine ??= createRequire(import.meta.url)('pinyin-pro') as PinyinPro);
}

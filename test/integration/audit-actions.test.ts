import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS } from '../../src-common/audit-actions';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

/** The audit filter offers every action main records, and nothing it does not. */
describe('audit actions', () => {
  it('lists exactly the actions src-main records', () => {
    const recorded = new Set<string>();
    for (const file of sources('src-main')) {
      const text = readFileSync(file, 'utf8');
      // `action: 'x.y'`, and both branches of `action: cond ? 'x.y' : 'x.z'`.
      for (const match of text.matchAll(/action: ([^,}]+)/g)) for (const name of match[1]!.matchAll(/'([a-zA-Z]+\.[a-zA-Z]+)'/g)) recorded.add(name[1]!);
      // The drawer service passes its action through a variable: its two callers name them.
      for (const match of text.matchAll(/\bopen\('([a-zA-Z]+\.[a-zA-Z]+)', session/g)) recorded.add(match[1]!);
    }
    expect([...recorded].sort()).toEqual([...AUDIT_ACTIONS].sort());
  });
});

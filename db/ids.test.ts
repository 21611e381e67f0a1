import { describe, expect, it } from 'vitest';
import { newId } from './ids';

describe('newId', () => {
  it('makes 26-character Crockford ULIDs that sort by time and do not repeat', () => {
    const ids = Array.from({ length: 20000 }, (_, i) => newId(1_700_000_000_000 + Math.floor(i / 100)));
    for (const id of ids) expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(newId(1000) < newId(2000)).toBe(true);
  });
});
